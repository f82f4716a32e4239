"""A test client for intake's request endpoint (the protocol of
docs/architecture.md "Request API"), over a real ZeroMQ DEALER socket.

submit() resends the same request (same request_id) until it gets an answer
other than "unavailable", as kefuctl does, so tests can drive traffic through
database restarts and service crashes without losing or doubling a request.
"""
import json
import time
import uuid

import zmq


class IntakeClient:
    def __init__(self, endpoint, timeout_ms=3000):
        self.endpoint = endpoint
        self.timeout_ms = timeout_ms
        self.ctx = zmq.Context.instance()
        self.sock = None
        self.retries = 0   # resends by submit(): evidence a fault was felt
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

    def raw(self, payload, timeout_ms=None):
        """Sends raw bytes (or a str) as one frame; returns the decoded reply
        or None on time-out."""
        if isinstance(payload, str):
            payload = payload.encode()
        self.sock.send(payload)
        if self.sock.poll(timeout_ms or self.timeout_ms, zmq.POLLIN) == 0:
            self._connect()  # drop a late reply with the old socket
            return None
        return json.loads(self.sock.recv())

    def request(self, name, body, timeout_ms=None):
        return self.raw(json.dumps({"request": name, "version": 1, "body": body},
                                   ensure_ascii=False), timeout_ms)

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
