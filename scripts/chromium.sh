#!/usr/bin/env bash
# Headless Chromium (Debian package) for the HTML report test, installed when missing.
exec bash "$(dirname "$0")/debian-command.sh" chromium chromium fonts-dejavu-core
