"""The callback commands of kefuctl (docs/kefuctl.md "Callbacks") through
the running services and the injected clock: an agent's work list shows the
due call with the full phone number to that agent (the read is audited) and
not to another branch's agent; an outcome and an attempt are recorded by
kefuctl; refusals exit 1 with the service's reason and change nothing; the
reports print tables, --json checked against schemas/replies/, and CSV with
a header line."""
import datetime
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import kefu_harness as h  # noqa: E402
import intake_client as ic  # noqa: E402
from kefu_system import System  # noqa: E402

S = None
CST = datetime.timezone(datetime.timedelta(hours=8))


def us(*args):
    return int(datetime.datetime(*args, tzinfo=CST).timestamp() * 1_000_000)


MONDAY_1000 = us(2026, 11, 23, 10, 0)


def setup_module():
    global S
    S = System("callback_cli", clock_us=MONDAY_1000)
    S.start_services(["intake", "dispatch", "callback"])


def teardown_module():
    if S:
        try:
            assert S.check_messages() > 0
        finally:
            S.shutdown()


def resolved_complaint(customer, product):
    """A complaint resolved now; returns (ticket, its after-work callback id)."""
    tid = S.kefuctl("submit", "--channel", "hotline", "--kind", "complaint", "--customer", customer,
                    "--product", product, "--description", "回访命令测试", json_out=True)["ticket_id"]
    S.kefuctl("event", str(tid), "ticket_resolved", "--note", "已处理")
    q = "SELECT id FROM callback.callbacks WHERE ticket_id = %s AND purpose = 'after_work'"
    h.wait_until(lambda: len(S.sql(q, (tid,))) == 1, 60, "an after-work callback for ticket %s" % tid)
    return tid, S.sql(q, (tid,))[0][0]


def as_json(staff, *args):
    """kefuctl --json ARGS as staff, checked against the request's reply schema."""
    proc = S.kefuctl_as(staff, "--json", *args)
    name = args[0] if args[0] != "callback" else "callback " + args[1]
    assert name in ic.KEFUCTL_REQUESTS, name
    import json
    return ic.check_kefuctl_json(name, json.loads(proc.stdout))


def refused(staff, args, expect, code=1):
    """kefuctl ARGS as staff exits `code` with `expect` on stderr and changes nothing."""
    state = "SELECT (SELECT string_agg(id || status || attempts, ',' ORDER BY id) FROM callback.callbacks)," \
            " (SELECT count(*) FROM callback.attempts), (SELECT count(*) FROM callback.rest_hours)"
    before = S.sql(state)
    proc = S.kefuctl_as(staff, *args, check=False)
    assert proc.returncode == code, (args, proc.returncode, proc.stdout, proc.stderr)
    assert expect in proc.stderr, (args, proc.stderr)
    assert S.sql(state) == before
    return proc


def test_work_list_phone_only_to_its_agent_and_audited():
    S.set_clock(MONDAY_1000)
    tid, cb = resolved_complaint("C1002", "RF-500")
    reads = "SELECT count(*) FROM ref.contact_reads WHERE principal = %s AND ticket_id = %s"
    before = S.sql(reads, ("A101", tid))[0][0]
    table = S.kefuctl_as("A101", "callbacks").stdout
    lines = table.splitlines()
    assert lines[0].split()[:3] == ["callback", "ticket", "branch"], table
    mine = [line for line in lines if line.split()[:2] == [str(cb), str(tid)]]
    assert len(mine) == 1 and "13900001111" in mine[0], table
    assert S.sql(reads, ("A101", tid))[0][0] == before + 1
    listed = as_json("A101", "callbacks")["callbacks"]
    entry = [c for c in listed if c["callback_id"] == cb]
    assert len(entry) == 1 and entry[0]["phone"] == "13900001111" and entry[0]["agent"] == "A101", listed
    # another branch's agent neither sees the call nor its number, and reads nothing
    other = as_json("A201", "callbacks")["callbacks"]
    assert cb not in [c["callback_id"] for c in other], other
    assert "13900001111" not in S.kefuctl_as("A201", "callbacks").stdout
    assert S.sql(reads, ("A201", tid))[0][0] == 0
    refused("A201", ["callbacks", "--all"], "forbidden")
    refused("A101", ["callbacks", "--all", "--agent", "A101"], "exclude each other", code=2)


def test_outcome_recorded_and_refusals():
    S.set_clock(MONDAY_1000)
    tid, cb = resolved_complaint("C1005", "WH-60")
    refused("A101", ["callback", "outcome", str(cb), "dissatisfied"], "reasons are required")
    refused("A101", ["callback", "outcome", str(cb), "angry"], "is not one of", code=2)
    refused("A101", ["callback", "outcome", str(cb), "neutral", "--reasons", "Late"], "is not a word", code=2)
    refused("A101", ["callback", "outcome", "999999", "satisfied"], "no callback 999999")
    out = S.kefuctl_as("A101", "callback", "outcome", str(cb), "satisfied", "--reasons", "on_time,polite",
                       "--note", "师傅很专业").stdout
    assert out.strip() == "callback %d (ticket %d): recorded (satisfied)" % (cb, tid), out
    row = S.sql("SELECT status, outcome, reasons, note, recorded_by FROM callback.callbacks WHERE id = %s", (cb,))
    assert row == [("recorded", "satisfied", ["on_time", "polite"], "师傅很专业", "A101")], row
    refused("A101", ["callback", "outcome", str(cb), "neutral"], "is already recorded (satisfied)")
    refused("A101", ["callback", "attempt", str(cb), "--reason", "busy"], "already recorded")


def test_attempt_and_rest_hours():
    S.set_clock(MONDAY_1000)
    tid, cb = resolved_complaint("C1002", "DW-1")
    r = as_json("A101", "callback", "attempt", str(cb), "--reason", "no_answer")
    assert (r["status"], r["attempts"], r["next_call_at"]) == ("retrying", 1, "2026-11-23T06:00:00.000000Z"), r
    refused("A101", ["callback", "attempt", str(cb), "--reason", "busy"], "is not due until")
    refused("A101", ["callback", "attempt", str(cb), "--reason", "asleep"], "is not one of", code=2)
    refused("A101", ["callback", "rest-hours", "C1002", "14:00-12:00"], "inverted")
    refused("A101", ["callback", "rest-hours", "C1002", "12:00-14:00,13:00-15:00"], "overlaps")
    out = S.kefuctl_as("A101", "callback", "rest-hours", "C1002", "12:00-14:30,20:00-09:00+1").stdout
    assert out.startswith("customer C1002: rest hours 12:00-14:30,20:00-09:00+1 (their own); 1 open"), out
    r = as_json("A101", "callback", "rest-hours", "C1002", "default")
    assert (r["windows"], r["own"]) == ("12:00-14:00,20:00-09:00+1", False), r


def test_reports_table_json_and_csv():
    period = ["--from", "2026-11-01", "--to", "2026-12-01"]
    csv = S.kefuctl_as("TL01", "callback", "coverage", "--branch", "SH01", "--csv", *period).stdout
    lines = csv.splitlines()   # CRLF lines, read in text mode
    assert lines[0] == "branch,finished,recorded,unreachable,due,cancelled,missing,recorded_pct", csv
    cov = as_json("TL01", "callback", "coverage", "--branch", "SH01", *period)
    sh01 = [b for b in cov["branches"] if b["branch"] == "SH01"]
    assert len(sh01) == 1 and sh01[0]["recorded"] >= 1, cov
    assert lines[1].startswith("SH01,%d,%d," % (sh01[0]["finished"], sh01[0]["recorded"])), csv
    assert "recorded %" in S.kefuctl_as("TL01", "callback", "coverage", *period).stdout
    sat = S.kefuctl_as("TL01", "callback", "satisfaction", "--by", "agent", "--csv", *period).stdout
    assert sat.splitlines()[:2] == ["branch,key,reached,satisfied,neutral,dissatisfied,rate_pct",
                                     "SH01,A101,1,1,0,0,100"], sat
    rows = as_json("TL01", "callback", "satisfaction", "--by", "branch", *period)["rows"]
    assert [(r["branch"], r["reached"], r["rate_pct"]) for r in rows] == [("SH01", 1, 100)], rows
    refused("TL01", ["callback", "satisfaction", *period], "--by is missing", code=2)
    refused("TL01", ["callback", "coverage", "--from", "2026-11-31", "--to", "2026-12-01"], "is not a date", code=2)
    refused("A101", ["callback", "coverage", *period], "forbidden")
