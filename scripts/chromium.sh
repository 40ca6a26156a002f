#!/usr/bin/env bash
# Install headless Chromium (Debian package) for the HTML report test, if it is missing.
# Idempotent: does nothing when `chromium` is already on PATH. CI runs as root on Debian 12.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "chromium is missing; install it with: sudo apt-get install -y chromium" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
command -v chromium >/dev/null
