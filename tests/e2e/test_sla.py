"""SLA clocks, warnings and escalations, exactly once (docs/sla.md "The
engine"): a complaint at SH01 (open 08:00-18:00 every day, Asia/Shanghai)
gets a first-response clock of 1 business hour; the injected clock
(KEFU_CLOCK_FILE) is moved past the warning, the breach and the repeat
interval while TWO dispatchers run, and each warning and escalation must be
recorded, put in the ticket's history and notified exactly once. A killed
dispatcher, restarted after two thresholds passed, fires both at start."""
import datetime
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import kefu_harness as h  # noqa: E402
from kefu_system import System  # noqa: E402

S = None
NOTIFY = None
CST = datetime.timezone(datetime.timedelta(hours=8))
MINUTE = 60 * 1_000_000


def us(*args):
    return int(datetime.datetime(*args, tzinfo=CST).timestamp() * 1_000_000)


MONDAY_0900 = us(2026, 11, 23, 9, 0)   # an ordinary Monday (no holiday in cn 2026)


def setup_module():
    global S, NOTIFY
    NOTIFY = os.path.join(tempfile.mkdtemp(prefix="kefu-sla-notify-"), "notifications.jsonl")
    S = System("sla", clock_us=MONDAY_0900, dispatch={"sla_tick_ms": 100},
               notify={"file": NOTIFY})
    S.start_services(["intake"])
    for name in ("dispatch-1", "dispatch-2"):
        S.start_service("dispatch", name)
    for name in ("dispatch-1", "dispatch-2"):
        S.services[name].wait_ready()


def teardown_module():
    if S:
        S.shutdown()


def complaint(customer="C1002", *extra):
    out = S.kefuctl("submit", "--channel", "hotline", "--kind", "complaint", "--customer", customer,
                    "--description", "师傅迟到两小时，要求处理", *extra, json_out=True)
    return out["ticket_id"]


def clock_row(tid, clock):
    h.wait_until(lambda: S.sql("SELECT 1 FROM dispatch.sla_clocks WHERE ticket_id = %s AND clock = %s",
                               (tid, clock)), 60, "clock %s of ticket %s" % (clock, tid))
    return S.sql("SELECT state, policy, extract(epoch FROM due_at), extract(epoch FROM warn_at), level "
                 "FROM dispatch.sla_clocks WHERE ticket_id = %s AND clock = %s", (tid, clock))[0]


def records(tid):
    return S.sql("SELECT e.id, e.kind, e.level, e.recipient_name FROM dispatch.escalations e "
                 "JOIN dispatch.sla_clocks c ON c.id = e.clock_id "
                 "WHERE e.ticket_id = %s AND c.clock = 'first_response' ORDER BY e.id", (tid,))


def history(tid):
    return [e["event"] for e in S.ticket(tid)["history"]]


def clocks_in_history(tid, event):
    """The clock names listed by the ticket's clock_started / clock_stopped
    history entries (one entry per transition, listing its clocks)."""
    return [c["clock"] for e in S.ticket(tid)["history"] if e["event"] == event
            for c in e["detail"]["clocks"]]


def notifications():
    if not os.path.exists(NOTIFY):
        return []
    with open(NOTIFY, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def settle():
    """Both dispatchers have swept through the clock's instant and every
    message is delivered: anything fired twice would show by now."""
    S.quiet()


def wait_records(tid, n):
    return h.wait_until(lambda: len(records(tid)) >= n and records(tid), 60,
                        "%d SLA records for ticket %s" % (n, tid))


def check_delivered_once(tid):
    ids = [r[0] for r in records(tid)]
    h.wait_until(lambda: S.sql("SELECT count(*) FROM dispatch.escalations WHERE ticket_id = %s "
                               "AND notified_at IS NULL", (tid,)) == [(0,)], 60, "notifications")
    keys = [n["key"] for n in notifications()]
    for i in ids:
        assert keys.count("escalation-%d" % i) == 1, (i, keys)


def test_complaint_warns_breaches_and_climbs_the_ladder_once_each_with_two_dispatchers():
    tid = complaint()
    state, policy, due, warn, level = clock_row(tid, "first_response")
    assert (state, policy, level) == ("running", "complaint", None)
    assert int(float(due) * 1e6) == MONDAY_0900 + 60 * MINUTE        # 1 business hour
    assert int(float(warn) * 1e6) == MONDAY_0900 + 48 * MINUTE       # 80 %
    assert clock_row(tid, "complaint_decision")[0] == "running"      # 24 calendar hours
    # the callback's clock is the callback's: none until a callback is scheduled
    assert S.sql("SELECT count(*) FROM dispatch.sla_clocks WHERE ticket_id = %s AND clock LIKE 'callback%%'",
                 (tid,)) == [(0,)]
    h.wait_until(lambda: sorted(clocks_in_history(tid, "clock_started"))
                 == ["complaint_decision", "first_response"], 60, "clock_started in history")
    assert history(tid).count("clock_started") == 1   # one entry for the clocks started together

    S.set_clock(MONDAY_0900 + 47 * MINUTE)
    settle()
    assert records(tid) == []

    S.set_clock(MONDAY_0900 + 49 * MINUTE)
    wait_records(tid, 1)
    settle()
    rows = records(tid)
    # the demo ladder names TL01; the name is the staff directory's
    assert [(r[1], r[2], r[3]) for r in rows] == [("warning", "team_lead", "黄磊")], rows

    S.set_clock(MONDAY_0900 + 61 * MINUTE)                           # breached
    wait_records(tid, 2)
    settle()
    rows = records(tid)
    assert [(r[1], r[2]) for r in rows] == [("warning", "team_lead"), ("escalation", "team_lead")], rows
    assert clock_row(tid, "first_response")[4] == "team_lead"

    S.set_clock(MONDAY_0900 + 121 * MINUTE)                          # due + 60 min repeat
    wait_records(tid, 3)
    settle()
    rows = records(tid)
    assert [(r[1], r[2]) for r in rows] == [("warning", "team_lead"), ("escalation", "team_lead"),
                                           ("escalation", "department_head")], rows

    h.wait_until(lambda: history(tid).count("sla_escalated") == 2, 60, "sla_escalated in history")
    events = history(tid)
    assert events.count("sla_warning") == 1 and events.count("sla_escalated") == 2, events
    check_delivered_once(tid)
    fired = [x for name in ("dispatch-1", "dispatch-2")
             for x in S.services[name].events("sla_escalated") + S.services[name].events("sla_warning")
             if x.get("ticket_id") == str(tid) and x.get("clock") == "first_response"]
    assert len(fired) == 3, fired


def test_a_killed_dispatcher_fires_what_fell_due_at_restart_once():
    start = MONDAY_0900 + 121 * MINUTE                               # where the clock stands
    tid = complaint("C1005")
    due = clock_row(tid, "first_response")[2]
    assert int(float(due) * 1e6) == start + 60 * MINUTE
    for name in ("dispatch-1", "dispatch-2"):
        S.services[name].kill9()
    S.set_clock(start + 70 * MINUTE)                                 # past warning AND due
    assert records(tid) == []                                        # nobody runs
    S.services["dispatch-1"].start()
    S.services["dispatch-1"].wait_ready()
    wait_records(tid, 2)
    S.services["dispatch-2"].start()
    S.services["dispatch-2"].wait_ready()
    settle()
    rows = records(tid)
    assert [(r[1], r[2]) for r in rows] == [("warning", "team_lead"), ("escalation", "team_lead")], rows
    h.wait_until(lambda: "sla_escalated" in history(tid), 60, "sla_escalated in history")
    assert history(tid).count("sla_warning") == 1
    check_delivered_once(tid)


def test_a_flagged_ticket_skips_to_the_senior_level_and_informs_the_skipped():
    start = MONDAY_0900 + 191 * MINUTE
    # another customer: C1002's complaint is still open (repeat contact)
    tid = complaint("C1001", "--flags", "safety")
    clock_row(tid, "first_response")
    assert S.sql("SELECT flags FROM dispatch.sla_clocks WHERE ticket_id = %s AND clock = %s",
                 (tid, "first_response")) == [(["safety"],)]
    created = [e for e in S.ticket(tid)["history"] if e["event"] == "created"][0]["detail"]
    assert created["flags"] == ["safety"], created
    S.set_clock(start + 61 * MINUTE)
    wait_records(tid, 5)
    settle()
    rows = records(tid)
    assert [(r[1], r[2]) for r in rows] == [
        ("warning", "team_lead"), ("skip_level", "general_manager"), ("informed", "team_lead"),
        ("informed", "department_head"), ("informed", "centre_director")], rows
    assert clock_row(tid, "first_response")[4] == "general_manager"
    h.wait_until(lambda: history(tid).count("sla_informed") == 3, 60, "sla_informed in history")
    check_delivered_once(tid)


def test_an_assigned_repair_starts_its_arrange_clock():
    tid = S.kefuctl("submit", "--channel", "hotline", "--kind", "repair", "--customer", "C1002",
                    "--product", "AC-3200", "--description", "空调不制冷", json_out=True)["ticket_id"]
    S.wait_ticket_status(tid, "assigned")
    state, policy, _, _, _ = clock_row(tid, "arrange")
    assert (state, policy) == ("running", "city-visit")
    h.wait_until(lambda: "arrange" in clocks_in_history(tid, "clock_started"), 60,
                 "arrange clock_started")


def test_kefuctl_clocks_shows_due_remaining_and_status():
    t0 = us(2026, 11, 24, 9, 0)         # Tuesday, inside SH01's 08:00-18:00
    S.set_clock(t0)
    out = S.kefuctl("submit", "--channel", "hotline", "--kind", "complaint", "--name", "钱芳",
                    "--phone", "13611112222", "--address", "上海市徐汇区宜山路1号", "--region", "SH",
                    "--description", "投诉：上门未带配件", json_out=True)
    assert out["joined"] is False and out["branch"] == "SH01", out
    tid = out["ticket_id"]
    clock_row(tid, "first_response")

    def first_response():
        return {c["clock"]: c for c in S.kefuctl("clocks", str(tid), json_out=True)}["first_response"]
    fr = first_response()
    assert (fr["due"], fr["status"], fr["remaining_seconds"]) == ("2026-11-24T10:00:00+08:00", "on track", 3600), fr
    S.set_clock(t0 + 50 * MINUTE)       # past the 80 % warning, before the deadline
    fr = first_response()
    assert (fr["status"], fr["remaining_seconds"]) == ("at risk", 600), fr
    table = S.kefuctl("clocks", str(tid)).stdout
    assert "first_response" in table and "at risk" in table and "2026-11-24 10:00 CST" in table, table
    missing = S.kefuctl("clocks", "999999", check=False)
    assert missing.returncode == 1 and "no SLA clocks" in missing.stderr


def test_kefuctl_board_counts_open_tickets_by_their_worst_clock():
    t1 = us(2026, 11, 25, 9, 0)         # Wednesday, inside SH01's hours
    S.set_clock(t1)
    tid = S.kefuctl("submit", "--channel", "hotline", "--kind", "complaint", "--name", "孙悦",
                    "--phone", "13633334444", "--address", "上海市徐汇区宜山路2号", "--region", "SH",
                    "--description", "投诉：预约时间没人来", json_out=True)["ticket_id"]
    clock_row(tid, "first_response")

    def mine(board):
        return [t for t in board["tickets"] if t["ticket_id"] == tid]
    board = S.kefuctl("board", "--branch", "SH01", json_out=True)
    assert mine(board) == [] and board["branches"]["SH01"]["green"] >= 1, board   # green: not listed
    S.set_clock(t1 + 70 * MINUTE)       # first_response (1 business hour) is 10 min overdue
    board = S.kefuctl("board", "--branch", "SH01", json_out=True)
    assert [(t["colour"], t["clock"], t["minutes_left"]) for t in mine(board)] == \
        [("red", "first_response", -10)], board
    reds = [t for t in board["tickets"] if t["colour"] == "red"]
    assert board["branches"]["SH01"]["red"] == len(reds)
    table = S.kefuctl("board").stdout
    assert "SLA board" in table and "SH01" in table and "overdue 0 h 10 min" in table, table


def start_with_sla_file(name, text):
    """A dispatcher started on an SLA file `name` holding `text`, which it
    must refuse: waits for it to stop non-zero; returns (path, service)."""
    path = os.path.join(S.tmp, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    config = h.write_config(S.tmp, S.cluster, name=name + ".kefu", dispatch={"sla_file": path})
    svc = h.Service("dispatch", config, "dispatch-" + name.split(".")[0], logdir=S.tmp, env=S.env).start()
    h.wait_until(lambda: not svc.alive(), 60, "the dispatcher to refuse its SLA file")
    assert svc.stop(check=False) != 0
    return path, svc


def test_a_bad_sla_file_stops_the_dispatcher_with_file_line_and_key():
    _, svc = start_with_sla_file(
        "bad-sla.yaml", "policies:\n  - name: all\n    targets:\n      arrival: {hours: -2, time: business}\n"
        "ladders:\n  - branch: default\n    levels:\n      - {level: team_lead, staff: TL01}\n")
    with open(svc.log, encoding="utf-8", errors="replace") as f:
        text = f.read()
    assert "bad-sla.yaml:4: policies[0].targets.arrival.hours" in text, text[-2000:]


def test_an_sla_file_naming_an_unknown_staff_id_stops_the_dispatcher_with_file_line_and_key():
    path, svc = start_with_sla_file(
        "unknown-staff-sla.yaml",
        "policies:\n  - name: all\n    targets:\n      arrival: {hours: 2, time: business}\n"
        "ladders:\n  - branch: default\n    levels:\n      - {level: team_lead, staff: TL01}\n"
        "      - {level: department_head, staff: DH99}\n")
    refused = svc.events("sla_config_refused")
    expected = '%s:9: ladders[0].levels[1].staff: unknown staff id "DH99" (not in the staff directory' % path
    assert len(refused) == 1 and expected in refused[0]["reason"], (expected, refused)
