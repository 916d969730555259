#!/bin/sh
# Entrypoint of the stagecraft-encore image (run by tini). In order:
#
#  1. Routes the command. Runner commands (dev, build, test, plan, doctor, init, version, help)
#     and leading flags go to the runner, started
#     with node directly; no command means `dev`; anything else runs as given
#     (`encore db shell hello`, `bash`).
#  2. Points Docker clients at an engine: DOCKER_HOST when set, else a mounted socket,
#     else a TLS docker-in-docker sidecar at tcp://docker:2376 when its client
#     certificates are mounted (the convention of the official docker:cli image).
#  3. Started as root (the image default), prepares the `node` user and drops to it, so
#     every command, the runner included, runs as `node`:
#     - node takes the UID/GID of the project directory's owner (unless that is root),
#       because Encore writes .encore/, encore.gen* and node_modules into the project;
#     - node joins the group of a mounted Docker socket it could not use otherwise.
#     Started as another user (`--user`), nothing is changed and the command runs as is.
#
# All of this happens before the first `encore` call because Encore's daemon keeps the
# environment it starts with. The CA settings for Node, Go, git and curl are the runner's
# (dev.node_extra_ca_certs); nothing here touches them.
set -eu

# The launcher runs the bundled dist/main.cjs from the V8 code cache the image was built with.
RUNNER=/opt/stagecraft-encore/bin/stagecraft-encore.js
RUN_AS=node

warn() { printf 'stagecraft-encore entrypoint: %s\n' "$*" >&2; }

# 1. Routing.
if [ "$#" -eq 0 ]; then
	set -- dev
fi
case $1 in
	# A small young generation keeps the relay's peak memory down (garbage from millions of
	# relayed lines is collected sooner) at the same throughput; it applies to the runner only.
	# `test` is the runner's (it shadows /usr/bin/test, which `sh -c 'test …'` still reaches).
	dev | build | test | version | help | doctor | plan | init | -*) set -- node --max-semi-space-size=2 "$RUNNER" "$@" ;;
esac

# 2. The Docker engine. Encore's daemon runs `docker run` for databases and loads built
# images into the engine named by DOCKER_HOST (else /var/run/docker.sock).
socket=/var/run/docker.sock
case ${DOCKER_HOST:-} in
	unix://*) socket=${DOCKER_HOST#unix://} ;;
esac
# An empty DOCKER_TLS_CERTDIR turns TLS off, as in the official docker images.
certs=${DOCKER_TLS_CERTDIR-/certs}
client_certs=
if [ -n "$certs" ] && [ -s "$certs/client/ca.pem" ] && [ -s "$certs/client/cert.pem" ] && [ -s "$certs/client/key.pem" ]; then
	client_certs=$certs/client
fi
if [ -z "${DOCKER_HOST:-}" ] && ! [ -S "$socket" ] && [ -n "$client_certs" ]; then
	export DOCKER_HOST=tcp://docker:2376
fi
case ${DOCKER_HOST:-} in
	tcp://*)
		if [ -n "$client_certs" ] && [ -z "${DOCKER_CERT_PATH:-}" ]; then
			export DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH="$client_certs"
		fi
		;;
esac

# 3. The node user, then the drop from root to it.
if [ "$(id -u)" -ne 0 ]; then
	exec "$@"
fi

home=$(getent passwd "$RUN_AS" | cut -d : -f 6)
# --regid takes node's primary GID by number: it may have changed below.
as_node() { setpriv --reuid="$RUN_AS" --regid="$(id -g "$RUN_AS")" --init-groups "$@"; }

# The project directory (the working directory, /workspace unless -w says otherwise) is
# usually a bind mount owned by the host user, and a UID other than 1000 is common (CI
# runners, macOS hosts). node takes that UID and GID, so it can write there and what
# Encore writes belongs to the host user. A root-owned project is left alone: node
# cannot write to it unless its mode allows.
IMAGE_UID=1000
owner_uid=$(stat -c %u .)
owner_gid=$(stat -c %g .)
if [ "$owner_uid" -ne 0 ] && [ "$(id -u "$RUN_AS"):$(id -g "$RUN_AS")" != "$owner_uid:$owner_gid" ]; then
	if getent group "$owner_gid" >/dev/null; then
		usermod --non-unique --uid "$owner_uid" --gid "$owner_gid" "$RUN_AS"
	else
		groupmod --gid "$owner_gid" "$RUN_AS"
		usermod --non-unique --uid "$owner_uid" "$RUN_AS"
	fi
	# What the image made for node, named volumes included (they copy the image's
	# ownership), follows; anything owned by another user (a host mount) stays as it is.
	for dir in "$home" "$home/.cache" "$home/.config" "$home/.cache/encore" "$home/.cache/packages" "$home/.config/encore" "$home/.config/pnpm" ./node_modules "${STAGECRAFT_NODE_MODULES:-}"; do
		[ -n "$dir" ] || continue
		[ -d "$dir" ] || continue
		case $(stat -c %u "$dir") in
			"$IMAGE_UID" | "$owner_uid") ;;
			*) continue ;;
		esac
		case $dir in
			"$home" | "$home/.cache" | "$home/.config") chown "$owner_uid:$owner_gid" "$dir" ;;
			*) chown -R "$owner_uid:$owner_gid" "$dir" ;;
		esac || warn "could not hand $dir to uid $owner_uid"
	done
fi
# A node_modules volume mounted where the image has no directory (an app in a subdirectory,
# STAGECRAFT_NODE_MODULES=/workspace/backend/node_modules) starts out owned by root: hand it to
# node while it is still empty, so the install can write there.
if [ -n "${STAGECRAFT_NODE_MODULES:-}" ] && [ -d "$STAGECRAFT_NODE_MODULES" ] && [ "$(stat -c %u "$STAGECRAFT_NODE_MODULES")" -eq 0 ] &&
	[ -z "$(ls -A "$STAGECRAFT_NODE_MODULES")" ]; then
	chown "$(id -u "$RUN_AS"):$(id -g "$RUN_AS")" "$STAGECRAFT_NODE_MODULES" || warn "could not hand $STAGECRAFT_NODE_MODULES to $RUN_AS"
fi
if ! as_node test -w .; then
	warn "the project directory $(pwd) (owner $owner_uid:$owner_gid, mode $(stat -c %a .)) is not writable" \
		"by $RUN_AS (uid $(id -u "$RUN_AS")); Encore writes .encore/ and encore.gen* there and will fail"
fi

if [ -S "$socket" ] && ! as_node test -r "$socket" -a -w "$socket"; then
	case $(stat -c %A "$socket") in
		????rw*)
			# Join the socket's group inside this container only; the host's socket is
			# never chown'd or chmod'ed. GID 0 is allowed (some engines mount the socket
			# as root:root 0660): the socket grants root on the engine anyway, so group
			# root adds nothing an attacker could not get through it.
			gid=$(stat -c %g "$socket")
			group=$(getent group "$gid" | cut -d : -f 1)
			if [ -z "$group" ]; then
				group=docker-$gid
				groupadd --gid "$gid" "$group"
			fi
			usermod --append --groups "$group" "$RUN_AS"
			;;
		*)
			warn "$socket (owner $(stat -c %u:%g "$socket"), mode $(stat -c %a "$socket")) grants its group" \
				"no read and write access, so $RUN_AS cannot use it; commands that need Docker will fail"
			;;
	esac
fi

# setpriv keeps the environment (unlike --reset-env, which would drop compose's
# variables); only the variables that name the user change. --no-new-privs: nothing
# below may regain root through a setuid binary.
if [ "${HOME:-/root}" = /root ]; then
	HOME=$home
fi
export HOME USER="$RUN_AS" LOGNAME="$RUN_AS"
exec setpriv --reuid="$RUN_AS" --regid="$(id -g "$RUN_AS")" --init-groups --no-new-privs -- "$@"
