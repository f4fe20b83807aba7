#!/usr/bin/env bash
# A private PostgreSQL server for the tests (tests/pg.py): Debian's packages, then
# a cluster of its own (not the system one) in $RASD_PG_DIR, listening on
# 127.0.0.1:$RASD_PG_PORT only, with a role `rasd` (password `rasd`, CREATEDB)
# and a database `rasd`. The tests create and drop one database per test.
# Idempotent: installs only what is missing, creates the cluster only when absent,
# starts it only when stopped (e.g. after a reboot). Prints one line.
# PostgreSQL refuses to run as root, so as root the cluster belongs to `postgres`.
# Example: scripts/install-postgres.sh   (then: RASD_TEST_PG_URL=... pytest -m pg)
set -euo pipefail

DIR=${RASD_PG_DIR:-/var/tmp/rasd-pg}
PORT=${RASD_PG_PORT:-54329}
URL="postgresql+psycopg://rasd:rasd@127.0.0.1:$PORT/rasd"
DONE=()

die() {
    echo "install-postgres: $*" >&2
    exit 1
}

pg_bin() {  # the server that made the cluster, else the newest installed one, else nothing
    # A server, not just the client: postgresql-client ships /usr/lib/postgresql/N/bin
    # too (psql), without initdb or pg_ctl.
    if [ -f "$DIR/PG_VERSION" ] && [ -x "/usr/lib/postgresql/$(cat "$DIR/PG_VERSION")/bin/initdb" ]; then
        echo "/usr/lib/postgresql/$(cat "$DIR/PG_VERSION")/bin"
        return
    fi
    find /usr/lib/postgresql -mindepth 3 -maxdepth 3 -path '*/bin/initdb' -type f 2>/dev/null \
        | sort -V | tail -n 1 | xargs -r dirname
}

install_packages() {
    [ "$(id -u)" -eq 0 ] || die "PostgreSQL is not installed and this is not root; run as root: apt-get install postgresql"
    command -v apt-get >/dev/null 2>&1 || die "apt-get not found; install the PostgreSQL server (initdb, pg_ctl) with your package manager"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends postgresql >/dev/null
    DONE+=("installed Debian's postgresql")
}

as_owner() {  # run a command as the cluster's owner (postgres when we are root)
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

create_cluster() {
    mkdir -p "$DIR"
    chmod 700 "$DIR"
    if [ "$(id -u)" -eq 0 ]; then
        chown postgres:postgres "$DIR"
    fi
    # Local (socket) connections are trusted: the socket lives in the 0700 data dir,
    # so only its owner can reach it. TCP needs the password.
    as_owner "$BIN/initdb" -D "$DIR" -U postgres -E UTF8 --locale=C.UTF-8 \
        --auth-local=trust --auth-host=scram-sha-256 >"$DIR.initdb.log" 2>&1 \
        || die "initdb failed; see $DIR.initdb.log"
    rm -f "$DIR.initdb.log"
    as_owner tee -a "$DIR/postgresql.conf" >/dev/null <<EOF
# rasd test cluster (scripts/install-postgres.sh)
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$DIR'
max_connections = 100
# A disposable test cluster (PostgreSQL's "non-durable settings"): nothing waits for
# the disk. A machine crash can lose it; then delete the directory and run this again.
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
    DONE+=("created the cluster in $DIR")
}

running() {  # accepting connections; waits while a server is still starting up
    local tries=30 rc
    while true; do
        rc=0
        "$BIN/pg_isready" -q -h "$DIR" -p "$PORT" -t 5 || rc=$?
        [ "$rc" -eq 1 ] && [ "$tries" -gt 0 ] || return "$rc"
        tries=$((tries - 1))
        sleep 1
    done
}

drop_stale_pid_file() {  # left by a killed server: its PID is gone, a zombie, or reused
    local pid state name
    pid=$(head -n 1 "$DIR/postmaster.pid" 2>/dev/null) || return 0
    state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || true)
    name=$(cat "/proc/$pid/comm" 2>/dev/null || true)
    if [ -z "$state" ] || [ "$state" = Z ] || [ "$name" != postgres ]; then
        rm -f "$DIR/postmaster.pid"
    fi
}

start_cluster() {
    drop_stale_pid_file
    as_owner "$BIN/pg_ctl" -D "$DIR" -l "$DIR/server.log" -w -t 60 start >/dev/null \
        || die "the server did not start; see $DIR/server.log (a test cluster: if it is" \
               "damaged, delete $DIR and run this again)"
    DONE+=("started it on 127.0.0.1:$PORT")
}

psql_admin() {
    as_owner "$BIN/psql" -h "$DIR" -p "$PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -tAqc "$1"
}

create_role_and_database() {
    if [ -z "$(psql_admin "SELECT 1 FROM pg_roles WHERE rolname = 'rasd'")" ]; then
        psql_admin "CREATE ROLE rasd LOGIN PASSWORD 'rasd' CREATEDB"
        DONE+=("created role rasd")
    fi
    if [ -z "$(psql_admin "SELECT 1 FROM pg_database WHERE datname = 'rasd'")" ]; then
        psql_admin "CREATE DATABASE rasd OWNER rasd"
        DONE+=("created database rasd")
    fi
}

BIN=$(pg_bin)
if [ -z "$BIN" ]; then
    install_packages
    BIN=$(pg_bin)
    [ -n "$BIN" ] || die "apt-get installed postgresql but no /usr/lib/postgresql/*/bin/initdb was found"
fi
if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
    die "no 'postgres' user to own the cluster; reinstall Debian's postgresql-common"
fi
[ -f "$DIR/PG_VERSION" ] || create_cluster
running || start_cluster
create_role_and_database

if [ ${#DONE[@]} -eq 0 ]; then
    echo "install-postgres: already running at $URL; nothing to do"
else
    summary=$(printf '%s, ' "${DONE[@]}")
    echo "install-postgres: ${summary%, }; ready at $URL"
fi
