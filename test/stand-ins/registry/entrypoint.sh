#!/bin/sh
# The official registry:2 entrypoint's routing.
set -e
case "$1" in
	*.yaml | *.yml) set -- registry serve "$@" ;;
	serve | garbage-collect | help | -*) set -- registry "$@" ;;
esac
exec "$@"
