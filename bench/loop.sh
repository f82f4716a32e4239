#!/usr/bin/env bash
# `make bench` (and `make bench-loop`) — N tickets through the whole loop:
# intake → assigned → done report → the repair plan's four inspection levels
# → callback recorded, driven by bench/loop.py as the branch's people would
# (each with their own token), K tickets at a time. Not a test: it prints
# figures.
#
#   BENCH_LOOP_TICKETS  tickets in all      (default 300)
#   BENCH_LOOP_CLIENTS  tickets at a time   (default 4)
#   BENCH_BRANCHES      branches            (default 4)
#   BENCH_METRICS       on: every service serves its metrics, scraped
#                       once a second (docs/operations.md); default off
#
# bench/loop_callback.json says how the driver finds a ticket's due
# callback and records its outcome (callback.outcome, by the branch's agent).
# Prints the throughput (first submit → last callback recorded) and the CPU
# time the services (intake, dispatch, qc, callback, billing) and their PostgreSQL
# backends spent per ticket — steadier than wall time on a busy machine.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
build=${KEFU_BUILD:-build/release}
N=${BENCH_LOOP_TICKETS:-300}
K=${BENCH_LOOP_CLIENTS:-4}
B=${BENCH_BRANCHES:-4}
. bench/lib.sh
bench_workdir kefu-bench-loop


bench_cluster "$work"
dport=$(free_port); qport=$(free_port); cport=$(free_port)
# the benchmark's branches work round the clock and its customers take calls
# at any hour: the callback is due at once, whenever the benchmark runs
bench_config "$work" "" "qc:
  plans_file: $root/deploy/demo/qc.yaml
callback:
  rest_hours:
    default: none"
export KEFU_DISPATCH_API=tcp://127.0.0.1:$dport KEFU_QC_API=tcp://127.0.0.1:$qport
export KEFU_CALLBACK_API=tcp://127.0.0.1:$cport
bport=$(free_port)
export KEFU_BILLING_API=tcp://127.0.0.1:$bport
bench/make-org.sh "$N" "$B" >"$work/org.yaml"
"$build/bin/kefuctl" admin migrate >/dev/null
"$build/bin/kefuctl" admin load "$work/org.yaml" >/dev/null
# billing hears of the done report, each level signed and the acceptance
services=(intake dispatch qc callback billing)
for svc in "${services[@]}"; do
    "$build/bin/kefu-$svc" --instance "$svc-bench" >"$work/$svc.log" 2>&1 &
    pids+=($!)
done
"$build/bin/kefuctl" admin wait-ready --services intake,dispatch,qc,callback,billing --timeout-ms 30000 >/dev/null
bench_scrape

# a token for everyone who takes part
staff=(CC01)
for i in $(seq 1 40); do staff+=("$(printf 'BT%03d' "$i")"); done
for j in $(seq 1 "$B"); do
    for who in BTL BQC BSA BAG; do staff+=("$(printf '%s%02d' "$who" "$j")"); done
done
tokens="{"
for s in "${staff[@]}"; do
    tokens+="\"$s\": \"$("$build/bin/kefuctl" admin tokens create --staff "$s" --label bench | head -1)\","
done
tokens="${tokens%,}}"
cat >"$work/loop.json" <<JSON
{"endpoints": {"intake": "tcp://127.0.0.1:$port", "dispatch": "tcp://127.0.0.1:$dport",
               "qc": "tcp://127.0.0.1:$qport", "callback": "tcp://127.0.0.1:$cport"},
 "tokens": $tokens, "conninfo": "$conninfo user=kefu_owner", "tickets": $N, "clients": $K,
 "branches": $B, "callback": $(cat bench/loop_callback.json)}
JSON

echo "kefu whole loop: $N tickets, $K at a time, $B branches …"
backends_sql="SELECT pid FROM pg_stat_activity WHERE usename IN ('kefu_intake', 'kefu_dispatch', 'kefu_qc', 'kefu_callback', 'kefu_billing')"
# what start-up spent (connecting, preparing statements) is not the loop's
backends=$(psqlc -c "$backends_sql")
# shellcheck disable=SC2086
before=$(cpu_ticks "${pids[@]}" $backends)
# shellcheck disable=SC2086
pg_before=$(cpu_ticks $backends)
# billing's own share: its process and its backends
billing_sql="SELECT pid FROM pg_stat_activity WHERE usename = 'kefu_billing'"
billing_pid=${pids[${#pids[@]}-1]}
# shellcheck disable=SC2046
billing_before=$(cpu_ticks "$billing_pid" $(psqlc -c "$billing_sql"))
read -r tickets seconds tps < <(/usr/bin/python3 bench/loop.py --config "$work/loop.json")
backends=$(psqlc -c "$backends_sql")
# shellcheck disable=SC2086
ticks=$(( $(cpu_ticks "${pids[@]}" $backends) - before ))
# shellcheck disable=SC2086
pg_ticks=$(( $(cpu_ticks $backends) - pg_before ))
# shellcheck disable=SC2046
billing_ticks=$(( $(cpu_ticks "$billing_pid" $(psqlc -c "$billing_sql")) - billing_before ))
hz=$(getconf CLK_TCK)
cpu_ms=$(awk -v t="$ticks" -v hz="$hz" -v n="$N" 'BEGIN { printf "%.2f", t * 1000 / hz / n }')
pg_ms=$(awk -v t="$pg_ticks" -v hz="$hz" -v n="$N" 'BEGIN { printf "%.2f", t * 1000 / hz / n }')
billing_ms=$(awk -v t="$billing_ticks" -v hz="$hz" -v n="$N" 'BEGIN { printf "%.2f", t * 1000 / hz / n }')
cat <<REPORT

kefu whole loop (submit -> assigned -> done report -> 4 inspection levels -> callback recorded)
  tickets               $tickets in $seconds s, $K at a time, $B branch(es)
  throughput            $tps tickets/s
  cpu per ticket        $cpu_ms ms   (intake + dispatch + qc + callback + billing + their PostgreSQL backends)
    of which PostgreSQL $pg_ms ms
    of which billing    $billing_ms ms   (its process and its PostgreSQL backends)
machine                 $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)
REPORT
