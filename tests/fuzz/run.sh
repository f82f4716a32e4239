#!/usr/bin/env bash
# Runs every fuzz target (bin/fuzz-<target> of $KEFU_FUZZ_BUILD, default
# build/fuzz) for SECONDS each, and ends with one line "N passed, N failed":
# a target passes when it ran its time without a crash, leak, UB report or
# time-out.
#   tests/fuzz/run.sh SECONDS              every target
#   tests/fuzz/run.sh SECONDS WORD...      only targets whose test name
#                                          (fuzz_<target>) contains a word
# Each target starts from its seeds, tests/fuzz/corpus/<target>/, which it
# only reads: what it finds goes to a temporary corpus, deleted afterwards.
# A crashing input is kept as build/fuzz/findings/<target>/crash-… (or
# leak-…, timeout-…); docs/testing.md, "Fuzzing", says how to replay it.
set -uo pipefail
cd "$(dirname "$0")/../.."
build=${KEFU_FUZZ_BUILD:-build/fuzz}
seconds=${1:?usage: tests/fuzz/run.sh SECONDS [WORD...]}
shift

selected() {
    [ $# -le 1 ] && return 0
    local name=$1 w
    shift
    for w in "$@"; do
        case "$name" in *"$w"*) return 0 ;; esac
    done
    return 1
}

passed=0
failed=0
targets=$(ls tests/fuzz/*.c 2>/dev/null | sed 's|.*/||; s|\.c$||')
if [ -z "$targets" ]; then
    echo "0 passed, 0 failed"
    exit 0
fi
# the X's are mktemp's template for a fresh name
work=$(mktemp -d /tmp/kefu-fuzz.XXXXXX)
for t in $targets; do
    selected "fuzz_$t" "$@" || continue
    bin=$build/bin/fuzz-$t
    if [ ! -x "$bin" ]; then
        echo "not ok - fuzz_$t: $bin is not built (make BUILD=build/fuzz FUZZ=1 build-fuzz)"
        failed=$((failed + 1))
        continue
    fi
    findings=$build/findings/$t
    mkdir -p "$findings" "$work/$t"
    seeds=tests/fuzz/corpus/$t
    [ -d "$seeds" ] || seeds=
    # -timeout: an input that takes 10 s is a finding (a hang);
    # the temporary corpus comes first, so new inputs are written there.
    "$bin" -max_total_time="$seconds" -timeout=10 -print_final_stats=1 \
        -artifact_prefix="$findings/" "$work/$t" $seeds >"$work/$t.log" 2>&1
    rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$t.log" | tail -1)
    [ -n "$execs" ] || execs=$(grep -oE '^#[0-9]+' "$work/$t.log" | tail -1 | tr -d '#')
    corpus=$(ls "$work/$t" | wc -l)
    artifact=$(grep -oE "Test unit written to [^ ]+" "$work/$t.log" | tail -1 | sed 's/Test unit written to //')
    if [ "$rc" -eq 0 ] && [ -z "$artifact" ]; then
        echo "ok - fuzz_$t: ${execs:-0} executions in ${seconds}s, no crash ($corpus new corpus entries)"
        passed=$((passed + 1))
    else
        echo "not ok - fuzz_$t: exit $rc after ${execs:-?} executions: $(grep -m1 -E '^==[0-9]+==ERROR|runtime error|fuzz check failed|ERROR: libFuzzer' "$work/$t.log")"
        # the report without libFuzzer's and libc's own frames
        grep -A40 -m1 -E '^==[0-9]+==ERROR|runtime error|fuzz check failed|ERROR: libFuzzer' "$work/$t.log" |
            grep -vE 'fuzzer::|libc\.so|libc_start|in _start |__sanitizer_print|pthread_kill|in raise |in abort |^NOTE|Combine libFuzzer|^ *$' |
            head -25 | sed 's/^/    /'
        [ -n "$artifact" ] && echo "    input: $artifact; replay: $bin $artifact"
        failed=$((failed + 1))
    fi
done
rm -rf "$work"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
