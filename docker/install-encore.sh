#!/bin/sh
# Installs the Encore CLI release tarball into $ENCORE_PREFIX (default /opt/encore),
# keeping its layout (bin/, encore-go/, runtimes/): the CLI finds its install root only
# when encore-go/ and runtimes/ sit beside bin/.
#
# The tarball comes from $VENDOR_DIR when a file with the official name is there (the
# offline path for air-gapped builds), else from Encore's download host. Either way its
# sha256 must match $ENCORE_SHA256, or the table row for the version and architecture:
# an unknown or mismatching checksum fails the build; nothing is skipped.
#
# Environment: ENCORE_VERSION (no "v"), TARGETARCH (amd64|arm64), optional
# ENCORE_SHA256, CHECKSUMS (the TSV table), VENDOR_DIR, ENCORE_PREFIX, and EXTRA_CA (a
# PEM file trusted in addition to the system bundle, for a TLS-intercepting proxy).
set -eu

: "${ENCORE_VERSION:?set ENCORE_VERSION, e.g. 1.56.4}"
: "${TARGETARCH:?set TARGETARCH (amd64 or arm64); BuildKit sets it}"
: "${CHECKSUMS:=/tmp/encore-release-sha256.tsv}"
: "${VENDOR_DIR:=/vendor}"
: "${ENCORE_PREFIX:=/opt/encore}"
: "${EXTRA_CA:=/run/secrets/extra_ca}"
ENCORE_SHA256=${ENCORE_SHA256:-}
DOWNLOAD_BASE=https://d2f391esomvqpi.cloudfront.net

die() {
	printf 'install-encore: error: %s\n' "$*" >&2
	exit 1
}
log() { printf 'install-encore: %s\n' "$*" >&2; }

case $TARGETARCH in
	amd64 | arm64) ;;
	*) die "Encore publishes linux_amd64 and linux_arm64 releases only, not linux_$TARGETARCH" ;;
esac
case $ENCORE_VERSION in
	v*) die "ENCORE_VERSION=$ENCORE_VERSION: write the version without the leading v" ;;
esac
target=linux_$TARGETARCH
name=encore-$ENCORE_VERSION-$target.tar.gz

# The expected checksum: the override, else the table's column for this target.
if [ -n "$ENCORE_SHA256" ]; then
	expected=$(printf '%s' "$ENCORE_SHA256" | tr 'A-F' 'a-f')
	source_of_sum="ENCORE_SHA256"
else
	[ -r "$CHECKSUMS" ] || die "checksum table $CHECKSUMS is missing"
	expected=$(awk -F '\t' -v version="$ENCORE_VERSION" -v target="$target" '
		NR == 1 { for (i = 1; i <= NF; i++) if ($i == target) column = i; next }
		column && $1 == version { print $column; exit }
	' "$CHECKSUMS")
	[ -n "$expected" ] || die "no checksum for Encore $ENCORE_VERSION ($target) in data/encore-release-sha256.tsv;" \
		"pick a listed version, or pass --build-arg ENCORE_SHA256=<sha256 of $name> if you have verified it yourself"
	source_of_sum="data/encore-release-sha256.tsv"
fi
printf '%s\n' "$expected" | grep -Eqx '[0-9a-f]{64}' || die "the expected checksum from $source_of_sum is not a sha256: $expected"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ -f "$VENDOR_DIR/$name" ]; then
	log "using vendor/encore/$name from the build context (no download)"
	tarball=$VENDOR_DIR/$name
else
	tarball=$work/$name
	url=$DOWNLOAD_BASE/$name
	log "downloading $url"
	if ! command -v curl >/dev/null; then
		# Only this stage has curl; apt itself uses plain HTTP with signed indexes.
		apt-get update -qq
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends curl ca-certificates >/dev/null
	fi
	cacert=/etc/ssl/certs/ca-certificates.crt
	if [ -s "$EXTRA_CA" ]; then
		# curl takes one bundle: the system's plus the proxy's CA, in this temporary
		# directory only (removed on exit, never part of a layer).
		cat "$cacert" "$EXTRA_CA" >"$work/ca.pem"
		cacert=$work/ca.pem
	fi
	curl --fail --silent --show-error --location --retry 3 --cacert "$cacert" --output "$tarball" "$url" ||
		die "could not download $url; for an offline build put $name in vendor/encore/"
fi

actual=$(sha256sum "$tarball" | cut -d ' ' -f 1)
if [ "$actual" != "$expected" ]; then
	die "checksum mismatch for $name: expected $expected (from $source_of_sum), got $actual;" \
		"the file is corrupt or not the official release"
fi
log "sha256 $actual verified against $source_of_sum"

mkdir -p "$ENCORE_PREFIX"
tar -xzf "$tarball" -C "$ENCORE_PREFIX" --no-same-owner
for path in bin/encore encore-go runtimes; do
	[ -e "$ENCORE_PREFIX/$path" ] || die "$name has no $path: not the official release layout"
done
[ -x "$ENCORE_PREFIX/bin/encore" ] || die "$ENCORE_PREFIX/bin/encore is not executable"
# The verified version, for the runner: `encore version` checks for updates over the network
# before it prints, and may say nothing for 10 s offline.
printf '{"version":"%s","target":"%s","sha256":"%s"}\n' "$ENCORE_VERSION" "$target" "$actual" >"$ENCORE_PREFIX/encore-release.json"
log "Encore $ENCORE_VERSION ($target) installed in $ENCORE_PREFIX"
