#!/usr/bin/env bash
# pg-embedded.sh — the embedded default: a private PostgreSQL 15 cluster in a
# folder of the project, reachable only through a Unix socket, for `make run`
# and for the test harness (tests/lib/kefu_harness.py).
#
#   pg-embedded.sh start DIR     create the cluster if DIR has none, start it,
#                                make role kefu_owner and database kefu; the
#                                LAST line of stdout is the libpq conninfo
#   pg-embedded.sh stop DIR      fast shutdown (no-op when not running)
#   pg-embedded.sh status DIR    exit 0 when running, 3 when not
#   pg-embedded.sh conninfo DIR  print the conninfo
#
# PostgreSQL refuses to run as root: when called as root the cluster belongs
# to the `postgres` system user. When DIR cannot be reached by that user (for
# example under /root) or its socket path would be too long for a Unix
# socket, the cluster lives in /tmp/kefu-pg-<hash of DIR> instead; DIR then
# holds a file `location` naming it, and the path is printed on stderr.
#
# Environment: KEFU_PG_PORT (socket port number, default 5432, fixed when the
# cluster is created unless given again at start), KEFU_PG_BIN (PostgreSQL
# binaries, default /usr/lib/postgresql/15/bin).
set -euo pipefail

PGBIN=${KEFU_PG_BIN:-/usr/lib/postgresql/15/bin}
PGUSER_OS=postgres

die() { echo "pg-embedded: $*" >&2; exit 1; }
note() { echo "pg-embedded: $*" >&2; }

usage() {
    echo "usage: $0 start|stop|status|conninfo DIR" >&2
    exit 2
}

[ $# -eq 2 ] || usage
cmd=$1
dir=$2
case "$cmd" in start|stop|status|conninfo) ;; *) usage ;; esac
[ -n "$dir" ] || usage
[ -x "$PGBIN/pg_ctl" ] || die "PostgreSQL 15 binaries not found in $PGBIN (install postgresql-15 or set KEFU_PG_BIN)"

is_root=0
[ "$(id -u)" -eq 0 ] && is_root=1

# Runs a command as the user that owns the cluster.
as_owner() {
    if [ "$is_root" = 1 ]; then
        runuser -u "$PGUSER_OS" -- "$@"
    else
        "$@"
    fi
}

# True when the cluster user can create files in $1.
owner_can_write() {
    as_owner test -w "$1" -a -x "$1" 2>/dev/null
}

mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

# The directory that really holds data/ and sock/.
real_dir() {
    if [ -f "$dir/location" ]; then
        cat "$dir/location"
    else
        echo "$dir"
    fi
}

fallback_dir() {
    local h
    h=$(printf '%s' "$dir" | sha1sum | cut -c1-12)
    echo "/tmp/kefu-pg-$h"
}

# Decides where the cluster lives (start only): DIR itself when the cluster
# user can use it and the socket path fits, else the /tmp fallback.
choose_dir() {
    if [ -f "$dir/location" ]; then
        real=$(cat "$dir/location")
        mkdir -p "$real"
        if [ "$is_root" = 1 ]; then chown "$PGUSER_OS:" "$real"; fi
        return
    fi
    real=$dir
    if [ "$is_root" = 1 ] && [ ! -d "$dir/data" ]; then
        chown "$PGUSER_OS:" "$dir" 2>/dev/null || true
    fi
    # 107 bytes is the Unix socket path limit; "/sock/.s.PGSQL.NNNNN" takes 20.
    if ! owner_can_write "$dir" || [ $((${#dir} + 20)) -gt 100 ]; then
        real=$(fallback_dir)
        mkdir -p "$real"
        chmod 700 "$real"
        if [ "$is_root" = 1 ]; then chown "$PGUSER_OS:" "$real"; fi
        owner_can_write "$real" || die "neither $dir nor $real is writable by user $PGUSER_OS"
        echo "$real" >"$dir/location"
        note "$dir is not usable by user $PGUSER_OS (or too long for a socket path); cluster lives in $real"
    fi
}

conf_port() {
    local d=$1
    sed -n "s/^port = \([0-9]*\).*/\1/p" "$d/data/postgresql.conf" 2>/dev/null | tail -1
}

conninfo() {
    local d port
    d=$(real_dir)
    port=$(conf_port "$d")
    [ -n "$port" ] || die "no cluster in $d (run: $0 start $dir)"
    echo "host=$d/sock port=$port dbname=kefu"
}

psql_super() {
    local d port
    d=$(real_dir)
    port=$(conf_port "$d")
    as_owner "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$d/sock" -p "$port" -U postgres -d postgres "$@"
}

# True when pid $1 is a live process (a zombie is dead: some container init
# processes never reap, and kill -0 — which pg_ctl status relies on — still
# succeeds on a zombie).
pid_alive() {
    local state
    state=$(sed -n 's/^.*) \([A-Za-z]\) .*$/\1/p' "/proc/$1/stat" 2>/dev/null)
    [ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ]
}

postmaster_pid() {
    head -1 "$(real_dir)/data/postmaster.pid" 2>/dev/null | tr -dc '0-9'
}

running() {
    local d pid
    d=$(real_dir)
    [ -f "$d/data/PG_VERSION" ] || return 1
    pid=$(postmaster_pid)
    [ -n "$pid" ] && pid_alive "$pid"
}

# Live processes whose working directory is the data directory: the
# postmaster and its backends (they all chdir there).
cluster_processes() {
    local d p pid
    d=$(real_dir)/data
    for p in /proc/[0-9]*; do
        pid=${p#/proc/}
        [ "$p/cwd" -ef "$d" ] && pid_alive "$pid" && echo "$pid"
    done
    return 0
}

# After the postmaster was killed (kill -9): waits for its orphaned backends
# to exit, then removes the lock files naming the dead pid, so the server's
# own checks do not mistake an unreaped zombie for a running postmaster.
clear_stale_locks() {
    local d pid i
    d=$(real_dir)
    [ -f "$d/data/postmaster.pid" ] || return 0
    pid=$(postmaster_pid)
    local left
    for i in $(seq 1 100); do
        left=$(cluster_processes)
        [ -z "$left" ] && break
        [ "$i" = 100 ] && die "postmaster $pid is gone but processes still use $d/data: ${left//$'\n'/ }"
        sleep 0.1
    done
    note "removing the stale postmaster.pid of dead postmaster ${pid:-?}"
    as_owner rm -f "$d/data/postmaster.pid"
    as_owner find "$d/sock" -maxdepth 1 -name '.s.PGSQL.*.lock' -delete 2>/dev/null || true
}

do_init() {
    local port=${KEFU_PG_PORT:-5432}
    case "$port" in ''|*[!0-9]*) die "KEFU_PG_PORT must be a number, got '$port'" ;; esac
    note "creating a new cluster in $real/data (port $port, socket in $real/sock)"
    mkdir -p "$real/data" "$real/sock"
    if [ "$is_root" = 1 ]; then chown "$PGUSER_OS:" "$real/data" "$real/sock"; fi
    chmod 700 "$real/data"
    as_owner "$PGBIN/initdb" -D "$real/data" -U postgres -E UTF8 --locale=C.UTF-8 \
        --auth-local=trust --auth-host=reject >"$real/initdb.log" 2>&1 ||
        { cat "$real/initdb.log" >&2; die "initdb failed (log above)"; }
    # Unix socket only, local trust only; the socket directory is mode 700,
    # so only the cluster's user (and root) can reach it.
    as_owner tee "$real/data/pg_hba.conf" >/dev/null <<'EOF'
# kefu embedded cluster: Unix socket only, trusted local connections.
local   all   all   trust
EOF
    as_owner tee -a "$real/data/postgresql.conf" >/dev/null <<EOF

# --- kefu embedded cluster ---
listen_addresses = ''
unix_socket_directories = '$real/sock'
fsync = on
max_connections = 200
timezone = 'UTC'
log_timezone = 'UTC'
log_line_prefix = '%m [%p] %u@%d '
port = $port
EOF
}

do_start() {
    choose_dir
    if [ ! -f "$real/data/PG_VERSION" ]; then
        do_init
    elif [ -n "${KEFU_PG_PORT:-}" ] && [ "$(conf_port "$real")" != "$KEFU_PG_PORT" ]; then
        running && die "cluster in $real is running on port $(conf_port "$real"); stop it before changing KEFU_PG_PORT"
        as_owner sed -i "s/^port = [0-9]*/port = $KEFU_PG_PORT/" "$real/data/postgresql.conf"
    fi
    mkdir -p "$real/sock"
    if [ "$is_root" = 1 ]; then chown "$PGUSER_OS:" "$real/sock" "$real"; fi
    if [ "$is_root" = 1 ]; then
        touch "$real/postgres.log"
        chown "$PGUSER_OS:" "$real/postgres.log"
    fi
    chmod 700 "$real/sock"
    if running; then
        note "already running in $real"
    else
        clear_stale_locks
        # pg_ctl removes a stale postmaster.pid left by kill -9 by itself.
        as_owner "$PGBIN/pg_ctl" -D "$real/data" -l "$real/postgres.log" -w -t 60 start >/dev/null ||
            { tail -20 "$real/postgres.log" >&2; die "PostgreSQL did not start (log: $real/postgres.log)"; }
    fi
    if [ "$(psql_super -tAc "SELECT 1 FROM pg_roles WHERE rolname = 'kefu_owner'")" != 1 ]; then
        psql_super -c "CREATE ROLE kefu_owner LOGIN CREATEROLE"
    fi
    if [ "$(psql_super -tAc "SELECT 1 FROM pg_database WHERE datname = 'kefu'")" != 1 ]; then
        psql_super -c "CREATE DATABASE kefu OWNER kefu_owner ENCODING 'UTF8' TEMPLATE template0"
    fi
    conninfo
}

do_stop() {
    local d
    d=$(real_dir)
    if running; then
        as_owner "$PGBIN/pg_ctl" -D "$d/data" -m fast -w -t 60 stop >/dev/null
        note "stopped the cluster in $d"
    else
        note "not running ($d)"
    fi
}

case "$cmd" in
    start) do_start ;;
    stop) do_stop ;;
    status)
        if running; then
            echo "running: $(conninfo)"
        else
            echo "not running ($(real_dir))"
            exit 3
        fi
        ;;
    conninfo) conninfo ;;
esac
