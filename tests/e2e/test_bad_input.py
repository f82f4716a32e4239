"""Bad input, from outside, against the running services: every malformed or
wrong request gets a specific error naming what was wrong, changes nothing,
and crashes nothing; a bad message on the bus becomes a dead letter with its
reason instead of vanishing."""
import json
import os
import sys
import uuid

import zmq

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import kefu_harness as h  # noqa: E402
from kefu_system import System  # noqa: E402

S = None
GOOD = {"channel": "hotline", "kind": "repair", "customer": {"id": "C1002"},
        "product": {"code": "AC-3200"}, "description": "空调异响"}


def setup_module():
    global S
    S = System("badinput")
    S.start_services(["intake", "dispatch"])


def teardown_module():
    if S:
        S.shutdown()


def counts():
    return S.sql("SELECT (SELECT count(*) FROM intake.tickets), (SELECT count(*) FROM "
                 "intake.ticket_history), (SELECT count(*) FROM intake.outbox), "
                 "(SELECT count(*) FROM ref.customers)")[0]


def refused(payload, *expected_words):
    S.quiet()   # dispatch's answers to earlier accepted requests are in
    before = counts()
    reply = S.client.raw(payload) if isinstance(payload, (bytes, str)) else \
        S.client.request("ticket.submit", payload)
    assert reply is not None, "no reply to %r" % (payload,)
    assert reply["ok"] is False, reply
    message = reply["error"]["message"]
    for word in expected_words:
        assert word in message, "%r not in %r" % (word, message)
    assert counts() == before, "a refused request changed the database"
    return reply["error"]


def with_(**changes):
    body = json.loads(json.dumps(GOOD))
    for key, value in changes.items():
        if value is None:
            body.pop(key, None)
        else:
            body[key] = value
    return body


def test_malformed_json():
    refused(b'{"request": "ticket.submit", "version": 1, "body": {', "JSON")


def test_invalid_utf8():
    refused(b'{"request":"ticket.submit","version":1,"body":{"description":"\xe7\xa9"}}', "UTF-8")


def test_unknown_request_and_version():
    refused(json.dumps({"request": "ticket.delete", "version": 1, "body": {}}), "request")
    refused(json.dumps({"request": "ticket.submit", "version": 7, "body": GOOD}), "version")


def test_wrong_type_missing_and_unknown_fields():
    refused(with_(kind=5), "body.kind")
    refused(with_(channel=None), "channel")
    refused(with_(colour="red"), "colour")
    refused(with_(kind="fix"), "body.kind", "repair")


def test_overlong_strings():
    refused(with_(description="修" * 2001), "body.description")
    refused(with_(customer={"name": "名" * 65, "phone": "13800000000",
                            "address": "上海", "region": "SH"}), "body.customer")


def test_unknown_customer_product_branch_and_region():
    assert refused(with_(customer={"id": "C9999"}), "C9999")["code"] in ("invalid", "not_found")
    refused(with_(product={"code": "NOPE-1"}), "NOPE-1")
    refused(with_(branch="XX99"), "XX99")
    refused(with_(customer={"name": "新客户", "phone": "13800000000", "address": "某地",
                            "region": "MARS"}), "MARS")


def test_answered_is_only_for_consultations():
    refused(with_(answered=True, resolution="已解决"), "answered")


def test_oversized_request_is_refused_without_parsing():
    refused(b"{" + b" " * (70 * 1024) + b"}", "large")


def frames_sent(n_front):
    """Sends ticket.get with n_front frames in front of it (as proxies would
    add) from a DEALER; returns the frames of the reply."""
    sock = zmq.Context.instance().socket(zmq.DEALER)
    sock.setsockopt(zmq.LINGER, 0)
    sock.connect(S.config.api)
    request = json.dumps({"request": "ticket.get", "version": 1, "token": S.token,
                          "body": {"ticket_id": 999999}})
    front = [b"hop%d" % i for i in range(n_front)]
    sock.send_multipart(front + [request.encode()])
    assert sock.poll(5000, zmq.POLLIN), "no reply with %d frames in front" % n_front
    reply = sock.recv_multipart()
    sock.close()
    assert reply[:-1] == front, "frames in front not echoed back: %r" % (reply[:-1],)
    return json.loads(reply[-1])


def test_at_most_8_frames_per_message():
    # docs/intake.md: a message of more than 8 frames is refused. 8 (the
    # request and 7 in front of it) is served: the ticket is looked up.
    served = frames_sent(7)
    assert served["ok"] is False and served["error"]["code"] == "not_found", served
    refused_ = frames_sent(8)
    assert refused_["ok"] is False and refused_["error"]["code"] == "invalid", refused_
    assert "too many frames" in refused_["error"]["message"], refused_


def test_refused_requests_never_cost_the_acknowledgements_that_ride_with_them():
    # Dispatch acknowledges each ticket.created; intake records the
    # acknowledgement in its next transaction, which may be a bad request's
    # that is then rolled back. The acknowledgements must wait for the next
    # one, not be dropped (as "ack_record_failed" with an empty reason).
    intake = S.services["intake-1"]
    before = len(intake.events("ack_record_failed"))
    bad = with_(customer={"id": "C9999"})
    tickets = []
    for _ in range(15):
        reply = S.client.submit(dict(GOOD))
        assert reply["ok"] is True, reply
        tickets.append(reply["result"]["ticket_id"])
        for _ in range(15):
            reply = S.client.request("ticket.submit", bad)
            assert reply["ok"] is False and "C9999" in reply["error"]["message"], reply
    h.wait_until(lambda: S.sql("SELECT count(*) FROM intake.outbox WHERE acked_at IS NULL "
                               "AND dead_at IS NULL")[0][0] == 0, 30, "every outbox row acknowledged")
    failed = intake.events("ack_record_failed")[before:]
    assert failed == [], failed
    assert all(line.get("reason") for line in intake.events("ack_record_failed")), \
        intake.events("ack_record_failed")


def test_intake_still_serves_after_all_that():
    reply = S.client.submit(dict(GOOD))
    assert reply["ok"] is True, reply
    assert S.services["intake-1"].alive()


def test_kefuctl_reports_bad_arguments_with_exit_code_2():
    proc = S.kefuctl("submit", "--kind", "repare", "--channel", "hotline", "--customer", "C1002",
                     "--description", "x", check=False)
    assert proc.returncode == 2 and "repare" in proc.stderr, (proc.returncode, proc.stderr)


def bus_send(service, payload):
    sock = S.bus_socket(service, "intake")    # the envelopes below name intake
    sock.send(payload if isinstance(payload, bytes) else json.dumps(payload).encode())
    ok = sock.poll(5000, zmq.POLLIN)
    ack = json.loads(sock.recv()) if ok else None
    sock.close()
    return ack


def envelope(type_, version, body):
    return {"id": str(uuid.uuid4()), "type": type_, "version": version,
            "ts": "2026-11-22T06:00:00.000000Z",
            "source": {"service": "intake", "instance": "test"},
            "branch": "SH01", "correlation_id": "1", "body": body}


def test_unknown_message_type_becomes_a_dead_letter_with_reason():
    env = envelope("ticket.teleported", 1, {})
    ack = bus_send("dispatch", env)
    assert ack == {"ack": env["id"], "status": "dead"}, ack
    rows = S.sql("SELECT reason FROM dispatch.dead_letters WHERE message_id = %s", (env["id"],))
    assert len(rows) == 1 and "ticket.teleported" in rows[0][0], rows


def test_unknown_version_and_bad_body_become_dead_letters():
    env = envelope("ticket.created", 9, {})
    assert bus_send("dispatch", env)["status"] == "dead"
    reason = S.sql("SELECT reason FROM dispatch.dead_letters WHERE message_id = %s", (env["id"],))[0][0]
    assert "version" in reason, reason
    env = envelope("ticket.created", 1, {"ticket_id": "one"})
    assert bus_send("dispatch", env)["status"] == "dead"
    reason = S.sql("SELECT reason FROM dispatch.dead_letters WHERE message_id = %s", (env["id"],))[0][0]
    assert "body" in reason, reason


def test_redelivered_message_is_acknowledged_and_changes_nothing():
    env = envelope("ticket.teleported", 1, {})
    bus_send("dispatch", env)
    S.quiet()                       # no earlier step is still adding dead letters
    before = S.sql("SELECT count(*) FROM dispatch.dead_letters")[0][0]
    ack = bus_send("dispatch", env)
    assert ack["status"] == "duplicate", ack
    assert S.sql("SELECT count(*) FROM dispatch.dead_letters")[0][0] == before


def test_garbage_on_the_bus_crashes_nothing():
    sock = S.bus_socket("dispatch", "intake")
    sock.setsockopt(zmq.LINGER, 2000)   # let the junk leave before close
    for junk in [b"", b"\xff\xfe", b"[1,2", b"null", b'{"id": 5}', b"x" * 100000]:
        sock.send(junk)
    sock.close()
    h.wait_until(lambda: S.sql("SELECT count(*) FROM dispatch.dead_letters WHERE message_id IS NULL")[0][0] >= 1,
                 60, "garbage recorded as dead letters")
    assert S.services["dispatch-1"].alive()
    reply = S.client.submit(dict(GOOD, kind="installation", customer={"id": "C1005"},
                                 product={"code": "WH-60"}))
    assert reply["ok"] is True
    S.wait_ticket_status(reply["result"]["ticket_id"], "assigned")


def test_a_configuration_typo_stops_a_service_with_file_line_and_key():
    import subprocess
    bad = os.path.join(S.tmp, "typo.yaml")
    with open(S.config) as f:
        text = f.read()
    assert "retry_max_ms:" in text
    with open(bad, "w") as f:
        f.write(text.replace("retry_max_ms:", "retry_maxx_ms:"))
    line = [i + 1 for i, l in enumerate(text.splitlines()) if "retry_max_ms:" in l][0]
    proc = subprocess.run([os.path.join(h.BUILD, "bin", "kefu-dispatch"), "--config", bad],
                          capture_output=True, text=True, timeout=60, env=h.child_env())
    assert proc.returncode != 0
    assert "typo.yaml:%d" % line in proc.stderr and "retry_maxx_ms" in proc.stderr, proc.stderr
    assert S.services["dispatch-1"].alive()


def test_unknown_or_repeated_risk_flags_are_refused():
    refused(with_(flags=["fire"]), "body.flags")
    refused(with_(flags=["safety", "safety"]), "body.flags")
    proc = S.kefuctl("submit", "--kind", "complaint", "--channel", "hotline", "--customer", "C1002",
                     "--description", "x", "--flags", "safety,fire", check=False)
    assert proc.returncode == 2 and "fire" in proc.stderr, (proc.returncode, proc.stderr)
