"""The console's agent, callback, qc and settlement screens in a real browser
(headless Chromium, tests/lib/browser.py) against the running services and
kefu-gateway (docs/console-agent.md).

The states the screens need are reached as the services' own tests reach
them: a chargeable repair submitted, assigned, diagnosed, approved and
reported done through dispatch (test_billing_jobs.py), so that billing
prices its settlement and qc opens its inspection; a complaint resolved so
that callback files its call (test_api_work.py). Then the pages are used as
a person uses them, and what they did is checked through the HTTP API
(every response checked against schemas/openapi.yaml)."""
import base64
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import http_api as ha  # noqa: E402
import kefu_harness as h  # noqa: E402
from browser import ARTEFACTS, Browser  # noqa: E402
from kefu_system import System  # noqa: E402
import test_api_work as aw  # noqa: E402
import test_billing_jobs as bj  # noqa: E402
import test_qc_inspection as qi  # noqa: E402

S = None
B = None
T0 = qi.T0                                   # 2027-01-15T08:00:00Z: Friday 16:00 in Shanghai
PASSWORD = "Console-agent-7#pass"
JOB = {}                                     # the repair every screen shows: ticket, work order, technician

# Every input, select and textarea has a label (or an aria label); the ids of those that do not.
UNLABELLED = """
return [...document.querySelectorAll('input, select, textarea')]
  .filter((e) => e.type !== 'hidden')
  .filter((e) => !([...(e.labels || [])].some((l) => l.textContent.trim()))
                 && !(e.getAttribute('aria-label') || '').trim()
                 && !(e.getAttribute('aria-labelledby') || '').split(/\\s+/)
                      .some((id) => id && document.getElementById(id)
                                    && document.getElementById(id).textContent.trim()))
  .map((e) => e.id || e.name || e.outerHTML.slice(0, 80));
"""


def call(staff, method, path, body=None, **kw):
    return ha.call_as(S, staff, method, path, body, **kw)


def setup_module():
    global S, B
    S = System("consoleagent", clock_us=T0, qc={"plans_file": qi.PLANS},
               dispatch={"assign_retry_ms": 200, "sla_tick_ms": 100})
    for staff in ("A101", "QC01", "TL01", "FN01"):
        S.kefuctl("admin", "staff", "password", staff, stdin=PASSWORD + "\n")
    S.passwords.append(PASSWORD)
    S.start_services(["intake", "dispatch", "qc", "billing", "callback", "gateway"])
    bj.S = qi.S = aw.S = S
    # a chargeable repair (no warranty card): diagnosed, approved by the customer, done
    wo, tech = bj.job("C1002", "RF-500")
    bj.diagnose(tech, wo)
    h.wait_until(lambda: bj.wo_status(wo) == "awaiting_approval", 60, "the work order waiting for approval")
    ha.ok(call("A101", "POST", "/api/v1/work-orders/%d/estimate/approve" % wo, {"customer_name": "李秀英"}))
    h.wait_until(lambda: bj.wo_status(wo) == "assigned", 60, "the work order assigned again")
    bj.report_done(tech, wo)
    qi.wait_inspection(wo)
    tid = S.sql("SELECT ticket_id FROM dispatch.work_orders WHERE id = %s", (wo,))[0][0]
    JOB.update(ticket=tid, wo=wo, tech=tech)
    B = Browser(S, height=1400)


def teardown_module():
    try:
        if B:
            B.quit()
    finally:
        if S:
            ha.shutdown(S)


def shows(css, text, timeout=20):
    """Waits for the first element css matches to hold text; the screens redraw
    as changes arrive, so the element is looked up afresh at each try."""
    return B.wait(lambda: text in B.find(css).text, "%r to show %r" % (css, text), timeout)


def log_in(staff):
    B.driver.delete_all_cookies()
    B.log_in(staff, PASSWORD)


def assert_labelled(screen):
    missing = B.driver.execute_script(UNLABELLED)
    assert missing == [], "inputs without a label on %s: %r" % (screen, missing)


def ticket_events(tid):
    return [(r["event"], r["actor"], r["detail"].get("note")) for r in
            ha.ok(call("A101", "GET", "/api/v1/tickets/%d" % tid))["history"] if r["event"] in ("first_reply",
                                                                                                "resumed")]


def test_the_ticket_page_shows_the_ticket_and_records_an_event():
    tid, wo = JOB["ticket"], JOB["wo"]
    log_in("A101")
    B.open("/console/ticket/%d" % tid)
    shows("h1", "工单 #%d" % tid)
    B.wait_for("#ticket-work-orders tr[data-work-order='%d']" % wo)
    # the work order's inspection and settlement, and the history so far
    shows("#ticket-work-orders", "质检 检验中")
    shows("#ticket-work-orders", "结算 已计价")
    B.wait_for("#ticket-history tr[data-event='created']")
    assert_labelled("ticket")
    # a refusal shows the service's message and records nothing
    B.select("#ticket-event", "resumed")
    B.click("#ticket-event-form button[type=submit]")
    shows("#ticket-event-error", "ticket %d is not paused" % tid)
    assert ticket_events(tid) == []
    # the first reply, recorded from the form as the agent does it: keyboard only
    B.select("#ticket-event", "first_reply")
    B.type("#ticket-note", "已电话联系客户，约明天上门")
    B.find("#ticket-note").send_keys("\t")               # Tab to the button, Enter presses it
    focused = B.driver.switch_to.active_element
    assert focused.text == "记录" and focused.get_attribute("type") == "submit", focused.get_attribute("outerHTML")
    focused.send_keys("\n")
    B.wait_for("#ticket-history tr[data-event='first_reply']")
    shows("#status", "已记录：首次答复")
    assert ticket_events(tid) == [("first_reply", "A101", "已电话联系客户，约明天上门")], ticket_events(tid)
    # a change made elsewhere (a team lead, through the API) appears without reloading the page
    B.driver.execute_script("window.kefuNotReloaded = true")
    ha.ok(call("TL01", "POST", "/api/v1/tickets/%d/events" % tid, {"event": "marked_complex", "note": "需要更换压缩机"},
               headers={"Idempotency-Key": "d6c0a3e4-5b1f-4a52-9f0e-3c2b7a1d9e01"}))
    B.wait_for("#ticket-history tr[data-event='marked_complex']", timeout=5)
    assert B.driver.execute_script("return window.kefuNotReloaded") is True
    B.driver.execute_script("window.scrollTo(0, 0)")
    B.screenshot("ticket")


def test_a_callback_outcome_is_recorded_from_the_work_list():
    cid = aw.resolved_complaint("C1005", "RF-500")
    log_in("A101")
    B.open("/console/callbacks")
    card = "article[data-callback='%d']" % cid
    B.wait_for(card)
    assert_labelled("callbacks")
    B.select("#cb-%d-reached" % cid, "yes")
    B.select("#cb-%d-outcome" % cid, "dissatisfied")
    B.click("#cb-%d-r-not_fixed" % cid)
    B.type("#cb-%d-note" % cid, "仍然有异响")
    B.click("#cb-%d-form button[type=submit]" % cid)
    shows(card + " .state", "结果：已记录 · 不满意")
    assert B.find(card).get_attribute("data-status") == "recorded"
    B.screenshot("callbacks")
    # through the API: the call is off the agent's list, recorded with what was said
    listed = [c["callback_id"] for c in ha.ok(call("A101", "GET", "/api/v1/callbacks?upcoming=true"))["callbacks"]]
    assert cid not in listed, listed
    row = S.sql("SELECT status, outcome, reasons, note FROM callback.callbacks WHERE id = %s", (cid,))[0]
    assert row[:2] == ("recorded", "dissatisfied") and list(row[2]) == ["not_fixed"] and row[3] == "仍然有异响", row


def final_level(wo):
    record = ha.ok(call("QC01", "GET", "/api/v1/work-orders/%d/inspection" % wo))
    return [(l["status"], l["signed_by"]) for l in record["levels"] if l["level"] == "final_inspection"][0]


def test_a_value_out_of_range_is_refused_beside_its_item_and_one_out_of_limit_fails_the_level():
    wo = JOB["wo"]
    sign = "/api/v1/work-orders/%d/inspection/sign" % wo
    ha.ok(call(JOB["tech"], "POST", sign, {"level": "self_check", "items": qi.SELF}))
    ha.ok(call("TL01", "POST", sign, {"level": "team_lead_check", "items": qi.LEAD}))
    log_in("QC01")                                        # a qc inspector starts on the pending inspections
    link = "#inspections tr[data-work-order='%d'] a" % wo
    B.wait_for(link)
    assert_labelled("inspections")
    B.click(link)
    B.wait_for("#inspection-form[data-level='final_inspection']")
    assert_labelled("inspection")
    # each measured item shows its unit and its limit beside the input
    shows(".check-item[data-item='brake_disc_thickness']", "mm")
    shows(".check-item[data-item='brake_disc_thickness'] .limit", "22")
    B.type("#item-brake_disc_thickness", "24")
    B.type("#item-coolant_freeze_point", "-300")           # below absolute zero: no reading can say that
    B.select("#item-no_leaks", "pass")
    B.click("#inspection-form button[type=submit]")
    shows("#msg-coolant_freeze_point", "outside the physical range")
    assert B.text("#msg-brake_disc_thickness") == ""
    assert final_level(wo) == ("pending", None)            # nothing signed
    B.screenshot("inspection-refused")
    # a value outside the plan's limit is signed, and the level fails with the reason beside the item
    B.type("#item-coolant_freeze_point", "-30")
    B.type("#item-brake_disc_thickness", "20.5")
    B.click("#inspection-form button[type=submit]")
    shows("#msg-brake_disc_thickness", "20.5 mm is outside the limit (at least 22 mm)")
    shows("#inspection-error", "不合格")
    assert final_level(wo) == ("failed", "QC01")
    B.screenshot("inspection-failed")


def pdf_pages(data):
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", data))


def test_the_settlement_shows_its_lines_and_prints_on_one_page():
    wo = JOB["wo"]
    shown = ha.ok(call("A101", "GET", "/api/v1/work-orders/%d/settlement" % wo))
    log_in("A101")
    B.open("/console/settlement/%d" % wo)
    B.wait_for("#settlement-lines")
    rows = B.driver.execute_script("return document.querySelectorAll('#settlement-lines tbody tr').length")
    assert rows == len(shown["lines"]) > 0, (rows, shown["lines"])
    total = B.driver.execute_script("return document.getElementById('settlement-total').textContent")
    assert re.sub(r"[^0-9.]", "", total) == "%.2f" % (shown["total"] / 100), (total, shown["total"])
    shows("#settlement-facts", "收费")
    shows(".signatures", "客户签字")
    assert_labelled("settlement")
    B.screenshot("settlement")
    # the same sheet in English, and back
    B.select("#lang", "en")
    shows("#settlement-lines", "The customer pays")
    shows("#settlement-facts", "chargeable · no warranty card")
    B.select("#lang", "zh-CN")
    shows("#settlement-lines", "客户应付")
    # printed: the console's bar is gone, and the sheet fits one A4 page
    B.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        assert B.driver.execute_script("return getComputedStyle(document.getElementById('bar')).display") == "none"
        assert B.driver.execute_script(
            "return getComputedStyle(document.getElementById('settlement-print')).display") == "none"
    finally:
        B.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    pdf = base64.b64decode(B.driver.execute_cdp_cmd("Page.printToPDF", {"preferCSSPageSize": True})["data"])
    path = os.path.join(ARTEFACTS, "settlement.pdf")
    with open(path, "wb") as f:
        f.write(pdf)
    assert pdf_pages(pdf) == 1, "the settlement printed on %d pages (%s)" % (pdf_pages(pdf), path)


def test_contact_data_is_shown_as_the_api_answers_it_masked_for_finance():
    tid = JOB["ticket"]
    full = ha.ok(call("A101", "GET", "/api/v1/tickets/%d" % tid))["ticket"]["customer"]
    masked = ha.ok(call("FN01", "GET", "/api/v1/tickets/%d" % tid))["ticket"]["customer"]
    assert "*" in masked["phone"] and masked["phone"] != full["phone"], (masked, full)
    log_in("FN01")
    B.open("/console/ticket/%d" % tid)
    shows("#ticket-summary dd[data-field='phone']", masked["phone"])
    summary = B.driver.execute_script("return document.getElementById('ticket-summary').textContent")
    assert masked["address"] in summary and full["phone"] not in summary and full["address"] not in summary, summary


def test_a_team_lead_acknowledges_an_escalation_from_the_ticket_page():
    """Last: it moves the clock an hour on."""
    tid = S.kefuctl_as("A101", "submit", "--channel", "hotline", "--kind", "complaint", "--customer", "C1001",
                       "--product", "WH-60", "--description", "热水器漏水", json_out=True)["ticket_id"]
    h.wait_until(lambda: S.sql("SELECT 1 FROM dispatch.sla_clocks WHERE ticket_id = %s AND clock = 'first_response'",
                               (tid,)), 60, "the first response clock of ticket %d" % tid)
    S.set_clock(T0 + 61 * 60 * 1_000_000)                   # the first response is late: the team lead is told
    ours = lambda: S.sql("SELECT id FROM dispatch.escalations WHERE ticket_id = %s AND kind = 'escalation'"
                         " AND level = 'team_lead'", (tid,))
    h.wait_until(ours, 60, "the team lead's escalation of ticket %d" % tid)
    eid = ours()[0][0]
    log_in("TL01")
    B.open("/console/ticket/%d" % tid)
    B.wait_for("#ticket-escalations tr[data-escalation='%d'] button.ack" % eid)
    B.wait(lambda: B.find("#ticket-escalations tr[data-escalation='%d'] button.ack" % eid).click() or True,
           "the acknowledge button of escalation %d pressed" % eid)
    focused = B.driver.switch_to.active_element                # the form, filled in, has the focus
    assert focused.text == "记录", focused.get_attribute("outerHTML")
    assert B.find("#ticket-event").get_attribute("value") == "escalation_acknowledged"
    assert B.find("#ticket-escalation").get_attribute("value") == str(eid)
    focused.send_keys("\n")
    shows("#ticket-escalations tr[data-escalation='%d']" % eid, "TL01")
    shown = [e for e in ha.ok(call("TL01", "GET", "/api/v1/tickets/%d/clocks" % tid))["escalations"] if e["id"] == eid]
    assert [e["acknowledged_by"] for e in shown] == ["TL01"], shown


PAGES = os.path.join(os.path.dirname(__file__), "..", "..", "services", "gateway", "console", "assets", "pages")


def test_every_string_of_these_screens_is_in_both_languages():
    for name in ("ticket", "callbacks", "inspections", "inspection", "settlement"):
        with open(os.path.join(PAGES, name + ".js"), encoding="utf-8") as f:
            text = f.read()
        blocks = re.findall(r"kefu\.strings\(\{\s*'zh-CN': \{(.*?)\n  \},\s*en: \{(.*?)\n  \},\s*\}\);", text, re.S)
        assert blocks, name
        for zh, en in blocks:
            keys = [set(re.findall(r"'([a-z_]+\.[^']+)':", block)) for block in (zh, en)]
            assert keys[0] == keys[1] and keys[0], (name, sorted(keys[0] ^ keys[1]))
