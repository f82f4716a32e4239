#!/usr/bin/env bash
# `make bench` — end-to-end throughput and latency of intake → dispatch,
# compared with pgbench on the same PostgreSQL. Not a test: it prints figures.
#
#   BENCH_REQUESTS   requests in all            (default 2000)
#   BENCH_CLIENTS    concurrent clients K       (default 4)
#   BENCH_PGBENCH_S  seconds of pgbench         (default 10)
#   BENCH_KEEP=1     keep the throwaway cluster folder afterwards
#
# What it does, on a throwaway embedded cluster (fsync on, defaults otherwise):
#  1. loads bench/org.yaml's shape: one branch with 40 round-the-clock senior
#     technicians and BENCH_REQUESTS customers B000001…;
#  2. starts kefu-intake and kefu-dispatch (release build);
#  3. bench-load submits the requests from K clients, one at a time per client;
#  4. waits until every ticket has an assigned work order, then reports
#     requests/s (first send → last assignment), p50/p99 of accepted (reply
#     received) and assigned (work order assigned_at) latency, and the CPU
#     time the two services and their PostgreSQL backends spent per request
#     (steadier than wall time on a machine that runs other work too);
#  5. stops the services and runs pgbench with K clients on a transaction
#     that inserts one similar ticket row and one outbox row; prints the ratio.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
build=${KEFU_BUILD:-build/release}
N=${BENCH_REQUESTS:-2000}
K=${BENCH_CLIENTS:-4}
PGS=${BENCH_PGBENCH_S:-10}
work=$(mktemp -d /tmp/kefu-bench.XXXXXX)
chmod 755 "$work"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    deploy/scripts/pg-embedded.sh stop "$work/pg" >/dev/null 2>&1 || true
    [ -n "${BENCH_KEEP:-}" ] || rm -rf "$work"   # a cluster per run adds up
}
trap cleanup EXIT

. bench/lib.sh
bench_cluster "$work"
bench_config "$work" "" ""

bench/make-org.sh "$N" >"$work/org.yaml"
"$build/bin/kefuctl" admin migrate >/dev/null
"$build/bin/kefuctl" admin load "$work/org.yaml" >/dev/null
for svc in intake dispatch; do
    "$build/bin/kefu-$svc" --instance "$svc-bench" >"$work/$svc.log" 2>&1 &
    pids+=($!)
done
"$build/bin/kefuctl" admin wait-ready --services intake,dispatch --timeout-ms 30000 >/dev/null


echo "kefu: $N requests from $K clients …"
"$build/bin/bench-load" --endpoint "tcp://127.0.0.1:$port" --requests "$N" --clients "$K" \
    --out "$work/sent.csv"
for _ in $(seq 1 600); do
    assigned=$(psqlc -c "SELECT count(*) FROM dispatch.work_orders WHERE status = 'assigned'")
    [ "$assigned" -ge "$N" ] && break
    sleep 0.1
done
[ "$assigned" -ge "$N" ] || { echo "only $assigned of $N assigned in 60 s"; exit 1; }

read -r rps acc50 acc99 asg50 asg99 < <(psqlc -F ' ' <<SQL
CREATE TEMP TABLE sent (ticket_id bigint, sent_us bigint, replied_us bigint);
\copy sent FROM '$work/sent.csv' WITH (FORMAT csv)
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
# CPU spent (user + system) by the two services and their PostgreSQL
# backends: less sensitive than wall time to whatever else the machine runs.
cpu_ticks() {
    local total=0 pid t
    for pid in "$@"; do
        t=$(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0)
        total=$((total + t))
    done
    echo "$total"
}
backends=$(psqlc -c "SELECT pid FROM pg_stat_activity WHERE usename IN ('kefu_intake', 'kefu_dispatch')")
ticks=$(cpu_ticks "${pids[@]}" $backends)
cpu_ms=$(awk -v t="$ticks" -v hz="$(getconf CLK_TCK)" -v n="$N" 'BEGIN { printf "%.2f", t * 1000 / hz / n }')
for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
pids=()

echo "pgbench: $K clients, ${PGS}s, one ticket row + one outbox row per transaction …"
tps=$(/usr/lib/postgresql/15/bin/pgbench -n -c "$K" -j "$K" -T "$PGS" -D n="$N" -f bench/pgbench_ticket.sql \
        "$conninfo user=kefu_owner" 2>/dev/null | awk '/^tps = / {print $3; exit}')
ratio=$(awk -v a="$rps" -v b="$tps" 'BEGIN { printf "%.2f", a / b }')

cat <<REPORT

kefu end to end (accepted -> stored -> assigned), N=$N, K=$K
  throughput            $rps requests/s
  accepted latency      p50 $acc50 ms   p99 $acc99 ms   (request sent -> ticket id received)
  assigned latency      p50 $asg50 ms   p99 $asg99 ms   (request sent -> work order assigned)
  cpu per request       $cpu_ms ms   (intake + dispatch + their PostgreSQL backends, user + system)
pgbench, K=$K          $tps transactions/s
ratio kefu / pgbench    $ratio   (target >= 0.3)
machine                 $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)
REPORT
