"""A test client for intake's request endpoint (the protocol of
docs/intake.md), over a real ZeroMQ DEALER socket.

Every reply it receives is checked against schemas/replies/ by the
independent validator of tests/tools/check_messages.py (python3-jsonschema,
Draft 2020-12): the wrapper against reply.v1.json, the result of a success
against <request>.reply.v1.json. A reply that breaks its schema raises
ReplyContractError, so every test that talks to intake checks the replies.
check_kefuctl_json() does the same for what `kefuctl --json` prints.

submit() resends the same request (same request_id) until it gets an answer
other than "unavailable", as kefuctl does, so tests can drive traffic through
database restarts and service crashes without losing or doubling a request.
"""
import importlib.util
import json
import os
import time
import uuid

import zmq

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SCHEMAS = os.path.join(ROOT, "schemas")


def _load_checker():
    path = os.path.join(ROOT, "tests", "tools", "check_messages.py")
    spec = importlib.util.spec_from_file_location("check_messages", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.ReplyChecker(SCHEMAS)


_CHECKER = None


def checker():
    """The one ReplyChecker of this process (schemas/replies/, loaded once)."""
    global _CHECKER
    if _CHECKER is None:
        _CHECKER = _load_checker()
    return _CHECKER


class ReplyContractError(AssertionError):
    """A reply (or kefuctl --json output) that breaks schemas/replies/."""


def check_reply(request, reply, version=1):
    """Raises ReplyContractError when the decoded reply to `request` (None
    when the request had no readable name) breaks its schema; returns it."""
    problems = checker().problems(request, reply, version)
    if problems:
        raise ReplyContractError("reply to %s breaks schemas/replies/: %s\nreply: %s"
                                 % (request, "; ".join(problems),
                                    json.dumps(reply, ensure_ascii=False)[:2000]))
    return reply


# kefuctl commands whose --json output is the `result` of one request; a
# command with subcommands is named with its subcommand ("callback outcome").
KEFUCTL_REQUESTS = {"submit": "ticket.submit", "show": "ticket.get",
                    "list": "ticket.list", "event": "ticket.event",
                    "done": "workorder.report", "workorders": "workorder.list",
                    "callbacks": "callback.list", "callback attempt": "callback.attempt",
                    "callback outcome": "callback.outcome", "callback rest-hours": "callback.rest_hours",
                    "callback coverage": "callback.coverage",
                    "callback satisfaction": "callback.satisfaction",
                    "statement": "provider.statement", "customers": "customer.find"}


def check_kefuctl_json(command, result):
    """Checks what `kefuctl --json COMMAND` printed (decoded) when COMMAND
    prints a request's result (submit, show, list, event); other commands
    are left alone. Returns result; raises ReplyContractError."""
    request = KEFUCTL_REQUESTS.get(command)
    if request is None:
        return result
    problems = checker().result_problems(request, result)
    if problems:
        raise ReplyContractError("kefuctl --json %s breaks schemas/replies/%s.reply.v1.json: %s"
                                 % (command, request, "; ".join(problems)))
    return result


def _request_of(payload):
    """(name, version) of a raw request payload, (None, None) when it has none."""
    try:
        doc = json.loads(payload)
    except ValueError:
        return None, None
    if not isinstance(doc, dict):
        return None, None
    name, version = doc.get("request"), doc.get("version")
    return (name if isinstance(name, str) else None,
            version if isinstance(version, int) and not isinstance(version, bool) else None)


class IntakeClient:
    def __init__(self, endpoint, timeout_ms=3000, token=None):
        self.endpoint = endpoint
        self.timeout_ms = timeout_ms
        self.token = token   # the caller's bearer token, sent with every request
        self.ctx = zmq.Context.instance()
        self.sock = None
        self.retries = 0   # resends by submit(): evidence a fault was felt
        self.checked = 0   # replies checked against schemas/replies/
        self._connect()

    def _connect(self):
        if self.sock is not None:
            self.sock.close(linger=0)
        self.sock = self.ctx.socket(zmq.DEALER)
        self.sock.setsockopt(zmq.LINGER, 0)
        self.sock.connect(self.endpoint)

    def close(self):
        if self.sock is not None:
            self.sock.close(linger=0)
            self.sock = None

    def raw(self, payload, timeout_ms=None, anonymous=False):
        """Sends raw bytes (or a str) as one frame; returns the decoded reply,
        checked against schemas/replies/, or None on time-out. A payload
        that opens a JSON object with a member and names no token is sent
        as this client's caller: the token goes in as its first member, the
        rest of the bytes untouched (anonymous=True sends them as they are)."""
        if isinstance(payload, str):
            payload = payload.encode()
        payload = self._with_token(payload, anonymous)
        self.sock.send(payload)
        if self.sock.poll(timeout_ms or self.timeout_ms, zmq.POLLIN) == 0:
            self._connect()  # drop a late reply with the old socket
            return None
        reply = json.loads(self.sock.recv())
        name, version = _request_of(payload)
        check_reply(name, reply, version or 1)
        self.checked += 1
        return reply

    def _with_token(self, payload, anonymous):
        if anonymous or not self.token or b'"token"' in payload:
            return payload
        stripped = payload.lstrip()
        if not stripped.startswith(b"{") or not stripped[1:].lstrip().startswith(b'"'):
            return payload
        at = payload.index(b"{") + 1
        return payload[:at] + b'"token":"' + self.token.encode() + b'",' + payload[at:]

    def request(self, name, body, timeout_ms=None, token=None):
        doc = {"request": name, "version": 1, "body": body}
        if token or self.token:
            doc["token"] = token or self.token
        return self.raw(json.dumps(doc, ensure_ascii=False), timeout_ms)

    def submit(self, body, deadline_s=60, **kw):
        """Submits with an idempotency key, retrying until an answer that is
        not "unavailable" arrives or the deadline passes."""
        body = dict(body)
        body.setdefault("request_id", str(uuid.uuid4()))
        end = time.monotonic() + deadline_s
        while time.monotonic() < end:
            reply = self.request("ticket.submit", body, **kw)
            if reply is not None and not (not reply.get("ok")
                                          and reply["error"]["code"] == "unavailable"):
                return reply
            self.retries += 1
            time.sleep(0.2)
        raise TimeoutError("no answer to ticket.submit within %ss" % deadline_s)

    def get(self, ticket_id):
        return self.request("ticket.get", {"ticket_id": ticket_id})


def submit_repairs(api, token, customers, out, description):
    """Submits one repair of an AC-3200 for each customer number i in
    `customers` (customer "B%06d" % (i + 1), the benchmark organisation's
    numbering), one at a time from a client of its own, appending each
    reply to out. description % i is the ticket's text. For load from
    several threads at once: each thread calls this with its own customers.
    token: the caller's (System.token)."""
    client = IntakeClient(api, token=token)
    try:
        for i in customers:
            out.append(client.submit({"channel": "hotline", "kind": "repair",
                                      "customer": {"id": "B%06d" % (i + 1)},
                                      "product": {"code": "AC-3200"},
                                      "description": description % i}))
    finally:
        client.close()
