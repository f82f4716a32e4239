# bench/lib.sh — what both benchmarks do the same way. Sourced by
# bench/run.sh and bench/sla_clocks.sh (from the repository's top), not run.

# A throwaway folder /tmp/$1.XXXXXX in $work, and an exit trap that stops
# the processes in $pids, the cluster in $work/pg, and removes the folder
# (unless BENCH_KEEP is set). For the benchmarks with one cluster.
bench_workdir() {
    work=$(mktemp -d "/tmp/$1.XXXXXX")
    chmod 755 "$work"
    pids=()
    trap bench_cleanup EXIT
}
bench_cleanup() {
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    deploy/scripts/pg-embedded.sh stop "$work/pg" >/dev/null 2>&1 || true
    [ -n "${BENCH_KEEP:-}" ] || rm -rf "$work"
}

# A TCP port free on the loopback now.
free_port() {
    /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# Starts a throwaway embedded cluster in $1/pg; sets conninfo (exported as
# KEFU_DB_CONNINFO) and port (a free one for intake's request endpoint).
bench_cluster() {
    conninfo=$(deploy/scripts/pg-embedded.sh start "$1/pg" | tail -1)
    export KEFU_DB_CONNINFO=$conninfo
    port=$(free_port)
}

# Writes $1/kefu.yaml (exported as KEFU_CONFIG) for that cluster; $2: more
# lines of the dispatch: section, $3: more top-level sections (YAML text).
bench_config() {
    # the bus is CurveZMQ: a key pair per service, made once per folder
    export KEFU_KEYS_DIR=$1/keys
    [ -f "$KEFU_KEYS_DIR/intake.pub" ] || "$build/bin/kefuctl" admin keys --dir "$KEFU_KEYS_DIR" >/dev/null
    cat >"$1/kefu.yaml" <<YAML
database:
  conninfo: "$conninfo"
services:
  intake:
    api: tcp://127.0.0.1:$port
dispatch:
  sla_file: $root/bench/sla.yaml
$2
$3
schemas_dir: $root/schemas
log:
  level: warn
YAML
    export KEFU_CONFIG=$1/kefu.yaml
    # health on any free port (its default port may be another run's);
    # BENCH_METRICS=on: every service serves its metrics too, at a free
    # port of its own (bench_scrape; the log at warn does not say which)
    local svc up
    metrics_addrs=()
    for svc in intake dispatch qc billing callback claims gateway; do
        up=$(echo "$svc" | tr a-z A-Z)
        export "KEFU_${up}_HEALTH=127.0.0.1:0"
        if [ "${BENCH_METRICS:-off}" = on ]; then
            metrics_addrs+=("127.0.0.1:$(free_port)")
            export "KEFU_${up}_METRICS=${metrics_addrs[-1]}"
        fi
    done
}

# BENCH_METRICS=on: scrapes the metrics of every service once a second
# (more often than Prometheus's usual 15 s), in the background until the
# benchmark ends; a service not running is skipped.
bench_scrape() {
    [ "${BENCH_METRICS:-off}" = on ] || return 0
    echo "metrics on: scraping ${metrics_addrs[*]} every second"
    ( while sleep 1; do
          for addr in "${metrics_addrs[@]}"; do curl -s -o /dev/null "http://$addr/metrics" || true; done
      done ) &
    pids+=($!)
}

# psql as the owner of the cluster, unaligned, tuples only, stops on error.
psqlc() { /usr/bin/psql -X -q -A -t -v ON_ERROR_STOP=1 "$conninfo user=kefu_owner" "$@"; }

# CPU spent (user + system) by the given processes, in clock ticks.
cpu_ticks() {
    local total=0 pid t
    for pid in "$@"; do
        t=$(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0)
        total=$((total + t))
    done
    echo "$total"
}
