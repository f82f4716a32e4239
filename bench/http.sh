#!/usr/bin/env bash
# `make bench-http` (also part of `make bench`) — tickets submitted over HTTP
# through kefu-gateway beside the same tickets submitted over ZeroMQ straight
# to intake, in one run on one cluster. Not a test: it prints figures.
#
#   BENCH_HTTP_REQUESTS  requests per phase          (default 1000)
#   BENCH_HTTP_CLIENTS   concurrent clients K        (default 16)
#   BENCH_BRANCHES       branches, requests spread over them (default 4)
#   BENCH_KEEP=1         keep the throwaway cluster folder afterwards
#
# Three phases of N requests from K clients, each client one request at a
# time (bench-load): ZeroMQ, HTTP (POST /api/v1/tickets, one keep-alive
# connection per client, Idempotency-Key and Bearer token as a web form's
# server would send them), ZeroMQ again; each phase waits until every ticket
# of it is assigned before the next starts, so no phase pays for another's
# backlog. The figure is accepted requests per second (first send -> last
# reply) and the accepted latency; HTTP is compared with the mean of the two
# ZeroMQ phases (target >= 0.8), and the gateway's own CPU per request is
# printed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
build=${KEFU_BUILD:-build/release}
N=${BENCH_HTTP_REQUESTS:-1000}
K=${BENCH_HTTP_CLIENTS:-16}
B=${BENCH_BRANCHES:-4}

. bench/lib.sh
bench_workdir kefu-bench-http

bench_cluster "$work"
bench_config "$work" "" ""
http_port=$(free_port)
bench/make-org.sh $((3 * N)) "$B" >"$work/org.yaml"
"$build/bin/kefuctl" admin migrate >/dev/null
"$build/bin/kefuctl" admin load "$work/org.yaml" >/dev/null
"$build/bin/kefu-intake" --instance intake-bench >"$work/intake.log" 2>&1 &
pids+=($!)
KEFU_DISPATCH_API='tcp://127.0.0.1:*' "$build/bin/kefu-dispatch" --instance dispatch-bench >"$work/dispatch.log" 2>&1 &
pids+=($!)
KEFU_GATEWAY_HTTP=127.0.0.1:$http_port "$build/bin/kefu-gateway" --instance gateway-bench >"$work/gateway.log" 2>&1 &
gateway=$!
pids+=("$gateway")
"$build/bin/kefuctl" admin wait-ready --services intake,dispatch --timeout-ms 30000 >/dev/null
for _ in $(seq 1 300); do   # the gateway answers (401: no token) once it listens
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$http_port/api/v1/tickets" || true)" = 401 ] && break
    sleep 0.1
done
KEFU_TOKEN=$("$build/bin/kefuctl" admin tokens create --staff CC01 --label bench-http | head -1)
export KEFU_TOKEN

# One phase: $1 its name, $2 the first customer's offset, then bench-load's
# target. Sets rps p50 p99, and ticks (the gateway's CPU in the phase).
phase() {
    local name=$1 first=$2 before assigned
    shift 2
    before=$(cpu_ticks "$gateway")
    "$build/bin/bench-load" "$@" --requests "$N" --clients "$K" --first "$first" --out "$work/$name.csv"
    ticks=$(($(cpu_ticks "$gateway") - before))
    for _ in $(seq 1 1200); do
        assigned=$(psqlc -c "SELECT count(*) FROM dispatch.work_orders WHERE status = 'assigned'")
        [ "$assigned" -ge $((first + N)) ] && break
        sleep 0.1
    done
    [ "$assigned" -ge $((first + N)) ] || { echo "only $assigned of $((first + N)) assigned in 120 s" >&2; exit 1; }
    read -r rps p50 p99 < <(psqlc -F ' ' <<SQL
CREATE TEMP TABLE sent (ticket_id bigint, sent_us bigint, replied_us bigint);
\copy sent FROM '$work/$name.csv' WITH (FORMAT csv)
SELECT round(count(*) / ((max(replied_us) - min(sent_us)) / 1e6), 1),
       round((percentile_cont(0.5) WITHIN GROUP (ORDER BY replied_us - sent_us) / 1000)::numeric, 2),
       round((percentile_cont(0.99) WITHIN GROUP (ORDER BY replied_us - sent_us) / 1000)::numeric, 2)
FROM sent;
SQL
)
}

echo "kefu: 3 phases of $N requests from $K clients, $B branches (ZeroMQ, HTTP, ZeroMQ) …"
phase zmq1 0 --endpoint "tcp://127.0.0.1:$port"
z1=$rps z1p50=$p50 z1p99=$p99
phase http "$N" --http "127.0.0.1:$http_port"
h=$rps hp50=$p50 hp99=$p99 http_ticks=$ticks
phase zmq2 $((2 * N)) --endpoint "tcp://127.0.0.1:$port"
z2=$rps z2p50=$p50 z2p99=$p99
zmq=$(awk -v a="$z1" -v b="$z2" 'BEGIN { printf "%.1f", (a + b) / 2 }')
ratio=$(awk -v a="$h" -v b="$zmq" 'BEGIN { printf "%.2f", a / b }')
gw_ms=$(awk -v t="$http_ticks" -v hz="$(getconf CLK_TCK)" -v n="$N" 'BEGIN { printf "%.3f", t * 1000 / hz / n }')

cat <<REPORT

ticket.submit accepted (request sent -> ticket id received), N=$N per phase, K=$K, $B branch(es)
  ZeroMQ to intake, 1     $z1 requests/s   p50 $z1p50 ms   p99 $z1p99 ms
  HTTP via the gateway    $h requests/s   p50 $hp50 ms   p99 $hp99 ms   (keep-alive)
  ZeroMQ to intake, 2     $z2 requests/s   p50 $z2p50 ms   p99 $z2p99 ms
  gateway cpu per request $gw_ms ms
ratio HTTP / ZeroMQ       $ratio   (target >= 0.8; ZeroMQ = mean of its two phases)
machine                   $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)
REPORT
