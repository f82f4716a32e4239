"""Fault tests: processes (PostgreSQL included) are killed mid-flight and
restarted; afterwards every request accepted is kept, every message is applied
exactly once, and nothing is done twice."""
import os
import subprocess
import sys
import tempfile
import threading

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import kefu_harness as h  # noqa: E402
from intake_client import IntakeClient  # noqa: E402
from kefu_system import System  # noqa: E402

S = None
N_STREAM = 120


def setup_module():
    global S
    # The benchmark's organisation: 40 round-the-clock technicians with room
    # for 4,000 work orders and 500 customers B000001…, so every request of
    # the streams below can be assigned. A short back-off ceiling keeps the
    # recovery within seconds.
    org = os.path.join(tempfile.mkdtemp(prefix="kefu-fault-org-"), "org.yaml")
    with open(org, "w") as f:
        subprocess.run([os.path.join(h.ROOT, "bench", "make-org.sh"), "500"], stdout=f, check=True)
    S = System("fault", org=org, messaging={"retry_initial_ms": 100, "retry_max_ms": 1000,
                                            "ack_timeout_ms": 500},
               dispatch={"sla_file": os.path.join(h.ROOT, "bench", "sla.yaml")})  # branch SH01 only
    S.start_services(["intake", "dispatch"])


def teardown_module():
    if S:
        S.shutdown()


TAGS = {"收端": 0, "发端": 1, "重启": 2}


def customer_body(i, tag):
    # every request its own customer: no repeat contact joins another
    return {"channel": "hotline", "kind": "repair",
            "customer": {"id": "B%06d" % (1 + TAGS[tag] * 150 + i)},
            "product": {"code": "AC-3200"}, "description": "%s 第%d单" % (tag, i)}


def stream(tag, n, results, retries=None):
    client = IntakeClient(S.client.endpoint, token=S.token)
    try:
        for i in range(n):
            results.append(client.submit(customer_body(i, tag), deadline_s=120))
    finally:
        if retries is not None:
            retries.append(client.retries)
        client.close()


def assert_exactly_once(ticket_ids):
    ids = sorted(set(ticket_ids))
    assert len(ids) == len(ticket_ids), "a request became two tickets"
    h.wait_until(lambda: S.sql("SELECT count(*) FROM intake.tickets WHERE id = ANY(%s) "
                               "AND status = 'assigned'", (ids,))[0][0] == len(ids),
                 90, "all %d tickets assigned" % len(ids))
    # one work order per ticket, one 'created' history row per work order,
    # one assignment event per ticket: nothing applied twice, counted once
    # every redelivery has been answered
    S.quiet()
    assert S.sql("SELECT count(*), count(DISTINCT ticket_id) FROM dispatch.work_orders "
                 "WHERE ticket_id = ANY(%s)", (ids,))[0] == (len(ids), len(ids))
    dup = S.sql("SELECT ticket_id, count(*) FROM intake.ticket_history WHERE ticket_id = ANY(%s) "
                "AND event = 'work_order_assigned' GROUP BY ticket_id HAVING count(*) <> 1", (ids,))
    assert dup == [], dup
    dup = S.sql("SELECT work_order_id, count(*) FROM dispatch.work_order_history h JOIN "
                "dispatch.work_orders w ON w.id = h.work_order_id WHERE w.ticket_id = ANY(%s) "
                "AND h.event = 'created' GROUP BY work_order_id HAVING count(*) <> 1", (ids,))
    assert dup == [], dup


def test_receiver_killed_with_sigkill_mid_stream_applies_every_message_once():
    results = []
    t = threading.Thread(target=stream, args=("收端", N_STREAM, results))
    t.start()
    h.wait_until(lambda: S.sql("SELECT count(*) FROM dispatch.work_orders")[0][0] >= 20,
                 60, "dispatch to be mid-stream")
    S.services.pop("dispatch-1").kill9()
    h.wait_until(lambda: len(results) >= N_STREAM // 2, 60, "intake to keep accepting")
    # requests accepted while dispatch was dead are waiting in intake's outbox
    waiting = S.sql("SELECT count(*) FROM intake.tickets t WHERE NOT EXISTS "
                    "(SELECT 1 FROM dispatch.work_orders w WHERE w.ticket_id = t.id)")[0][0]
    assert waiting > 0, "dispatch was not killed mid-stream"
    S.start_service("dispatch").wait_ready()
    t.join(180)
    assert len(results) == N_STREAM and all(r["ok"] for r in results)
    assert_exactly_once([r["result"]["ticket_id"] for r in results])
    h.wait_until(lambda: S.sql("SELECT count(*) FROM intake.outbox WHERE acked_at IS NULL")[0][0] == 0,
                 60, "every message acknowledged")


def test_sender_killed_after_commit_before_sending_sends_after_restart():
    S.services.pop("intake-1").stop()
    svc = S.start_service("intake", env={"KEFU_FAULT_EXIT_AFTER_COMMIT": "1"})
    svc.wait_ready()
    body = customer_body(1, "发端")
    body["request_id"] = "8a4c6f5e-1d2b-4c3a-9e8f-7a6b5c4d3e2f"
    reply = S.client.request("ticket.submit", body, timeout_ms=10000)
    assert reply is None, "intake answered although it was to die after commit"
    h.wait_until(lambda: svc.proc.poll() is not None, 60, "intake to exit")
    assert svc.proc.returncode == 86, svc.proc.returncode
    # committed but never sent: the ticket and its unsent outbox row are there
    rows = S.sql("SELECT t.id, o.attempts, o.acked_at FROM intake.tickets t JOIN intake.outbox o "
                 "ON (o.payload::jsonb #>> '{body,ticket_id}')::bigint = t.id "
                 "WHERE t.request_id = %s", (body["request_id"],))
    assert len(rows) == 1 and rows[0][1] == 0 and rows[0][2] is None, rows
    tid = rows[0][0]
    S.start_service("intake").wait_ready()
    S.wait_ticket_status(tid, "assigned")
    # the client's retry with the same request_id gets the same ticket
    again = S.client.submit(body)
    assert again["ok"] and again["result"]["ticket_id"] == tid
    assert_exactly_once([tid])


def test_postgresql_restarted_while_traffic_flows_loses_and_doubles_nothing():
    results, retries = [], []
    t = threading.Thread(target=stream, args=("重启", N_STREAM, results, retries))
    t.start()
    h.wait_until(lambda: len(results) >= 20, 60, "traffic to flow")
    S.cluster.kill9()   # the harshest restart: crash recovery on start
    S.cluster.start()
    t.join(240)
    assert len(results) == N_STREAM and all(r["ok"] for r in results), \
        [r for r in results if not r["ok"]][:3]
    assert retries and retries[0] > 0, "the restart did not hit the traffic"
    assert_exactly_once([r["result"]["ticket_id"] for r in results])
    for name in ("intake-1", "dispatch-1"):
        assert S.services[name].alive(), name + " died instead of reconnecting"
    assert S.check_messages() > 0
