"""The console's wallboard, new-ticket, screen-pop and report screens in a
real headless Chromium (docs/console.md), against intake, dispatch,
callback and the gateway with the injected clock: an agent submits a
complaint through the form and the supervisor's wallboard shows it within
1 s of the form's success; it turns yellow, then red, within 1 s of
dispatch recording the warning and the escalation as the clock moves; the
supervisor acknowledges the escalation and it leaves the list; the language
switch changes the text and is kept on reload; the large-screen mode hides
the bar; a screen pop shows the customer's file or leads to the form with
the number filled; a refusal shows next to its field; the reports draw the
chart and download the CSV; after the gateway was restarted the wallboard
catches up with what changed meanwhile. The same 1 s update holds with
`stress-ng --cpu 2` running beside it. Every string of these screens is in
both languages. Every API answer the test reads itself is checked against
schemas/openapi.yaml (tests/lib/http_api.py)."""
import datetime
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import kefu_harness as h  # noqa: E402
from browser import Browser  # noqa: E402
from http_api import ok  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from kefu_system import System  # noqa: E402

S = None
AGENT = SUPERVISOR = None
CST = datetime.timezone(datetime.timedelta(hours=8))
MINUTE = 60 * 1_000_000
MONDAY_0900 = int(datetime.datetime(2026, 11, 23, 9, 0, tzinfo=CST).timestamp() * 1_000_000)
PASSWORD = "墙上的看板 wallboard 2026"
LIVE = 1.0   # seconds from a change to the screen (issue 11)
STATE = {}


def setup_module():
    global S, AGENT, SUPERVISOR
    S = System("console-wall", clock_us=MONDAY_0900, dispatch={"sla_tick_ms": 100, "assign_retry_ms": 200})
    for staff in ("A101", "TL01"):
        S.kefuctl("admin", "staff", "password", staff, stdin=PASSWORD + "\n")
    S.passwords.append(PASSWORD)
    S.start_services(["intake", "dispatch", "callback", "gateway"])
    AGENT = Browser(S)
    SUPERVISOR = Browser(S)
    AGENT.log_in("A101", PASSWORD)
    SUPERVISOR.log_in("TL01", PASSWORD)


def teardown_module():
    for b in (AGENT, SUPERVISOR):
        if b:
            b.quit()
    if S:
        S.shutdown()


# -- helpers ----------------------------------------------------------------------
def api(staff="TL01"):
    clients = STATE.setdefault("clients", {})
    if staff not in clients:
        clients[staff] = S.http(staff=staff)
    return clients[staff]


def green_count(browser, branch):
    """The green count the wallboard shows for branch (0 when the branch
    has no row), read in one step as the board may redraw at any time."""
    return browser.driver.execute_script(
        "const n = document.querySelector("
        "'#wall-branches tr[data-branch=\"' + arguments[0] + '\"] td[data-colour=\"green\"] .n');"
        "return n ? Number(n.textContent) : 0;", branch)


def open_wall(browser, big=False):
    browser.open("/console/wall" + ("?big=1" if big else ""))
    browser.wait_for("#wall-body[data-at]")


def submit_complaint(name, customer, description):
    """Fills in and sends the new-ticket form as A101 for a customer of
    SH01 found by name; returns (ticket id, the time.time() at which the
    form's request was answered)."""
    b = AGENT
    b.open("/console/new")
    b.type("#new-form input[name=search]", name + Keys.ENTER)   # Enter searches
    b.wait_text("#new-picked", customer)
    b.select("#new-form select[name=channel]", "hotline")
    b.select("#new-form select[name=kind]", "complaint")
    b.type("#new-form textarea[name=description]", description)
    b.click("#new-submit")
    path = b.wait(lambda: re.match(r"^/console/ticket/(\d+)$",
                                   b.driver.execute_script("return location.pathname")),
                  "the form to go to the new ticket's page")
    # when the answer to POST /api/v1/tickets arrived, by the browser's own
    # clock (the same host's wall clock): not later, when this test saw it
    answered = b.driver.execute_script(
        "const e = performance.getEntriesByType('resource').filter((r) => r.name.endsWith('/api/v1/tickets'));"
        "return (performance.timeOrigin + e[e.length - 1].responseEnd) / 1000;")
    return int(path.group(1)), answered


def wait_on_screen(browser, predicate, what, since):
    """Waits for predicate on the screen and returns the seconds it took
    from `since` (a time.time())."""
    browser.wait(predicate, what, timeout=15, interval=0.02)
    took = time.time() - since
    print("%s: %.3f s" % (what, took))
    return took


def clocks(tid):
    return ok(api().get("/api/v1/tickets/%d/clocks" % tid))


def escalation_of(tid, kind):
    """The id of the ticket's first_response record of this kind, once
    dispatch has recorded it (its sweep marker: the clocks read shows it)."""
    def found():
        rows = [e for e in clocks(tid)["escalations"] if e["clock"] == "first_response" and e["kind"] == kind]
        return rows[0]["id"] if rows else None
    return h.wait_until(found, 30, "a %s of ticket %d in its clocks" % (kind, tid))


def row_text(browser, tid):
    """The wallboard row of the ticket as one read (a redraw may come at any time)."""
    return browser.driver.execute_script(
        "const r = document.querySelector('#wall-tickets tr[data-ticket=\"' + arguments[0] + '\"]');"
        "return r ? r.innerText : null;", tid)


def row_colour(browser, tid):
    rows = browser.find_all('#wall-tickets tr[data-ticket="%d"]' % tid)
    return rows[0].get_attribute("data-colour") if rows else None


# -- the tests ----------------------------------------------------------------------
def test_a_ticket_submitted_through_the_form_is_on_the_wallboard_within_a_second():
    open_wall(SUPERVISOR)
    before = green_count(SUPERVISOR, "SH01")
    tid, done = submit_complaint("李秀英", "C1002", "空调噪音很大，师傅迟迟未到")
    took = wait_on_screen(SUPERVISOR, lambda: green_count(SUPERVISOR, "SH01") == before + 1,
                          "SH01's green count to go from %d to %d" % (before, before + 1), done)
    assert took <= LIVE, "the wallboard showed ticket %d %.2f s after the form's success" % (tid, took)
    board = ok(api().get("/api/v1/sla/board"))
    assert {"branch": "SH01", "green": before + 1, "yellow": 0, "red": 0} in board["branches"], board
    # the page was not reloaded: the wallboard's document is the one opened
    assert SUPERVISOR.driver.execute_script("return performance.getEntriesByType('navigation').length") == 1
    STATE["ticket"] = tid


def test_the_ticket_turns_yellow_then_red_as_the_clock_moves():
    tid = STATE["ticket"]
    S.set_clock(MONDAY_0900 + 49 * MINUTE)          # past the warning (80 % of 1 business hour)
    escalation_of(tid, "warning")
    swept = time.time()
    took = wait_on_screen(SUPERVISOR, lambda: row_colour(SUPERVISOR, tid) == "yellow",
                          "ticket %d yellow on the wallboard" % tid, swept)
    assert took <= LIVE, "yellow %.2f s after dispatch recorded the warning" % took
    row = row_text(SUPERVISOR, tid)
    assert "预警" in row and "剩余 11 分钟" in row, row   # the word, not the colour alone

    # the keyboard is on the ticket's link: a redraw must not lose it
    SUPERVISOR.find('#wall-tickets tr[data-ticket="%d"] a' % tid).send_keys("")
    S.set_clock(MONDAY_0900 + 61 * MINUTE)          # breached
    STATE["escalation"] = escalation_of(tid, "escalation")
    swept = time.time()
    # red, and escalated to the team lead (a read begun before the escalation
    # was recorded may show red first without the level)
    took = wait_on_screen(SUPERVISOR, lambda: row_colour(SUPERVISOR, tid) == "red"
                          and "组长" in (row_text(SUPERVISOR, tid) or ""),
                          "ticket %d red and escalated on the wallboard" % tid, swept)
    assert took <= LIVE, "red %.2f s after dispatch recorded the escalation" % took
    row = row_text(SUPERVISOR, tid)
    assert "超时" in row and "超时 1 分钟" in row and "组长" in row, row
    SUPERVISOR.wait_for('#wall-escalations tr[data-escalation="%d"]' % STATE["escalation"], timeout=LIVE)
    focused = SUPERVISOR.driver.execute_script(
        "const a = document.activeElement; const r = a && a.closest('#wall-tickets tr');"
        "return r ? [a.tagName, r.dataset.ticket] : [a && a.tagName, null];")
    assert focused == ["A", str(tid)], focused
    SUPERVISOR.screenshot("wallboard")


def test_acknowledging_the_escalation_takes_it_off_the_list():
    tid, esc = STATE["ticket"], STATE["escalation"]
    css = '#wall-escalations button.ack[data-escalation="%d"]' % esc
    label = SUPERVISOR.wait(lambda: SUPERVISOR.wait_for(css).get_attribute("aria-label"), "the button's label")
    assert label == "确认工单 %d 的升级" % tid, label
    # from the keyboard: Enter on the focused button (pressed again only if a
    # redraw took the button away before the key reached it)
    SUPERVISOR.wait(lambda: SUPERVISOR.find(css).send_keys(Keys.ENTER) or True, "Enter on the acknowledge button")
    SUPERVISOR.wait(lambda: not SUPERVISOR.find_all('#wall-escalations tr[data-escalation="%d"]' % esc),
                    "escalation %d to leave the list" % esc, timeout=10)
    rows = [e for e in clocks(tid)["escalations"] if e["id"] == esc]
    assert [(e["acknowledged_by"], e["kind"]) for e in rows] == [("TL01", "escalation")], rows
    board = ok(api().get("/api/v1/sla/board"))
    assert esc not in [e["escalation_id"] for e in board["escalations"]], board


def test_the_language_switch_changes_the_text_and_is_kept_on_reload():
    b = SUPERVISOR
    open_wall(b)
    assert b.text("#wall h1") == "SLA 看板", b.text("#wall h1")
    b.select("#lang", "en")
    b.wait_text("#wall h1", "SLA wallboard")
    b.wait_text("#wall-branches-h", "Open tickets per branch")
    assert b.find('a[data-page="wall"]').text == "SLA wallboard", b.find('a[data-page="wall"]').text
    b.driver.refresh()
    b.wait_text("#wall h1", "SLA wallboard")
    assert b.driver.execute_script("return document.documentElement.lang") == "en"
    b.select("#lang", "zh-CN")
    b.wait_text("#wall h1", "SLA 看板")
    b.wait_text("#wall-branches-h", "各服务站在办工单")


def test_the_large_screen_mode_hides_the_bar_and_fills_the_screen():
    b = SUPERVISOR
    open_wall(b)
    b.click("#wall-size")                         # the toggle
    b.wait(lambda: b.driver.execute_script("return location.search") == "?big=1", "the large screen's address")
    b.wait(lambda: not b.find("#bar").is_displayed(), "the bar to be hidden on the large screen")
    b.wait_for("#wall-body[data-at]")
    width = b.driver.execute_script("return document.getElementById('wall').getBoundingClientRect().width")
    inner = b.driver.execute_script("return window.innerWidth")
    assert width >= 0.9 * inner, (width, inner)
    size = b.driver.execute_script("return parseFloat(getComputedStyle(document.body).fontSize)")
    assert size >= 18, size                       # bigger than the 15 px of the ordinary screens
    b.screenshot("wallboard-big")
    b.find("body").send_keys(Keys.ESCAPE)         # Esc leaves it
    b.wait_for("#bar")
    assert b.driver.execute_script("return location.search") == ""


def test_a_refusal_shows_next_to_the_field_it_names():
    b = AGENT
    b.open("/console/new")
    b.type("#new-form input[name=search]", "13900001111")
    b.click("#new-find")
    b.wait_text("#new-picked", "C1002")
    b.type("#new-form input[name=product]", "NOPE")
    b.type("#new-form textarea[name=description]", "型号不存在")
    b.click("#new-submit")
    msg = b.wait_text('[data-error-for="product.code"]', "NOPE")
    assert 'no product "NOPE"' in msg.text, msg.text
    assert b.driver.execute_script("return location.pathname") == "/console/new"


def test_a_screen_pop_shows_the_customer_or_leads_to_the_form_with_the_number():
    cti = S.http(token=S.make_token(account="cti-sh"))
    known = ok(cti.post("/api/v1/screen-pops", {"phone": "138 1234 5678"}))
    b = AGENT
    b.open(known["link"])
    b.wait_text("#pop dl.file", "张伟")
    assert b.find("#pop dl.file").get_attribute("data-customer") == "C1001"
    b.click("#pop-new")
    b.wait_text("#new-picked", "C1001")

    unknown = ok(cti.post("/api/v1/screen-pops", {"phone": "021-5555 0101"}))
    b.open(unknown["link"])
    b.wait_for("#pop-unknown")
    b.click("#pop-new")
    phone = b.wait(lambda: b.find("#new-form input[name=phone]").get_attribute("value"), "the phone filled in")
    assert phone == "02155550101", phone
    url = b.driver.current_url
    assert "5555" not in url and "0101" not in url, url


def test_the_reports_draw_the_chart_and_download_the_csv():
    b = SUPERVISOR
    b.open("/console/reports")
    b.wait_for("#reports-chart")
    cells = b.wait(lambda: b.find_all('#reports-compliance tr[data-branch="SH01"] td[data-week]'),
                   "SH01's row of weekly compliance")
    assert len(cells) == 8, [c.text for c in cells]
    # the last week's figure is what sla.report answers for that week
    first = cells[-1].get_attribute("data-week")
    end = (datetime.date.fromisoformat(first) + datetime.timedelta(days=7)).isoformat()
    rows = [r for r in ok(api().get("/api/v1/sla/report", query={"from": first, "to": end}))["rows"]
            if r["branch"] == "SH01"]
    met, breached = sum(r["met"] for r in rows), sum(r["breached"] for r in rows)
    if met + breached:
        pct = int(1000 * met / (met + breached) + 0.5) / 10
        expected = "%g%%（%d/%d）" % (pct, met, met + breached)
    else:
        expected = "—"
    assert cells[-1].text == expected, (cells[-1].text, expected, rows)
    dots = b.find_all('#reports-chart g[data-branch="SH01"] circle')
    assert len(dots) == (1 if met + breached else 0) + sum(c.text != "—" for c in cells[:-1]), len(dots)
    # the callback reports of the same weeks, up to the services' "now"
    span = {"from": cells[0].get_attribute("data-week") + "T00:00:00Z", "to": ok(api().get("/api/v1/sla/board"))["at"]}
    satisfaction = ok(api().get("/api/v1/callbacks/satisfaction", query=dict(span, by="branch")))["rows"]
    coverage = ok(api().get("/api/v1/callbacks/coverage", query=span))["branches"]
    for css, rows in (("#reports-satisfaction", satisfaction), ("#reports-coverage", coverage)):
        shown = b.wait_for(css)
        if rows:
            assert [r.get_attribute("data-branch") for r in b.find_all(css + " tbody tr")] == \
                [r["branch"] for r in rows], (css, rows)
        else:
            assert shown.text == "这段时间没有数据", (css, shown.text)
    # the browser saves the download where the test can read it, as a person's would
    downloads = os.path.join(S.tmp, "downloads")
    os.makedirs(downloads, exist_ok=True)
    b.driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": downloads})
    b.click("#reports-csv")
    link = b.wait_for("#reports-csv-link")
    assert link.get_attribute("href").startswith("blob:"), link.get_attribute("href")
    name = link.get_attribute("download")
    assert re.match(r"^sla-report-\d{4}-\d\d-\d\d-\d{4}-\d\d-\d\d\.csv$", name), name
    path = os.path.join(downloads, name)
    h.wait_until(lambda: os.path.exists(path), 20, "the download %s" % path)
    with open(path, encoding="utf-8") as f:
        text = f.read()
    assert text.splitlines()[0] == ("branch,branch_name,from,to,clock,clocks,met,breached,open,"
                                    "median_seconds,p90_seconds"), text[:200]
    assert any(line.startswith("SH01,") for line in text.splitlines()), text[:400]


def test_the_wallboard_catches_up_after_the_feed_was_cut():
    """A change made while the gateway was down was never told to the
    page; once the feed is back the wallboard reads again at once, not at
    its next 30 s read."""
    open_wall(SUPERVISOR)
    before = green_count(SUPERVISOR, "SH01")
    gateway = S.services["gateway-1"]
    gateway.stop()
    tid = S.kefuctl_as("A101", "submit", "--channel", "hotline", "--kind", "complaint", "--customer", "C1001",
                       "--description", "网关重启期间的投诉", json_out=True)["ticket_id"]
    h.wait_until(lambda: S.sql("SELECT 1 FROM dispatch.sla_clocks WHERE ticket_id = %s AND state = 'running'",
                               (tid,)), 30, "ticket %d's clocks to run" % tid)
    assert green_count(SUPERVISOR, "SH01") == before
    gateway.start()
    gateway.wait_ready()
    back = time.time()
    took = wait_on_screen(SUPERVISOR, lambda: green_count(SUPERVISOR, "SH01") == before + 1,
                          "SH01's green count to go from %d to %d after the feed came back" % (before, before + 1),
                          back)
    assert took <= 5, "the wallboard caught up %.2f s after the gateway was back" % took


def test_the_one_second_update_holds_beside_stress_ng():
    open_wall(SUPERVISOR)
    stress = subprocess.Popen(["stress-ng", "--cpu", "2", "--timeout", "120s", "--quiet"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        h.wait_until(lambda: _workers_running(stress.pid), 10, "stress-ng's workers to run")
        before = green_count(SUPERVISOR, "SH01")
        tid, done = submit_complaint("欧阳修", "C1005", "压力下提交：热水器不出热水")
        took = wait_on_screen(SUPERVISOR, lambda: green_count(SUPERVISOR, "SH01") == before + 1,
                              "SH01's green count to go from %d to %d" % (before, before + 1), done)
        assert took <= LIVE, "under stress-ng the wallboard showed ticket %d after %.2f s" % (tid, took)
    finally:
        stress.terminate()
        stress.wait(timeout=10)


def _workers_running(pid):
    """stress-ng has started its CPU workers (its children)."""
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            return len(f.read().split()) >= 2
    except OSError:
        return False


# -- the screens' files ---------------------------------------------------------
PAGES = os.path.join(h.ROOT, "services", "gateway", "console", "assets", "pages")


def strings_of(source):
    """The keys of a page's kefu.strings({'zh-CN': {…}, en: {…}}), per language."""
    start = source.index("kefu.strings({")
    zh = source.index("'zh-CN': {", start)
    en = source.index("\n  en: {", zh)
    end = source.index("\n});", en)
    key = re.compile(r"'([a-z_]+(?:\.[a-z_0-9]+)+)'\s*:")
    return set(key.findall(source[zh:en])), set(key.findall(source[en:end]))


def test_every_string_of_these_screens_is_in_both_languages_and_none_is_html():
    for page in ("wall", "new", "pop", "reports"):
        with open(os.path.join(PAGES, page + ".js"), encoding="utf-8") as f:
            source = f.read()
        zh, en = strings_of(source)
        assert zh == en and zh, (page, sorted(zh ^ en))
        # every literal key the page asks for is its own or the core's
        used = set(re.findall(r"\bt\('([a-z_]+\.[a-z_.]+)'\s*[,)]", source))
        missing = sorted(k for k in used - zh if not k.startswith("core."))
        assert not missing, (page, missing)
        for banned in ("innerHTML", "outerHTML", "insertAdjacentHTML", "eval(", "new Function", ".style.",
                       "'style'", "document.write"):
            assert banned not in source, (page, banned)
