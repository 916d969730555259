#!/bin/sh
# STAND-IN entrypoint for the `node:24-bookworm-slim` stand-in (the real image
# cannot be pulled on this project's test machines: no container registry is
# reachable). It behaves like the official image's entrypoint: run the
# command with node when the first argument is an option, is not a command on
# PATH, or is a file that is not executable.
set -e

if [ "${1#-}" != "${1}" ] || [ -z "$(command -v "${1}")" ] || { [ -f "${1}" ] && ! [ -x "${1}" ]; }; then
  set -- node "$@"
fi

exec "$@"
