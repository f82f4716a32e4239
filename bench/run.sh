#!/usr/bin/env bash
# `make bench` — end-to-end throughput and latency of intake → dispatch,
# compared with pgbench on the same PostgreSQL. Not a test: it prints figures.
#
#   BENCH_REQUESTS    requests in all            (default 2000)
#   BENCH_CLIENTS     concurrent clients K       (default 4)
#   BENCH_BRANCHES    branches of the organisation, requests spread over
#                     them in turn (default 4; 1 = the one-branch
#                     organisation of the figures before 2026-11-23)
#   BENCH_DISPATCHERS kefu-dispatch instances    (default 1)
#   BENCH_COMPARE     1: after the main run, run again with 2 dispatchers on a
#                     fresh cluster and print 2 against 1 (default 1 when
#                     BENCH_DISPATCHERS is unset and there are several
#                     branches, else 0)
#   BENCH_PGBENCH_S   seconds of pgbench         (default 10; 0 = no pgbench)
#   BENCH_KEEP=1      keep the throwaway cluster folders afterwards
#
# What it does, on a throwaway embedded cluster (fsync on, defaults otherwise):
#  1. loads bench/make-org.sh's organisation: BENCH_BRANCHES branches open
#     round the clock, 40 senior technicians dealt out over them, and
#     BENCH_REQUESTS customers B000001…, customer i of branch i mod B;
#  2. starts kefu-intake and BENCH_DISPATCHERS kefu-dispatch (release build);
#  3. bench-load submits the requests from K clients, one at a time per client;
#  4. waits until every ticket has an assigned work order, then reports
#     requests/s (first send → last assignment), p50/p99 of accepted (reply
#     received) and assigned (work order assigned_at) latency, the CPU
#     time the services and their PostgreSQL backends spent per request
#     (steadier than wall time on a machine that runs other work too), and
#     the lines of the dispatch logs that say "deadlock";
#  5. stops the services and runs pgbench with K clients on a transaction
#     that inserts one similar ticket row and one outbox row; prints the ratio;
#  6. with BENCH_COMPARE, steps 1–4 again with 2 dispatchers, and the
#     throughput of 2 dispatchers against 1 (target >= 0.9, no deadlock).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
build=${KEFU_BUILD:-build/release}
N=${BENCH_REQUESTS:-2000}
K=${BENCH_CLIENTS:-4}
B=${BENCH_BRANCHES:-4}
D=${BENCH_DISPATCHERS:-1}
PGS=${BENCH_PGBENCH_S:-10}
if [ -z "${BENCH_DISPATCHERS:-}" ] && [ "$B" -gt 1 ]; then
    COMPARE=${BENCH_COMPARE:-1}
else
    COMPARE=${BENCH_COMPARE:-0}
fi
[[ "$D" =~ ^[1-9]$ ]] || { echo "BENCH_DISPATCHERS: expected 1 to 9, got \"$D\"" >&2; exit 2; }
work=$(mktemp -d /tmp/kefu-bench.XXXXXX)
chmod 755 "$work"
pids=()
clusters=()
stop_services() {
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    pids=()
}
cleanup() {
    stop_services
    for dir in "${clusters[@]}"; do
        deploy/scripts/pg-embedded.sh stop "$dir" >/dev/null 2>&1 || true
    done
    [ -n "${BENCH_KEEP:-}" ] || rm -rf "$work"   # a cluster per run adds up
}
trap cleanup EXIT

. bench/lib.sh


# One kefu run with $2 dispatchers in folder $1, on a cluster of its own
# (left running for pgbench). Sets rps acc50 acc99 asg50 asg99 cpu_ms deadlocks.
kefu_run() {
    local dir=$1 dispatchers=$2 svc i
    mkdir -p "$dir"
    clusters+=("$dir/pg")
    bench_cluster "$dir"
    bench_config "$dir" "" ""
    bench/make-org.sh "$N" "$B" >"$dir/org.yaml"
    "$build/bin/kefuctl" admin migrate >/dev/null
    "$build/bin/kefuctl" admin load "$dir/org.yaml" >/dev/null
    "$build/bin/kefu-intake" --instance intake-bench >"$dir/intake.log" 2>&1 &
    pids+=($!)
    for i in $(seq 1 "$dispatchers"); do
        # each dispatcher's request endpoint on a free port of its own
        KEFU_DISPATCH_API='tcp://127.0.0.1:*' "$build/bin/kefu-dispatch" --instance "dispatch-bench-$i" \
            >"$dir/dispatch-$i.log" 2>&1 &
        pids+=($!)
    done
    "$build/bin/kefuctl" admin wait-ready --services intake,dispatch --timeout-ms 30000 >/dev/null
    # the requests are made by CC01, the organisation's call-centre agent
    KEFU_TOKEN=$("$build/bin/kefuctl" admin tokens create --staff CC01 --label bench | head -1)
    export KEFU_TOKEN

    echo "kefu: $N requests from $K clients, $B branches, $dispatchers dispatcher(s) …"
    "$build/bin/bench-load" --endpoint "tcp://127.0.0.1:$port" --requests "$N" --clients "$K" \
        --out "$dir/sent.csv"
    local assigned=0
    for _ in $(seq 1 600); do
        assigned=$(psqlc -c "SELECT count(*) FROM dispatch.work_orders WHERE status = 'assigned'")
        [ "$assigned" -ge "$N" ] && break
        sleep 0.1
    done
    [ "$assigned" -ge "$N" ] || { echo "only $assigned of $N assigned in 60 s"; exit 1; }

    read -r rps acc50 acc99 asg50 asg99 < <(psqlc -F ' ' <<SQL
CREATE TEMP TABLE sent (ticket_id bigint, sent_us bigint, replied_us bigint);
\copy sent FROM '$dir/sent.csv' WITH (FORMAT csv)
WITH j AS (
  SELECT s.sent_us, s.replied_us,
         (extract(epoch FROM w.assigned_at) * 1e6)::bigint AS assigned_us
  FROM sent s JOIN dispatch.work_orders w USING (ticket_id))
SELECT round(count(*) / ((max(assigned_us) - min(sent_us)) / 1e6), 1),
       round((percentile_cont(0.5) WITHIN GROUP (ORDER BY replied_us - sent_us) / 1000)::numeric, 2),
       round((percentile_cont(0.99) WITHIN GROUP (ORDER BY replied_us - sent_us) / 1000)::numeric, 2),
       round((percentile_cont(0.5) WITHIN GROUP (ORDER BY assigned_us - sent_us) / 1000)::numeric, 2),
       round((percentile_cont(0.99) WITHIN GROUP (ORDER BY assigned_us - sent_us) / 1000)::numeric, 2)
FROM j;
SQL
)
    # CPU spent by the services and their PostgreSQL backends: less
    # sensitive than wall time to whatever else the machine runs.
    local backends ticks
    backends=$(psqlc -c "SELECT pid FROM pg_stat_activity WHERE usename IN ('kefu_intake', 'kefu_dispatch')")
    # shellcheck disable=SC2086
    ticks=$(cpu_ticks "${pids[@]}" $backends)
    cpu_ms=$(awk -v t="$ticks" -v hz="$(getconf CLK_TCK)" -v n="$N" 'BEGIN { printf "%.2f", t * 1000 / hz / n }')
    # the same split: the services' own processes, and PostgreSQL's backends
    # shellcheck disable=SC2086
    pg_ms=$(awk -v t="$(cpu_ticks $backends)" -v hz="$(getconf CLK_TCK)" -v n="$N" 'BEGIN { printf "%.2f", t * 1000 / hz / n }')
    stop_services
    deadlocks=$(cat "$dir"/dispatch-*.log | grep -ci deadlock || true)
}

kefu_run "$work/main" "$D"
main_rps=$rps

tps=-
ratio=-
if [ "$PGS" -gt 0 ]; then
    echo "pgbench: $K clients, ${PGS}s, one ticket row + one outbox row per transaction …"
    tps=$(/usr/lib/postgresql/15/bin/pgbench -n -c "$K" -j "$K" -T "$PGS" -D n="$N" -f bench/pgbench_ticket.sql \
            "$conninfo user=kefu_owner" 2>/dev/null | awk '/^tps = / {print $3; exit}')
    ratio=$(awk -v a="$rps" -v b="$tps" 'BEGIN { printf "%.2f", a / b }')
fi

cat <<REPORT

kefu end to end (accepted -> stored -> assigned), N=$N, K=$K, $B branch(es), $D dispatcher(s)
  throughput            $rps requests/s
  accepted latency      p50 $acc50 ms   p99 $acc99 ms   (request sent -> ticket id received)
  assigned latency      p50 $asg50 ms   p99 $asg99 ms   (request sent -> work order assigned)
  cpu per request       $cpu_ms ms   (intake + dispatch + their PostgreSQL backends, user + system)
    of which PostgreSQL $pg_ms ms
  deadlock lines        $deadlocks   (in the dispatch logs)
pgbench, K=$K          $tps transactions/s
ratio kefu / pgbench    $ratio   (target >= 0.3)
machine                 $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)
REPORT

[ "$COMPARE" = 1 ] || exit 0
deploy/scripts/pg-embedded.sh stop "$work/main/pg" >/dev/null 2>&1 || true
echo
kefu_run "$work/two" 2
two=$(awk -v a="$rps" -v b="$main_rps" 'BEGIN { printf "%.2f", a / b }')
cat <<REPORT

dispatchers on $B branches, N=$N, K=$K (same organisation, a fresh cluster each)
  $(printf '%-22s' "$D dispatcher(s)")$main_rps requests/s
  $(printf '%-22s' "2 dispatchers")$rps requests/s   assigned p50 $asg50 ms   p99 $asg99 ms
  ratio 2 / 1           $two   (target >= 0.9)
  deadlock lines        $deadlocks   (in the 2 dispatch logs; target 0)
REPORT
