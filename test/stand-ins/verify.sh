#!/usr/bin/env bash
# Smoke-tests the STAND-IN images that build.sh makes (look-alikes of
# node:24-bookworm-slim, encoredotdev/postgres:18, docker:dind and docker:cli,
# built locally under the real names because no container registry is
# reachable on this project's machines). Not part of the test suite; run it
# by hand after changing a recipe:  bash test/stand-ins/verify.sh
# Starts a few containers and a compose project, and removes them again.
set -euo pipefail

log() { printf '[stand-ins] %s\n' "$*" >&2; }
fail() { log "FAIL: $*"; exit 1; }

project=stagecraft-stand-in-verify
work=$(mktemp -d)
cleanup() {
  docker compose -p "$project" -f "$work/compose.yaml" down -v --timeout 5 >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# --- node: node, npm and npx as the node user
out=$(docker run --rm -u node node:24-bookworm-slim sh -c 'id -un; node --version; npm --version; npx --version')
log "node image: $(echo "$out" | tr '\n' ' ')"
[ "$(echo "$out" | sed -n 1p)" = node ] || fail "node image: not user node"
echo "$out" | sed -n 2p | grep -q '^v24\.' || fail "node image: not Node 24"
echo "$out" | sed -n 3p | grep -q '^11\.' || fail "node image: not npm 11"

# --- postgres and docker:dind under compose, with the flags that replace
# `privileged: true` on these machines (see dind/Dockerfile).
cat >"$work/compose.yaml" <<'YAML'
services:
  db:
    image: encoredotdev/postgres:18
    environment:
      POSTGRES_PASSWORD: x
      POSTGRES_DB: app
    healthcheck:
      test: ["CMD-SHELL", "pg_isready -U postgres"]
      interval: 1s
      timeout: 5s
      retries: 60
  docker:
    image: docker:dind
    command: ["--storage-driver", "vfs"]
    cap_add: [ALL]
    cap_drop: [SYS_RESOURCE]
    security_opt: ["seccomp=unconfined", "apparmor=unconfined"]
    cgroup: host
    tmpfs: [/run, /tmp]
    volumes:
      - /sys/fs/cgroup:/sys/fs/cgroup:rw
      - certs:/certs/client
  client:
    image: docker:cli
    command: ["sleep", "infinity"]
    volumes:
      - certs:/certs/client:ro
volumes:
  certs:
YAML
compose=(docker compose -p "$project" -f "$work/compose.yaml")
"${compose[@]}" up -d --quiet-pull >/dev/null 2>&1 || { "${compose[@]}" logs >&2; fail "compose up"; }

for _ in $(seq 60); do
  [ "$(docker inspect -f '{{.State.Health.Status}}' "$("${compose[@]}" ps -q db)")" = healthy ] && break
  sleep 1
done
[ "$(docker inspect -f '{{.State.Health.Status}}' "$("${compose[@]}" ps -q db)")" = healthy ] || fail "postgres never healthy"
# Like the official image, `pg_isready -U postgres` (unix socket) already
# answers while the entrypoint's temporary init server runs, so the first TCP
# connections can still meet "the database system is starting up".
# `pg_isready -h 127.0.0.1` only passes once the real server listens on TCP.
for _ in $(seq 30); do
  out=$("${compose[@]}" exec -T -e PGPASSWORD=x db psql -h db -U postgres -d app -Atc 'select current_database()' 2>&1) && break
  sleep 1
done
[ "$out" = app ] || fail "postgres: psql over TCP answered '$out'"
out=$("${compose[@]}" exec -T -e PGPASSWORD=wrong db psql -h db -U postgres -d app -Atc 'select 1' 2>&1 || true)
echo "$out" | grep -q 'password authentication failed' || fail "postgres: wrong password not refused: $out"
log "postgres image: healthy, password auth over TCP works"

# dind: the client container talks TLS to tcp://docker:2376 with the shared client certs.
ok=
for _ in $(seq 60); do
  # (exec skips the entrypoint, which is what sets DOCKER_HOST and the TLS variables)
  if "${compose[@]}" exec -T client docker-entrypoint.sh docker version >/dev/null 2>&1; then ok=1; break; fi
  sleep 1
done
[ -n "$ok" ] || { "${compose[@]}" logs --tail 20 docker >&2; fail "dind never answered over TLS"; }
# ... and so does the host, with the certificates copied out.
dind=$("${compose[@]}" ps -q docker)
ip=$(docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$dind")
docker cp "$dind:/certs/client" "$work/certs"
remote=(docker --host "tcp://$ip:2376" --tlsverify --tlscacert "$work/certs/ca.pem"
  --tlscert "$work/certs/cert.pem" --tlskey "$work/certs/key.pem")
version=$("${remote[@]}" version --format '{{.Server.Version}}')
mkdir "$work/tiny" && echo hello >"$work/tiny/hello.txt"
tar -C "$work/tiny" -c . | "${remote[@]}" import - stand-in-verify/tiny:1 >/dev/null
"${remote[@]}" image inspect stand-in-verify/tiny:1 >/dev/null || fail "dind: import"
log "docker:dind image: engine $version over TLS from the host and from docker:cli; import works"
log "all stand-in images work"
