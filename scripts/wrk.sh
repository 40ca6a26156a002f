#!/usr/bin/env bash
# Install wrk (Debian package), the HTTP load generator of the service benchmark, if it is
# missing. Idempotent: does nothing when `wrk` is already on PATH. CI runs as root on Debian 12.
set -euo pipefail
if command -v wrk >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "wrk is missing; install it with: sudo apt-get install -y wrk" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends wrk >/dev/null
command -v wrk >/dev/null
