"""Replies against schemas/replies/: every reply intake's request endpoint
gives — successes of ticket.submit, ticket.get, ticket.list and ticket.event,
and refusals of each kind — and what `kefuctl --json` prints for submit,
show, list and event, checked by the independent validator
(tests/tools/check_messages.py). IntakeClient checks every reply of every
test; this module makes sure each shape is actually produced once, and that
the check can fail."""
import copy
import json
import os
import sys
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import intake_client as ic  # noqa: E402
from kefu_system import System  # noqa: E402

S = None
REPAIR = {"channel": "hotline", "kind": "repair", "customer": {"id": "C1002"},
          "product": {"code": "RF-500"}, "description": "冰箱不制冷"}


def setup_module():
    global S
    S = System("replies")
    S.start_services(["intake", "dispatch"])


def teardown_module():
    if S:
        S.shutdown()


def ok(reply):
    assert reply is not None and reply["ok"] is True, reply
    return reply["result"]


def refused(reply, code):
    assert reply is not None and reply["ok"] is False and reply["error"]["code"] == code, reply
    return reply["error"]


def json_cmd(*args):
    """kefuctl --json ARGS, its output checked against the reply schema."""
    out = S.kefuctl(*args, json_out=True)
    return ic.check_kefuctl_json(args[0], out)


def test_every_success_shape_matches_its_schema():
    c = S.client
    before = c.checked
    rid = str(uuid.uuid4())
    created = ok(c.submit(dict(REPAIR, request_id=rid)))
    tid = created["ticket_id"]
    assert created["joined"] is False and created["status"] == "open", created
    replayed = ok(c.submit(dict(REPAIR, request_id=rid)))
    assert replayed["ticket_id"] == tid, replayed
    joined = ok(c.submit(dict(REPAIR, channel="chat", description="还没人来")))
    assert joined["joined"] is True and joined["ticket_id"] == tid, joined
    closed = ok(c.submit({"channel": "web", "kind": "consultation", "customer": {"id": "C1005"},
                          "description": "保修多久？", "answered": True, "resolution": "一年"}))
    assert closed["status"] == "closed", closed
    inline = ok(c.submit({"channel": "walk_in", "kind": "complaint", "priority": "urgent",
                          "flags": ["safety"], "description": "投诉",
                          "customer": {"name": "赵敏", "phone": "139-0000-1111",
                                       "address": "上海市徐汇区", "region": "SH"}}))
    assert inline["customer_id"].startswith("C"), inline

    S.wait_ticket_status(tid, "assigned")
    paused = ok(c.request("ticket.event", {"ticket_id": tid, "event": "paused",
                                           "reason": "waiting_parts", "note": "压缩机已订货",
                                           "request_id": str(uuid.uuid4())}))
    assert paused["replayed"] is False and paused["event"] == "paused", paused
    ok(c.request("ticket.event", {"ticket_id": tid, "event": "resumed"}))
    resolved = ok(c.request("ticket.event", {"ticket_id": tid, "event": "ticket_resolved",
                                             "note": "已修好"}))
    assert resolved["status"] == "resolved", resolved

    shown = ok(c.get(tid))
    events = [e["event"] for e in shown["history"]]
    for event in ("created", "repeat_contact", "work_order_assigned", "clock_started",
                  "paused", "resumed", "ticket_resolved"):
        assert event in events, (event, events)
    ok(c.get(closed["ticket_id"]))
    listed = ok(c.request("ticket.list", {"limit": 500}))
    assert {tid, closed["ticket_id"], inline["ticket_id"]} <= {t["id"] for t in listed["tickets"]}
    ok(c.request("ticket.list", {"branch": "NOPE"}))   # an empty list is a success too
    assert c.checked - before >= 12


def test_every_refusal_matches_the_reply_schema():
    c = S.client
    refused(c.raw(b"\xff\xfe"), "invalid")
    refused(c.raw("{"), "invalid")
    refused(c.raw("[]"), "invalid")
    refused(c.raw(json.dumps({"request": "ticket.nope", "version": 1, "body": {}})), "invalid")
    refused(c.request("ticket.submit", dict(REPAIR, extra=1)), "invalid")
    refused(c.request("ticket.submit", dict(REPAIR, customer={"id": "C9"})), "not_found")
    refused(c.request("ticket.get", {"ticket_id": 999999}), "not_found")
    refused(c.request("ticket.list", {"limit": 0}), "invalid")
    tid = ok(c.submit({"channel": "web", "kind": "suggestion", "customer": {"id": "C1005"},
                       "description": "建议"}))["ticket_id"]
    refused(c.request("ticket.event", {"ticket_id": tid, "event": "resumed"}),
            "conflict")


def test_kefuctl_json_prints_results_that_match_the_schemas():
    out = json_cmd("submit", "--channel", "hotline", "--kind", "installation", "--customer",
                   "C1005", "--product", "AC-3200", "--description", "空调安装")
    tid = out["ticket_id"]
    S.wait_ticket_status(tid, "assigned")
    json_cmd("event", str(tid), "first_reply", "--note", "已回电")
    shown = json_cmd("show", str(tid))
    assert shown["ticket"]["id"] == tid
    listed = json_cmd("list", "--limit", "5")
    assert listed["tickets"], listed


def test_the_check_refuses_replies_that_break_the_contract():
    shown = S.client.get(1)["result"]
    good = {"ok": True, "result": shown}
    ic.check_reply("ticket.get", good)

    def breaks(request, reply, word):
        try:
            ic.check_reply(request, reply)
        except ic.ReplyContractError as e:
            assert word in str(e), (word, str(e))
            return
        raise AssertionError("accepted: %r" % (reply,))

    missing = copy.deepcopy(good)
    del missing["result"]["ticket"]["paused_at"]
    breaks("ticket.get", missing, "paused_at")
    unknown = copy.deepcopy(good)
    unknown["result"]["history"][0]["event"] = "teleported"
    breaks("ticket.get", unknown, "history[0]")
    extra = copy.deepcopy(good)
    extra["result"]["history"][0]["detail"]["colour"] = "red"
    breaks("ticket.get", extra, "colour")
    breaks("ticket.submit", {"ok": True, "result": {"ticket_id": 1, "status": "open",
                                                    "branch": "SH01", "customer_id": "C1"}},
           "joined")
    breaks("ticket.list", {"ok": True, "result": {"tickets": [{"id": "1"}]}}, "tickets[0]")
    breaks(None, {"ok": False, "error": {"code": "oops", "message": "x"}}, "oops")
    breaks(None, {"ok": False, "error": {"code": "invalid"}}, "message")
    breaks("ticket.nope", {"ok": True, "result": {}}, "no schema")
    try:
        ic.check_kefuctl_json("event", {"ticket_id": 1, "event": "first_reply"})
    except ic.ReplyContractError as e:
        assert "history_id" in str(e), str(e)
    else:
        raise AssertionError("kefuctl --json check accepted an incomplete result")
