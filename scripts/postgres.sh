#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests: installs Debian's postgresql when it is missing
# (as root), starts one cluster on 127.0.0.1 if it is not running, makes sure the database
# exists, and prints its SQLAlchemy URL on stdout. Idempotent: run it as often as you like.
# Without root and without PostgreSQL it says why on stderr and exits 3 (the tests then skip).
#   APPRAISE_PG_PORT (default 54329), APPRAISE_PG_DIR (default /tmp/appraise-postgres-UID)
set -euo pipefail

port="${APPRAISE_PG_PORT:-54329}"
dir="${APPRAISE_PG_DIR:-/tmp/appraise-postgres-$(id -u)}"
user=appraise
database=appraise

say() { echo "scripts/postgres.sh: $*" >&2; }

find_bin() { { ls -d /usr/lib/postgresql/*/bin 2>/dev/null || true; } | sort -V | tail -n 1; }

bin="$(find_bin)"
if [ -z "$bin" ]; then
    if [ "$(id -u)" != 0 ]; then
        say "PostgreSQL is not installed and installing it needs root (apt-get install postgresql)"
        exit 3
    fi
    say "installing Debian's postgresql"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq postgresql >&2
    bin="$(find_bin)"
fi

# initdb refuses to run as root: root runs the server as the 'postgres' user the package made.
# From /, which 'postgres' can enter whatever folder this checkout is in.
as_owner() {
    if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

mkdir -p "$dir"
exec 9>"$dir.lock"
flock 9  # one caller at a time sets the cluster up
[ "$(id -u)" = 0 ] && chown postgres "$dir"
if [ ! -f "$dir/PG_VERSION" ]; then
    as_owner "$bin/initdb" -D "$dir" -U "$user" -A trust -E UTF8 --no-sync >/dev/null
fi
if ! as_owner "$bin/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
    # 9>&-: the server must not inherit the lock, or it would hold it for as long as it runs.
    as_owner "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1" start >/dev/null 9>&-
fi
if ! "$bin/psql" -h 127.0.0.1 -p "$port" -U "$user" -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = '$database'" | grep -q 1; then
    "$bin/createdb" -h 127.0.0.1 -p "$port" -U "$user" "$database"
fi
echo "postgresql+psycopg://$user@127.0.0.1:$port/$database"
