"""Group commit at intake (docs/messaging.md, "Group commit"): requests that
wait together on intake's endpoint are committed in ONE transaction, each in
its own savepoint, and the rules of ticket.submit hold inside the batch
exactly as between batches — a second request of the same customer about the
same product joins the ticket the first one opened, a request_id seen earlier
in the batch replays its result, a refused request is undone alone.

To make the batch certain rather than likely, the test holds the customer
lock of a first request (the advisory lock intake takes for that customer):
intake waits on it inside its transaction while the other requests queue up;
released, they are read and committed together."""
import json
import os
import sys
import uuid

import zmq

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import kefu_harness as h  # noqa: E402
from kefu_system import System  # noqa: E402

S = None
LOCK_CUSTOMER = 18010  # tickets.c S_LOCK_CUSTOMER


def setup_module():
    global S
    S = System("group")
    S.start_services(["intake", "dispatch"])


def teardown_module():
    if S:
        S.shutdown()


def body(customer, kind="repair", product=None, request_id=None, text="批量提交"):
    b = {"channel": "hotline", "kind": kind, "customer": {"id": customer}, "description": text}
    if product:
        b["product"] = {"code": product}
    b["request_id"] = request_id or str(uuid.uuid4())
    return b


def send(sock, b, token=None):
    """Sends one request (as CC01, or the token's holder); returns the bytes
    it takes on the wire."""
    payload = json.dumps({"request": "ticket.submit", "version": 1, "token": token or S.token, "body": b},
                         ensure_ascii=False).encode()
    sock.send(payload)
    return h.zmtp_frame_size(payload)


def receive(sock, n, timeout_ms=60000):
    replies = []
    for _ in range(n):
        assert sock.poll(timeout_ms, zmq.POLLIN), "no reply (%d of %d)" % (len(replies), n)
        replies.append(json.loads(sock.recv()))
    return replies


def behind_a_held_lock(first, batch):
    """Sends `first` (a body of C1001's), waits until intake holds its
    transaction on C1001's customer lock, which the test holds, then sends
    the batch — (body, token or None) pairs — and releases the lock once
    their frames are in intake's process: intake reads them together and
    commits them as one group. Returns the replies, first's included."""
    ctx = zmq.Context.instance()
    sock = ctx.socket(zmq.DEALER)
    sock.setsockopt(zmq.LINGER, 0)
    sock.connect(S.config.api)
    holder = S.cluster.connect()
    holder.autocommit = True
    try:
        cur = holder.cursor()
        cur.execute("SELECT pg_advisory_lock(%s, hashtext('C1001'))", (LOCK_CUSTOMER,))
        send(sock, first)
        h.wait_until(lambda: S.sql(
            "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE l.locktype = 'advisory' AND NOT l.granted "
            "AND a.usename = 'kefu_intake'")[0][0] == 1,
            60, "intake to wait for the customer lock")
        acked = h.tcp_acked_to(int(S.config.api.rsplit(":", 1)[1]))
        sent = sum(send(sock, b, token) for b, token in batch)
        # The frames are in intake's process (its I/O thread has read them
        # off the socket) before the lock goes.
        h.wait_tcp_received(S.config.api, acked, sent)
        cur.execute("SELECT pg_advisory_unlock(%s, hashtext('C1001'))", (LOCK_CUSTOMER,))
        return receive(sock, 1 + len(batch))
    finally:
        holder.close()
        sock.close(linger=0)


def test_requests_waiting_together_commit_together_with_join_replay_and_refusal():
    # 1: intake takes it alone and waits for the customer lock in its
    # transaction; 2..6 queue up behind it
    rid = str(uuid.uuid4())
    batch = [
        body("C1005", product="AC-3200", request_id=rid, text="空调漏水"),      # new
        body("C1005", product="AC-3200", text="空调还在漏水"),                   # joins it
        body("C9999", product="AC-3200", text="不存在的客户"),                   # refused
        body("C1005", product="AC-3200", request_id=rid, text="空调漏水"),      # replayed
        body("C1002", product="RF-500", text="冰箱不制冷"),                      # new
    ]
    first, new, joined, refused, replayed, other = behind_a_held_lock(
        body("C1001", kind="installation", text="先到的一单"), [(b, None) for b in batch])

    assert first["ok"], first
    assert new["ok"] and new["result"]["joined"] is False, new
    tid = new["result"]["ticket_id"]
    assert joined["ok"] and joined["result"]["joined"] is True, joined
    assert joined["result"]["ticket_id"] == tid
    assert not refused["ok"] and refused["error"]["code"] == "not_found", refused
    assert "body.customer.id" in refused["error"]["message"], refused
    assert replayed["ok"] and replayed["result"]["ticket_id"] == tid, replayed
    assert other["ok"] and other["result"]["joined"] is False, other
    oid = other["result"]["ticket_id"]
    assert oid != tid

    # One transaction for the five: their outbox rows carry the same
    # created_at (now() is the start of the transaction; the refused request
    # was undone alone, by its savepoint), and the first request's does not.
    def outbox_at(ticket_ids):
        return S.sql("SELECT DISTINCT created_at FROM intake.outbox WHERE type = 'ticket.created' "
                     "AND (payload::jsonb #>> '{body,ticket_id}')::bigint = ANY(%s)",
                     (list(ticket_ids),))
    together = outbox_at([tid, oid])
    assert len(together) == 1, together
    assert outbox_at([first["result"]["ticket_id"]]) != together, \
        "the first request was meant to be a batch of its own"

    # Applied exactly once: one open ticket for C1005 + AC-3200, contacted twice.
    assert S.sql("SELECT id, contact_count FROM intake.tickets WHERE customer_id = 'C1005' "
                 "AND product_code = 'AC-3200' AND status <> 'closed'") == [(tid, 2)]
    assert S.sql("SELECT count(*) FROM intake.tickets WHERE request_id = %s", (rid,)) == [(1,)]
    assert S.sql("SELECT count(*) FROM intake.tickets WHERE customer_id = 'C9999'") == [(0,)]
    # One ticket.created per new ticket.
    created = S.sql("SELECT (payload::jsonb #>> '{body,ticket_id}')::bigint FROM intake.outbox "
                    "WHERE type = 'ticket.created' "
                    "AND (payload::jsonb #>> '{body,ticket_id}')::bigint IN (%s, %s) ORDER BY 1",
                    (tid, oid))
    assert [r[0] for r in created] == sorted([tid, oid]), created
    # ... and they travel on: both get a technician.
    S.wait_ticket_status(tid, "assigned")
    S.wait_ticket_status(oid, "assigned")


def test_a_batch_of_several_callers_never_shows_one_another_branchs_rows():
    """Requests of agents of two branches, committed together: each is
    confined to its own branch (docs/security.md, "Branch confinement in
    PostgreSQL"), whatever the other wrote earlier in the same transaction."""
    sh01, sh02 = S.token_of("A101"), S.token_of("A201")
    rid = str(uuid.uuid4())
    batch = [
        (body("C1003", product="WH-60", request_id=rid, text="浦东热水器"), sh02),  # SH02's own
        (body("C1003", product="WH-60", text="想并入浦东的单"), sh01),              # another branch's customer
        (body("C1003", product="WH-60", request_id=rid, text="浦东热水器"), sh01),  # its request_id
        (body("C1002", product="WH-60", text="徐汇热水器"), sh01),                  # SH01's own
    ]
    first, own02, other, replay, own01 = behind_a_held_lock(
        body("C1001", kind="installation", text="挡住队列"), batch)
    assert first["ok"] and own02["ok"] and own01["ok"], (first, own02, own01)
    assert own02["result"]["branch"] == "SH02" and own01["result"]["branch"] == "SH01"
    assert other["error"] == {"code": "not_found", "message": 'body.customer.id: no customer "C1003"'}, other
    assert replay["error"] == {"code": "invalid",
                               "message": "body.request_id: already used by another request"}, replay
    # nothing of SH02's in any reply to SH01's agent, and SH02's ticket was not joined
    assert str(own02["result"]["ticket_id"]) not in json.dumps([other, replay])
    assert S.sql("SELECT contact_count FROM intake.tickets WHERE id = %s",
                 (own02["result"]["ticket_id"],)) == [(1,)]


def test_submits_probe_their_indexes_under_row_level_security():
    """A batch's lookups reach ref.customers and intake.tickets through
    their indexes, also under the row-level security policies (a condition
    holding a jsonb ->> cannot use an index under a policy: the bug made
    every submit scan both tables whole). Read from PostgreSQL's counters
    once intake's backend has reported the scans of these submits."""
    def counts():
        return {t: S.sql("SELECT seq_scan, idx_scan FROM pg_stat_user_tables "
                         "WHERE schemaname || '.' || relname = %s", (t,))[0]
                for t in ("ref.customers", "intake.tickets")}
    before = counts()
    n = 40
    for i in range(n):
        reply = S.client.submit(body("C1002", product="WH-60", text="索引 %d" % i))
        assert reply["ok"], reply
    # each submit probes the tickets' request_id index: wait until they are counted
    h.wait_until(lambda: counts()["intake.tickets"][1] - before["intake.tickets"][1] >= n, 60,
                 "intake's index scans of these submits to be reported")
    after = counts()
    for table in after:
        scans = after[table][0] - before[table][0]
        assert scans < n // 4, (table, "sequential scans for %d submits" % n, scans)
