"""Several work orders per ticket (docs/dispatch.md "Several work orders",
"The done report"): the technician's done report completes the work
order and is stored with everything billing prices; a failed inspection
sends a rework order for the same job, not to the technician it blamed; an
accepted last work order resolves the ticket; a reopened ticket gets a
revisit. qc's messages (inspection.failed, workorder.accepted) are sent
here on dispatch's bus with qc's key, as qc sends them, so that dispatch's
side is tested on its own; tests/e2e/test_qc_*.py drives the real qc."""
import json
import os
import sys
import tempfile
import uuid

import zmq

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import kefu_harness as h  # noqa: E402
from kefu_system import ROOT, System  # noqa: E402

S = None


def sla_with_on_site_clock(tmp):
    """The demo's SLA file, plus a clock of each work order: on site within
    2 business hours of its assignment, for the VIPs of the city."""
    with open(os.path.join(ROOT, "deploy", "demo", "sla.yaml"), encoding="utf-8") as f:
        text = f.read()
    clock = "  - {name: callback_due, subject: callback,"
    target = "      final_inspection:  {hours: 4, time: business}\n"
    assert clock in text and target in text, "the demo's clocks and its first policy"
    text = text.replace(clock, "  - {name: on_site, subject: work_order, starts_on: work_order_assigned,"
                               " stops_on: technician_arrived}\n" + clock, 1)
    text = text.replace(target, target + "      on_site:           {hours: 2, time: business}\n", 1)
    path = os.path.join(tmp, "sla.yaml")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def setup_module():
    global S
    S = System("work-orders", dispatch={"assign_retry_ms": 200,
                                        "sla_file": sla_with_on_site_clock(tempfile.mkdtemp(prefix="kefu-wo-"))})
    S.start_services(["intake", "dispatch", "qc"])


def teardown_module():
    if S:
        try:
            assert S.check_messages() > 0
        finally:
            S.shutdown()


def repair(customer="C1002", product="AC-3200"):
    """A repair in SH01: T101 and T102 may take it. Each test uses its own
    customer and product, so that no request joins another's ticket."""
    return S.kefuctl("submit", "--channel", "hotline", "--kind", "repair", "--customer", customer,
                     "--product", product, "--description", "空调不制冷", json_out=True)["ticket_id"]


def orders(tid):
    return S.sql("SELECT id, purpose, follows, status, technician_id, passed_over::text "
                 "FROM dispatch.work_orders WHERE ticket_id = %s ORDER BY id", (tid,))


def assigned_order(tid):
    h.wait_until(lambda: orders(tid) and orders(tid)[-1][3] == "assigned", 60, "ticket %s assigned" % tid)
    return orders(tid)[-1]


def done(staff, wo, *extra, check=True):
    return S.kefuctl_as(staff, "done", str(wo), "--cause", "refrigerant_leak", "--labour-minutes", "90",
                        "--distance-km", "12.5", "--parts", "CAP-35UF:1:SN778,PIPE-6MM:2",
                        "--photos", "photo/1.jpg,photo/2.jpg", "--serial", "KFR35-0099", *extra,
                        json_out=check, check=check)


def as_qc(type_, body, branch="SH01", to="dispatch"):
    """Sends one message to dispatch (or `to`) with qc's key, as qc would."""
    env = {"id": str(uuid.uuid4()), "type": type_, "version": 1, "ts": "2026-12-02T06:00:00.000000Z",
           "source": {"service": "qc", "instance": "test"}, "branch": branch,
           "correlation_id": str(body["ticket_id"]), "body": body}
    sock = S.bus_socket(to, "qc")
    try:
        sock.send(json.dumps(env).encode())
        return json.loads(sock.recv()) if sock.poll(10000, zmq.POLLIN) else None
    finally:
        sock.close()


def history(tid, event):
    return [e for e in S.ticket(tid)["history"] if e["event"] == event]


def test_the_done_report_is_stored_and_completes_the_work_order():
    tid = repair()
    wo, _, _, _, tech, _ = assigned_order(tid)
    reply = done(tech, wo)
    assert (reply["work_order_id"], reply["ticket_id"], reply["status"]) == (wo, tid, "completed")
    stored = S.sql("SELECT technician_id, reported_by, parts, labour_minutes, distance_m, cause, photos, "
                   "unit_serial FROM dispatch.done_reports WHERE work_order_id = %s", (wo,))
    assert stored == [(tech, tech, [{"code": "CAP-35UF", "quantity": 1, "serial": "SN778"},
                                    {"code": "PIPE-6MM", "quantity": 2}],
                       90, 12500, "refrigerant_leak", ["photo/1.jpg", "photo/2.jpg"], "KFR35-0099")]
    assert orders(tid)[0][3] == "completed"
    # the technician's load is released; the ticket's history has the report
    h.wait_until(lambda: history(tid, "work_order_done"), 60, "work_order_done in the history")
    detail = history(tid, "work_order_done")[0]["detail"]
    assert (detail["work_order_id"], detail["report"]["cause"], detail["technician_id"]) == (
        wo, "refrigerant_leak", tech)
    listed = S.kefuctl("workorders", str(tid), json_out=True)["work_orders"]
    assert [(w["work_order_id"], w["purpose"], w["status"], w["report"]["distance_m"]) for w in listed] == [
        (wo, "visit", "completed", 12500)]


def test_a_done_report_is_refused_when_it_is_not_the_callers_or_not_assigned():
    tid = repair("C1005")
    wo, _, _, _, tech, _ = assigned_order(tid)
    other = "T102" if tech != "T102" else "T101"
    proc = done(other, wo, check=False)
    assert proc.returncode == 1 and "forbidden" in proc.stderr and ("%s's" % tech) in proc.stderr, proc.stderr
    proc = S.kefuctl_as(tech, "done", str(wo), "--cause", "gremlins", "--labour-minutes", "10", check=False)
    assert proc.returncode == 1 and "body.cause" in proc.stderr and "gremlins" in proc.stderr, proc.stderr
    proc = S.kefuctl_as("A101", "done", str(wo), "--cause", "wear", "--labour-minutes", "10", check=False)
    assert proc.returncode == 1 and "forbidden" in proc.stderr, proc.stderr       # an agent reports nothing
    assert orders(tid)[0][3] == "assigned"
    assert S.sql("SELECT count(*) FROM dispatch.done_reports WHERE work_order_id = %s", (wo,)) == [(0,)]
    done(tech, wo)
    proc = done(tech, wo, check=False)
    assert proc.returncode == 1 and "conflict" in proc.stderr and "completed" in proc.stderr, proc.stderr
    assert S.sql("SELECT count(*) FROM dispatch.done_reports WHERE work_order_id = %s", (wo,)) == [(1,)]


def test_a_failed_inspection_sends_a_rework_order_to_someone_else_and_acceptance_resolves():
    tid = repair("C1001")
    wo, _, _, _, tech, _ = assigned_order(tid)
    done(tech, wo)
    failed = {"work_order_id": wo, "ticket_id": tid, "branch": "SH01", "inspection_id": 1, "level": "final",
              "signed_by": "QC01", "blamed_technician_id": tech,
              "failed_items": [{"item": "pressure", "value": 0.9, "unit": "MPa", "reason": "below 1.2 MPa"}],
              "failed_at": "2026-12-02T06:00:00Z"}
    assert as_qc("inspection.failed", failed)["status"] == "ok"
    h.wait_until(lambda: len(orders(tid)) == 2 and orders(tid)[1][3] == "assigned", 60, "rework assigned")
    first, rework = orders(tid)
    assert first[3] == "rework"
    assert (rework[1], rework[2], rework[5]) == ("rework", wo, "{%s}" % tech)
    assert rework[4] != tech                                    # never back to the blamed technician
    # a redelivered failure sends nothing more
    assert as_qc("inspection.failed", failed)["status"] == "ok"
    assert len(orders(tid)) == 2
    assert as_qc("inspection.failed", failed, to="intake")["status"] == "ok"     # qc tells intake too
    recorded = history(tid, "inspection_failed")
    assert [(e["actor"], e["detail"]["failed_items"][0]["item"]) for e in recorded] == [("qc", "pressure")]

    done(rework[4], rework[0])
    accepted = {"work_order_id": rework[0], "ticket_id": tid, "branch": "SH01", "inspection_id": 2,
                "technician_id": rework[4], "accepted_by": "SA01", "accepted_at": "2026-12-02T07:00:00Z"}
    assert as_qc("workorder.accepted", accepted)["status"] == "ok"
    S.wait_ticket_status(tid, "resolved")
    assert [o[3] for o in orders(tid)] == ["rework", "accepted"]
    resolved = history(tid, "ticket_resolved")
    assert resolved and resolved[0]["actor"] == "SA01", resolved


def test_acceptance_of_one_order_leaves_the_ticket_open_while_another_is_open():
    tid = repair("C1002", "AC-LUX")
    wo, _, _, _, tech, _ = assigned_order(tid)
    done(tech, wo)
    assert as_qc("inspection.failed", {
        "work_order_id": wo, "ticket_id": tid, "branch": "SH01", "inspection_id": 3, "level": "self_check",
        "signed_by": tech, "blamed_technician_id": tech,
        "failed_items": [{"item": "cleanup", "reason": "debris left"}], "failed_at": "2026-12-02T06:00:00Z"},
    )["status"] == "ok"
    h.wait_until(lambda: len(orders(tid)) == 2, 60, "rework created")
    # an acceptance of the failed order (out of order) moves nothing
    assert as_qc("workorder.accepted", {
        "work_order_id": wo, "ticket_id": tid, "branch": "SH01", "inspection_id": 3, "technician_id": tech,
        "accepted_by": "SA01", "accepted_at": "2026-12-02T07:00:00Z"})["status"] == "ok"
    S.quiet()
    assert orders(tid)[0][3] == "rework"
    assert S.sql("SELECT status FROM intake.tickets WHERE id = %s", (tid,)) == [("assigned",)]


def test_an_unknown_work_order_is_a_dead_letter():
    reply = as_qc("workorder.accepted", {
        "work_order_id": 999999, "ticket_id": 1, "branch": "SH01", "inspection_id": 1, "technician_id": "T101",
        "accepted_by": "SA01", "accepted_at": "2026-12-02T07:00:00Z"})
    assert reply["status"] == "dead", reply


def test_a_reopened_ticket_gets_a_revisit():
    tid = repair("C1005", "AC-LUX")
    wo, _, _, _, tech, _ = assigned_order(tid)
    done(tech, wo)
    assert as_qc("workorder.accepted", {
        "work_order_id": wo, "ticket_id": tid, "branch": "SH01", "inspection_id": 9, "technician_id": tech,
        "accepted_by": "SA01", "accepted_at": "2026-12-02T07:00:00Z"})["status"] == "ok"
    S.wait_ticket_status(tid, "resolved")
    S.kefuctl("event", str(tid), "ticket_reopened", "--note", "客户反映仍不制冷")
    h.wait_until(lambda: len(orders(tid)) == 2 and orders(tid)[1][3] == "assigned", 60, "revisit assigned")
    revisit = orders(tid)[1]
    assert (revisit[1], revisit[2]) == ("revisit", None)
    S.wait_ticket_status(tid, "assigned")


def test_a_work_orders_own_clock_runs_from_its_assignment_to_the_arrival():
    """A clock of the work order (docs/sla.md "Subjects"): started when the
    order is assigned, stopped when its technician arrives (recorded on
    the ticket, which concerns its latest work order)."""
    tid = repair("C1001", "AC-LUX")               # a VIP in the city: the policy with on_site
    wo, _, _, _, tech, _ = assigned_order(tid)

    def on_site():
        return S.sql("SELECT state FROM dispatch.sla_clocks WHERE subject_kind = 'work_order'"
                     " AND subject_id = %s AND clock = 'on_site'", (wo,))
    h.wait_until(lambda: on_site() == [("running",)], 60, "work order %s's on_site clock" % wo)
    S.kefuctl_as(tech, "event", str(tid), "technician_arrived")
    h.wait_until(lambda: on_site() == [("stopped",)], 60, "work order %s's on_site clock stopped" % wo)
