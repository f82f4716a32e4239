"""Who is asking (docs/security.md): every request carries a token; the
caller's roles decide which requests they may make, their placement which
branches they see; customer contact data is shown in full only to staff of
the ticket's branch, and every such read is audited. The rows of the table
"Roles and operations" in docs/security.md are checked here one by one,
through intake's request endpoint and through kefuctl."""
import os
import stat
import sys
import threading

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import kefu_harness as h  # noqa: E402
from kefu_system import System  # noqa: E402

S = None
HOUR = 3600 * 1000000
START = 1767571200000000   # 2026-01-05 00:00 UTC, a Monday
TICKETS = {}               # branch -> a ticket of that branch


def submit(client, customer, product="AC-3200"):
    return client.submit({"channel": "hotline", "kind": "repair", "customer": {"id": customer},
                          "product": {"code": product}, "description": "身份测试"})


def setup_module():
    global S
    S = System("identity", clock_us=START)
    S.start_services(["intake"])
    for branch, customer in (("SH01", "C1002"), ("SH02", "C1003"), ("SZ01", "C1004")):
        reply = submit(S.client, customer, "WH-60" if branch == "SZ01" else "AC-3200")
        assert reply["ok"], reply
        assert reply["result"]["branch"] == branch, reply
        TICKETS[branch] = reply["result"]["ticket_id"]


def teardown_module():
    if S:
        S.shutdown()


def as_(staff):
    return S.client_as(S.token_of(staff))


def code(reply):
    return "ok" if reply["ok"] else reply["error"]["code"]


# -- roles x operations (docs/security.md, "Roles and operations") -----------

# (staff, request, body, expected code). A refused request changes nothing.
MATRIX = [
    ("A101", "ticket.submit", {"customer": {"id": "C1005"}}, "ok"),        # agent
    ("TL01", "ticket.submit", {"customer": {"id": "C1005"}}, "ok"),        # team lead
    ("SA01", "ticket.submit", {"customer": {"id": "C1005"}}, "ok"),        # service advisor
    ("T101", "ticket.submit", {"customer": {"id": "C1005"}}, "forbidden"), # technician
    ("QC01", "ticket.submit", {"customer": {"id": "C1005"}}, "forbidden"), # qc inspector
    ("HO01", "ticket.submit", {"customer": {"id": "C1005"}}, "forbidden"), # head office
    ("OP01", "ticket.submit", {"customer": {"id": "C1005"}}, "forbidden"), # operator
    ("FN01", "ticket.submit", {"customer": {"id": "C1005"}}, "forbidden"), # finance
    ("DS01", "ticket.submit", {"customer": {"id": "C1005"}}, "forbidden"), # dealer staff
    ("PS01", "ticket.submit", {"customer": {"id": "C1005"}}, "forbidden"), # provider staff
    ("T101", "ticket.get", None, "ok"),
    ("QC01", "ticket.get", None, "ok"),
    ("OP01", "ticket.get", None, "ok"),
    ("FN01", "ticket.get", None, "ok"),
    ("GM01", "ticket.get", None, "ok"),
    ("DS01", "ticket.get", None, "forbidden"),
    ("PS01", "ticket.get", None, "forbidden"),
    ("DS01", "ticket.list", {}, "forbidden"),
    ("T101", "ticket.event", {"event": "first_reply"}, "ok"),
    ("QC01", "ticket.event", {"event": "first_reply"}, "forbidden"),
    ("OP01", "ticket.event", {"event": "first_reply"}, "forbidden"),
    ("FN01", "ticket.event", {"event": "first_reply"}, "forbidden"),
]


def test_each_role_may_make_exactly_the_requests_of_the_table():
    tid = TICKETS["SH01"]
    for staff, request, body, expected in MATRIX:
        before = S.sql("SELECT count(*) FROM intake.tickets")[0][0], \
            S.sql("SELECT count(*) FROM intake.ticket_history")[0][0]
        if request == "ticket.submit":
            full = {"channel": "hotline", "kind": "repair", "product": {"code": "AC-3200"},
                    "description": "权限表 %s" % staff}
            full.update(body)
        elif request == "ticket.list":
            full = body
        else:
            full = dict(body or {}, ticket_id=tid)
        c = as_(staff)
        try:
            reply = c.request(request, full)
        finally:
            c.close()
        assert (staff, request, code(reply)) == (staff, request, expected), reply
        if expected != "ok":
            after = S.sql("SELECT count(*) FROM intake.tickets")[0][0], \
                S.sql("SELECT count(*) FROM intake.ticket_history")[0][0]
            assert after == before, (staff, request, before, after)


# -- scope: each sees their own branches, and nothing of another's -----------

SCOPES = [
    ("A101", {"SH01"}),                   # an agent of a branch
    ("A201", {"SH02"}),
    ("T101", {"SH01"}),                   # a technician
    ("CC01", {"SH01", "SH02", "SZ01"}),   # an agent of the call centre serving all three
    ("RM-SH", {"SH01", "SH02"}),          # the regional manager of SH
    ("HO01", {"SH01", "SH02", "SZ01"}),   # head office
]


def test_staff_see_the_tickets_of_their_branches_and_not_one_row_more():
    for staff, branches in SCOPES:
        c = as_(staff)
        try:
            listed = c.request("ticket.list", {"limit": 500})
            assert listed["ok"], listed
            seen = {t["branch"] for t in listed["result"]["tickets"]}
            assert seen == branches, (staff, seen, branches)
            for branch, tid in TICKETS.items():
                reply = c.request("ticket.get", {"ticket_id": tid})
                if branch in branches:
                    assert code(reply) == "ok", (staff, branch, reply)
                else:   # outside the scope: as if it did not exist
                    assert reply["error"] == {"code": "not_found",
                                              "message": "body.ticket_id: no ticket %d" % tid}, \
                        (staff, branch, reply)
                    event = c.request("ticket.event", {"ticket_id": tid, "event": "first_reply"})
                    assert code(event) in ("not_found", "forbidden"), (staff, branch, event)
        finally:
            c.close()


def test_kefuctl_show_and_list_are_confined_the_same_way():
    shown = S.kefuctl_as("A201", "show", str(TICKETS["SH01"]), check=False)
    assert shown.returncode == 1 and "no ticket %d" % TICKETS["SH01"] in shown.stderr, shown
    listed = S.kefuctl_as("A201", "list", "--limit", "500", json_out=True)
    assert {t["branch"] for t in listed["tickets"]} == {"SH02"}, listed


def test_an_agent_cannot_submit_for_a_customer_of_another_branch():
    c = as_("A101")
    try:
        before = S.sql("SELECT count(*) FROM intake.tickets")[0][0]
        reply = submit(c, "C1003")              # an SH02 customer
        assert reply["error"] == {"code": "not_found",
                                  "message": 'body.customer.id: no customer "C1003"'}, reply
        named = c.submit({"channel": "hotline", "kind": "repair", "customer": {"id": "C1002"},
                          "product": {"code": "AC-3200"}, "description": "x", "branch": "SZ01"})
        assert named["error"]["code"] == "forbidden", named
        assert S.sql("SELECT count(*) FROM intake.tickets")[0][0] == before
    finally:
        c.close()


# -- customer contact data --------------------------------------------------

def test_full_contact_data_only_for_staff_of_the_branch_and_every_read_audited():
    tid = TICKETS["SH01"]
    phone, address = S.sql("SELECT phone, address FROM ref.customers WHERE id = 'C1002'")[0]
    reads = lambda: S.sql("SELECT principal, customer_id, request, ticket_id FROM ref.contact_reads"  # noqa: E731
                          " WHERE principal = 'A101' ORDER BY id")
    before = len(reads())
    c = as_("A101")
    try:
        full = c.request("ticket.get", {"ticket_id": tid})["result"]["ticket"]["customer"]
    finally:
        c.close()
    assert (full["phone"], full["address"]) == (phone, address)
    assert reads()[before:] == [("A101", "C1002", "ticket.get", tid)]
    audit = S.kefuctl("admin", "audit", "--staff", "A101", "--limit", "20", json_out=True)["reads"]
    assert audit[0]["customer_id"] == "C1002" and audit[0]["ticket"] == str(tid), audit

    masked_phone = phone[:3] + "****" + phone[-4:]
    for staff in ("RM-SH", "HO01", "OP01", "FN01"):   # not staff of the branch, or no customer work
        c = as_(staff)
        try:
            got = c.request("ticket.get", {"ticket_id": tid})["result"]["ticket"]["customer"]
        finally:
            c.close()
        assert got["phone"] == masked_phone, (staff, got)
        assert got["address"].endswith("****") and got["address"] != address, (staff, got)
        assert not S.sql("SELECT 1 FROM ref.contact_reads WHERE principal = %s", (staff,)), staff
    listed = S.client.request("ticket.list", {"limit": 500})["result"]["tickets"]
    assert all(t["customer_phone"] is None or "****" in t["customer_phone"] for t in listed), listed


def test_the_audit_is_append_only_and_only_intake_reads_contact_columns():
    for role in h.SERVICE_ROLES:
        err = S.cluster.sql_error_as(role, "SELECT phone FROM ref.customers LIMIT 1")
        if role == "kefu_intake":
            assert err is None, err
        else:
            assert err and "permission denied" in err, (role, err)
        assert "permission denied" in S.cluster.sql_error_as(role, "SELECT password_hash FROM auth.staff")
        assert "permission denied" in S.cluster.sql_error_as(role, "SELECT hash FROM auth.tokens")
    err = S.cluster.sql_error_as("kefu_intake", "DELETE FROM ref.contact_reads")
    assert err and "permission denied" in err, err


# -- the actor is the caller ------------------------------------------------

def test_the_history_records_the_caller_and_refuses_another_name():
    tid = TICKETS["SH02"]
    c = as_("A201")
    try:
        forged = c.request("ticket.event", {"ticket_id": tid, "event": "marked_complex",
                                            "actor": "冒名 王芳(任何人)"})
        assert forged["error"]["code"] == "invalid", forged
        assert forged["error"]["message"].startswith("body.actor: must be you (A201)"), forged
        assert code(c.request("ticket.event", {"ticket_id": tid, "event": "marked_complex"})) == "ok"
    finally:
        c.close()
    actors = S.sql("SELECT actor FROM intake.ticket_history WHERE ticket_id = %s AND event = 'marked_complex'",
                   (tid,))
    assert actors == [("A201",)], actors
    created = S.sql("SELECT actor FROM intake.ticket_history WHERE ticket_id = %s AND event = 'created'", (tid,))
    assert created == [("CC01",)], created


# -- tokens -------------------------------------------------------------------

def test_requests_without_a_valid_token_are_refused_and_change_nothing():
    before = S.sql("SELECT count(*) FROM intake.tickets")[0][0]
    body = {"channel": "hotline", "kind": "repair", "customer": {"id": "C1002"},
            "product": {"code": "AC-3200"}, "description": "无凭据"}
    anon = S.client_as(None)
    try:
        cases = [(None, "token: missing"), ("abc", "token: malformed"),
                 ("kefu_" + "A" * 42 + "B", "token: malformed"),   # spare bits set: never made
                 ("kefu_" + "A" * 43, "token: unknown"),
                 ("kefu_" + "!" * 43, "token: malformed")]
        for token, message in cases:
            reply = anon.request("ticket.submit", body, token=token)
            assert reply["error"]["code"] == "unauthenticated", (token, reply)
            assert reply["error"]["message"].startswith(message), (token, reply)
    finally:
        anon.close()
    assert S.sql("SELECT count(*) FROM intake.tickets")[0][0] == before


def test_a_revoked_token_is_refused_within_five_seconds():
    token = S.make_token("A101")
    c = S.client_as(token)
    try:
        assert code(c.request("ticket.get", {"ticket_id": TICKETS["SH01"]})) == "ok"
        tid = S.sql("SELECT id FROM auth.tokens ORDER BY id DESC LIMIT 1")[0][0]
        S.kefuctl("admin", "tokens", "revoke", str(tid))
        h.wait_until(lambda: code(c.request("ticket.get", {"ticket_id": TICKETS["SH01"]}))
                     == "unauthenticated", 5, "the revoked token to be refused")
        assert c.request("ticket.get", {"ticket_id": 1})["error"]["message"] == "token: revoked"
    finally:
        c.close()


def test_an_expired_token_is_refused_by_the_service_clock():
    S.set_clock(START)
    token = S.make_token("A101", expires_in="1h")
    c = S.client_as(token)
    try:
        assert code(c.request("ticket.get", {"ticket_id": TICKETS["SH01"]})) == "ok"
        S.set_clock(START + 2 * HOUR)
        h.wait_until(lambda: c.request("ticket.get", {"ticket_id": TICKETS["SH01"]})["error"]
                     ["message"] == "token: expired", 10, "the token to expire")
    finally:
        S.set_clock(START)
        c.close()


def test_a_service_account_makes_only_its_requests_for_its_branches():
    token = S.make_token(account="cti-sh")
    c = S.client_as(token)
    try:
        assert code(submit(c, "C1005")) == "ok"                         # SH01
        assert code(c.request("ticket.list", {})) == "forbidden"        # not among its requests
        assert code(c.request("ticket.get", {"ticket_id": TICKETS["SZ01"]})) == "not_found"
    finally:
        c.close()


def test_a_thousand_bad_tokens_neither_crash_nor_stop_the_service():
    results = {}

    def storm():
        bad = S.client_as(None, timeout_ms=30000)
        try:
            refused = 0
            for i in range(1000):
                token = "kefu_" + ("%043d" % i).replace("0", "B")[:42] + "A"
                reply = bad.request("ticket.get", {"ticket_id": 1}, token=token)
                refused += reply["error"]["code"] == "unauthenticated"
            results["refused"] = refused
        finally:
            bad.close()

    t = threading.Thread(target=storm)
    t.start()
    answered = 0
    while t.is_alive():   # the others are served all along
        assert code(S.client.request("ticket.get", {"ticket_id": TICKETS["SH01"]})) == "ok"
        answered += 1
    t.join()
    assert results["refused"] == 1000, results
    assert answered >= 1
    assert code(S.client.request("ticket.get", {"ticket_id": TICKETS["SH01"]})) == "ok"


def test_kefuctl_refuses_a_token_file_others_can_read_naming_it():
    path = os.path.join(S.tmp, "loose-token")
    with open(path, "w") as f:
        f.write(S.token + "\n")
    os.chmod(path, 0o644)
    proc = h.kefuctl(S.config, "list", env=dict(S.env, KEFU_TOKEN_FILE=path))
    assert proc.returncode == 2, proc
    assert "token file %s: must be a file of yours that only you can read" % path in proc.stderr, proc.stderr
    os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)
    assert h.kefuctl(S.config, "list", env=dict(S.env, KEFU_TOKEN_FILE=path)).returncode == 0
    bad = h.kefuctl(S.config, "list", env=dict(S.env, KEFU_TOKEN="kefu_short"))
    assert bad.returncode == 2 and "token: malformed" in bad.stderr, bad.stderr


def test_loading_the_organisation_again_keeps_each_centres_branches():
    before = S.sql("SELECT centre_id, branch_id FROM ref.centre_branches ORDER BY 1, 2")
    assert ("CC-EAST", "SZ01") in before, before
    S.kefuctl("admin", "load", os.path.join(h.ROOT, "tests", "fixtures", "org.yaml"))
    assert S.sql("SELECT centre_id, branch_id FROM ref.centre_branches ORDER BY 1, 2") == before


def test_admin_lists_staff_and_tokens_without_showing_secrets():
    staff = S.kefuctl("admin", "staff", "list", json_out=True)["staff"]
    by_id = {s["id"]: s for s in staff}
    assert by_id["T101"]["roles"] == "technician" and by_id["T101"]["place"] == "branch"
    assert by_id["RM-SH"]["place"] == "region" and by_id["RM-SH"]["at"] == "SH"
    password = "correct horse battery staple"
    S.passwords.append(password)
    S.kefuctl("admin", "staff", "password", "A101", stdin=password + "\n")
    stored = S.sql("SELECT password_hash FROM auth.staff WHERE id = 'A101'")[0][0]
    assert stored.startswith("$argon2id$") and password not in stored
    labelled = S.kefuctl("admin", "tokens", "create", "--staff", "A101", "--label", "李静 工作站",
                         "--expires-in", "90d", json_out=True)
    S.__dict__.setdefault("_tokens", {})["A101-labelled"] = labelled["token"]
    listed = S.kefuctl("admin", "tokens", "list", "--staff", "A101", json_out=True)["tokens"]
    assert any(t["label"] == "李静 工作站" and t["id"] == str(labelled["id"]) for t in listed), listed
    tokens = S.kefuctl("admin", "tokens", "list", "--staff", "CC01", json_out=True)["tokens"]
    assert tokens and all(t["prefix"] == S.token[:12] or len(t["prefix"]) == 12 for t in tokens)
    assert S.token not in S.kefuctl("admin", "tokens", "list").stdout
    short = S.kefuctl("admin", "staff", "password", "A101", stdin="short\n", check=False)
    assert short.returncode == 2 and "password: 5 bytes" in short.stderr, short.stderr
