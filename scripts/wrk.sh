#!/usr/bin/env bash
# wrk (Debian package), the HTTP load generator of the service benchmark, installed when missing.
exec bash "$(dirname "$0")/debian-command.sh" wrk wrk
