#!/usr/bin/env bash
# Make sure COMMAND is on PATH, installing Debian's PACKAGE... with apt-get when it is missing.
# Idempotent: does nothing when COMMAND is there. CI runs as root on Debian 12.
#   usage: scripts/debian-command.sh COMMAND PACKAGE...
set -euo pipefail
command=$1
shift
if command -v "$command" >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "$command is missing; install it with: sudo apt-get install -y $*" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "$@" >/dev/null
command -v "$command" >/dev/null
