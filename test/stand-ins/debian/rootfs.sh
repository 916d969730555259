#!/usr/bin/env bash
# STAND-IN recipe, not the real image. The machines that develop and test this
# project reach Debian's package mirror and the npm registry but no container
# registry (Docker Hub included), so `docker pull debian:bookworm-slim` cannot
# work here. build.sh imports the tarball this script makes and tags it
# `debian:bookworm-slim`, so the other stand-ins (and any `FROM
# debian:bookworm-slim`) find it locally and BuildKit never tries to pull.
#
# What it makes: a Debian 12 "minbase" root filesystem from debootstrap,
# slimmed roughly the way the official slim images are (no docs, man pages,
# info pages or translations; apt set up not to keep caches; services never
# started by package scripts).
#
# Usage: rootfs.sh <output.tar> [ARCH]   (run as root; needs debootstrap)
# ARCH is a Debian architecture (default: the host's). A foreign one (arm64 on an
# amd64 host) needs binfmt_misc to run its binaries: .ci/provision registers QEMU.
set -euo pipefail

out=$1
arch=${2:-}
work=$(mktemp -d "${TMPDIR:-/var/tmp}/stagecraft-rootfs.XXXXXX")
dir=$work/rootfs
cleanup() {
  # debootstrap mounts /proc and /sys inside the target and may leave them
  # behind on failure: unmount before deleting anything.
  awk -v d="$dir" 'index($2, d) == 1 { print $2 }' /proc/mounts | sort -r | while read -r m; do
    umount -l "$m" 2>/dev/null || true
  done
  rm -rf --one-file-system "$work"
}
trap cleanup EXIT

# No mirror argument: debootstrap uses Debian's default mirror, the same one
# the host's apt uses.
if ! debootstrap ${arch:+--arch="$arch"} --variant=minbase bookworm "$dir" >"$work/debootstrap.log" 2>&1; then
  tail -n 30 "$work/debootstrap.log" >&2
  exit 1
fi

# apt sources like the official image: bookworm, bookworm-updates and
# bookworm-security, in deb822 form, on the mirror debootstrap used.
mirror=$(awk '$1 == "deb" { print $2; exit }' "$dir/etc/apt/sources.list")
rm -f "$dir/etc/apt/sources.list"
cat >"$dir/etc/apt/sources.list.d/debian.sources" <<SOURCES
Types: deb
URIs: $mirror
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: ${mirror%/debian}/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES

# Keep docs, man pages and translations out of every later install too.
cat >"$dir/etc/dpkg/dpkg.cfg.d/docker" <<'DPKG'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/locale/*
DPKG
cat >"$dir/etc/apt/apt.conf.d/docker-clean" <<'APT'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
APT
echo 'Acquire::Languages "none";' >"$dir/etc/apt/apt.conf.d/docker-no-languages"
echo 'Acquire::GzipIndexes "true";' >"$dir/etc/apt/apt.conf.d/docker-gzip-indexes"
echo 'Apt::AutoRemove::SuggestsImportant "false";' >"$dir/etc/apt/apt.conf.d/docker-autoremove-suggests"
# Package scripts must never start services inside an image build.
printf '#!/bin/sh\nexit 101\n' >"$dir/usr/sbin/policy-rc.d"
chmod 0755 "$dir/usr/sbin/policy-rc.d"

# Strip what the dpkg excludes above would have kept out.
find "$dir/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
find "$dir/usr/share/doc" -mindepth 1 -type d -empty -delete
rm -rf "$dir"/usr/share/{man,groff,info,lintian,linda,locale}/*
# Caches, logs and per-host files that do not belong in an image.
rm -rf "${dir:?}"/var/lib/apt/lists/* "$dir"/var/cache/apt/*.bin "$dir"/var/cache/apt/archives/*.deb \
  "$dir"/var/cache/debconf/*-old "$dir"/var/lib/dpkg/*-old "$dir"/var/log/apt/* "${dir:?}"/tmp/* "${dir:?}"/dev/*
find "$dir/var/log" -type f -exec truncate -s 0 {} +
rm -f "$dir/etc/hostname" "$dir/etc/machine-id"
: >"$dir/etc/resolv.conf"
chmod 0644 "$dir/etc/resolv.conf"

tar --numeric-owner -C "$dir" -cf "$out.tmp" .
mv "$out.tmp" "$out"
