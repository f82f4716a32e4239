"""A 4S dealership's repair from the booking call to the hand-over, through
the running services (intake, dispatch, qc) and the injectable clock:
booking call → dispatch and arrangement → arrival → diagnosis → repair →
done report → self-check → team-lead re-check → final inspection, which
fails → rework by a new work order for another technician → a second round
of inspection from the first level → the advisor's check at hand-over →
the ticket is resolved → the callback: the customer is dissatisfied, the
ticket is reopened and dispatch sends a revisit. (The plans are
tests/fixtures/qc.yaml: a repair of any product line gets the four-level
car_repair plan.)"""
import datetime
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import kefu_harness as h  # noqa: E402
from intake_client import IntakeClient  # noqa: E402
from kefu_system import ROOT, System  # noqa: E402

S = None
CST = datetime.timezone(datetime.timedelta(hours=8))
MINUTE = 60 * 1_000_000
MONDAY_0900 = int(datetime.datetime(2026, 11, 23, 9, 0, tzinfo=CST).timestamp() * 1_000_000)
PLANS = os.path.join(ROOT, "tests", "fixtures", "qc.yaml")


def setup_module():
    global S
    S = System("flow-4s", clock_us=MONDAY_0900, qc={"plans_file": PLANS},
               dispatch={"assign_retry_ms": 200, "sla_tick_ms": 100})
    S.start_services(["intake", "dispatch", "qc", "callback"])


def teardown_module():
    if S:
        try:
            assert S.check_messages() > 0
        finally:
            S.shutdown()


def orders(tid):
    return S.sql("SELECT id, purpose, status, technician_id FROM dispatch.work_orders "
                 "WHERE ticket_id = %s ORDER BY id", (tid,))


def events(tid):
    return [e["event"] for e in S.ticket(tid)["history"]]


def sign(staff, wo, level, *items, check=True):
    args = ["inspect", "sign", str(wo), level]
    for item in items:
        args += ["--item", item]
    return S.kefuctl_as(staff, *args, check=check)


def inspection(wo):
    return S.kefuctl_as("QC01", "inspect", "show", str(wo), json_out=True)


def callback(staff, request, body):
    reply = IntakeClient(S.config.callback_api, timeout_ms=30000, token=S.token_of(staff)).request(request, body)
    assert reply.get("ok"), reply
    return reply["result"]


def callback_row(tid):
    rows = S.sql("SELECT id, status, agent_id, " + h.EPOCH_US % "next_call_at" + " FROM callback.callbacks "
                 "WHERE ticket_id = %s ORDER BY id", (tid,))
    return rows[-1] if rows else None


def later(minutes):
    S.set_clock(S.clock_us + minutes * MINUTE)


def test_a_repair_goes_through_four_levels_of_inspection_with_one_rework():
    # booking call: the agent takes it in
    tid = S.kefuctl_as("A101", "submit", "--channel", "hotline", "--kind", "repair", "--customer", "C1002",
                       "--product", "AC-3200", "--description", "空调不制冷，约周一上午检查",
                       json_out=True)["ticket_id"]
    h.wait_until(lambda: orders(tid) and orders(tid)[0][2] == "assigned", 60, "the first visit assigned")
    wo, _, _, tech = orders(tid)[0]
    # arrangement, arrival, diagnosis and repair
    later(20)
    S.kefuctl_as(tech, "event", str(tid), "work_order_arranged", "--note", "约定周一10:00上门")
    later(60)
    S.kefuctl_as(tech, "event", str(tid), "technician_arrived")
    later(90)
    S.kefuctl_as(tech, "done", str(wo), "--cause", "refrigerant_leak", "--labour-minutes", "90",
                 "--distance-km", "8", "--parts", "VALVE-3:1:SN-V3-01", "--photos", "repair/valve.jpg")
    h.wait_until(lambda: inspection(wo).get("levels"), 60, "the inspection of the first visit")

    # self-check, team-lead re-check, then the final inspection fails
    sign(tech, wo, "self_check", "fault_cleared=pass", "wheel_nut_torque=120N·m", "tyre_pressure=2.4bar")
    sign("TL01", wo, "team_lead_check", "work_matches_order=pass", "road_test=pass")
    sign("QC01", wo, "final_inspection", "brake_disc_thickness=20mm", "coolant_freeze_point=-30°C",
         "no_leaks=pass")
    h.wait_until(lambda: len(orders(tid)) == 2 and orders(tid)[1][2] == "assigned", 60,
                 "the rework order assigned")
    first, rework = orders(tid)
    assert (first[2], rework[1]) == ("rework", "rework")
    assert rework[3] != tech, orders(tid)           # not back to the technician the report blamed
    record = inspection(wo)
    failed = [lv for lv in record["levels"] if lv["status"] == "failed"]
    assert [lv["level"] for lv in failed] == ["final_inspection"], record

    # the rework, and a second round from the first level (restart: first)
    later(120)
    S.kefuctl_as(rework[3], "done", str(rework[0]), "--cause", "refrigerant_leak", "--labour-minutes", "40")
    h.wait_until(lambda: inspection(rework[0]).get("levels"), 60, "the inspection of the rework")
    sign(rework[3], rework[0], "self_check", "fault_cleared=pass", "wheel_nut_torque=118N·m",
         "tyre_pressure=2.5bar")
    sign("TL01", rework[0], "team_lead_check", "work_matches_order=pass", "road_test=pass")
    sign("QC01", rework[0], "final_inspection", "brake_disc_thickness=24mm", "coolant_freeze_point=-30°C",
         "no_leaks=pass")
    assert S.sql("SELECT status FROM intake.tickets WHERE id = %s", (tid,)) == [("assigned",)]
    sign("SA01", rework[0], "handover_check", "vehicle_clean=pass", "customer_briefed=pass")

    # accepted: the ticket is resolved, by the advisor's signature
    S.wait_ticket_status(tid, "resolved")
    assert [o[2] for o in orders(tid)] == ["rework", "accepted"]
    seen = events(tid)
    for name in ("work_order_arranged", "technician_arrived", "work_order_done", "inspection_failed",
                 "ticket_resolved"):
        assert name in seen, (name, seen)
    assert seen.count("work_order_done") == 2, seen
    resolved = [e for e in S.ticket(tid)["history"] if e["event"] == "ticket_resolved"]
    assert resolved[-1]["actor"] == "SA01", resolved

    # the callback after finished work: SH01's agent calls when it is due
    h.wait_until(lambda: callback_row(tid) is not None, 60, "the callback of the finished work")
    cb, status, agent, next_call = callback_row(tid)
    assert (status, agent) == ("scheduled", "A101"), callback_row(tid)
    if next_call > S.clock_us:
        S.set_clock(next_call)
    listed = callback("A101", "callback.list", {})
    assert cb in [c["callback_id"] for c in listed["callbacks"]], listed
    # the customer is dissatisfied: reopened, and a revisit is sent at once
    callback("A101", "callback.outcome", {"callback_id": cb, "outcome": "dissatisfied",
                                         "reasons": ["not_fixed"], "note": "客户反映仍有异响"})
    h.wait_until(lambda: len(orders(tid)) == 3 and orders(tid)[2][2] == "assigned", 60, "the revisit assigned")
    assert orders(tid)[2][1] == "revisit"
    S.wait_ticket_status(tid, "assigned")
    seen = events(tid)
    assert seen.count("callback_done") == 1 and seen.index("callback_done") < seen.index("ticket_reopened"), seen
