#!/usr/bin/env bash
# Builds the service images the container tests run beside the toolbox, from Debian
# packages on top of the debian:bookworm-slim stand-in that build.sh makes (run that
# first). No container registry is reachable on this project's machines.
#
#   registry:2                       STAND-IN: Debian's docker-registry (distribution 2.8) (registry/)
#   stagecraft-test/tinyproxy:1.11   a forward proxy, Debian's tinyproxy (tinyproxy/)
#
# Like build.sh, each image carries org.stagecraft.recipe-hash (its recipe folder, this
# script and the base image's hash) and is rebuilt only when missing or changed.
# Usage: bash test/stand-ins/build-services.sh   (root, a Docker engine with buildx)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
tools=${STAGECRAFT_TOOLS_DIR:-/opt/stagecraft-ci}
cache=$tools/stand-ins
mkdir -p "$cache"

log() { printf '[stand-ins] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

label_hash() {
  docker image inspect --format '{{ index .Config.Labels "org.stagecraft.recipe-hash" }}' "$1" 2>/dev/null || true
}
base_hash=$(label_hash debian:bookworm-slim)
[ -n "$base_hash" ] || die "debian:bookworm-slim (the stand-in) is missing: run test/stand-ins/build.sh first"

exec 9>"$cache/.lock"
flock 9

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
script_hash=$(sha256sum "$here/build-services.sh" | cut -d' ' -f1)

# image TAG RECIPE_DIR: builds TAG from RECIPE_DIR unless its recipe hash is current.
image() {
  local tag=$1 dir=$2 hash old logf start=$SECONDS new
  hash=$(printf '%s\n' "$(dir_hash "$dir")" "$script_hash" "$base_hash" | sha256sum | cut -d' ' -f1)
  [ "$(label_hash "$tag")" = "$hash" ] && return 0
  old=$(docker image inspect --format '{{.Id}}' "$tag" 2>/dev/null || true)
  logf="$cache/build-$(printf '%s' "$tag" | tr ':/' '__').log"
  log "building $tag"
  docker buildx build --progress=plain --label org.stagecraft.stand-in=true \
    --label "org.stagecraft.recipe-hash=$hash" --tag "$tag" "$here/$dir" >"$logf" 2>&1 ||
    { tail -n 40 "$logf" >&2; die "building $tag failed; full log in $logf"; }
  new=$(docker image inspect --format '{{.Id}}' "$tag")
  if [ -n "$old" ] && [ "$old" != "$new" ]; then docker rmi "$old" >/dev/null 2>&1 || true; fi
  log "built $tag in $((SECONDS - start)) s"
}

image registry:2 registry
image stagecraft-test/tinyproxy:1.11 tinyproxy
