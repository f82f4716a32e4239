"""Helpers of the ledger's tests (billing: invoices, payments, stages, claim
credits, the monthly report): requests to billing's endpoint as a staff
member, and messages put on billing's bus as the service that sends them
(claims' claim.approved, qc's inspection.level_signed and
workorder.accepted), each acknowledged before the call returns."""
import datetime
import json
import uuid

import zmq

import intake_client as ic
import kefu_harness as h

# kefuctl's ledger commands and the requests whose results their --json prints
ic.KEFUCTL_REQUESTS.update({"invoices": "invoice.list", "invoice show": "invoice.get",
                            "invoice void": "invoice.void", "invoice issue": "invoice.issue",
                            "pay": "payment.record", "ledger": "ledger.entries",
                            "reconcile": "ledger.report", "account": "account.get"})

CST = datetime.timezone(datetime.timedelta(hours=8))


def us(*args):
    """Microseconds since the epoch of a Shanghai wall-clock time."""
    return int(datetime.datetime(*args, tzinfo=CST).timestamp() * 1_000_000)


def rfc3339(micros):
    return datetime.datetime.fromtimestamp(micros / 1e6, datetime.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%S.%fZ")


class Billing:
    """Requests to billing's endpoint, as the staff member whose token is given."""

    def __init__(self, system, staff, endpoint=None):
        self.system = system
        self.client = ic.IntakeClient(endpoint or system.config.billing_api, timeout_ms=30000,
                                      token=system.token_of(staff))

    def ask(self, request, body):
        """The reply (checked against schemas/replies/ by the client)."""
        reply = self.client.request(request, body)
        assert reply is not None, "no reply to %s" % request
        return reply

    def ok(self, request, body):
        reply = self.ask(request, body)
        assert reply["ok"] is True, (request, body, reply)
        return reply["result"]

    def refused(self, request, body, code, message):
        """Refused with code and a message containing `message`."""
        reply = self.ask(request, body)
        assert reply["ok"] is False and reply["error"]["code"] == code, (request, body, reply)
        assert message in reply["error"]["message"], (message, reply["error"]["message"])
        return reply["error"]["message"]

    def close(self):
        self.client.close()


def _socket(system, to, sender, instance):
    if instance is None:
        return system.bus_socket(to, sender)
    endpoint, key = system.sql("SELECT endpoint, public_key FROM %s.endpoints WHERE instance = %%s" % to,
                               (instance,))[0]
    return h.bus_socket(endpoint, key, system.config.key_pair(sender))


def send(system, to, sender, type_, body, branch="SH01", ts=None, instance=None):
    """Puts one message on `to`'s bus (its first instance, or `instance`) as
    `sender`; returns the acknowledgement and the envelope."""
    env = {"id": str(uuid.uuid4()), "type": type_, "version": 1,
           "ts": rfc3339(ts if ts is not None else system.clock_us),
           "source": {"service": sender, "instance": "test"},
           "branch": branch, "correlation_id": str(body.get("ticket_id", "1")), "body": body}
    sock = _socket(system, to, sender, instance)
    try:
        sock.send(json.dumps(env, ensure_ascii=False).encode())
        assert sock.poll(30000, zmq.POLLIN), "no acknowledgement of %s" % type_
        return json.loads(sock.recv()), env
    finally:
        sock.close()


def resend(system, to, sender, env):
    """The same envelope again (a redelivery)."""
    sock = system.bus_socket(to, sender)
    try:
        sock.send(json.dumps(env, ensure_ascii=False).encode())
        assert sock.poll(30000, zmq.POLLIN)
        return json.loads(sock.recv())
    finally:
        sock.close()


def organisation_technician(S, tech="DT01", org="D-SH"):
    """A technician of a dealer or provider (written as the owner, inactive
    so that no test's dispatch assigns him): the one whose warranty work his
    organisation claims back (docs/claims.md "Whose work")."""
    S.sql("INSERT INTO ref.technicians (id, name, organisation_id, grade, skills, capacity, active)"
          " VALUES (%s, '经销商师傅', %s, 'senior', '{air-conditioner}', 1, false) ON CONFLICT (id) DO NOTHING",
          (tech, org))
    return tech
