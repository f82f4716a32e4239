#!/usr/bin/env bash
# `make bench-sla` (and the second half of `make bench`) — the SLA engine
# with 1,000,000 open clocks: how late warnings and escalations are, what
# the dispatcher costs, exactly once. Not a test: it prints figures
# (bench/README.md keeps them).
#
#   BENCH_SLA_CLOCKS    running clocks in all          (default 1000000)
#   BENCH_SLA_WINDOW_S  seconds the due events span    (default 60)
#   BENCH_SLA_LEAD_S    window starts this long after the dispatcher is up
#                       and idle                       (default 10)
#   BENCH_SLA_TICK_MS   dispatch.sla_tick_ms           (default: not set, the
#                       product's default)
#   BENCH_SLA_KEEP=1    leave the cluster running afterwards (for EXPLAIN);
#                       its conninfo is printed
#
# What it does, on a throwaway embedded cluster (fsync on, defaults otherwise):
#  1. loads a one-branch organisation (bench/make-org.sh 1), then ONE
#     generate_series INSERT of BENCH_SLA_CLOCKS running clocks, one per
#     ticket id 1…N, and VACUUM ANALYZE. Most are 3-day callback clocks
#     started 0–48 h ago: due 24–72 h ahead, warning 10–58 h ahead. The top
#     1.5 % of ids are the window's clocks (parked 10 years ahead for now):
#       N/100 "arrival" clocks that breach in the window (already warned);
#             every 100th is flagged `safety` (skip level: 1 skip_level
#             + 3 informed records instead of 1 escalation);
#       N/200 "first_response" clocks whose warning falls in the window;
#     the highest ids because in production the clocks falling due now are
#     the young ones, behind every older long-running clock;
#  2. starts ONE kefu-dispatch (file notification adapter in the temp dir)
#     and kefu-intake, the receiver of its sla.* messages (so that each is
#     sent once and acknowledged, as in production; the clocks' tickets do
#     not exist, so intake dead-letters them instead of writing history),
#     lets the dispatcher idle for BENCH_SLA_LEAD_S against the full table, then one
#     UPDATE moves the window's instants to now() + 5 s … + window (spread
#     evenly, in an order unrelated to id) — real wall time;
#  3. waits until the window has passed and every expected record is
#     written and notified, then reports lateness against each record's due
#     instant (warn_at for a warning, due_at for the rest): `at` (recorded),
#     `notified_at` (marked delivered) and the file adapter's `sent_at`, p50
#     / p99 / max; the dispatcher's CPU (/proc/PID/stat) idle and over the
#     window, per event, and its PostgreSQL backend's; peak RSS (VmHWM);
#     records fired against expected, and duplicates (exactly once).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
build=${KEFU_BUILD:-build/release}
N=${BENCH_SLA_CLOCKS:-1000000}
WIN=${BENCH_SLA_WINDOW_S:-60}
LEAD=${BENCH_SLA_LEAD_S:-10}
TICK=${BENCH_SLA_TICK_MS:-}
B=$((N / 100)) # breaches in the window
W=$((N / 200)) # warnings in the window
F=$((B / 100)) # flagged breaches among them
first=$((N - B - W + 1))
expected=$((W + (B - F) + 4 * F))
[ "$B" -ge 100 ] || { echo "BENCH_SLA_CLOCKS must be at least 10000"; exit 2; }

work=$(mktemp -d /tmp/kefu-bench-sla.XXXXXX)
chmod 755 "$work"
pid=
intake_pid=
cleanup() {
    local rc=$?
    [ "$rc" -eq 0 ] || [ ! -s "$work/dispatch.log" ] || { echo "dispatch log (tail):"; tail -5 "$work/dispatch.log"; }
    for p in $pid $intake_pid; do kill -TERM "$p" 2>/dev/null || true; done
    for p in $pid $intake_pid; do wait "$p" 2>/dev/null || true; done
    if [ "${BENCH_SLA_KEEP:-0}" = 1 ]; then
        echo "cluster kept: psql \"$(deploy/scripts/pg-embedded.sh conninfo "$work/pg") user=kefu_owner\""
        echo "  stop it with: deploy/scripts/pg-embedded.sh stop $work/pg"
    else
        deploy/scripts/pg-embedded.sh stop "$work/pg" >/dev/null 2>&1 || true
        rm -rf "$work" # about 1 GiB
    fi
}
trap cleanup EXIT

load_before=$(uptime | sed 's/.*load average: //')
. bench/lib.sh
bench_cluster "$work"
touch "$work/notify.jsonl"
chmod 666 "$work/notify.jsonl"
bench_config "$work" "${TICK:+  sla_tick_ms: $TICK}" "notify:
  file: $work/notify.jsonl"

bench/make-org.sh 1 >"$work/org.yaml"
"$build/bin/kefuctl" admin migrate >/dev/null
"$build/bin/kefuctl" admin load "$work/org.yaml" >/dev/null

echo "loading $N running clocks …"
t0=$(date +%s.%N)
psqlc -v n="$N" -v first="$first" -v wfirst=$((N - W + 1)) <<'SQL'
INSERT INTO dispatch.sla_clocks (ticket_id, branch_id, clock, policy, target_kind, target_amount,
    time_kind, starts_on, stops_on, warn_percent, repeat_minutes, state, started_at, due_at, warn_at,
    warned_at, flags)
SELECT g, 'SH01', c.clock, 'city-visit', 'minutes', c.minutes, c.time_kind, c.starts_on, c.stops_on,
       80, 60, 'running', c.due - c.minutes * interval '1 minute', c.due,
       c.due - c.minutes * interval '12 seconds', -- 80 %
       CASE WHEN c.warned THEN c.due - c.minutes * interval '12 seconds' END, c.flags
FROM generate_series(1, :n) g,
LATERAL (SELECT CASE WHEN g < :first THEN 'callback' WHEN g < :wfirst THEN 'arrival'
                     ELSE 'first_response' END AS clock,
                CASE WHEN g < :first THEN 4320 WHEN g < :wfirst THEN 120 ELSE 60 END AS minutes,
                CASE WHEN g < :first THEN 'calendar' ELSE 'business' END AS time_kind,
                CASE WHEN g < :first THEN 'ticket_resolved' ELSE 'ticket_created' END AS starts_on,
                CASE WHEN g < :first THEN 'callback_done' WHEN g < :wfirst THEN 'technician_arrived'
                     ELSE 'first_reply' END AS stops_on,
                g >= :first AND g < :wfirst AS warned,
                CASE WHEN g >= :first AND g < :wfirst AND (g - :first + 1) % 100 = 0
                     THEN '{safety}'::text[] ELSE '{}' END AS flags,
                -- background: started 0–48 h ago; window: parked 10 years ahead
                CASE WHEN g < :first
                     THEN now() + interval '3 days' - ((g::bigint * 7919) % 172800) * interval '1 second'
                     ELSE now() + interval '10 years' END AS due) c;
VACUUM ANALYZE dispatch.sla_clocks;
SQL
t1=$(date +%s.%N)
load_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
table_mb=$(psqlc -c "SELECT pg_total_relation_size('dispatch.sla_clocks') / 1048576")

KEFU_DISPATCH_API='tcp://127.0.0.1:*' "$build/bin/kefu-dispatch" --instance dispatch-bench-sla >"$work/dispatch.log" 2>&1 &
pid=$!
"$build/bin/kefu-intake" --instance intake-bench-sla >"$work/intake.log" 2>&1 &
intake_pid=$!
"$build/bin/kefuctl" admin wait-ready --services intake,dispatch --timeout-ms 30000 >/dev/null

hz=$(getconf CLK_TCK)
ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
backend_ticks() {
    local total=0 p t
    for p in $(psqlc -c "SELECT pid FROM pg_stat_activity WHERE usename = 'kefu_dispatch'"); do
        t=$(ticks "$p")
        total=$((total + t))
    done
    echo "$total"
}
idle0=$(ticks "$pid")
bidle0=$(backend_ticks)
sleep "$LEAD"
idle1=$(ticks "$pid")
bidle1=$(backend_ticks)

# The window: breaches (arrival) and warnings (first_response) at evenly
# spread instants, in an order unrelated to the clock's id.
psqlc -v first="$first" -v wfirst=$((N - W + 1)) -v b="$B" -v w="$W" -v win="$WIN" <<'SQL'
BEGIN;
CREATE TEMP TABLE win AS SELECT now() + interval '5 seconds' AS t0;
UPDATE dispatch.sla_clocks c SET due_at = x.due, warn_at = x.due - interval '24 minutes',
       warned_at = x.due - interval '24 minutes', started_at = x.due - interval '2 hours'
FROM (SELECT g, t0 + ((g::bigint * 7919) % :b) * (:win * 1000000 / :b) * interval '1 microsecond' AS due
      FROM generate_series(:first, :wfirst - 1) g, win) x WHERE c.ticket_id = x.g;
UPDATE dispatch.sla_clocks c SET warn_at = x.warn, due_at = x.warn + interval '12 minutes',
       started_at = x.warn - interval '48 minutes'
FROM (SELECT g, t0 + ((g::bigint * 7919) % :w) * (:win * 1000000 / :w) * interval '1 microsecond' AS warn
      FROM generate_series(:wfirst, :wfirst + :w - 1) g, win) x WHERE c.ticket_id = x.g;
COMMIT;
SQL
echo "window: $B breaches ($F flagged) and $W warnings over ${WIN}s, $expected records expected …"

deadline=$(($(date +%s) + LEAD + WIN + 180))
while :; do
    read -r recorded notified < <(psqlc -F ' ' -c \
        "SELECT count(*), count(notified_at) FROM dispatch.escalations")
    now=$(date +%s)
    if [ "$now" -ge $((deadline - 180 + 2)) ] && [ "$recorded" -ge "$expected" ] \
        && [ "$notified" -eq "$recorded" ]; then
        break
    fi
    [ "$now" -lt "$deadline" ] || { echo "gave up: $recorded recorded, $notified notified of $expected"; break; }
    sleep 1
done
sleep 2 # anything fired twice would show now
win1=$(ticks "$pid")
bwin1=$(backend_ticks)
hwm=$(awk '/VmHWM/ {printf "%.1f", $2 / 1024}' "/proc/$pid/status")
rss=$(awk '/VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$pid/status")
unacked=$(psqlc -c "SELECT count(*) FROM dispatch.outbox WHERE acked_at IS NULL")
for p in $pid $intake_pid; do kill -TERM "$p" 2>/dev/null || true; done
for p in $pid $intake_pid; do wait "$p" 2>/dev/null || true; done
pid=
intake_pid=
load_after=$(uptime | sed 's/.*load average: //')

# sent_at of every line the file adapter wrote, keyed by escalation id.
/usr/bin/python3 - "$work/notify.jsonl" >"$work/sent.csv" <<'PY'
import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    o = json.loads(line)
    print(f'{o["key"].removeprefix("escalation-")},{o["sent_at"]}')
PY

psqlc -c "CREATE TABLE bench_sent (id bigint, sent_at timestamptz)" \
      -c "\copy bench_sent FROM '$work/sent.csv' WITH (FORMAT csv)"
read -r recorded distinct lines dup_lines stray \
    at50 at99 atmax n50 n99 nmax s50 s99 smax < <(psqlc -F ' ' -v first="$first" <<'SQL'
WITH e AS (
  SELECT e.id, e.at, e.notified_at, s.sent_at,
         CASE WHEN e.kind = 'warning' THEN c.warn_at ELSE c.due_at END AS due
  FROM dispatch.escalations e JOIN dispatch.sla_clocks c ON c.id = e.clock_id
  LEFT JOIN (SELECT id, min(sent_at) AS sent_at FROM bench_sent GROUP BY id) s ON s.id = e.id),
l AS (SELECT extract(epoch FROM at - due) AS rec, extract(epoch FROM notified_at - due) AS noti,
             extract(epoch FROM sent_at - due) AS snt FROM e)
SELECT (SELECT count(*) FROM dispatch.escalations),
       (SELECT count(DISTINCT (clock_id, kind, level)) FROM dispatch.escalations),
       (SELECT count(*) FROM bench_sent),
       (SELECT count(*) - count(DISTINCT id) FROM bench_sent),
       (SELECT count(*) FROM dispatch.escalations WHERE ticket_id < :first),
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY rec)::numeric * 1000),
       round(percentile_cont(0.99) WITHIN GROUP (ORDER BY rec)::numeric * 1000),
       round(max(rec)::numeric * 1000),
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY noti)::numeric * 1000),
       round(percentile_cont(0.99) WITHIN GROUP (ORDER BY noti)::numeric * 1000),
       round(max(noti)::numeric * 1000),
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY snt)::numeric * 1000),
       round(percentile_cont(0.99) WITHIN GROUP (ORDER BY snt)::numeric * 1000),
       round(max(snt)::numeric * 1000)
FROM l;
SQL
)
secs() { awk -v t="$1" -v hz="$hz" 'BEGIN { printf "%.2f", t / hz }'; }
per_event() { awk -v t="$1" -v hz="$hz" -v n="$2" 'BEGIN { printf "%.3f", n ? t * 1000 / hz / n : 0 }'; }
idle_cpu=$(awk -v t=$((idle1 - idle0)) -v hz="$hz" -v s="$LEAD" 'BEGIN { printf "%.1f", t * 100 / hz / s }')
bidle_cpu=$(awk -v t=$((bidle1 - bidle0)) -v hz="$hz" -v s="$LEAD" 'BEGIN { printf "%.1f", t * 100 / hz / s }')
verdict=$([ "$recorded" -eq "$expected" ] && [ "$distinct" -eq "$recorded" ] && [ "$stray" -eq 0 ] \
    && echo "exactly once" || echo "NOT exactly once")

cat <<REPORT

SLA engine, $N running clocks (table $table_mb MiB, loaded + VACUUM ANALYZE in ${load_s}s), one dispatcher
  tick                  ${TICK:-default} ms (dispatch.sla_tick_ms)
  events                $B breaches ($F flagged: skip level + 3 informed) + $W warnings over ${WIN}s
  records               $recorded of $expected expected, $distinct distinct (clock, kind, level), $stray outside the window: $verdict
  notifications         $lines lines in the file, $dup_lines repeated (at least once); $unacked sla.* messages not yet acknowledged by intake
  lateness recorded     p50 $at50 ms   p99 $at99 ms   max $atmax ms   (escalation.at - due)
  lateness notified     p50 $n50 ms   p99 $n99 ms   max $nmax ms   (escalation.notified_at - due)
  lateness sent         p50 $s50 ms   p99 $s99 ms   max $smax ms   (file adapter sent_at - due; target p99 < 1000)
  dispatcher cpu idle   ${idle_cpu} % of a core (process), ${bidle_cpu} % (its PostgreSQL backend), ${LEAD}s before the window
  dispatcher cpu        $(secs $((win1 - idle1))) s over the window (process), $(secs $((bwin1 - bidle1))) s (backend); total since start $(secs "$win1") s
  cpu per event         $(per_event $((win1 - idle1)) "$recorded") ms (process)   $(per_event $((bwin1 - bidle1)) "$recorded") ms (backend)
  dispatcher memory     peak RSS (VmHWM) $hwm MiB, at the end $rss MiB   (target < 64)
machine                 $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)
load average            before $load_before   after $load_after
REPORT
