"""Asking a service's request endpoint as a staff member, for tests that
talk to one service directly (billing's providers, …): every reply is
checked against schemas/replies/ (intake_client.check_reply)."""
from intake_client import IntakeClient, check_reply


def asker(system, endpoint):
    """ask(staff, request, body) → the reply, asked at endpoint (such as
    system.config.billing_api) with the staff member's token."""
    def ask(staff, request, body):
        c = IntakeClient(endpoint, timeout_ms=30000, token=system.token_of(staff))
        try:
            reply = c.request(request, body)
        finally:
            c.close()
        check_reply(request, reply)
        return reply
    return ask


def ok(reply):
    """The result of a reply that must have succeeded."""
    assert reply["ok"], reply
    return reply["result"]


def refused(reply, code, text):
    """Asserts the reply refused with code and a message containing text."""
    assert reply["ok"] is False and reply["error"]["code"] == code and text in reply["error"]["message"], reply
