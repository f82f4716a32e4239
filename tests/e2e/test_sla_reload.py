"""Reloading the SLA file with SIGHUP (docs/sla.md "Reloading the SLA file"):
the dispatcher re-reads dispatch.sla_file into a new configuration and
switches only when it loaded completely. A broken file (a typo, an unknown
branch, a negative target, a staff id the staff directory does not know, a
missing file) is refused with file:line:key in
the log, the dispatcher keeps running, and new tickets still get the OLD
policy. A valid changed file is taken: new tickets get the NEW targets,
while a clock already running keeps the due time stored in its row (and
breaches at it). Real PostgreSQL, intake and dispatch processes; the clock
is injected (KEFU_CLOCK_FILE) and never moves on its own."""
import datetime
import itertools
import os
import signal
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import kefu_harness as h  # noqa: E402
from kefu_system import System  # noqa: E402

S = None
SLA = None          # the file the dispatcher reads (dispatch.sla_file)
CST = datetime.timezone(datetime.timedelta(hours=8))
MINUTE = 60 * 1_000_000
MONDAY_0900 = int(datetime.datetime(2026, 11, 23, 9, 0, tzinfo=CST).timestamp() * 1_000_000)
PHONES = itertools.count(13655550001)   # a new customer per ticket: no repeat-contact joining

# Line numbers matter: the refusals below name them.
V1 = """\
policies:
  - name: reply-in-one-hour
    targets:
      first_response: {hours: 1, time: business}
ladders:
  - branch: default
    levels:
      - {level: team_lead, staff: TL01}
"""
# the new team lead: TL03 (吴敏 in tests/fixtures/org.yaml)
V2 = V1.replace("reply-in-one-hour", "reply-in-two-hours").replace("hours: 1,", "hours: 2,") \
       .replace("staff: TL01", "staff: TL03")
TYPO = V1.replace("first_response:", "first_respons:")
UNKNOWN_BRANCH = V1 + """\
  - branch: BJ01
    levels:
      - {level: team_lead, staff: TL01}
"""
NEGATIVE = V1.replace("hours: 1,", "hours: -2,")
UNKNOWN_STAFF = V1.replace("staff: TL01", "staff: TL99")
NAMED_NOT_STAFF = V1.replace("staff: TL01", "name: 客服班长 陈静, email: team-lead@kefu.example.cn")

# Created by the tests in order; ticket A's clock runs under V1 throughout.
TICKETS = {}


def setup_module():
    global S, SLA
    SLA = os.path.join(tempfile.mkdtemp(prefix="kefu-sla-reload-"), "sla.yaml")
    write_sla(V1)
    S = System("sla-reload", clock_us=MONDAY_0900, dispatch={"sla_tick_ms": 100, "sla_file": SLA})
    S.start_services(["intake", "dispatch"])


def teardown_module():
    if S:
        S.shutdown()   # the dispatcher must still stop cleanly (exit 0, no leak)


def write_sla(text):
    tmp = SLA + ".new"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, SLA)


def dispatcher():
    return S.services["dispatch-1"]


def sighup(event):
    """SIGHUP to the dispatcher, found the way docs/sla.md tells an operator
    (its pid in dispatch.endpoints); returns the log line of the outcome."""
    svc = dispatcher()
    pid = S.sql("SELECT pid FROM dispatch.endpoints WHERE instance = %s", (svc.instance,))[0][0]
    assert pid == svc.proc.pid, (pid, svc.proc.pid)
    before = len(svc.events(event))
    os.kill(pid, signal.SIGHUP)
    found = h.wait_until(lambda: svc.events(event)[before:], 60, "%s after SIGHUP" % event)
    assert svc.alive(), "the dispatcher died on SIGHUP"
    return found[0]


def complaint():
    phone = str(next(PHONES))
    out = S.kefuctl("submit", "--channel", "hotline", "--kind", "complaint", "--name", "顾客" + phone[-4:],
                    "--phone", phone, "--address", "上海市徐汇区宜山路%s号" % phone[-3:], "--region", "SH",
                    "--description", "投诉：维修后仍漏水", json_out=True)
    assert out["joined"] is False and out["branch"] == "SH01", out
    return out["ticket_id"]


def first_response(tid):
    """(policy, minutes from 09:00 to due, state) of the ticket's clock."""
    h.wait_until(lambda: S.sql("SELECT 1 FROM dispatch.sla_clocks WHERE ticket_id = %s "
                               "AND clock = 'first_response'", (tid,)), 60, "ticket %s's clock" % tid)
    policy, due, state = S.sql("SELECT policy, (extract(epoch FROM due_at) * 1000000)::bigint, state "
                               "FROM dispatch.sla_clocks WHERE ticket_id = %s AND clock = 'first_response'",
                               (tid,))[0]
    return policy, (due - MONDAY_0900) // MINUTE, state


def test_the_first_file_gives_clocks_its_policy():
    # the file is read at the first timer tick, just after "ready" is logged
    loaded = h.wait_until(lambda: dispatcher().events("sla_config"), 60, "the dispatcher's sla_config")
    assert loaded[0]["policies"] == "1", loaded
    TICKETS["A"] = complaint()
    assert first_response(TICKETS["A"]) == ("reply-in-one-hour", 60, "running")


def test_a_broken_file_is_refused_with_file_line_and_key_and_the_old_policy_stays():
    cases = [
        (TYPO, "sla.yaml:4: policies[0].targets.first_respons: unknown key"),
        (UNKNOWN_BRANCH, 'sla.yaml:9: ladders[1].branch: unknown branch "BJ01"'),
        (NEGATIVE, "sla.yaml:4: policies[0].targets.first_response.hours: must be an integer"),
        (UNKNOWN_STAFF, 'sla.yaml:8: ladders[0].levels[0].staff: unknown staff id "TL99" (not in the staff '
                        'directory'),
        (NAMED_NOT_STAFF, "sla.yaml:8: ladders[0].levels[0].name: a ladder names people by staff id"),
    ]
    for text, expected in cases:
        write_sla(text)
        line = sighup("sla_reload_refused")
        assert expected in line["reason"], (expected, line)
        assert line["path"] == SLA and line["kept"] == "the configuration in effect", line
    os.remove(SLA)                      # renamed away by mistake: refused too
    line = sighup("sla_reload_refused")
    assert SLA in line["reason"], line
    assert dispatcher().events("sla_reloaded") == []
    TICKETS["B"] = complaint()          # still the old policy
    assert first_response(TICKETS["B"]) == ("reply-in-one-hour", 60, "running")


def test_a_valid_changed_file_applies_to_new_clocks_only():
    write_sla(V2)
    line = sighup("sla_reloaded")
    assert (line["path"], line["policies"], line["clocks"]) == (SLA, "1", "8"), line
    TICKETS["C"] = complaint()
    assert first_response(TICKETS["C"]) == ("reply-in-two-hours", 120, "running")
    # the clocks started before keep the target and due time stored in their rows
    assert first_response(TICKETS["A"]) == ("reply-in-one-hour", 60, "running")
    assert first_response(TICKETS["B"]) == ("reply-in-one-hour", 60, "running")


def test_a_running_clock_breaches_at_its_old_due_time_and_escalates_on_the_new_ladder():
    S.set_clock(MONDAY_0900 + 61 * MINUTE)   # past the old hour, inside the new two
    a = TICKETS["A"]
    h.wait_until(lambda: len(S.sql("SELECT 1 FROM dispatch.escalations WHERE ticket_id = %s", (a,))) == 2,
                 60, "ticket A's warning and breach")
    rows = S.sql("SELECT kind, recipient_name FROM dispatch.escalations WHERE ticket_id = %s ORDER BY id",
                 (a,))
    # ladders are looked up when a clock fires: the new file's team lead is
    # told, by the name the staff directory gives TL03
    assert rows == [("warning", "吴敏"), ("escalation", "吴敏")], rows
    assert S.sql("SELECT DISTINCT recipient_staff, may_acknowledge FROM dispatch.escalations "
                 "WHERE ticket_id = %s", (a,)) == [("TL03", ["TL03"])]
    # ticket C's two-hour clock is neither at risk (96 min) nor breached: not
    # by the tick that fired A (one transaction for every due clock), nor by
    # any later one at 10:01
    S.quiet()
    assert S.sql("SELECT warned_at, breached_at FROM dispatch.sla_clocks WHERE ticket_id = %s "
                 "AND clock = 'first_response'", (TICKETS["C"],)) == [(None, None)]


def test_sighup_to_a_service_without_a_reload_hook_changes_nothing():
    intake = S.services["intake-1"]
    os.kill(intake.proc.pid, signal.SIGHUP)
    h.wait_until(lambda: intake.events("reload_ignored"), 60, "intake's reload_ignored")
    assert intake.alive()
    assert complaint()                  # intake still takes requests
