"""SLA notifications by e-mail (docs/sla.md "Notifications"): the dispatcher
runs with notify.adapter smtp against a local SMTP sink on 127.0.0.1
(tests/lib/smtp_sink.py) that requires AUTH, the password coming from
KEFU_SMTP_PASSWORD, over a plain connection (notify.smtp.tls: none, allowed
because the relay is loopback; TLS is tests/e2e/test_sla_smtp_tls.py). The injected clock (KEFU_CLOCK_FILE) moves a
complaint's first-response clock past its warning, its breach and two
repeat escalations; each must arrive as a mail to the right person with the
Chinese name and the text decoded intact. While the sink refuses (451 on
RCPT), is down, or hangs, the record stays unnotified and the failure is
logged with its reason; once the sink recovers the mail arrives: at least
once, nothing lost."""
import datetime
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import kefu_harness as h  # noqa: E402
from kefu_system import System  # noqa: E402
from smtp_sink import SmtpSink  # noqa: E402

S = None
SINK = None
DISPATCH = None
CST = datetime.timezone(datetime.timedelta(hours=8))
MINUTE = 60 * 1_000_000
MONDAY_0900 = int(datetime.datetime(2026, 11, 23, 9, 0, tzinfo=CST).timestamp() * 1_000_000)
FROM = "kefu@kefu.example.cn"
TID = None


def setup_module():
    global S, SINK, DISPATCH
    SINK = SmtpSink(auth=("kefu", "s3cret")).start()
    S = System("smtp", clock_us=MONDAY_0900, dispatch={"sla_tick_ms": 100},
               notify={"adapter": "smtp",
                       "smtp": {"host": "127.0.0.1", "port": SINK.port, "from": FROM,
                                "helo": "dispatch.kefu.test", "timeout_ms": 1000, "username": "kefu",
                                "tls": "none"}})
    S.start_services(["intake"])
    DISPATCH = S.start_service("dispatch", env={"KEFU_SMTP_PASSWORD": "s3cret"})
    DISPATCH.wait_ready()


def teardown_module():
    try:
        if S:
            S.shutdown()
    finally:
        if SINK:
            SINK.stop()


def records(tid):
    """(id, kind, level, recipient_name, recipient_email, reason, notified) of the first-response clock."""
    return S.sql("SELECT e.id, e.kind, e.level, e.recipient_name, e.recipient_email, e.reason, "
                 "e.notified_at IS NOT NULL FROM dispatch.escalations e "
                 "JOIN dispatch.sla_clocks c ON c.id = e.clock_id "
                 "WHERE e.ticket_id = %s AND c.clock = 'first_response' ORDER BY e.id", (tid,))


def wait_records(tid, n):
    return h.wait_until(lambda: len(records(tid)) >= n and records(tid), 60,
                        "%d SLA records for ticket %s" % (n, tid))


def mails_for(esc_id):
    mid = "<escalation-%d@kefu.example.cn>" % esc_id
    return [m for m in SINK.messages if m["parsed"]["Message-ID"] == mid]


def wait_mail(esc_id):
    h.wait_until(lambda: mails_for(esc_id), 60, "the mail of escalation %d" % esc_id)
    h.wait_until(lambda: S.sql("SELECT notified_at IS NOT NULL FROM dispatch.escalations WHERE id = %s",
                               (esc_id,)) == [(True,)], 60, "escalation %d marked notified" % esc_id)
    return mails_for(esc_id)[0]


def failures(text):
    return [e for e in DISPATCH.events("notify_failed") if text in e.get("reason", "")]


def check_failing_then_unnotified(esc_id, text):
    """At least two failed attempts with the reason, and the record still unnotified."""
    h.wait_until(lambda: len(failures(text)) >= 2, 60, "two notify_failed containing %r" % text)
    assert S.sql("SELECT notified_at FROM dispatch.escalations WHERE id = %s", (esc_id,)) == [(None,)]
    assert mails_for(esc_id) == []


def check_mail(mail, record, eight_bit):
    esc_id, _, _, name, addr, reason, _ = record
    msg = mail["parsed"]
    assert mail["mail_from"] == FROM and mail["rcpts"] == [addr], mail
    to = msg["To"].addresses[0]
    assert (to.display_name, to.addr_spec) == (name, addr), msg["To"]
    assert "=?UTF-8?B?" in mail["data"].split(b"\r\n\r\n")[0].decode("ascii")   # headers are 7-bit
    assert str(TID) in msg["Subject"], msg["Subject"]
    assert msg.get_content_type() == "text/plain" and msg.get_content_charset() == "utf-8"
    assert msg["Content-Transfer-Encoding"] == ("8bit" if eight_bit else "base64")
    assert msg.get_content().rstrip("\r\n") == reason
    assert msg["MIME-Version"] == "1.0"
    assert msg["Auto-Submitted"] == "auto-generated"
    return msg


def test_a_warning_arrives_as_mail_to_the_team_lead():
    global TID
    TID = S.kefuctl("submit", "--channel", "hotline", "--kind", "complaint", "--customer", "C1002",
                    "--description", "师傅迟到两小时，要求处理", json_out=True)["ticket_id"]
    S.set_clock(MONDAY_0900 + 49 * MINUTE)                           # past the 80 % warning
    record = wait_records(TID, 1)[0]
    assert record[1:5] == ("warning", "team_lead", "黄磊", "tl01@example.com"), record
    msg = check_mail(wait_mail(record[0]), record, eight_bit=False)
    assert msg["Date"].datetime == datetime.datetime(2026, 11, 23, 1, 49, tzinfo=datetime.timezone.utc)
    sent = DISPATCH.events("notify_sent")
    assert any(e.get("key") == "escalation-%d" % record[0] and "queued as" in e.get("relay", "")
               for e in sent), sent
    assert "AUTH PLAIN" in " ".join(SINK.transcript)


def test_a_refused_mail_stays_unnotified_and_arrives_when_the_relay_accepts():
    SINK.rcpt_reply = "451 4.3.0 mailbox busy, try later"
    S.set_clock(MONDAY_0900 + 61 * MINUTE)                           # breached
    record = wait_records(TID, 2)[1]
    assert record[1:3] == ("escalation", "team_lead"), record
    check_failing_then_unnotified(
        record[0], "smtp 127.0.0.1:%d: RCPT TO: 451 4.3.0 mailbox busy, try later" % SINK.port)
    SINK.rcpt_reply = None
    check_mail(wait_mail(record[0]), record, eight_bit=False)
    assert len(mails_for(record[0])) == 1                            # refusals never reached DATA


def test_a_relay_that_is_down_then_back_loses_nothing():
    SINK.stop()
    S.set_clock(MONDAY_0900 + 121 * MINUTE)                          # repeat: one level up
    record = wait_records(TID, 3)[2]
    assert record[1:5] == ("escalation", "department_head", "冯刚", "dh01@example.com")
    check_failing_then_unnotified(record[0], "127.0.0.1:%d: connect: Connection refused" % SINK.port)
    SINK.eight_bit = True                                            # back, now offering 8BITMIME
    SINK.start()                                                     # same port
    # libcurl declares no BODY=8BITMIME, so the body stays base64
    check_mail(wait_mail(record[0]), record, eight_bit=False)


def test_a_hung_relay_times_out_and_the_mail_follows_later():
    SINK.silent = True
    S.set_clock(MONDAY_0900 + 181 * MINUTE)                          # repeat: centre director
    record = wait_records(TID, 4)[3]
    assert record[1:3] == ("escalation", "centre_director"), record
    check_failing_then_unnotified(record[0], "greeting: no reply within 1000 ms")
    SINK.silent = False
    check_mail(wait_mail(record[0]), record, eight_bit=False)
    # every record of the ticket was mailed at least once, none lost
    assert all(r[6] for r in records(TID)), records(TID)
    for r in records(TID):
        assert mails_for(r[0]), r
    assert DISPATCH.alive()


def test_a_recipient_refused_for_good_does_not_hold_back_the_others():
    """Delivery goes in record order; a record the relay keeps refusing backs
    off (doubling, real time) instead of blocking every record behind it."""
    SINK.refuse = {"tl01@example.com": "550 5.1.1 no such user"}
    S.set_clock(MONDAY_0900 + 181 * MINUTE)
    tid = S.kefuctl("submit", "--channel", "hotline", "--kind", "complaint", "--customer", "C1005",
                    "--description", "投诉：维修后又坏了", json_out=True)["ticket_id"]
    S.set_clock(MONDAY_0900 + 181 * MINUTE + 49 * MINUTE)             # its warning: to the team lead
    h.wait_until(lambda: records(tid), 60, "the warning of ticket %d" % tid)
    refused = records(tid)[0][0]
    h.wait_until(lambda: S.sql("SELECT notify_attempts FROM dispatch.escalations WHERE id = %s",
                               (refused,))[0][0] >= 1, 60, "a failed attempt recorded")
    S.set_clock(MONDAY_0900 + 181 * MINUTE + 181 * MINUTE)           # breached and climbed: later records
    h.wait_until(lambda: any(r[2] != "team_lead" for r in records(tid)), 60, "a record for another level")
    S.quiet()                       # every level due at this instant is recorded
    others = [r for r in records(tid) if r[4] != "tl01@example.com"]
    for r in others:
        wait_mail(r[0])                                              # delivered past the refused one
    row = S.sql("SELECT notified_at, notify_attempts, last_notify_error, next_notify_at > now() "
                "FROM dispatch.escalations WHERE id = %s", (refused,))[0]
    assert row[0] is None and row[1] >= 1 and "550 5.1.1 no such user" in row[2], row
    SINK.refuse = {}
    wait_mail(refused)                                               # and still delivered in the end
