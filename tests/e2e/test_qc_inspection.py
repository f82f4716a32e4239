"""qc's inspections through the running service (docs/qc.md): a work order
reported done (workorder.done, sent on the bus as dispatch sends it) gets
its plan's levels; the levels are signed in order by people holding their
roles (inspection.sign on qc's request endpoint); a failed level records
its report and emits inspection.failed, the last level passed emits
workorder.accepted (qc.outbox). Every refusal changes nothing. The
renovation plan's 24 h water test read after 23 h fails, and the rework
inspected from the failed level passes when read after 24 h."""
import datetime
import json
import os
import sys
import threading
import uuid

import zmq

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import kefu_harness as h  # noqa: E402
from intake_client import IntakeClient, checker  # noqa: E402
from kefu_system import System, ROOT  # noqa: E402

S = None
HOUR = 3600 * 1_000_000
T0 = 1_800_000_000 * 1_000_000            # 2027-01-15T08:00:00Z
PLANS = os.path.join(ROOT, "tests", "fixtures", "qc.yaml")


def setup_module():
    global S
    S = System("qcinspect", clock_us=T0, qc={"plans_file": PLANS})
    S.start_services(["qc"])


def teardown_module():
    if S:
        S.shutdown()


def iso(us):
    return datetime.datetime.fromtimestamp(us / 1e6, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def done(wo, ticket, line="car", technician="T101", kind="repair", **extra):
    """Sends workorder.done as dispatch would; returns the ack."""
    body = dict({"work_order_id": wo, "ticket_id": ticket, "branch": "SH01", "technician_id": technician,
                 "kind": kind, "product_line": line, "done_at": iso(T0),
                 "report": {"parts": [], "labour_minutes": 60, "distance_m": 5000, "cause": "LEAK",
                            "photos": []}}, **extra)
    env = {"id": str(uuid.uuid4()), "type": "workorder.done", "version": 1,
           "ts": "2027-01-15T08:00:00.000000Z", "source": {"service": "dispatch", "instance": "test"},
           "branch": "SH01", "correlation_id": str(ticket), "body": body}
    sock = S.bus_socket("qc", "dispatch")
    sock.send(json.dumps(env).encode())
    ack = json.loads(sock.recv()) if sock.poll(10000, zmq.POLLIN) else None
    sock.close()
    assert ack == {"ack": env["id"], "status": "ok"}, ack
    return env


def qc_as(staff):
    return IntakeClient(S.config.qc_api, timeout_ms=30000, token=S.token_of(staff))


def sign(staff, wo, level, items, request_id=None):
    body = {"work_order_id": wo, "level": level, "items": items}
    if request_id:
        body["request_id"] = request_id
    c = qc_as(staff)
    try:
        return c.request("inspection.sign", body)
    finally:
        c.close()


def get(wo, staff="QC01"):
    c = qc_as(staff)
    try:
        return c.request("inspection.get", {"work_order_id": wo})
    finally:
        c.close()


def pending(staff):
    c = qc_as(staff)
    try:
        reply = c.request("inspection.pending", {})
        assert reply["ok"], reply
        return reply["result"]["pending"]
    finally:
        c.close()


def state(wo):
    """What a refusal must leave alone: the inspection's and levels' rows."""
    return S.sql("SELECT i.status, l.name, l.status, l.signed_by, l.items::text FROM qc.inspections i "
                 "JOIN qc.inspection_levels l ON l.inspection_id = i.id WHERE i.work_order_id = %s "
                 "ORDER BY l.position", (wo,))


def outbox(wo, type_):
    return [json.loads(p)["body"] for (p,) in S.sql(
        "SELECT payload FROM qc.outbox WHERE type = %s AND (payload::jsonb->'body'->>'work_order_id')::bigint = %s"
        " ORDER BY id", (type_, wo))]


def wait_inspection(wo):
    h.wait_until(lambda: S.sql("SELECT count(*) FROM qc.inspections WHERE work_order_id = %s", (wo,))[0][0] == 1,
                 30, "the inspection of work order %d" % wo)


def refused(reply, code, text):
    assert reply["ok"] is False and reply["error"]["code"] == code and text in reply["error"]["message"], reply


SELF = [{"item": "fault_cleared", "result": "pass"},
        {"item": "wheel_nut_torque", "value": 120, "unit": "N·m"},
        {"item": "tyre_pressure", "value": 2.5, "unit": "bar"}]
LEAD = [{"item": "work_matches_order", "result": "pass"}, {"item": "road_test", "result": "pass"}]
FINAL_OK = [{"item": "brake_disc_thickness", "value": 24, "unit": "mm"},
            {"item": "coolant_freeze_point", "value": -30, "unit": "°C"},
            {"item": "no_leaks", "result": "pass"}]
HANDOVER = [{"item": "vehicle_clean", "result": "pass"}, {"item": "customer_briefed", "result": "pass"}]


def test_a_car_repair_passes_four_levels_and_is_accepted():
    done(101, 9001)
    wait_inspection(101)
    assert [r[1:3] for r in state(101)] == [("self_check", "pending"), ("team_lead_check", "waiting"),
                                            ("final_inspection", "waiting"), ("handover_check", "waiting")]
    assert any(p["work_order_id"] == 101 and p["level"] == "self_check" for p in pending("T101"))
    assert not any(p["work_order_id"] == 101 for p in pending("QC01"))     # not QC01's turn yet
    for staff, level, items in (("T101", "self_check", SELF), ("TL01", "team_lead_check", LEAD),
                                ("QC01", "final_inspection", FINAL_OK), ("SA01", "handover_check", HANDOVER)):
        reply = sign(staff, 101, level, items)
        assert reply["ok"], reply
    record = get(101)["result"]
    assert record["status"] == "passed" and record["closed_at"], record
    assert [(l["level"], l["status"], l["signed_by"]) for l in record["levels"]] == [
        ("self_check", "passed", "T101"), ("team_lead_check", "passed", "TL01"),
        ("final_inspection", "passed", "QC01"), ("handover_check", "passed", "SA01")], record["levels"]
    accepted = outbox(101, "workorder.accepted")
    # dispatch, callback, billing
    assert len(accepted) == 3 and {a["accepted_by"] for a in accepted} == {"SA01"}, accepted
    assert accepted[0]["technician_id"] == "T101" and accepted[0]["ticket_id"] == 9001
    assert outbox(101, "inspection.failed") == []
    S.check_messages()


def test_bad_input_and_permissions_are_refused_and_change_nothing():
    done(102, 9002)
    wait_inspection(102)
    before = state(102)
    refused(sign("QC01", 102, "self_check", SELF), "forbidden", "is signed by a technician")
    refused(sign("QC01", 102, "final_inspection", FINAL_OK), "conflict", "out of order")
    bad_unit = [SELF[0], dict(SELF[1], unit="bar"), SELF[2]]
    refused(sign("T101", 102, "self_check", bad_unit), "invalid", "wrong unit \"bar\" (expected N·m)")
    physical = [SELF[0], SELF[1], dict(SELF[2], value=-5)]
    refused(sign("T101", 102, "self_check", physical), "invalid", "outside the physical range of bar")
    nan = [SELF[0], SELF[1], dict(SELF[2], value="2.4")]
    refused(sign("T101", 102, "self_check", nan), "invalid", "body.items[2].value")
    refused(sign("T101", 102, "self_check", SELF[:2]), "invalid", "item \"tyre_pressure\" of level \"self_check\" "
                                                                   "is missing")
    refused(sign("T101", 102, "self_check", SELF + [{"item": "wipers", "result": "pass"}]), "invalid",
            "has no item \"wipers\"")
    refused(sign("T101", 102, "polish", SELF), "invalid", "has no level \"polish\"")
    refused(sign("T101", 999, "self_check", SELF), "not_found", "no inspection for work order 999")
    assert state(102) == before
    assert sign("T101", 102, "self_check", SELF, request_id="r-102-1")["ok"]
    after = state(102)
    # a retry with the same request_id answers again and signs nothing twice
    assert sign("T101", 102, "self_check", SELF, request_id="r-102-1")["ok"]
    assert state(102) == after
    refused(sign("T101", 102, "self_check", SELF), "conflict", "already signed (passed by T101")
    refused(sign("A101", 102, "team_lead_check", LEAD), "forbidden", "is signed by a team_lead")
    assert state(102) == after


def test_a_person_signs_one_level_of_a_work_order():
    done(103, 9003, line="renovation", kind="installation")
    wait_inspection(103)
    materials = [{"item": "wood_moisture", "value": 11.5, "unit": "%"},
                 {"item": "materials_match_order", "result": "pass"}]
    assert sign("QC01", 103, "materials_on_arrival", materials)["ok"]
    before = state(103)
    water = [{"item": "water_test", "result": "pass", "started_at": iso(T0), "read_at": iso(T0)},
             {"item": "pipe_pressure", "value": 0.8, "unit": "MPa"}]
    refused(sign("QC01", 103, "hidden_works", water), "forbidden", "nobody signs two levels of one work order")
    assert state(103) == before


def test_a_water_test_read_after_23_hours_fails_and_the_rework_passes_after_24():
    done(104, 9004, line="renovation", kind="installation")
    wait_inspection(104)
    materials = [{"item": "wood_moisture", "value": 12, "unit": "%"},
                 {"item": "materials_match_order", "result": "pass"}]
    assert sign("QC01", 104, "materials_on_arrival", materials)["ok"]
    S.set_clock(T0 + 24 * HOUR)
    water = [{"item": "water_test", "result": "pass", "started_at": iso(T0), "read_at": iso(T0 + 23 * HOUR)},
             {"item": "pipe_pressure", "value": 0.8, "unit": "MPa"}]
    reply = sign("QC02", 104, "hidden_works", water)
    assert reply["ok"] and reply["result"]["status"] == "failed", reply
    failed = outbox(104, "inspection.failed")
    assert len(failed) == 2 and failed[0]["level"] == "hidden_works", failed      # dispatch and intake
    assert failed[0]["blamed_technician_id"] == "T101"
    assert failed[0]["failed_items"] == [{"item": "water_test",
                                          "reason": "read 23 h after its start; it must hold at least 24 h"}]
    level = [l for l in reply["result"]["levels"] if l["level"] == "hidden_works"][0]
    assert level["failed_items"] == failed[0]["failed_items"], level
    # the rework (another technician) starts again at the failed level: materials carried
    done(105, 9004, line="renovation", kind="installation", technician="T102", purpose="rework", rework_of=104)
    wait_inspection(105)
    assert [r[1:3] for r in state(105)][:2] == [("materials_on_arrival", "carried"), ("hidden_works", "pending")]
    water = [{"item": "water_test", "result": "pass", "started_at": iso(T0), "read_at": iso(T0 + 24 * HOUR)},
             {"item": "pipe_pressure", "value": 0.8, "unit": "MPa"}]
    reply = sign("QC02", 105, "hidden_works", water)
    assert reply["ok"] and reply["result"]["levels"][1]["status"] == "passed", reply
    mid = [{"item": "ceiling_frame_level", "value": -1.5, "unit": "mm"},
           {"item": "hollow_tiles", "value": 4, "unit": "%"}]
    assert sign("TL01", 105, "mid_term", mid)["ok"]
    done_ = [{"item": "flooring_waste", "value": 5, "unit": "%"}, {"item": "site_clean", "result": "pass"}]
    reply = sign("SA01", 105, "completion", done_)
    assert reply["ok"] and reply["result"]["status"] == "passed", reply
    assert len(outbox(105, "workorder.accepted")) == 3
    S.check_messages()


def test_a_measured_value_outside_its_limit_fails_the_level_with_a_report():
    done(106, 9006)
    wait_inspection(106)
    assert sign("T101", 106, "self_check", SELF)["ok"]
    assert sign("TL01", 106, "team_lead_check", LEAD)["ok"]
    final = [dict(FINAL_OK[0], value=20.5), FINAL_OK[1], FINAL_OK[2]]
    reply = sign("QC01", 106, "final_inspection", final)
    assert reply["ok"] and reply["result"]["status"] == "failed", reply
    failed = outbox(106, "inspection.failed")[0]
    assert failed["failed_items"] == [{"item": "brake_disc_thickness", "value": 20.5, "unit": "mm",
                                       "reason": "20.5 mm is outside the limit (at least 22 mm)"}], failed
    refused(sign("SA01", 106, "handover_check", HANDOVER), "conflict", "is closed (failed)")
    # the rework of a car repair starts again at the first level (restart: first)
    done(107, 9006, technician="T102", purpose="rework", rework_of=106)
    wait_inspection(107)
    assert [r[2] for r in state(107)] == ["pending", "waiting", "waiting", "waiting"]


def test_a_redelivered_done_report_makes_one_inspection():
    env = done(108, 9008)
    wait_inspection(108)
    sock = S.bus_socket("qc", "dispatch")
    sock.send(json.dumps(env).encode())
    ack = json.loads(sock.recv()) if sock.poll(10000, zmq.POLLIN) else None
    sock.close()
    assert ack == {"ack": env["id"], "status": "duplicate"}, ack
    assert S.sql("SELECT count(*) FROM qc.inspections WHERE work_order_id = 108")[0][0] == 1


def test_staff_of_another_branch_see_nothing():
    done(109, 9009)
    wait_inspection(109)
    c = IntakeClient(S.config.qc_api, timeout_ms=30000, token=S.token_of("A201"))
    try:
        refused(c.request("inspection.get", {"work_order_id": 109}), "not_found", "no inspection")
    finally:
        c.close()


# -- kefuctl -------------------------------------------------------------------

def kefuctl_result(request, result):
    problems = checker().result_problems(request, result)
    assert not problems, (request, problems)
    return result


def test_kefuctl_lists_signs_and_shows():
    done(110, 9010)
    wait_inspection(110)
    proc = S.kefuctl_as("T101", "inspections")
    assert "110" in proc.stdout and "self_check" in proc.stdout and "wheel_nut_torque (110 to 130 N·m)" in proc.stdout, \
        proc.stdout
    proc = S.kefuctl_as("T101", "inspect", "sign", "110", "self_check", "--item", "fault_cleared=pass",
                        "--item", "wheel_nut_torque=120Nm", "--item", "tyre_pressure=2.4bar")
    assert "work order 110: level self_check passed; next: team_lead_check" in proc.stdout, proc.stdout
    listed = S.kefuctl_as("TL01", "inspections", json_out=True)
    kefuctl_result("inspection.pending", {"pending": listed})
    assert [p["level"] for p in listed if p["work_order_id"] == 110] == ["team_lead_check"], listed
    bad = S.kefuctl_as("TL01", "inspect", "sign", "110", "team_lead_check", "--item", "work_matches_order=pass",
                       "--item", "road_test=maybe", check=False)
    assert bad.returncode == 2 and "\"maybe\" is not a number" in bad.stderr, (bad.returncode, bad.stderr)
    wrong = S.kefuctl_as("QC01", "inspect", "sign", "110", "team_lead_check", "--item", "work_matches_order=pass",
                         "--item", "road_test=pass", check=False)
    assert wrong.returncode == 1 and "forbidden: body.level: level \"team_lead_check\" is signed by a team_lead" \
        in wrong.stderr, (wrong.returncode, wrong.stderr)
    record = kefuctl_result("inspection.get", S.kefuctl_as("QC01", "inspect", "show", "110", json_out=True))
    assert [l["status"] for l in record["levels"]] == ["passed", "pending", "waiting", "waiting"], record
    table = S.kefuctl_as("QC01", "inspect", "show", "110").stdout
    assert "work order 110 (ticket 9010, SH01), plan car_repair: open" in table, table
    assert "wheel_nut_torque=120 N·m" in table, table


# -- faults ----------------------------------------------------------------------

def test_qc_killed_mid_stream_signs_every_level_once():
    orders = list(range(300, 330))
    for wo in orders:
        done(wo, 9300 + wo)
    for wo in orders:
        wait_inspection(wo)
    results = {}

    def stream():
        for wo in orders:
            proc = S.kefuctl_as("T101", "--timeout-ms", "1000", "--retries", "30", "inspect", "sign", str(wo),
                                "self_check", "--request-id", "fault-%d" % wo, "--item", "fault_cleared=pass",
                                "--item", "wheel_nut_torque=115N·m", "--item", "tyre_pressure=2.3bar", check=False)
            results[wo] = (proc.returncode, proc.stderr)

    t = threading.Thread(target=stream)
    t.start()
    h.wait_until(lambda: S.sql("SELECT count(*) FROM qc.inspection_levels l JOIN qc.inspections i ON "
                               "i.id = l.inspection_id WHERE i.work_order_id >= 300 AND l.status = 'passed'")[0][0]
                 >= 3, 60, "signatures to flow")
    S.services.pop("qc-1").kill9()
    at_kill = S.sql("SELECT count(*) FROM qc.inspection_levels l JOIN qc.inspections i ON i.id = l.inspection_id"
                    " WHERE i.work_order_id >= 300 AND l.status = 'passed'")[0][0]
    assert at_kill < len(orders), "qc was not killed mid-stream (%d of %d signed)" % (at_kill, len(orders))
    S.start_service("qc").wait_ready()
    t.join(240)
    assert not t.is_alive()
    assert all(rc == 0 for rc, _ in results.values()) and len(results) == len(orders), results
    signed = S.sql("SELECT i.work_order_id, count(*) FILTER (WHERE l.signed_by IS NOT NULL), "
                   "array_agg(l.status ORDER BY l.position) FROM qc.inspections i JOIN qc.inspection_levels l "
                   "ON l.inspection_id = i.id WHERE i.work_order_id >= 300 GROUP BY 1 ORDER BY 1")
    assert signed == [(wo, 1, ["passed", "pending", "waiting", "waiting"]) for wo in orders], signed
