"""The request endpoint every service that takes requests gets from the
service kit (common/svc/request_endpoint.h), seen from outside on the three
services that serve no requests yet (qc, billing, claims): each
binds services.<name>.api, answers every request exactly once with the same
framing and error documents as intake, refuses what it does not serve with
`invalid`, and keeps running."""
import json
import os
import sys

import zmq

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import kefu_harness as h  # noqa: E402
from intake_client import IntakeClient  # noqa: E402
from kefu_system import System  # noqa: E402

EMPTY = ["qc", "billing", "claims"]
S = None
QC_PORT = h.free_port()


def setup_module():
    global S
    # qc at a port of our choosing; the others at the default, a free port
    S = System("endpoints", services={"qc": {"api": "tcp://127.0.0.1:%d" % QC_PORT}})
    S.start_services(EMPTY)


def teardown_module():
    if S:
        S.shutdown()   # each must stop cleanly (exit 0, no leak)


def endpoint(name):
    listening = S.services["%s-1" % name].events("api_listening")
    assert len(listening) == 1, listening
    return listening[0]["endpoint"]


def ask(name, payload):
    client = IntakeClient(endpoint(name), token=S.token)
    try:
        return client.raw(payload, timeout_ms=5000)
    finally:
        client.close()


def test_configured_address_is_used():
    assert endpoint("qc") == "tcp://127.0.0.1:%d" % QC_PORT
    for name in EMPTY[1:]:
        assert endpoint(name).startswith("tcp://127.0.0.1:"), endpoint(name)
        assert not endpoint(name).endswith(":*"), endpoint(name)


def test_unknown_requests_are_refused_invalid():
    for name in EMPTY:
        reply = ask(name, json.dumps({"request": "%s.inspect" % name, "version": 1, "body": {}}))
        if name in ("qc", "billing"):    # qc serves the inspection requests (docs/qc.md), billing the ledger's
            assert reply["ok"] is False and reply["error"]["code"] == "invalid" \
                and 'unknown request "%s.inspect"' % name in reply["error"]["message"], reply
            continue
        assert reply == {"ok": False, "error": {
            "code": "invalid",
            "message": 'request: unknown request "%s.inspect" (this service takes no requests yet)'
                       % name}}, (name, reply)


def test_bad_input_gets_the_same_errors_as_intake():
    for name in EMPTY:
        reply = ask(name, b"{\"request\":")
        assert reply["ok"] is False and reply["error"]["code"] == "invalid", reply
        assert reply["error"]["message"].startswith("request: "), reply
        reply = ask(name, json.dumps({"request": "x.y", "version": 1, "body": {}, "extra": 1}))
        assert reply["error"]["code"] == "invalid" and "extra" in reply["error"]["message"], reply
        reply = ask(name, b"{" + b" " * (70 * 1024) + b"}")
        assert reply["error"]["message"] == "request: too large (71682 bytes; at most 65536)", reply


def test_req_and_dealer_framing_and_frame_limit():
    request = json.dumps({"request": "claims.file", "version": 1, "token": S.token,
                          "body": {}}).encode()
    ctx = zmq.Context.instance()
    req = ctx.socket(zmq.REQ)
    req.setsockopt(zmq.LINGER, 0)
    req.connect(endpoint("claims"))
    req.send(request)
    assert req.poll(5000, zmq.POLLIN), "no reply to a REQ socket"
    assert json.loads(req.recv())["error"]["code"] == "invalid"
    req.close()
    for n_front, served in ((7, True), (8, False)):
        dealer = ctx.socket(zmq.DEALER)
        dealer.setsockopt(zmq.LINGER, 0)
        dealer.connect(endpoint("billing"))
        front = [b"hop%d" % i for i in range(n_front)]
        dealer.send_multipart(front + [request])
        assert dealer.poll(5000, zmq.POLLIN), "no reply with %d frames in front" % n_front
        reply = dealer.recv_multipart()
        dealer.close()
        assert reply[:-1] == front, reply[:-1]
        message = json.loads(reply[-1])["error"]["message"]
        assert ("unknown request" in message) == served, message
        assert ("too many frames" in message) == (not served), message


def test_every_service_refuses_a_request_without_a_valid_token():
    for name in EMPTY:
        client = IntakeClient(endpoint(name))
        try:
            for token, message in ((None, "token: missing"), ("kefu_x", "token: malformed"),
                                   ("kefu_" + "A" * 43, "token: unknown")):
                reply = client.request("%s.inspect" % name, {}, token=token)
                assert reply["error"]["code"] == "unauthenticated", (name, reply)
                assert reply["error"]["message"].startswith(message), (name, reply)
        finally:
            client.close()


def test_every_service_still_runs_and_logged_each_refusal():
    for name in EMPTY:
        svc = S.services["%s-1" % name]
        assert svc.alive(), name
        refusals = svc.events("request_refused")
        assert refusals and all(r["code"] in ("invalid", "unauthenticated") for r in refusals), refusals
        assert any(r["code"] == "unauthenticated" and r["field"] == "token" for r in refusals), refusals
