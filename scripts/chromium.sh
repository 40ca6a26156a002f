#!/usr/bin/env bash
# Headless Chromium (Debian package) for the browser tests, installed when missing. As root (as
# CI runs) a failed install fails; without root the browser tests skip, saying why.
set -euo pipefail
if ! command -v chromium >/dev/null 2>&1 && [ "$(id -u)" -ne 0 ]; then
    echo "chromium is missing and this is not root: the browser tests will skip" \
        "(to run them: sudo apt-get install -y chromium fonts-dejavu-core)" >&2
    exit 0
fi
exec bash "$(dirname "$0")/debian-command.sh" chromium chromium fonts-dejavu-core
