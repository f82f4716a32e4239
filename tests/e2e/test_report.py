"""`kefuctl report` end to end: SLA compliance per branch and clock, read from
a real cluster with the test organisation loaded by `kefuctl admin load`,
plus a branch NY01 in America/New_York whose name holds a comma and double
quotes (CSV quoting).

The stop events (first reply, resolution) are not recorded by any service
yet, so the clocks are fixture rows written straight into
dispatch.sla_clocks as the owner, each with start, stop and breach instants
chosen so that every count and percentile below can be worked out by hand.
The report only reads that table, through the dispatcher (request
sla.report), which runs beside the fixtures: their running clocks are
already warned and due after every instant the tests move the clock to, so
its SLA timer leaves them alone. "Now" (the default month) comes from the
injected clock (KEFU_CLOCK_FILE): Fri 20 Nov 2026 12:00 CST."""
import csv
import datetime
import io
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import kefu_harness as h  # noqa: E402
from kefu_system import System, ROOT  # noqa: E402

S = None
CST = datetime.timezone(datetime.timedelta(hours=8))
EDT = datetime.timezone(datetime.timedelta(hours=-4))   # New York until Sun 1 Nov 2026 02:00
EST = datetime.timezone(datetime.timedelta(hours=-5))   # ... and after
NOW = datetime.datetime(2026, 11, 20, 12, 0, tzinfo=CST)
NY_NAME = '纽约 "NY" 服务站, 东区'
MIN = 60


def us(t):
    return int(t.timestamp() * 1_000_000)


def cst(*args):
    return datetime.datetime(*args, tzinfo=CST)


def org_with_new_york():
    """tests/fixtures/org.yaml plus NY01 (America/New_York, no holiday calendar)."""
    with open(os.path.join(ROOT, "tests", "fixtures", "org.yaml"), encoding="utf-8") as f:
        text = f.read()
    text = text.replace("calendars_dir: ../../deploy/calendars",
                        "calendars_dir: " + os.path.join(ROOT, "deploy", "calendars"))
    marker = "products:\n"
    assert marker in text
    ny = ("  - id: NY01\n"
          "    name: '%s'\n"
          "    region: JS\n"
          "    timezone: America/New_York\n"
          "    hours: {mon: [\"09:00-17:00\"]}\n" % NY_NAME)
    return text.replace(marker, ny + marker, 1)


_ticket = [1000]


def add_clock(branch, clock, start, state="stopped", run=None, breached_after=None, due_after=60 * MIN):
    """One fixture clock of its own ticket: started at `start`, due
    `due_after` seconds later; stopped `run` seconds after the start (state
    stopped); breached `breached_after` seconds after the start (the
    engine's mark), or never. Pending clocks have no instants. A running
    clock is marked warned, so that the dispatcher's timer never warns."""
    _ticket[0] += 1
    started = start if state != "pending" else None
    due = start + datetime.timedelta(seconds=due_after) if started else None
    warn = start + datetime.timedelta(seconds=due_after * 0.8) if started else None
    stopped = start + datetime.timedelta(seconds=run) if state == "stopped" else None
    breached = start + datetime.timedelta(seconds=breached_after) if breached_after is not None else None
    paused = state == "paused"
    S.sql("INSERT INTO dispatch.sla_clocks (ticket_id, branch_id, clock, policy, target_kind, target_amount, "
          "time_kind, starts_on, stops_on, warn_percent, repeat_minutes, state, started_at, due_at, warn_at, "
          "breached_at, stopped_at, warned_at) VALUES (%s, %s, %s, 'fixture', 'minutes', %s, 'calendar', "
          "'ticket_created', 'first_reply', 80, 60, %s, %s, %s, %s, %s, %s, %s)",
          (_ticket[0], branch, clock, max(1, due_after // 60), "running" if paused else state, started, due, warn,
           breached, stopped, warn if state in ("running", "paused") else None))
    if paused:
        # paused_at arrives with the pause events (migration 0009) and is required from then on
        has_paused_at = S.sql("SELECT 1 FROM information_schema.columns WHERE table_schema = 'dispatch' "
                              "AND table_name = 'sla_clocks' AND column_name = 'paused_at'")
        S.sql("UPDATE dispatch.sla_clocks SET state = 'paused', remaining_us = 600000000%s WHERE ticket_id = %%s"
              % (", paused_at = started_at + interval '5 minutes'" if has_paused_at else ""), (_ticket[0],))


def setup_module():
    global S
    tmp_org = os.path.join(tempfile.mkdtemp(prefix="kefu-report-org-"), "org.yaml")
    with open(tmp_org, "w", encoding="utf-8") as f:
        f.write(org_with_new_york())
    S = System("report", org=tmp_org, clock_us=us(NOW))
    # the report covers every branch, New York's too: read as head office
    # (the suite's usual caller serves the three Chinese branches only)
    S.env["KEFU_TOKEN"] = S.token_of("HO01")

    # SH01 first_response (1 h): ten clocks in November, three outside it.
    add_clock("SH01", "first_response", cst(2026, 11, 1, 0, 0), run=40 * MIN)       # first instant of Nov
    for day, minutes in ((2, 10), (3, 20), (4, 30), (5, 50)):
        add_clock("SH01", "first_response", cst(2026, 11, day, 9, 0), run=minutes * MIN)
    add_clock("SH01", "first_response", cst(2026, 11, 6, 9, 0), run=95 * MIN, breached_after=60 * MIN)
    add_clock("SH01", "first_response", cst(2026, 11, 7, 9, 0), state="running", breached_after=60 * MIN)
    # stopped late before the engine's timer marked it: breached all the same
    add_clock("SH01", "first_response", cst(2026, 11, 8, 9, 0), run=70 * MIN)
    # due after 1 Dec 08:00 CST, the latest clock a test sets: never breached by the timer
    add_clock("SH01", "first_response", cst(2026, 11, 19, 9, 0), state="running", due_after=30 * 86400)
    add_clock("SH01", "first_response", cst(2026, 11, 19, 10, 0), state="paused")
    add_clock("SH01", "first_response", cst(2026, 10, 31, 23, 59, 59), run=61 * MIN, breached_after=60 * MIN)
    add_clock("SH01", "first_response", cst(2026, 12, 1, 0, 0), run=5 * MIN)
    add_clock("SH01", "first_response", cst(2026, 11, 10, 9, 0), state="pending")
    # SH01 resolution (8 h): 2 h, 5 h 30 min, 26 h 15 min (breached), 3 h 20 min 31 s.
    add_clock("SH01", "resolution", cst(2026, 11, 2, 10, 0), run=2 * 3600, due_after=8 * 3600)
    add_clock("SH01", "resolution", cst(2026, 11, 3, 10, 0), run=5 * 3600 + 30 * MIN, due_after=8 * 3600)
    add_clock("SH01", "resolution", cst(2026, 11, 4, 10, 0), run=26 * 3600 + 15 * MIN, due_after=8 * 3600,
              breached_after=8 * 3600)
    add_clock("SH01", "resolution", cst(2026, 11, 5, 10, 0), run=3 * 3600 + 20 * MIN + 31, due_after=8 * 3600)
    add_clock("SH01", "arrange", cst(2026, 11, 9, 11, 0), run=15 * MIN, due_after=2 * 3600)
    # SH02 first_response: 30 s, 45 s, 10 min, all met.
    for day, seconds in ((9, 30), (10, 45), (11, 600)):
        add_clock("SH02", "first_response", cst(2026, 11, day, 14, 0), run=seconds)
    # SZ01: October only.
    add_clock("SZ01", "first_response", cst(2026, 10, 15, 10, 0), run=20 * MIN)
    # NY01 in its own zone: 30 Nov 22:00 EST is already 1 Dec in Shanghai, but November in
    # New York; 31 Oct 23:30 EDT is 1 Nov in Shanghai, but October in New York.
    add_clock("NY01", "first_response", datetime.datetime(2026, 11, 30, 22, 0, tzinfo=EST), run=65 * MIN,
              due_after=2 * 3600)
    add_clock("NY01", "first_response", datetime.datetime(2026, 10, 31, 23, 30, tzinfo=EDT), run=10 * MIN)
    add_clock("NY01", "revisit", datetime.datetime(2026, 11, 2, 9, 0, tzinfo=EST), state="running",
              due_after=40 * 86400)
    S.start_service("dispatch").wait_ready()   # kefuctl report asks it (sla.report)


def teardown_module():
    if S:
        S.shutdown()


def report(*args, code=0):
    proc = S.kefuctl("report", *args, check=False)
    assert proc.returncode == code, "exit %d, expected %d: %s%s" % (
        proc.returncode, code, proc.stdout, proc.stderr)
    return proc


def report_bytes(*args):
    """stdout as bytes: text mode would turn CSV's CRLF into LF."""
    cmd = [os.path.join(h.BUILD, "bin", "kefuctl"), "--config", str(S.config), "report"] + list(args)
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT,
                          env=h.child_env(dict(S.env, KEFU_SCHEMAS_DIR=h.SCHEMAS_DIR)), timeout=60)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


NOVEMBER = "SLA compliance: clocks started from 2026-11-01 00:00 to 2026-12-01 00:00, each branch's local time\n\n"


def test_the_current_month_per_branch_and_clock():
    # SH01 first_response: 10 clocks started in November (not the pending one, not 31 Oct
    # 23:59:59 or 1 Dec 00:00). Met 5 (40, 10, 20, 30, 50 min); breached 3 (95 min marked,
    # still running and marked, 70 min stopped unmarked); open 2 (running, paused): 5/8 =
    # 62.5 %. Stopped: 10 20 30 40 50 70 95 min: median 40 min; p90 at 0.9 * 6 = 5.4: 70 +
    # 0.4 * 25 = 80 min. Resolution: 2 h, 3 h 20 min 31 s, 5 h 30 min, 26 h 15 min: median
    # (12031 + 19800) / 2 = 15915.5 s -> 15916 s = 4h 25m; p90 at 2.7: 19800 + 0.7 * 74700
    # = 72090 s = 20h 01m; met 3 of 4. SH02: 30 s, 45 s, 600 s: median 45 s, p90 at 1.8:
    # 45 + 0.8 * 555 = 489 s = 8m. NY01 counts its 30 Nov 22:00 EST clock (65 min), not the
    # one of 31 Oct 23:30 EDT; its own clock "revisit" comes after the built-in ones.
    out = report().stdout
    assert out == NOVEMBER + (
        'branch  name                    respond met  respond median  respond p90  resolve met  resolve median  resolve p90\n'
        '------  ----------------------  -----------  --------------  -----------  -----------  --------------  -----------\n'
        'NY01    纽约 "NY" 服务站, 东区  100.0 %      1h 05m          1h 05m       -            -               -\n'
        'SH01    上海徐汇服务站          62.5 %       40m             1h 20m       75.0 %       4h 25m          20h 01m\n'
        'SH02    上海浦东服务站          100.0 %      45s             8m           -            -               -\n'
        'SZ01    苏州服务站              -            -               -            -            -               -\n'
        '\n'
        'branch  clock           clocks  met  breached  open  met %    median  p90\n'
        '------  --------------  ------  ---  --------  ----  -------  ------  -------\n'
        'NY01    first_response  1       1    0         0     100.0 %  1h 05m  1h 05m\n'
        'NY01    revisit         1       0    0         1     -        -       -\n'
        'SH01    first_response  10      5    3         2     62.5 %   40m     1h 20m\n'
        'SH01    arrange         1       1    0         0     100.0 %  15m     15m\n'
        'SH01    resolution      4       3    1         0     75.0 %   4h 25m  20h 01m\n'
        'SH02    first_response  3       3    0         0     100.0 %  45s     8m\n'), out


def test_csv_is_rfc_4180_with_seconds():
    data = report_bytes("--csv")
    assert data == (
        b'branch,branch_name,clock,from,to,clocks,met,breached,open,met_percent,median_seconds,p90_seconds\r\n'
        + 'NY01,"纽约 ""NY"" 服务站, 东区",first_response,2026-11-01,2026-12-01,1,1,0,0,100.0,3900,3900\r\n'.encode()
        + 'NY01,"纽约 ""NY"" 服务站, 东区",revisit,2026-11-01,2026-12-01,1,0,0,1,,,\r\n'.encode()
        + 'SH01,上海徐汇服务站,first_response,2026-11-01,2026-12-01,10,5,3,2,62.5,2400,4800\r\n'.encode()
        + 'SH01,上海徐汇服务站,arrange,2026-11-01,2026-12-01,1,1,0,0,100.0,900,900\r\n'.encode()
        + 'SH01,上海徐汇服务站,resolution,2026-11-01,2026-12-01,4,3,1,0,75.0,15916,72090\r\n'.encode()
        + 'SH02,上海浦东服务站,first_response,2026-11-01,2026-12-01,3,3,0,0,100.0,45,489\r\n'.encode()), data
    # An independent reader agrees (Python's csv module follows RFC 4180).
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))
    assert [r["branch_name"] for r in rows][:2] == [NY_NAME, NY_NAME]
    assert len(rows) == 6


def test_an_explicit_period_filters_and_json():
    # October: SH01's clock of 31 Oct 23:59:59 CST (61 min, breached), SZ01's (20 min),
    # NY01's of 31 Oct 23:30 EDT (10 min) — which is 1 Nov in Shanghai.
    out = report("--from", "2026-10-01", "--to", "2026-11-01", "--clock", "first_response").stdout
    assert out == (
        "SLA compliance: clocks started from 2026-10-01 00:00 to 2026-11-01 00:00, each branch's local time\n\n"
        'branch  name                    respond met  respond median  respond p90\n'
        '------  ----------------------  -----------  --------------  -----------\n'
        'NY01    纽约 "NY" 服务站, 东区  100.0 %      10m             10m\n'
        'SH01    上海徐汇服务站          0.0 %        1h 01m          1h 01m\n'
        'SH02    上海浦东服务站          -            -               -\n'
        'SZ01    苏州服务站              100.0 %      20m             20m\n'
        '\n'
        'branch  clock           clocks  met  breached  open  met %    median  p90\n'
        '------  --------------  ------  ---  --------  ----  -------  ------  ------\n'
        'NY01    first_response  1       1    0         0     100.0 %  10m     10m\n'
        'SH01    first_response  1       0    1         0     0.0 %    1h 01m  1h 01m\n'
        'SZ01    first_response  1       1    0         0     100.0 %  20m     20m\n'), out
    # Repeated and comma-separated names; a clock selection without the headline clocks
    # has no headline table.
    out = report("--branch", "SH02", "--branch=SH01", "--clock", "arrange,resolution").stdout
    assert out == NOVEMBER + (
        'branch  name            resolve met  resolve median  resolve p90\n'
        '------  --------------  -----------  --------------  -----------\n'
        'SH01    上海徐汇服务站  75.0 %       4h 25m          20h 01m\n'
        'SH02    上海浦东服务站  -            -               -\n'
        '\n'
        'branch  clock       clocks  met  breached  open  met %    median  p90\n'
        '------  ----------  ------  ---  --------  ----  -------  ------  -------\n'
        'SH01    arrange     1       1    0         0     100.0 %  15m     15m\n'
        'SH01    resolution  4       3    1         0     75.0 %   4h 25m  20h 01m\n'), out
    out = report("--clock", "arrange").stdout
    assert out == NOVEMBER + (
        'branch  clock    clocks  met  breached  open  met %    median  p90\n'
        '------  -------  ------  ---  --------  ----  -------  ------  ---\n'
        'SH01    arrange  1       1    0         0     100.0 %  15m     15m\n'), out
    rows = S.kefuctl("report", "--branch", "NY01", json_out=True)
    assert rows == [
        {"branch": "NY01", "branch_name": NY_NAME, "from": "2026-11-01", "to": "2026-12-01",
         "clock": "first_response", "clocks": 1, "met": 1, "breached": 0, "open": 0, "met_percent": 100.0,
         "median_seconds": 3900, "p90_seconds": 3900},
        {"branch": "NY01", "branch_name": NY_NAME, "from": "2026-11-01", "to": "2026-12-01",
         "clock": "revisit", "clocks": 1, "met": 0, "breached": 0, "open": 1, "met_percent": None,
         "median_seconds": None, "p90_seconds": None}], rows


def test_an_empty_period_says_no_clocks():
    out = report("--from", "2025-01-01", "--to", "2025-02-01").stdout
    assert out == ("SLA compliance: clocks started from 2025-01-01 00:00 to 2025-02-01 00:00, each branch's "
                   "local time\n\nno clocks started in this period\n"), out
    out = report("--branch", "SZ01", "--clock", "first_response,arrange").stdout
    assert out == NOVEMBER + "no clocks started in this period (branches SZ01; clocks first_response, arrange)\n", out
    assert report_bytes("--csv", "--branch", "SZ01") == (
        b"branch,branch_name,clock,from,to,clocks,met,breached,open,met_percent,median_seconds,p90_seconds\r\n")
    assert S.kefuctl("report", "--branch", "SZ01", json_out=True) == []


def test_the_default_month_is_each_branchs_own():
    # Tue 1 Dec 2026 08:00 CST is still Mon 30 Nov 19:00 in New York: Shanghai's branches
    # report December, NY01 November.
    S.set_clock(us(cst(2026, 12, 1, 8, 0)))
    try:
        data = report_bytes("--csv", "--branch", "SH01,NY01", "--clock", "first_response").decode("utf-8")
        assert data == (
            "branch,branch_name,clock,from,to,clocks,met,breached,open,met_percent,median_seconds,p90_seconds\r\n"
            'NY01,"纽约 ""NY"" 服务站, 东区",first_response,2026-11-01,2026-12-01,1,1,0,0,100.0,3900,3900\r\n'
            "SH01,上海徐汇服务站,first_response,2026-12-01,2027-01-01,1,1,0,0,100.0,300,300\r\n"), data
        out = report("--branch", "SH01,NY01", "--clock", "first_response").stdout
        assert out.startswith("SLA compliance: clocks started in the current month of each branch's time zone\n\n"), out
    finally:
        S.set_clock(us(NOW))


def test_bad_input_exits_2_with_a_specific_error():
    cases = [
        (["--branch", "XX"], 'kefuctl report: --branch: unknown branch "XX" (expected one of: NY01, SH01, SH02, SZ01)'),
        (["--branch", "SH01,XX"], 'unknown branch "XX"'),
        (["--clock", "arival"], 'kefuctl report: --clock: unknown clock "arival" (expected one of: first_response, '
                                'arrange, call_centre_check, arrival, resolution, complaint_decision, plan, '
                                'callback, or a clock of your own in sla.yaml that has started at least once)'),
        (["--clock", "Arrival"], 'kefuctl report: --clock: "Arrival" is not a clock name (expected 1 to 32 of a-z '
                                 'and _, e.g. first_response)'),
        (["--from", "2026-13-01", "--to", "2027-01-01"], 'kefuctl report: --from: "2026-13-01" is not a date '
                                                         '(expected YYYY-MM-DD'),
        (["--from", "2026-11-01", "--to", "2026-11-31"], '--to: "2026-11-31" is not a date'),
        (["--from", "2026-11-01", "--to", "1 Dec"], '--to: "1 Dec" is not a date'),
        (["--from", "1899-12-01", "--to", "2026-11-01"], '--from: "1899-12-01" is not a date'),
        (["--from", "2026-11-01"], "kefuctl report: --from without --to (give both dates of the period [from, to), "
                                   "or neither for the current month)"),
        (["--to", "2026-11-01"], "kefuctl report: --to without --from"),
        (["--from", "2026-12-01", "--to", "2026-11-01"], "kefuctl report: --from 2026-12-01 is not before --to "
                                                         "2026-11-01 (the period is [from, to)"),
        (["--from", "2026-11-01", "--to", "2026-11-01"], "--from 2026-11-01 is not before --to 2026-11-01"),
        (["--csv", "--json"], "kefuctl report: --csv and --json exclude each other"),
        (["--branch"], "kefuctl report: option --branch needs a value"),
        (["--clock", "--csv"], "kefuctl report: option --clock needs a value"),
        (["--branch", "SH01,,SH02"], 'kefuctl report: --branch: empty name in "SH01,,SH02"'),
        (["--branch="], 'kefuctl report: --branch: empty name in ""'),
        (["--from", "2026-11-01", "--from", "2026-11-02", "--to", "2026-12-01"], "option --from given twice"),
        (["--frm", "2026-11-01"], "kefuctl report: unknown option --frm (expected one of: --config, --endpoint, "
                                  "--timeout-ms, --retries, --json, --help, --branch, --clock, --from, --to, --csv)"),
        (["SH01"], 'kefuctl report: unexpected argument "SH01" (this command takes options only)'),
    ]
    for args, message in cases:
        proc = report(*args, code=2)
        assert message in proc.stderr, (args, proc.stderr)
        assert proc.stdout == "", (args, proc.stdout)
    # the deployment's own clock that has run is known
    assert "revisit" in report("--clock", "revisit").stdout
    assert "usage: kefuctl report" in report("--help").stdout
