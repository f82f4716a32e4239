"""The bus is authenticated (docs/messaging.md "Keys"): only a process
holding a key the operator installed for a kefu service gets a message to
a service, and then only in that service's name.

The attack repeated here: a forged workorder.assigned naming dispatch as its
source, a made-up technician and work order 999999, sent straight to the
endpoint listed in intake.endpoints. Before CurveZMQ it was acknowledged and
appended to the ticket's history for good."""
import json
import os
import subprocess
import sys
import uuid

import zmq
from zmq.utils.monitor import recv_monitor_message

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import kefu_harness as h  # noqa: E402
from kefu_system import System  # noqa: E402

S = None
TID = None

# The handshake ended without a connection, as the client sees it.
REFUSED_EVENTS = {zmq.EVENT_HANDSHAKE_FAILED_NO_DETAIL, zmq.EVENT_HANDSHAKE_FAILED_PROTOCOL,
                  zmq.EVENT_HANDSHAKE_FAILED_AUTH, zmq.EVENT_DISCONNECTED}


def setup_module():
    global S, TID
    curve_api = "tcp://127.0.0.1:%d" % h.free_port()
    S = System("busauth", services={"intake": {"api_curve": curve_api}})
    # an operator's client key for intake's CURVE request endpoint
    h.make_keys(S.config.keys_dir, ["ops"])
    with open(os.path.join(S.config.keys_dir, "clients.pub"), "wb") as f:
        f.write(S.config.key_pair("ops")[0] + b"\n")
    S.start_services(["intake", "dispatch", "qc"])
    TID = S.kefuctl("submit", "--channel", "hotline", "--kind", "repair", "--customer", "C1002",
                    "--product", "AC-3200", "--description", "空调不制冷", json_out=True)["ticket_id"]
    S.wait_ticket_status(TID, "assigned")


def teardown_module():
    if S:
        S.shutdown()


def forged(ticket_id):
    """The forged assignment: dispatch as source, a technician nobody has."""
    body = {"work_order_id": 999999, "ticket_id": ticket_id, "assigned_at": "2026-11-22T06:00:00Z",
            "technician": {"id": "T666", "name": "冒名顶替", "grade": "senior"}, "load": 1}
    return {"id": str(uuid.uuid4()), "type": "workorder.assigned", "version": 1,
            "ts": "2026-11-22T06:00:00.000000Z", "source": {"service": "dispatch", "instance": "x"},
            "branch": "SH01", "correlation_id": str(ticket_id), "body": body}


def state():
    """What a forged message could change at intake, from a quiet system."""
    S.quiet()
    return {"history": S.sql("SELECT count(*), max(id) FROM intake.ticket_history")[0],
            "inbox": S.sql("SELECT count(*) FROM intake.inbox")[0][0],
            "dead_letters": S.sql("SELECT count(*) FROM intake.dead_letters")[0][0],
            "ticket": S.sql("SELECT status, updated_at FROM intake.tickets WHERE id = %s", (TID,))[0]}


def intake_endpoint():
    return S.sql("SELECT endpoint, public_key FROM intake.endpoints ORDER BY instance LIMIT 1")[0]


def attacker(pair=None):
    """A DEALER on intake's bus endpoint: plain (pair None) or CURVE with
    the given client key pair and intake's real server key. Returns it with
    a monitor of its connection."""
    endpoint, server_key = intake_endpoint()
    sock = zmq.Context.instance().socket(zmq.DEALER)
    sock.setsockopt(zmq.LINGER, 0)
    if pair:
        sock.curve_publickey, sock.curve_secretkey = pair
        sock.curve_serverkey = server_key.encode()
    monitor = sock.get_monitor_socket()
    sock.connect(endpoint)
    return sock, monitor


def connection_refused(monitor, timeout_ms=30000):
    """Waits for the first end of a handshake; True when it was refused."""
    while monitor.poll(timeout_ms):
        event = recv_monitor_message(monitor)["event"]
        if event == zmq.EVENT_HANDSHAKE_SUCCEEDED:
            return False
        if event in REFUSED_EVENTS:
            return True
    raise AssertionError("no handshake outcome within %d ms" % timeout_ms)


def send_and_answer(sock, payload, timeout_ms=3000):
    sock.send(payload if isinstance(payload, bytes) else json.dumps(payload).encode())
    return json.loads(sock.recv()) if sock.poll(timeout_ms, zmq.POLLIN) else None


def refused_changes_nothing(pair, payload):
    before = state()
    sock, monitor = attacker(pair)
    try:
        sock.send(payload if isinstance(payload, bytes) else json.dumps(payload).encode())
        assert connection_refused(monitor), "the handshake succeeded"
        answer = sock.recv() if sock.poll(1000, zmq.POLLIN) else None
    finally:
        sock.disable_monitor()
        monitor.close()
        sock.close()
    assert answer is None, answer
    after = state()
    assert after == before, (before, after)


def test_a_forged_assignment_from_a_process_without_a_key_is_refused():
    env = forged(TID)
    refused_changes_nothing(None, env)
    assert S.sql("SELECT count(*) FROM intake.inbox WHERE message_id = %s", (env["id"],))[0][0] == 0
    assert not [e for e in S.ticket(TID)["history"] if e["detail"].get("message_id") == env["id"]]


def test_a_forged_assignment_with_a_made_up_key_is_refused_and_logged():
    public, secret = zmq.curve_keypair()
    env = forged(TID)
    refused_changes_nothing((public, secret), env)
    intake = S.services["intake-1"]
    refusals = [e for e in intake.events("bus_peer_refused") if e.get("public_key") == public.decode()]
    assert refusals and refusals[0]["domain"] == "bus", intake.events("bus_peer_refused")
    assert "not installed" in refusals[0]["reason"], refusals[0]


def captured_assignment():
    """A workorder.assigned dispatch really sent intake about the ticket."""
    return S.sql("SELECT payload FROM dispatch.outbox WHERE destination = 'intake' AND "
                 "type = 'workorder.assigned' AND payload::jsonb->>'correlation_id' = %s "
                 "ORDER BY id LIMIT 1", (str(TID),))[0][0].encode()


def test_a_replayed_message_from_a_process_without_the_key_is_refused():
    payload = captured_assignment()
    refused_changes_nothing(None, payload)
    refused_changes_nothing(zmq.curve_keypair(), payload)
    # the very same bytes from dispatch's key are answered (a duplicate):
    # the refusals above were the sender's, not the message's
    sock = S.bus_socket("intake", "dispatch")
    try:
        answer = send_and_answer(sock, payload, 30000)
    finally:
        sock.close()
    assert answer == {"ack": json.loads(payload)["id"], "status": "duplicate"}, answer


def test_a_message_naming_another_source_than_its_key_is_a_dead_letter():
    before = state()
    env = forged(TID)                    # names dispatch ...
    sock = S.bus_socket("intake", "qc")  # ... sent with qc's key
    try:
        answer = send_and_answer(sock, env, 30000)
    finally:
        sock.close()
    assert answer == {"ack": env["id"], "status": "dead"}, answer
    reason = S.sql("SELECT reason FROM intake.dead_letters WHERE message_id = %s", (env["id"],))[0][0]
    assert reason == ('source.service: "dispatch" does not match the key that sent it, which is '
                      'installed for "qc"'), reason
    after = state()
    assert after["history"] == before["history"] and after["ticket"] == before["ticket"], (before, after)
    assert after["dead_letters"] == before["dead_letters"] + 1, (before, after)


def test_kefuctl_reaches_the_curve_request_endpoint_with_a_client_key():
    curve = S.config.data["services"]["intake"]["api_curve"]
    env = dict(S.env, KEFU_INTAKE_API=curve, KEFU_CLIENT_KEY=os.path.join(S.config.keys_dir, "ops.key"))
    proc = h.kefuctl(S.config, "--json", "show", TID, cluster=S.cluster, env=env)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["ticket"]["id"] == TID, proc.stdout
    # without a client key no connection to the CURVE endpoint is made
    proc = h.kefuctl(S.config, "--timeout-ms", "1000", "--retries", "0", "show", TID,
                     cluster=S.cluster, env={"KEFU_INTAKE_API": curve})
    assert proc.returncode != 0 and "no connection to intake at %s" % curve in proc.stderr, \
        (proc.returncode, proc.stderr)
    # the plain loopback endpoint works as before
    assert S.kefuctl("show", TID, json_out=True)["ticket"]["id"] == TID


def test_a_secret_key_readable_by_others_stops_the_service_naming_the_path():
    keys = os.path.join(S.tmp, "open-keys")
    h.make_keys(keys)
    os.chmod(os.path.join(keys, "qc.key"), 0o644)
    config = h.write_config(os.path.join(S.tmp), S.cluster, name="open-keys.yaml",
                            messaging={"keys_dir": keys})
    proc = subprocess.run([os.path.join(h.BUILD, "bin", "kefu-qc"), "--config", config,
                           "--instance", "qc-open"], cwd=h.ROOT, env=h.child_env(),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=60)
    path = os.path.join(keys, "qc.key")
    assert proc.returncode != 0, proc.returncode
    assert "kefu-qc: keys: %s: a secret key must be readable only by its owner, but its mode is 0644" \
        % path in proc.stderr, proc.stderr
