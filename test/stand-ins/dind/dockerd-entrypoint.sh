#!/bin/sh
# STAND-IN entrypoint for the `docker:dind` stand-in (the real image cannot be
# pulled on this project's test machines: no container registry is
# reachable). Written to behave like the official image's
# dockerd-entrypoint.sh:
#   - no arguments, or only options: run dockerd with default --host flags
#     and the given options appended (e.g. `--storage-driver vfs`);
#   - DOCKER_TLS_CERTDIR set (default /certs): generate a CA, a server
#     certificate (SANs: the container's IPs and hostnames, docker,
#     localhost, $DOCKER_TLS_SAN) and a client certificate into
#     $DOCKER_TLS_CERTDIR/{ca,server,client}, then listen on
#     tcp://0.0.0.0:2376 with --tlsverify; empty: tcp://0.0.0.0:2375;
#   - any other command runs through docker-entrypoint.sh (client setup).
set -eu

_tls_ensure_private() {
  [ -s "$1" ] || openssl genrsa -out "$1" 4096 2>/dev/null
}

_tls_san() {
  {
    ip -oneline address | awk '{ gsub(/\/.+$/, "", $4); print "IP:" $4 }'
    {
      cat /etc/hostname
      echo docker
      echo localhost
      hostname -f 2>/dev/null || :
      hostname -s 2>/dev/null || :
    } | sed '/^$/d; s/^/DNS:/'
    [ -z "${DOCKER_TLS_SAN:-}" ] || echo "$DOCKER_TLS_SAN"
  } | sort -u | xargs printf '%s,' | sed 's/,$//'
}

_tls_generate_certs() {
  dir=$1
  # Certificates managed by the user (a server cert but no CA key): only check them.
  if [ -s "$dir/server/ca.pem" ] && [ -s "$dir/server/cert.pem" ] && [ -s "$dir/server/key.pem" ] \
    && [ ! -s "$dir/ca/key.pem" ]; then
    openssl verify -CAfile "$dir/server/ca.pem" "$dir/server/cert.pem"
    return 0
  fi
  days=825
  if [ -s "$dir/ca/key.pem" ] || [ ! -s "$dir/ca/cert.pem" ]; then
    mkdir -p "$dir/ca"
    _tls_ensure_private "$dir/ca/key.pem"
    openssl req -new -key "$dir/ca/key.pem" -out "$dir/ca/cert.pem" \
      -subj '/CN=docker:dind CA' -x509 -days "$days"
  fi
  if [ -s "$dir/ca/key.pem" ]; then
    # Regenerated on every start: the container's IPs may have changed.
    mkdir -p "$dir/server"
    _tls_ensure_private "$dir/server/key.pem"
    openssl req -new -key "$dir/server/key.pem" -out "$dir/server/csr.pem" -subj '/CN=docker:dind server'
    printf '[ x509_exts ]\nsubjectAltName = %s\n' "$(_tls_san)" >"$dir/server/openssl.cnf"
    openssl x509 -req -in "$dir/server/csr.pem" -CA "$dir/ca/cert.pem" -CAkey "$dir/ca/key.pem" \
      -CAcreateserial -out "$dir/server/cert.pem" -days "$days" \
      -extfile "$dir/server/openssl.cnf" -extensions x509_exts 2>/dev/null
    cp "$dir/ca/cert.pem" "$dir/server/ca.pem"
    openssl verify -CAfile "$dir/server/ca.pem" "$dir/server/cert.pem"

    mkdir -p "$dir/client"
    _tls_ensure_private "$dir/client/key.pem"
    # Shared with arbitrary client containers, so readable by all (as upstream).
    chmod 0644 "$dir/client/key.pem"
    openssl req -new -key "$dir/client/key.pem" -out "$dir/client/csr.pem" -subj '/CN=docker:dind client'
    printf '[ x509_exts ]\nextendedKeyUsage = clientAuth\n' >"$dir/client/openssl.cnf"
    openssl x509 -req -in "$dir/client/csr.pem" -CA "$dir/ca/cert.pem" -CAkey "$dir/ca/key.pem" \
      -CAcreateserial -out "$dir/client/cert.pem" -days "$days" \
      -extfile "$dir/client/openssl.cnf" -extensions x509_exts 2>/dev/null
    cp "$dir/ca/cert.pem" "$dir/client/ca.pem"
    openssl verify -CAfile "$dir/client/ca.pem" "$dir/client/cert.pem"
  fi
}

if [ "$#" -eq 0 ] || [ "${1#-}" != "$1" ]; then
  socket=unix:///var/run/docker.sock
  case "${DOCKER_HOST:-}" in unix://*) socket=$DOCKER_HOST ;; esac
  if [ -n "${DOCKER_TLS_CERTDIR:-}" ]; then
    _tls_generate_certs "$DOCKER_TLS_CERTDIR"
    set -- dockerd \
      --host="$socket" \
      --host=tcp://0.0.0.0:2376 \
      --tlsverify \
      --tlscacert "$DOCKER_TLS_CERTDIR/server/ca.pem" \
      --tlscert "$DOCKER_TLS_CERTDIR/server/cert.pem" \
      --tlskey "$DOCKER_TLS_CERTDIR/server/key.pem" \
      "$@"
  else
    # --tls=false: say plainly that TCP without TLS is meant (as upstream);
    # otherwise dockerd delays its start by 15 s with a warning.
    set -- dockerd \
      --host="$socket" \
      --host=tcp://0.0.0.0:2375 \
      --tls=false \
      "$@"
  fi
fi

if [ "$1" = dockerd ]; then
  # A PID file left by an unclean stop keeps dockerd from starting.
  find /run /var/run -iname 'docker*.pid' -delete 2>/dev/null || :
  # Debian's iptables is the nftables flavour; fall back to the legacy one
  # where only that works in this kernel.
  if ! iptables -nL >/dev/null 2>&1 && iptables-legacy -nL >/dev/null 2>&1; then
    update-alternatives --set iptables /usr/sbin/iptables-legacy >/dev/null
    update-alternatives --set ip6tables /usr/sbin/ip6tables-legacy >/dev/null || :
  fi
  # tini as PID 1 reaps orphans (the official image does the same for 20.10);
  # dockerd gets the stop signal through it.
  set -- tini -- "$(command -v dind)" "$@"
else
  set -- docker-entrypoint.sh "$@"
fi

exec "$@"
