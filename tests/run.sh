#!/usr/bin/env bash
# Runs every test suite and ends with one line "N passed, N failed".
#   tests/run.sh               everything
#   tests/run.sh WORD...       only tests whose name contains a word
# Suites: C unit tests (bin/unit-tests, under ASan/UBSan when built so),
# the fuzz targets for FUZZ_TEST_SECONDS each (tests/fuzz/run.sh, the
# clang build in $KEFU_FUZZ_BUILD, default build/fuzz), then the
# Python-driven integration, end-to-end and fault tests, which start real
# PostgreSQL clusters and real service processes (tests/lib/), under
# Debian's python3-pytest (tests/pytest.ini, tests/conftest.py).
set -uo pipefail
cd "$(dirname "$0")/.."
export KEFU_BUILD=${KEFU_BUILD:-build/asan}
export KEFU_FUZZ_BUILD=${KEFU_FUZZ_BUILD:-build/fuzz}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:halt_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
PY=/usr/bin/python3

passed=0
failed=0
words=$#
# Adds a suite's "N passed, N failed" to the totals; a suite that printed no
# such line (it crashed) counts as one failure.
tally() {
    local name=$1 log=$2 rc=$3 line
    line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -1)
    if [ -z "$line" ]; then
        echo "suite $name ended (exit $rc) without a result line: counted as 1 failure"
        failed=$((failed + 1))
        return
    fi
    local p f
    p=$(echo "$line" | awk '{print $1}')
    f=$(echo "$line" | awk '{print $3}')
    if [ "$p" -eq 0 ] && [ "$f" -eq 0 ] && [ "$words" -gt 0 ]; then
        return      # the words chose none of this suite's tests
    fi
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        echo "suite $name exited $rc with no failed test: counted as 1 failure"
        f=1
    fi
    passed=$((passed + p))
    failed=$((failed + f))
}

logdir=$(mktemp -d /tmp/kefu-tests.XXXXXX)
chmod 755 "$logdir"

echo "== unit tests ($KEFU_BUILD/bin/unit-tests)"
"$KEFU_BUILD/bin/unit-tests" "$@" 2>&1 | tee "$logdir/unit.log" | grep -v '^ok - '
tally unit "$logdir/unit.log" "${PIPESTATUS[0]}"

echo "== fuzz targets, ${FUZZ_TEST_SECONDS:-3} s each ($KEFU_FUZZ_BUILD/bin/fuzz-*)"
tests/fuzz/run.sh "${FUZZ_TEST_SECONDS:-3}" "$@" 2>&1 | tee "$logdir/fuzz.log"
tally fuzz "$logdir/fuzz.log" "${PIPESTATUS[0]}"

echo "== integration, end-to-end and fault tests"
pyfiles=$(ls tests/integration/test_*.py tests/e2e/test_*.py tests/fault/test_*.py 2>/dev/null)
if [ -n "$pyfiles" ]; then
    # words select tests whose name contains any of them, as for the unit tests
    select=()
    [ $# -gt 0 ] && select=(-k "$(printf '%s\n' "$@" | paste -sd '|' | sed 's/|/ or /g')")
    # shellcheck disable=SC2086
    # Two workers (KEFU_TEST_JOBS): most of a module's time is spent waiting
    # for its own cluster and services, so modules run side by side; each
    # module stays on one worker (its services start once per module).
    jobs=(-n "${KEFU_TEST_JOBS:-2}" --dist loadfile)
    [ "${KEFU_TEST_JOBS:-2}" = 1 ] && jobs=(-p no:xdist)
    $PY -m pytest "${jobs[@]}" --durations=20 $pyfiles "${select[@]}" 2>&1 | tee "$logdir/python.log"
    rc=${PIPESTATUS[0]}
    tally python "$logdir/python.log" "$rc"
fi

echo "logs: $logdir"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
