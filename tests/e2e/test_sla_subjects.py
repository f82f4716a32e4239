"""SLA clocks of subjects other than the ticket (docs/sla.md "Subjects"),
through the running intake, dispatch and qc with the injectable clock and
the demo's sla.yaml: the final inspection is due within 4 business hours
of the work being reported done (a clock of the inspection, started by the
done report); it warns and escalates like any clock when the level is not
signed in time, and stops when it is. A reopened ticket's revisit clock
(24 h in the city) starts on the reopening, stops when the technician
arrives and starts over on a second reopening."""
import datetime
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import kefu_harness as h  # noqa: E402
from intake_client import IntakeClient  # noqa: E402
from kefu_system import System, ROOT  # noqa: E402

S = None
CST = datetime.timezone(datetime.timedelta(hours=8))
PLANS = os.path.join(ROOT, "tests", "fixtures", "qc.yaml")
MINUTE = 60 * 1_000_000


def us(*args):
    return int(datetime.datetime(*args, tzinfo=CST).timestamp() * 1_000_000)


MONDAY_0900 = us(2026, 11, 23, 9, 0)    # SH01 works 08:00-18:00 every day

SELF = [{"item": "fault_cleared", "result": "pass"},
        {"item": "wheel_nut_torque", "value": 120, "unit": "N·m"},
        {"item": "tyre_pressure", "value": 2.5, "unit": "bar"}]
LEAD = [{"item": "work_matches_order", "result": "pass"}, {"item": "road_test", "result": "pass"}]
FINAL_OK = [{"item": "brake_disc_thickness", "value": 24, "unit": "mm"},
            {"item": "coolant_freeze_point", "value": -30, "unit": "°C"},
            {"item": "no_leaks", "result": "pass"}]
HANDOVER = [{"item": "vehicle_clean", "result": "pass"}, {"item": "customer_briefed", "result": "pass"}]


def setup_module():
    global S
    S = System("sla-subjects", clock_us=MONDAY_0900, dispatch={"sla_tick_ms": 100, "assign_retry_ms": 200},
               qc={"plans_file": PLANS})
    S.start_services(["intake", "dispatch", "qc"])


def teardown_module():
    if S:
        try:
            assert S.check_messages() > 0
        finally:
            S.shutdown()


def repair(customer, product="AC-3200"):
    return S.kefuctl("submit", "--channel", "hotline", "--kind", "repair", "--customer", customer,
                     "--product", product, "--description", "空调不制冷", json_out=True)["ticket_id"]


def assigned_order(tid):
    def last():
        rows = S.sql("SELECT id, status, technician_id FROM dispatch.work_orders WHERE ticket_id = %s "
                     "ORDER BY id", (tid,))
        return rows[-1] if rows and rows[-1][1] == "assigned" else None
    h.wait_until(last, 60, "ticket %s assigned" % tid)
    wo, _, tech = last()
    return wo, tech


def done(tech, wo):
    return S.kefuctl_as(tech, "done", str(wo), "--cause", "refrigerant_leak", "--labour-minutes", "60",
                        json_out=True)


def sign(staff, wo, level, items):
    c = IntakeClient(S.config.qc_api, timeout_ms=30000, token=S.token_of(staff))
    try:
        reply = c.request("inspection.sign", {"work_order_id": wo, "level": level, "items": items})
    finally:
        c.close()
    assert reply["ok"], reply
    return reply


def clock(tid, name):
    rows = S.sql("SELECT subject_kind, subject_id, state, extract(epoch FROM due_at)::bigint, "
                 "breached_at IS NOT NULL, restarts FROM dispatch.sla_clocks WHERE ticket_id = %s AND clock = %s "
                 "ORDER BY id", (tid, name))
    return rows


def records(tid, name):
    return S.sql("SELECT e.kind, e.level, e.recipient_staff FROM dispatch.escalations e "
                 "JOIN dispatch.sla_clocks c ON c.id = e.clock_id "
                 "WHERE e.ticket_id = %s AND c.clock = %s ORDER BY e.id", (tid, name))


def history(tid, event):
    return [e for e in S.ticket(tid)["history"] if e["event"] == event]


def test_the_final_inspection_clock_stops_when_the_level_is_signed_in_time():
    S.set_clock(MONDAY_0900)
    tid = repair("C1002")
    wo, tech = assigned_order(tid)
    done(tech, wo)
    # 4 business hours from 09:00 at SH01
    h.wait_until(lambda: clock(tid, "final_inspection"), 60, "the final inspection's clock")
    assert clock(tid, "final_inspection") == [("inspection", wo, "running", us(2026, 11, 23, 13, 0) // 10**6,
                                               False, 0)], clock(tid, "final_inspection")
    shown = {c["clock"]: c for c in S.kefuctl("clocks", str(tid), json_out=True)}
    assert (shown["final_inspection"]["subject_kind"], shown["final_inspection"]["subject_id"],
            shown["first_response"]["subject_kind"]) == ("inspection", wo, "ticket"), shown
    table = S.kefuctl("clocks", str(tid)).stdout
    assert ("inspection %d" % wo) in table, table
    h.wait_until(lambda: S.sql("SELECT 1 FROM qc.inspections WHERE work_order_id = %s", (wo,)), 60,
                 "qc's inspection of work order %d" % wo)
    S.set_clock(MONDAY_0900 + 60 * MINUTE)
    sign(tech, wo, "self_check", SELF)
    sign("TL01", wo, "team_lead_check", LEAD)
    # a level that passed (not the last) stops nothing of the final inspection
    told = S.sql("SELECT payload::jsonb->'body'->>'level' FROM qc.outbox WHERE type = 'inspection.level_signed' "
                 "AND destination = 'dispatch' "   # billing hears of it too (a project's payment stage)
                 "AND (payload::jsonb->'body'->>'work_order_id')::bigint = %s ORDER BY id", (wo,))
    assert told == [("self_check",), ("team_lead_check",)], told
    h.wait_until(lambda: S.sql("SELECT count(*) FROM dispatch.inbox WHERE type = 'inspection.level_signed'")[0][0]
                 >= 2, 60, "both levels received by dispatch")
    assert clock(tid, "final_inspection")[0][2] == "running"
    sign("QC01", wo, "final_inspection", FINAL_OK)
    h.wait_until(lambda: clock(tid, "final_inspection")[0][2] == "stopped", 60, "the clock stopped")
    assert clock(tid, "final_inspection")[0][4] is False       # met: signed within its 4 hours
    assert records(tid, "final_inspection") == []
    stopped = [c for e in history(tid, "clock_stopped") for c in e["detail"]["clocks"]
               if c["clock"] == "final_inspection"]
    assert [(c["subject"], c["breached"]) for c in stopped] == [({"kind": "inspection", "id": wo}, False)], stopped


def test_the_final_inspection_clock_warns_and_escalates_when_the_level_is_late():
    S.set_clock(MONDAY_0900)
    tid = repair("C1005")
    wo, tech = assigned_order(tid)
    done(tech, wo)
    h.wait_until(lambda: clock(tid, "final_inspection"), 60, "the final inspection's clock")
    h.wait_until(lambda: S.sql("SELECT 1 FROM qc.inspections WHERE work_order_id = %s", (wo,)), 60,
                 "qc's inspection of work order %d" % wo)
    sign(tech, wo, "self_check", SELF)
    # 80 % of 4 business hours: 3 h 12 min after 09:00 is 12:12
    S.set_clock(us(2026, 11, 23, 12, 13))
    h.wait_until(lambda: records(tid, "final_inspection") == [("warning", "team_lead", "TL01")], 60,
                 "the warning to the team lead")
    S.set_clock(us(2026, 11, 23, 13, 1))
    h.wait_until(lambda: len(records(tid, "final_inspection")) == 2, 60, "the breach escalated")
    assert records(tid, "final_inspection") == [("warning", "team_lead", "TL01"),
                                                ("escalation", "team_lead", "TL01")]
    # intake's history names the subject, and the ticket's own clocks are untouched by it
    h.wait_until(lambda: history(tid, "sla_escalated"), 60, "sla_escalated in the history")
    escalated = [e["detail"] for e in history(tid, "sla_escalated") if e["detail"]["clock"] == "final_inspection"]
    assert [d["subject"] for d in escalated] == [{"kind": "inspection", "id": wo}], escalated
    assert ("final_inspection of inspection %d" % wo) in escalated[0]["reason"], escalated
    # an hour later, still unsigned: one level up
    S.set_clock(us(2026, 11, 23, 14, 2))
    h.wait_until(lambda: len(records(tid, "final_inspection")) == 3, 60, "the repeat escalation")
    assert records(tid, "final_inspection")[2] == ("escalation", "department_head", "DH01")
    sign("TL01", wo, "team_lead_check", LEAD)
    sign("QC01", wo, "final_inspection", FINAL_OK)
    h.wait_until(lambda: clock(tid, "final_inspection")[0][2] == "stopped", 60, "the clock stopped")
    assert clock(tid, "final_inspection")[0][4] is True        # breached for good
    S.set_clock(us(2026, 11, 23, 17, 0))
    S.quiet()
    assert len(records(tid, "final_inspection")) == 3          # a stopped clock climbs no more


def test_a_reopened_ticket_gets_its_revisit_clock_and_a_second_reopening_starts_it_over():
    S.set_clock(MONDAY_0900)
    tid = repair("C1001")
    wo, tech = assigned_order(tid)
    done(tech, wo)
    h.wait_until(lambda: S.sql("SELECT 1 FROM qc.inspections WHERE work_order_id = %s", (wo,)), 60,
                 "qc's inspection of work order %d" % wo)
    for staff, level, items in ((tech, "self_check", SELF), ("TL01", "team_lead_check", LEAD),
                                ("QC01", "final_inspection", FINAL_OK), ("SA01", "handover_check", HANDOVER)):
        sign(staff, wo, level, items)
    S.wait_ticket_status(tid, "resolved")
    assert [r[2] for r in clock(tid, "revisit")] == ["pending"]
    reopened = us(2026, 11, 23, 10, 0)
    S.set_clock(reopened)
    S.kefuctl("event", str(tid), "ticket_reopened", "--note", "客户不满意")
    h.wait_until(lambda: clock(tid, "revisit")[0][2] == "running", 60, "the revisit clock running")
    # 24 calendar hours in the city
    assert clock(tid, "revisit") == [("ticket", None, "running", (reopened + 24 * 60 * MINUTE) // 10**6,
                                      False, 0)], clock(tid, "revisit")
    revisit, tech2 = assigned_order(tid)
    assert revisit != wo
    S.set_clock(reopened + 5 * 60 * MINUTE)
    S.kefuctl_as(tech2, "event", str(tid), "technician_arrived", "--by", tech2)
    h.wait_until(lambda: clock(tid, "revisit")[0][2] == "stopped", 60, "the revisit clock stopped")
    assert clock(tid, "revisit")[0][4] is False
    # done, inspected, resolved and reopened again: the revisit promise starts over
    done(tech2, revisit)
    h.wait_until(lambda: S.sql("SELECT 1 FROM qc.inspections WHERE work_order_id = %s", (revisit,)), 60,
                 "qc's inspection of the revisit")
    signers = {"self_check": tech2, "team_lead_check": "TL01", "final_inspection": "QC01",
               "handover_check": "SA01"}
    for level, items in (("self_check", SELF), ("team_lead_check", LEAD), ("final_inspection", FINAL_OK),
                         ("handover_check", HANDOVER)):
        sign(signers[level], revisit, level, items)
    S.wait_ticket_status(tid, "resolved")
    again = reopened + 30 * 60 * MINUTE
    S.set_clock(again)
    S.kefuctl("event", str(tid), "ticket_reopened", "--note", "仍不满意")
    h.wait_until(lambda: clock(tid, "revisit")[0][5] == 1, 60, "the revisit clock restarted")
    assert clock(tid, "revisit") == [("ticket", None, "running", (again + 24 * 60 * MINUTE) // 10**6,
                                      False, 1)], clock(tid, "revisit")
