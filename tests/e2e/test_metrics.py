"""Prometheus metrics and health endpoints (docs/operations.md "Metrics",
"Health"): intake, dispatch and the gateway with services.<name>.metrics on
a free port, qc with the default (no metrics listener); requests, a ticket
that crosses the bus, HTTP requests and a message set aside move the
counters by exactly what was done; every scrape is clean under
`promtool check metrics`; /healthz and /readyz answer, /readyz turns 503
while PostgreSQL is stopped and 200 again once it is back."""
import datetime
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import kefu_harness as h  # noqa: E402
from kefu_system import System  # noqa: E402

PROMTOOL = "/usr/bin/promtool"
# exported by one instance for the whole database (common/ops/db_metrics.h)
DB_FIGURES = ("kefu_sla_clocks_open", "kefu_sla_clocks_at_risk", "kefu_sla_clocks_breached",
              "kefu_outbox_depth", "kefu_outbox_oldest_age_seconds")
WITH_METRICS = ["intake", "dispatch", "gateway"]
S = None


CST = datetime.timezone(datetime.timedelta(hours=8))
# an ordinary Monday at SH01 (open 08:00-18:00): a complaint's first
# response is due an hour after it is made
MONDAY_0900 = int(datetime.datetime(2026, 11, 23, 9, 0, tzinfo=CST).timestamp() * 1_000_000)
MINUTE = 60 * 1_000_000


def setup_module():
    global S
    on = {"metrics": "127.0.0.1:0"}
    notify = os.path.join(tempfile.mkdtemp(prefix="kefu-metrics-notify-"), "notifications.jsonl")
    S = System("metrics", clock_us=MONDAY_0900, dispatch={"sla_tick_ms": 100}, notify={"file": notify},
               services={name: dict(on) for name in WITH_METRICS})
    S.start_services(["intake", "dispatch", "qc", "gateway"])


def teardown_module():
    if S:
        S.shutdown()


def listening(instance, what):
    """The address the instance logged for its metrics or health listener."""
    lines = [x for x in S.services[instance].events("ops_listening") if x.get("what") == what]
    assert len(lines) <= 1, lines
    return lines[0]["listen"] if lines else None


def get(address, path, method="GET"):
    """(status, content type, body) of one request to an operator's listener."""
    req = urllib.request.Request("http://%s%s" % (address, path), method=method)
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, resp.headers.get("Content-Type"), resp.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type"), e.read().decode("utf-8")


SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def scrape(instance):
    """The instance's /metrics, checked clean by promtool, as
    {(name, frozenset of label pairs): value}."""
    status, ctype, text = get(listening(instance, "metrics"), "/metrics")
    assert status == 200, (status, text)
    assert ctype == "text/plain; version=0.0.4; charset=utf-8", ctype
    lint = subprocess.run([PROMTOOL, "check", "metrics"], input=text.encode("utf-8"),
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
    assert lint.returncode == 0 and lint.stdout == b"", (lint.returncode, lint.stdout.decode(), text)
    samples = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = SAMPLE.match(line)
        assert m, line
        labels = frozenset(LABEL.findall(m.group(2) or ""))
        # the process's own series name it; the whole database's do not
        # (whichever instance exports them, they are the same series)
        own = ("instance", instance) in labels and ("service", S.services[instance].name) in labels
        assert own != m.group(1).startswith(DB_FIGURES), line
        samples[(m.group(1), labels)] = float(m.group(3))
    return samples


def value(samples, name, **labels):
    """The sample of name whose labels include these; 0 when there is none
    yet (a series appears with its first update)."""
    found = [v for (n, ls), v in samples.items() if n == name and set(labels.items()) <= ls]
    assert len(found) <= 1, (name, labels, found)
    return found[0] if found else 0.0


def moved(before, after, name, **labels):
    return value(after, name, **labels) - value(before, name, **labels)


_numbers = iter(range(1, 10000))


def submit_body():
    """A complaint of a new customer each time: no submit joins another's
    ticket, so each one makes a ticket and its ticket.created."""
    n = next(_numbers)
    customer = {"name": "测试客户%d" % n, "phone": "1391235%04d" % n,
                "address": "上海市徐汇区测试路%d号" % n, "region": "SH"}
    return {"channel": "hotline", "kind": "complaint", "customer": customer,
            "product": {"code": "AC-3200"}, "description": "空调不制冷"}


def test_metrics_are_off_by_default_and_health_is_on():
    assert listening("qc-1", "metrics") is None, S.services["qc-1"].events("ops_listening")
    for instance in ("intake-1", "dispatch-1", "qc-1", "gateway-1"):
        address = listening(instance, "health")
        assert address and re.match(r"^127\.0\.0\.1:[1-9][0-9]*$", address), (instance, address)
        assert get(address, "/healthz")[::2] == (200, "ok\n"), instance
        assert get(address, "/readyz")[::2] == (200, "ready\n"), instance
    for instance in ("intake-1", "dispatch-1", "gateway-1"):
        assert re.match(r"^127\.0\.0\.1:[1-9][0-9]*$", listening(instance, "metrics")), instance


def test_only_get_and_head_and_known_paths():
    health = listening("intake-1", "health")
    metrics = listening("intake-1", "metrics")
    status, _, body = get(health, "/healthz", method="POST")
    assert (status, body) == (405, "only GET and HEAD\n"), (status, body)
    assert get(health, "/healthz", method="HEAD")[:2] == (200, "text/plain; charset=utf-8")
    assert get(health, "/metrics")[0] == 404
    assert get(metrics, "/healthz")[0] == 404
    assert get(metrics, "/metrics", method="DELETE")[0] == 405
    assert get(metrics, "/metrics", method="HEAD")[0] == 200


def test_requests_and_replies_by_name_and_code():
    before = scrape("intake-1")
    reply = S.client.submit(submit_body())
    assert reply["ok"], reply
    ticket_id = reply["result"]["ticket_id"]
    assert S.client.get(ticket_id)["ok"]
    assert S.client.request("ticket.get", {"ticket_id": 999999999})["error"]["code"] == "not_found"
    refused = S.client.request("ticket.forge", {})
    assert refused["error"]["code"] == "invalid", refused
    after = scrape("intake-1")
    assert moved(before, after, "kefu_requests_total", request="ticket.submit") == 1
    assert moved(before, after, "kefu_requests_total", request="ticket.get") == 2
    # a name that is not in the table is never a label value of its own
    assert moved(before, after, "kefu_requests_total", request="other") == 1
    assert value(after, "kefu_requests_total", request="ticket.forge") == 0
    assert moved(before, after, "kefu_replies_total", request="ticket.submit", code="ok") == 1
    assert moved(before, after, "kefu_replies_total", request="ticket.get", code="ok") == 1
    assert moved(before, after, "kefu_replies_total", request="ticket.get", code="not_found") == 1
    assert moved(before, after, "kefu_replies_total", request="other", code="invalid") == 1
    assert moved(before, after, "kefu_db_round_trip_seconds_count", op="statement") >= 3
    assert moved(before, after, "kefu_db_round_trip_seconds_count", op="commit") >= 1


def test_a_ticket_crossing_the_bus():
    S.quiet()
    intake_before, dispatch_before = scrape("intake-1"), scrape("dispatch-1")
    reply = S.client.submit(submit_body())
    assert reply["ok"], reply
    S.quiet()
    intake_after, dispatch_after = scrape("intake-1"), scrape("dispatch-1")
    # ticket.created goes to dispatch alone (common/msg/routes.c)
    assert moved(intake_before, intake_after, "kefu_bus_messages_out_total", type="ticket.created") == 1
    assert moved(intake_before, intake_after, "kefu_outbox_rows_sent_total", destination="dispatch") >= 1
    assert moved(dispatch_before, dispatch_after, "kefu_bus_messages_in_total", type="ticket.created") == 1
    # and dispatch answers with the ticket's clocks (sla.clock to intake)
    assert moved(dispatch_before, dispatch_after, "kefu_bus_messages_out_total", type="sla.clock") >= 1
    assert moved(intake_before, intake_after, "kefu_bus_messages_in_total", type="sla.clock") >= 1
    assert moved(dispatch_before, dispatch_after, "kefu_bus_dead_letters_total", type="ticket.created") == 0


def test_a_message_set_aside_is_a_dead_letter():
    before = scrape("dispatch-1")
    sock = S.bus_socket("dispatch")
    try:
        # a well-formed envelope of a type dispatch has no handler for
        body = {"work_order_id": 999999, "ticket_id": 1, "assigned_at": "2026-11-22T06:00:00Z",
                "technician": {"id": "T666", "name": "某人", "grade": "senior"}, "load": 1}
        envelope = {"id": str(uuid.uuid4()), "type": "workorder.assigned", "version": 1,
                    "ts": "2026-11-22T06:00:00.000000Z", "source": {"service": "intake", "instance": "x"},
                    "branch": "SH01", "correlation_id": "1", "body": body}
        sock.send(json.dumps(envelope).encode("utf-8"))
        assert sock.poll(30000), "no acknowledgement"
        ack = json.loads(sock.recv())
        assert ack == {"ack": envelope["id"], "status": "dead"}, ack
    finally:
        sock.close(0)
    after = scrape("dispatch-1")
    assert moved(before, after, "kefu_bus_messages_in_total", type="workorder.assigned") == 1
    assert moved(before, after, "kefu_bus_dead_letters_total", type="workorder.assigned") == 1


def test_gateway_counts_http_by_route_pattern_and_status_class():
    before = scrape("gateway-1")
    api = S.http()
    try:
        created = api.post("/api/v1/tickets", submit_body())
        assert created.status == 201, (created.status, created.text)
        ticket_id = created.json["ticket_id"]
        assert api.get("/api/v1/tickets/%d" % ticket_id).status == 200
        assert api.get("/api/v1/tickets/999999999").status == 404
    finally:
        api.close()
    raw = S.http(check=False)
    try:
        assert raw.get("/api/v1/no-such-thing").status == 404
    finally:
        raw.close()
    # a body over body_limit, refused before any route is looked up
    port = int(S.config.gateway_http.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(b"POST /api/v1/tickets HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000000\r\n\r\n")
        got = b""
        while True:                        # the gateway closes it after the answer
            chunk = s.recv(4096)
            if not chunk:
                break
            got += chunk
    assert got.startswith(b"HTTP/1.1 413"), got
    after = scrape("gateway-1")
    assert moved(before, after, "kefu_http_requests_total", route="/api/v1/tickets", status="2xx") == 1
    assert moved(before, after, "kefu_http_requests_total", route="/api/v1/tickets/{ticket_id}",
                 status="2xx") == 1
    assert moved(before, after, "kefu_http_requests_total", route="/api/v1/tickets/{ticket_id}",
                 status="4xx") == 1
    # the path itself (an id, a made-up name) is never a label value
    assert moved(before, after, "kefu_http_requests_total", route="unmatched", status="4xx") == 2
    routes = {v for (name, labels) in after if name == "kefu_http_requests_total"
              for k, v in labels if k == "route"}
    assert not [r for r in routes if "no-such-thing" in r or re.search(r"/[0-9]+(/|$)", r)], routes


def test_escalation_lateness_by_the_injected_clock():
    """Every first response of this module's complaints was due at 10:00;
    the clock jumps to 10:10, so each escalation is raised 600 s late."""
    S.quiet()
    before = scrape("dispatch-1")
    raised_before = S.sql("SELECT count(*) FROM dispatch.escalations WHERE kind IN ('escalation', 'skip_level')")
    S.set_clock(MONDAY_0900 + 70 * MINUTE)
    S.quiet()
    raised = S.sql("SELECT count(*) FROM dispatch.escalations WHERE kind IN ('escalation', 'skip_level')")
    n = raised[0][0] - raised_before[0][0]
    assert n >= 1, (raised_before, raised)
    after = scrape("dispatch-1")
    assert moved(before, after, "kefu_escalation_lateness_seconds_count") == n
    assert moved(before, after, "kefu_escalation_lateness_seconds_sum") == 600 * n
    assert moved(before, after, "kefu_escalation_lateness_seconds_bucket", le="300") == 0
    assert moved(before, after, "kefu_escalation_lateness_seconds_bucket", le="900") == n


def exporters(instances):
    """The instances whose scrape held the whole-database figures (each
    scraped twice: the one exporting keeps doing so)."""
    found = []
    for instance in instances:
        for _ in range(2):
            names = {name for name, _ in scrape(instance)}
            held = [n for n in DB_FIGURES if n in names]
            assert held in ([], list(DB_FIGURES)), (instance, held)
            if held and instance not in found:
                found.append(instance)
    return found


def test_whole_database_figures_come_from_one_instance():
    """Two intakes and a dispatcher: exactly one of them exports the
    figures of the whole database; when it stops, another takes over."""
    second = S.start_service("intake", "intake-2", env={"KEFU_INTAKE_API": "tcp://127.0.0.1:*"})
    second.wait_ready()
    instances = ["intake-1", "intake-2", "dispatch-1"]
    first = exporters(instances)
    assert len(first) == 1, first
    samples = scrape(first[0])
    outboxes = {v for (name, labels) in samples if name == "kefu_outbox_depth" for k, v in labels if k == "outbox"}
    assert outboxes == set(h.SERVICES) - {"gateway"}, outboxes
    S.services[first[0]].stop()
    rest = [i for i in instances if i != first[0]]
    then = exporters(rest)
    assert len(then) == 1, (first, then)


def test_readyz_follows_the_database():
    """Last: stops PostgreSQL under the running services."""
    addresses = {i: listening(i, "health") for i in ("intake-1", "intake-2", "dispatch-1", "gateway-1")
                 if S.services[i].alive()}
    assert len(addresses) == 3, addresses
    S.cluster.stop()
    try:
        for instance, address in addresses.items():
            h.wait_until(lambda: get(address, "/readyz")[::2] == (503, "the database is unreachable\n"),
                         30, "%s /readyz to say 503" % instance)
            assert get(address, "/healthz")[::2] == (200, "ok\n"), instance
    finally:
        S.cluster.start()
    for instance, address in addresses.items():
        h.wait_until(lambda: get(address, "/readyz")[::2] == (200, "ready\n"), 60,
                     "%s /readyz to say 200 again" % instance)
    for instance in addresses:
        if instance != "gateway-1":
            scrape(instance)
