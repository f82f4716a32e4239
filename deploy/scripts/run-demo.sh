#!/usr/bin/env bash
# `make run`: the whole system on one machine, for a first look.
#  - no database configured (KEFU_DB_CONNINFO unset): starts the embedded
#    PostgreSQL cluster in run/pg (as the unprivileged postgres user when
#    run as root), and stops it again on exit;
#  - applies the migrations, loads the demo organisation (deploy/demo/org.yaml),
#  - starts the six services (logs in run/logs/), feeds the demo requests
#    (deploy/demo/requests.sh) and lists the tickets they became;
#  - then follows the service logs until Ctrl-C, which stops every process.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
build=${KEFU_BUILD:-build/release}
export KEFU_CONFIG=${KEFU_CONFIG:-$root/deploy/demo/kefu.yaml}
state=${KEFU_RUN_DIR:-$root/run}
mkdir -p "$state/logs"
kefuctl="$build/bin/kefuctl"

pids=()
started_pg=0
cleanup() {
    trap - EXIT INT TERM
    echo
    echo "stopping services…"
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    if [ "$started_pg" = 1 ]; then
        echo "stopping the embedded PostgreSQL…"
        deploy/scripts/pg-embedded.sh stop "$state/pg" >/dev/null || true
    fi
    echo "stopped."
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ -z "${KEFU_DB_CONNINFO:-}" ]; then
    echo "starting the embedded PostgreSQL in $state/pg …"
    KEFU_DB_CONNINFO=$(deploy/scripts/pg-embedded.sh start "$state/pg" | tail -1)
    export KEFU_DB_CONNINFO
    started_pg=1
fi
echo "database: $KEFU_DB_CONNINFO"
# For kefuctl's database commands (due, clocks, board, admin) in another
# terminal: `. run/env` sets the same connection.
printf "export KEFU_DB_CONNINFO='%s'\n" "$KEFU_DB_CONNINFO" >"$state/env"

"$kefuctl" admin migrate
"$kefuctl" admin load deploy/demo/org.yaml

for svc in intake dispatch qc billing callback claims; do
    "$build/bin/kefu-$svc" --instance "$svc-1" >"$state/logs/$svc.log" 2>&1 &
    pids+=($!)
done
"$kefuctl" admin wait-ready --timeout-ms 30000
echo "all six services are ready (logs: $state/logs/)"

echo
echo "feeding the demo requests (deploy/demo/requests.sh)…"
KEFUCTL="$kefuctl" deploy/demo/requests.sh
sleep 1
echo
"$kefuctl" list --limit 20
echo
echo "try, in another terminal:  $kefuctl show 1    |    $kefuctl list --status unassigned"
echo "  and after  . $state/env :  $kefuctl board    |    $kefuctl clocks 1"
echo "following the logs; Ctrl-C stops everything."
tail -n 0 -F "$state/logs/intake.log" "$state/logs/dispatch.log" &
pids+=($!)
wait "${pids[0]}"
