"""The SLA clocks a work order's assignment starts travel to intake inside
workorder.assigned (version 2, "sla"), not as separate sla.clock messages:
intake receives one message per assignment and still records the
clock_started history entry (docs/sla.md "The engine", bench/README.md).
Both ways dispatch assigns are covered: in the transaction that receives
ticket.created (the new ticket's clocks ride along), and later by the retry
pass (an order that waited until someone had the skill)."""
import json
import os
import sys
import uuid

import zmq

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import kefu_harness as h  # noqa: E402
from kefu_system import System  # noqa: E402

S = None


def setup_module():
    global S
    S = System("assignedclocks", dispatch={"assign_retry_ms": 200})
    S.start_services(["intake", "dispatch"])


def teardown_module():
    if S:
        S.shutdown()


def repair(product, description):
    return S.kefuctl("submit", "--channel", "hotline", "--kind", "repair", "--customer", "C1002",
                     "--product", product, "--description", description,
                     json_out=True)["ticket_id"]


def entries(tid, event):
    return [e for e in S.ticket(tid)["history"] if e["event"] == event]


def messages_to_intake(tid):
    """(type, version, has "sla") of what dispatch sent intake about the ticket."""
    return S.sql("SELECT type, (payload::jsonb->>'version')::int, payload::jsonb->'body' ? 'sla' "
                 "FROM dispatch.outbox WHERE destination = 'intake' "
                 "AND payload::jsonb->>'correlation_id' = %s ORDER BY id", (str(tid),))


def running_clocks(tid):
    return sorted(r[0] for r in S.sql("SELECT clock FROM dispatch.sla_clocks WHERE ticket_id = %s "
                                      "AND state = 'running'", (tid,)))


def check_one_message(tid):
    S.wait_ticket_status(tid, "assigned")
    h.wait_until(lambda: entries(tid, "clock_started"), 60, "clock_started of ticket %s" % tid)
    S.quiet()                       # no second message is still on its way
    assigned = entries(tid, "work_order_assigned")
    started = entries(tid, "clock_started")
    assert len(assigned) == 1 and len(started) == 1, (assigned, started)
    # the clocks came in the assignment's own message
    assert started[0]["detail"]["message_id"] == assigned[0]["detail"]["message_id"]
    clocks = sorted(c["clock"] for c in started[0]["detail"]["clocks"])
    assert "arrange" in clocks and clocks == running_clocks(tid), (clocks, running_clocks(tid))
    assert messages_to_intake(tid)[-1] == ("workorder.assigned", 2, True)
    assert "sla.clock" not in [m[0] for m in messages_to_intake(tid)]


def test_a_new_repair_is_assigned_with_its_clocks_in_one_message():
    tid = repair("AC-3200", "空调不制冷")
    check_one_message(tid)


def test_an_order_assigned_by_the_retry_pass_carries_the_clocks_it_starts():
    tid = repair("DW-1", "洗碗机不排水")      # nobody has the skill yet
    S.wait_ticket_status(tid, "unassigned")
    h.wait_until(lambda: entries(tid, "clock_started"), 60, "clock_started of ticket %s" % tid)
    S.sql("UPDATE ref.technicians SET skills = skills || '{dishwasher}' WHERE id = 'T101'")
    S.wait_ticket_status(tid, "assigned")
    h.wait_until(lambda: len(entries(tid, "clock_started")) == 2, 60, "arrange clock_started")
    S.quiet()                       # nothing more is on its way
    assert len(entries(tid, "clock_started")) == 2
    assigned = entries(tid, "work_order_assigned")
    arrange = entries(tid, "clock_started")[1]
    assert arrange["detail"]["message_id"] == assigned[0]["detail"]["message_id"]
    assert [c["clock"] for c in arrange["detail"]["clocks"]] == ["arrange"]
    assert messages_to_intake(tid)[-1] == ("workorder.assigned", 2, True)


def bus_send(payload):
    sock = S.bus_socket("intake", "dispatch")     # the envelopes name dispatch
    sock.send(json.dumps(payload).encode())
    ack = json.loads(sock.recv()) if sock.poll(5000, zmq.POLLIN) else None
    sock.close()
    return ack


def assigned(version, ticket_id, **extra):
    body = dict({"work_order_id": 1, "ticket_id": ticket_id, "assigned_at": "2026-11-22T06:00:00Z",
                 "technician": {"id": "T101", "name": "王强", "grade": "senior"}, "load": 1}, **extra)
    return {"id": str(uuid.uuid4()), "type": "workorder.assigned", "version": version,
            "ts": "2026-11-22T06:00:00.000000Z", "source": {"service": "dispatch", "instance": "test"},
            "branch": "SH01", "correlation_id": str(ticket_id), "body": body}


CLOCKS = [{"event": "started", "at": "2026-11-22T06:00:00Z",
           "clocks": [{"clock_id": 1, "clock": "arrange", "policy": "city-visit", "target": "2 business hours",
                       "due_at": "2026-11-22T08:00:00Z", "started_at": "2026-11-22T06:00:00Z"}]}]


def test_an_assignment_of_an_unknown_ticket_is_a_dead_letter_and_writes_nothing():
    S.quiet()                       # earlier tickets' history is all in
    before = S.sql("SELECT count(*) FROM intake.ticket_history")[0][0]
    env = assigned(2, 999999, sla=CLOCKS)
    assert bus_send(env) == {"ack": env["id"], "status": "dead"}
    reason = S.sql("SELECT reason FROM intake.dead_letters WHERE message_id = %s", (env["id"],))[0][0]
    assert "body.ticket_id: no ticket 999999" in reason, reason
    assert S.sql("SELECT count(*) FROM intake.ticket_history")[0][0] == before


def test_version_1_without_clocks_is_still_applied():
    tid = repair("AC-3200", "空调漏水")
    S.wait_ticket_status(tid, "assigned")
    env = assigned(1, tid)
    assert bus_send(env) == {"ack": env["id"], "status": "ok"}
    rows = [e for e in entries(tid, "work_order_assigned") if e["detail"]["message_id"] == env["id"]]
    assert len(rows) == 1 and not [e for e in entries(tid, "clock_started")
                                   if e["detail"]["message_id"] == env["id"]]
