"""Customer look-up and CTI screen pops (docs/intake.md "Finding a customer",
"Screen pops") through intake's request endpoint and kefuctl: customers are
found by phone (whatever spaces and dashes it was written with) and by name,
within the caller's branches only; contact data is masked for a caller
without contact rights and audited when shown in full; a phone system opens
a pop for a number and an agent of the same branches sees the customer and
open tickets, or an empty pop with the number for the new-ticket form; a pop
expires by the injected clock; bad input is refused with the field and the
reason and changes nothing; no number reaches a service log (the System's
secrets check, with the unknown numbers added)."""
import datetime
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from kefu_system import System  # noqa: E402

S = None
CST = datetime.timezone(datetime.timedelta(hours=8))
START = int(datetime.datetime(2026, 11, 23, 10, 0, tzinfo=CST).timestamp() * 1_000_000)
UNKNOWN = "021-5555-0199"          # nobody's number
UNKNOWN_KEY = "02155550199"
CLIENTS = {}


def setup_module():
    global S
    S = System("customer_lookup", clock_us=START)
    S.start_services(["intake"])
    # numbers that belong to no customer, yet must not be logged either
    S.passwords += [UNKNOWN, UNKNOWN_KEY]


def teardown_module():
    for c in CLIENTS.values():
        c.close()
    if S:
        S.shutdown()


def ask(who, request, body):
    """The reply to request as staff member `who` (or ("account", id)),
    checked against schemas/replies/ by the client."""
    if who not in CLIENTS:
        token = S.make_token(account=who[1]) if isinstance(who, tuple) else S.token_of(who)
        CLIENTS[who] = S.client_as(token)
    reply = CLIENTS[who].request(request, body)
    assert reply is not None, (who, request)
    return reply


def ok(who, request, body):
    reply = ask(who, request, body)
    assert reply["ok"], reply
    return reply["result"]


def refused(who, request, body, code, text):
    reply = ask(who, request, body)
    assert not reply["ok"], reply
    assert (reply["error"]["code"], text in reply["error"]["message"]) == (code, True), reply


def audits(principal, request):
    return S.sql("SELECT customer_id FROM ref.contact_reads WHERE principal = %s AND request = %s"
                 " ORDER BY id", (principal, request))


CTI = ("account", "cti-sh")


def test_find_by_phone_whatever_its_spacing_with_contact_in_full_and_audited():
    found = ok("CC01", "customer.find", {"phone": "138-1234 5678"})["customers"]
    assert [(c["id"], c["phone"], c["branch"]) for c in found] == [("C1001", "13812345678", "SH01")]
    assert found[0]["address"] == "上海市徐汇区漕溪北路88号3栋1201室"
    assert audits("CC01", "customer.find") == [("C1001",)]
    # loaded as "0512-66001234", not yet given to a branch: its region's (SZ01) staff find it
    found = ok("CC01", "customer.find", {"phone": "051266001234"})["customers"]
    assert [(c["id"], c["branch"], c["region"]) for c in found] == [("C1006", None, "JS")]


def test_a_ticket_for_a_number_written_otherwise_finds_the_known_customer():
    # C1006 was loaded as "0512-66001234"; a caller giving it without the dash
    # is the same customer, not a new one
    S.set_clock(START)
    before = S.sql("SELECT count(*) FROM ref.customers")[0][0]
    tid = ok("CC01", "ticket.submit", {
        "channel": "hotline", "kind": "repair", "description": "中央空调不制冷",
        "customer": {"name": "苏州恒通", "phone": "0512 6600 1234", "address": "苏州市工业园区",
                     "region": "JS"}})["ticket_id"]
    assert (S.sql("SELECT customer_id FROM intake.tickets WHERE id = %s", (tid,))[0][0], S.sql("SELECT count(*) FROM ref.customers")[0][0]) == \
        ("C1006", before)


def test_find_by_name_prefix_then_containment():
    found = ok("CC01", "customer.find", {"name": "张"})["customers"]
    assert [c["id"] for c in found] == ["C1001"]
    found = ok("CC01", "customer.find", {"name": "秀英"})["customers"]
    assert [(c["id"], c["name"]) for c in found] == [("C1002", "李秀英")]
    found = ok("CC01", "customer.find", {"name": "苏州恒通"})["customers"]
    assert [c["id"] for c in found] == ["C1006"]
    assert ok("CC01", "customer.find", {"name": "无此人"}) == {"customers": []}
    found = ok("CC01", "customer.find", {"name": "王", "limit": 1})["customers"]
    assert [c["id"] for c in found] == ["C1003"]


def test_masked_without_contact_rights_and_not_audited():
    for who in (CTI, "RM-SH"):
        found = ok(who, "customer.find", {"phone": "13812345678"})["customers"]
        assert [(c["id"], c["phone"], c["address"]) for c in found] == \
            [("C1001", "138****5678", "上海市徐汇区****")], who
    assert audits("cti-sh", "customer.find") == []
    assert audits("RM-SH", "customer.find") == []


def test_another_branchs_customer_is_not_found():
    # C1003 is SH02's: A101 acts for SH01 only, A201 for SH02
    assert ok("A101", "customer.find", {"phone": "13700002222"}) == {"customers": []}
    assert ok("A101", "customer.find", {"name": "王芳"}) == {"customers": []}
    assert [c["id"] for c in ok("A201", "customer.find", {"name": "王芳"})["customers"]] == ["C1003"]
    # C1006 (region JS) is not SH01's either
    assert ok("A101", "customer.find", {"phone": "0512-66001234"}) == {"customers": []}


def test_screen_pop_opens_the_customer_and_open_tickets():
    S.set_clock(START)
    tid = S.kefuctl("submit", "--channel", "hotline", "--kind", "repair", "--customer", "C1001",
                    "--product", "AC-3200", "--description", "空调不制冷", json_out=True)["ticket_id"]
    opened = ok(CTI, "screenpop.open", {"phone": "138 1234-5678"})
    assert len(opened["id"]) == 22 and "5678" not in opened["id"], opened
    assert (opened["expires_at"], opened["link"]) == \
        ("2026-11-23T02:02:00.000000Z", "/console/pop/" + opened["id"]), opened
    pop = ok("A101", "screenpop.get", {"id": opened["id"]})
    assert pop["customer"]["id"] == "C1001" and pop["customer"]["phone"] == "13812345678", pop
    assert [c["id"] for c in pop["customers"]] == ["C1001"]
    assert [(t["id"], t["customer_id"], t["kind"]) for t in pop["open_tickets"]] == [(tid, "C1001", "repair")]
    assert (pop["phone"], pop["phone_masked"]) == ("13812345678", "138****5678")
    assert ("C1001",) in audits("A101", "screenpop.get")
    # the pop is read within the opener's branches (SH01, SH02) only
    refused("A301", "screenpop.get", {"id": opened["id"]}, "not_found", "body.id: no such screen pop")
    # the phone system may open pops but not read them (it names no screenpop.get)
    refused(CTI, "screenpop.get", {"id": opened["id"]}, "forbidden", "your roles do not allow")
    # stored: the number as compared, who asked; nothing of the number in the id
    assert S.sql("SELECT phone, principal, branches FROM intake.screen_pops WHERE id = %s",
                 (opened["id"],)) == [("13812345678", "cti-sh", ["SH01", "SH02"])]


def test_unknown_number_gives_an_empty_pop_with_the_number_for_the_form():
    S.set_clock(START)
    opened = ok("A101", "screenpop.open", {"phone": UNKNOWN})
    pop = ok("A101", "screenpop.get", {"id": opened["id"]})
    assert (pop["customer"], pop["customers"], pop["open_tickets"]) == (None, [], []), pop
    assert (pop["phone"], pop["phone_masked"]) == (UNKNOWN_KEY, "021****0199"), pop
    # a pop opened by an agent of SH01 is read by SH01's team lead too
    assert ok("TL01", "screenpop.get", {"id": opened["id"]})["phone"] == UNKNOWN_KEY


def test_a_pop_expires_by_the_clock_and_is_removed():
    S.set_clock(START)
    opened = ok(CTI, "screenpop.open", {"phone": "13900001111"})
    S.set_clock(START + 119 * 1_000_000)
    assert ok("A101", "screenpop.get", {"id": opened["id"]})["customer"]["id"] == "C1002"
    S.set_clock(START + 120 * 1_000_000)
    refused("A101", "screenpop.get", {"id": opened["id"]}, "not_found", "unknown, expired")
    assert S.sql("SELECT count(*) FROM intake.screen_pops WHERE id = %s", (opened["id"],)) == [(0,)]
    S.set_clock(START)


def test_bad_input_is_refused_with_its_reason_and_changes_nothing():
    before = S.sql("SELECT count(*) FROM intake.screen_pops")
    cases = [
        ("customer.find", {}, "missing \"phone\" or \"name\""),
        ("customer.find", {"phone": "13812345678", "name": "张伟"}, "not both"),
        ("customer.find", {"phone": "1-2"}, "body.phone: fewer than 3 digits"),
        ("customer.find", {"phone": "138+1234"}, "body.phone: does not match"),
        ("customer.find", {"phone": "1" * 33}, "body.phone: longer than 32"),
        ("customer.find", {"name": "   "}, "body.name: must not be empty"),
        ("customer.find", {"name": "张\u0007"}, "body.name: holds a control character"),
        ("customer.find", {"name": "张", "limit": 0}, "body.limit"),
        ("customer.find", {"name": "张", "colour": "red"}, "unknown field \"colour\""),
        ("screenpop.open", {}, "missing required field \"phone\""),
        ("screenpop.open", {"phone": "call me"}, "body.phone: does not match"),
        ("screenpop.open", {"phone": "  -  "}, "body.phone: fewer than 3 digits"),
        ("screenpop.open", {"phone": 13812345678}, "body.phone"),
        ("screenpop.get", {"id": "short"}, "body.id: shorter than 22"),
        ("screenpop.get", {"id": "abcdefghijklmnopqrstu!"}, "body.id: does not match"),
    ]
    for request, body, text in cases:
        refused("A101", request, body, "invalid", text)
    refused("A101", "screenpop.get", {"id": "A" * 22}, "not_found", "no such screen pop")
    # who may: a team lead reads pops but does not open them; finance neither
    refused("TL01", "screenpop.open", {"phone": "13812345678"}, "forbidden", "your roles do not allow")
    refused("FN01", "screenpop.get", {"id": "A" * 22}, "forbidden", "your roles do not allow")
    assert S.sql("SELECT count(*) FROM intake.screen_pops") == before


def test_kefuctl_finds_customers_and_opens_and_shows_pops():
    S.set_clock(START)
    out = S.kefuctl_as("A101", "customers", "--phone", "138 1234 5678").stdout
    assert "C1001" in out and "张伟" in out and "13812345678" in out, out
    found = S.kefuctl_as("A101", "customers", "--name", "李", json_out=True)
    assert [c["id"] for c in found["customers"]] == ["C1002"], found
    opened = S.kefuctl_as("A101", "screenpop", "open", "13500004444", json_out=True)
    shown = S.kefuctl_as("A101", "screenpop", "show", opened["id"]).stdout
    assert "C1005" in shown and "欧阳修" in shown, shown
    proc = S.kefuctl_as("A101", "customers", "--phone", "1-2", check=False)
    assert proc.returncode == 1 and "body.phone: fewer than 3 digits" in proc.stderr, proc.stderr
    proc = S.kefuctl_as("A101", "customers", check=False)
    assert proc.returncode == 2 and "--phone" in proc.stderr, proc.stderr
