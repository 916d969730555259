#!/bin/sh
# STAND-IN client entrypoint for the `docker:cli`/`docker:dind` stand-ins
# (the real images cannot be pulled on this project's test machines: no
# container registry is reachable). Behaves like the official one: point
# DOCKER_HOST at tcp://docker:2376 (TLS, with the client certificates in
# $DOCKER_TLS_CERTDIR/client) or tcp://docker:2375 when there is no local
# socket and no DOCKER_HOST, and run `docker` when the first argument is an
# option or a docker subcommand.
set -eu

_should_tls() {
  [ -n "${DOCKER_TLS_CERTDIR:-}" ] \
    && [ -s "$DOCKER_TLS_CERTDIR/client/ca.pem" ] \
    && [ -s "$DOCKER_TLS_CERTDIR/client/cert.pem" ] \
    && [ -s "$DOCKER_TLS_CERTDIR/client/key.pem" ]
}

if [ -z "${DOCKER_HOST:-}" ] && [ ! -S /var/run/docker.sock ]; then
  if _should_tls || [ -n "${DOCKER_TLS_VERIFY:-}" ]; then
    export DOCKER_HOST=tcp://docker:2376
  else
    export DOCKER_HOST=tcp://docker:2375
  fi
fi
if [ -n "${DOCKER_HOST:-}" ] && _should_tls; then
  export DOCKER_TLS_VERIFY=1
  export DOCKER_CERT_PATH="$DOCKER_TLS_CERTDIR/client"
fi

if [ "$#" -eq 0 ] || [ "${1#-}" != "$1" ]; then
  set -- docker "$@"
elif [ -z "$(command -v "$1")" ] && docker help "$1" >/dev/null 2>&1; then
  # `docker run docker:cli version` runs `docker version`.
  set -- docker "$@"
fi

exec "$@"
