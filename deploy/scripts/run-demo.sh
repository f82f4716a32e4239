#!/usr/bin/env bash
# `make run`: the whole system on one machine, for a first look.
#  - no database configured (KEFU_DB_CONNINFO unset): starts the embedded
#    PostgreSQL cluster in run/pg (as the unprivileged postgres user when
#    run as root), and stops it again on exit;
#  - makes the bus's CurveZMQ key pairs in run/keys (once; KEFU_KEYS_DIR
#    chooses another folder),
#  - applies the migrations, loads the demo organisation (deploy/demo/org.yaml),
#  - starts the six services and the HTTP gateway (logs in run/logs/, the previous run's moved to
#    run/logs/<when it started>/; pids in run/<service>.pid), feeds the demo
#    requests (deploy/demo/requests.sh: fixed request ids, so a second run
#    changes nothing) and lists the tickets they became;
#  - then follows the service logs until Ctrl-C or SIGTERM, which stops every
#    process and ends with status 0.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
build=${KEFU_BUILD:-build/release}
export KEFU_CONFIG=${KEFU_CONFIG:-$root/deploy/demo/kefu.yaml}
state=${KEFU_RUN_DIR:-$root/run}
mkdir -p "$state/logs"
kefuctl="$build/bin/kefuctl"
services=(intake dispatch qc billing callback claims)

# Keep the previous run's logs: into a folder named after when it started.
shopt -s nullglob
old_logs=("$state"/logs/*.log)
if [ ${#old_logs[@]} -gt 0 ]; then
    if [ -f "$state/logs/started" ]; then
        prev=$(cat "$state/logs/started")
    else
        prev=$(date -r "${old_logs[0]}" +%Y%m%d-%H%M%S)
    fi
    mkdir -p "$state/logs/$prev"
    mv "${old_logs[@]}" "$state/logs/$prev/"
    echo "the previous run's logs: $state/logs/$prev/"
fi
shopt -u nullglob
date +%Y%m%d-%H%M%S >"$state/logs/started"

pids=()
started_pg=0
cleanup() {
    trap - EXIT INT TERM
    echo
    echo "stopping services…"
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    for svc in "${services[@]}" gateway; do rm -f "$state/$svc.pid"; done
    if [ "$started_pg" = 1 ]; then
        echo "stopping the embedded PostgreSQL…"
        deploy/scripts/pg-embedded.sh stop "$state/pg" >/dev/null || true
    fi
    echo "stopped."
}
trap cleanup EXIT
# Ctrl-C and SIGTERM are how the demo is meant to end: stop everything and
# exit 0, so that make does not report an error.
trap 'exit 0' INT TERM

if [ -z "${KEFU_DB_CONNINFO:-}" ]; then
    echo "starting the embedded PostgreSQL in $state/pg …"
    KEFU_DB_CONNINFO=$(deploy/scripts/pg-embedded.sh start "$state/pg" | tail -1)
    export KEFU_DB_CONNINFO
    started_pg=1
fi
echo "database: $KEFU_DB_CONNINFO"
# For kefuctl in another terminal: `. run/env` sets the same connection
# (admin commands) and the token (every other command).
printf "export KEFU_DB_CONNINFO='%s'\n" "$KEFU_DB_CONNINFO" >"$state/env"

# Every bus socket is CurveZMQ: each service needs its key pair, and the
# public keys of the others (docs/messaging.md "Keys").
export KEFU_KEYS_DIR=${KEFU_KEYS_DIR:-$state/keys}
for svc in "${services[@]}"; do
    [ -f "$KEFU_KEYS_DIR/$svc.pub" ] || "$kefuctl" admin keys "$svc" >/dev/null
done
echo "bus keys: $KEFU_KEYS_DIR"

"$kefuctl" admin migrate
"$kefuctl" admin load deploy/demo/org.yaml
# Every request is made by someone (docs/security.md): the demo's requests
# and your kefuctl commands are made by CC01, the call centre's agent and
# team lead, whose token is kept in run/token (0600), named by run/env.
# A token is shown only when made, so a second run makes a new one.
(umask 077 && "$kefuctl" admin tokens create --staff CC01 --label "make run" | head -1 >"$state/token.new")
mv "$state/token.new" "$state/token"
export KEFU_TOKEN_FILE="$state/token"
printf "export KEFU_TOKEN_FILE='%s'\n" "$(cd "$state" && pwd)/token" >>"$state/env"

for svc in "${services[@]}"; do
    "$build/bin/kefu-$svc" --instance "$svc-1" >"$state/logs/$svc.log" 2>&1 &
    pids+=($!)
    # for signals to this run's processes only (kill -HUP "$(cat run/dispatch.pid)")
    echo $! >"$state/$svc.pid"
done
"$kefuctl" admin wait-ready --timeout-ms 30000
echo "all six services are ready (logs: $state/logs/)"
# The HTTP API (docs/gateway.md) at services.gateway.http, 127.0.0.1:7180.
"$build/bin/kefu-gateway" --instance gateway-1 >"$state/logs/gateway.log" 2>&1 &
pids+=($!)
echo $! >"$state/gateway.pid"
for _ in $(seq 100); do
    grep -q '"event":"ready"' "$state/logs/gateway.log" && break
    kill -0 "$!" 2>/dev/null || { echo "kefu-gateway did not start: see $state/logs/gateway.log" >&2; exit 1; }
    sleep 0.1
done
echo "the HTTP gateway is ready at http://127.0.0.1:7180/api/v1/"

echo
echo "feeding the demo requests (deploy/demo/requests.sh)…"
KEFUCTL="$kefuctl" deploy/demo/requests.sh
echo
echo "a finished job: done report, inspection, callback (deploy/demo/flow.sh)…"
KEFUCTL="$kefuctl" deploy/demo/flow.sh
echo
echo "money: a warranty claim, a paid invoice, the month reconciled (deploy/demo/money.sh)…"
KEFUCTL="$kefuctl" deploy/demo/money.sh
echo
"$kefuctl" list --limit 20
echo
echo "try, in another terminal, after  . $state/env :"
echo "  $kefuctl show 1    |    $kefuctl list --status unassigned    |    $kefuctl board    |    $kefuctl clocks 1"
echo "  the money, as finance:  export KEFU_TOKEN=\$($kefuctl admin tokens create --staff FN01 | head -1)"
echo "    then  $kefuctl account D-JS    |    $kefuctl invoices --branch SH01    |    $kefuctl reconcile --branch SZ01 --month $(TZ=Asia/Shanghai date +%Y-%m)"
echo "  over HTTP:  curl -H \"Authorization: Bearer \$(cat $state/token)\" http://127.0.0.1:7180/api/v1/tickets/1"
echo "  re-read the SLA file:  kill -HUP \"\$(cat $state/dispatch.pid)\""
echo "following the logs; Ctrl-C stops everything."
tail -n 0 -F "$state/logs/intake.log" "$state/logs/dispatch.log" &
pids+=($!)
rc=0
wait "${pids[0]}" || rc=$?
echo "kefu-intake stopped by itself (status $rc): see $state/logs/intake.log" >&2
exit 1
