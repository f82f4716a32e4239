"""SLA notifications by e-mail over TLS (docs/sla.md "Notifications",
docs/configuration.md "notify"): a test CA and the relay's certificate are
made with openssl when the module starts, and the dispatcher trusts that CA
through notify.smtp.ca_file. One ticket's warning and first escalation are
mailed while the dispatcher is restarted against different relays on
127.0.0.1 (tests/lib/smtp_sink.py):

  - a relay whose certificate does not verify: nothing is sent after
    STARTTLS (no AUTH, no mail), the record stays unnotified with the reason;
  - a relay that offers no STARTTLS while TLS is required: the same;
  - a STARTTLS relay with the right certificate: the mail arrives, AUTH only
    after the session is encrypted;
  - an implicit-TLS relay (tls: smtps): the next mail arrives, with AUTH.

A plain relay with credentials on a host that is not loopback is refused by
the configuration check. The SMTP password never appears in any log."""
import base64
import datetime
import glob
import os
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import kefu_harness as h  # noqa: E402
from kefu_system import System  # noqa: E402
from smtp_sink import SmtpSink, make_certificates  # noqa: E402

S = None
CERTS = None
SINKS = {}
DISPATCH = None
CST = datetime.timezone(datetime.timedelta(hours=8))
MINUTE = 60 * 1_000_000
MONDAY_0900 = int(datetime.datetime(2026, 11, 23, 9, 0, tzinfo=CST).timestamp() * 1_000_000)
FROM = "kefu@kefu.example.cn"
USER, PASSWORD = "kefu", "Tls-only s3cret"
TID = None


def smtp_config(sink, **extra):
    """notify: for the dispatcher against one of the sinks."""
    smtp = {"host": "127.0.0.1", "port": sink.port, "from": FROM, "helo": "dispatch.kefu.test",
            "timeout_ms": 5000, "username": USER, "ca_file": CERTS["ca"]}
    smtp.update(extra)
    return {"adapter": "smtp", "smtp": smtp}


def setup_module():
    global S, CERTS
    certs_dir = tempfile.mkdtemp(prefix="kefu-certs-")
    CERTS = make_certificates(certs_dir)
    auth = (USER, PASSWORD)
    SINKS["untrusted"] = SmtpSink(auth=auth, tls="starttls", cert=CERTS["untrusted"]).start()
    SINKS["no-starttls"] = SmtpSink(auth=auth).start()
    SINKS["starttls"] = SmtpSink(auth=auth, tls="starttls", cert=CERTS["relay"]).start()
    SINKS["smtps"] = SmtpSink(auth=auth, tls="smtps", cert=CERTS["relay"]).start()
    S = System("smtp-tls", clock_us=MONDAY_0900, dispatch={"sla_tick_ms": 100},
               notify=smtp_config(SINKS["untrusted"]))
    S.start_services(["intake"])


def teardown_module():
    try:
        if S:
            S.shutdown()
    finally:
        for sink in SINKS.values():
            sink.stop()


def use_relay(name, **extra):
    """Stops the running dispatcher (if any) and starts one whose notify
    section points at SINKS[name]; it has its own configuration file."""
    global DISPATCH
    if DISPATCH:
        DISPATCH.stop()
    cfg = h.write_config(S.tmp, S.cluster, name="kefu-%s.yaml" % name, dispatch={"sla_tick_ms": 100},
                         notify=smtp_config(SINKS[name], **extra))
    DISPATCH = h.Service("dispatch", cfg, "dispatch-%s" % name, logdir=S.tmp,
                         env=dict(S.env, KEFU_SMTP_PASSWORD=PASSWORD)).start()
    S.services[DISPATCH.instance] = DISPATCH
    DISPATCH.wait_ready()


def records(tid):
    """(id, kind, level, recipient_email, notified, last_notify_error) of the first-response clock."""
    return S.sql("SELECT e.id, e.kind, e.level, e.recipient_email, e.notified_at IS NOT NULL, "
                 "e.last_notify_error FROM dispatch.escalations e "
                 "JOIN dispatch.sla_clocks c ON c.id = e.clock_id "
                 "WHERE e.ticket_id = %s AND c.clock = 'first_response' ORDER BY e.id", (tid,))


def wait_records(tid, n):
    return h.wait_until(lambda: len(records(tid)) >= n and records(tid), 60,
                        "%d SLA records for ticket %s" % (n, tid))


def wait_failure(esc_id, text):
    """The dispatcher logged a failure with `text`, and the record holds it, unnotified."""
    h.wait_until(lambda: [e for e in DISPATCH.events("notify_failed") if text in e.get("reason", "")],
                 60, "notify_failed containing %r" % text)
    row = h.wait_until(lambda: [r for r in records(TID) if r[0] == esc_id and text in (r[5] or "")],
                       60, "escalation %d recording %r" % (esc_id, text))[0]
    assert row[4] is False, row


def wait_mail(sink, esc_id):
    mid = "<escalation-%d@kefu.example.cn>" % esc_id
    mails = h.wait_until(lambda: [m for m in sink.messages if m["parsed"]["Message-ID"] == mid], 60,
                         "the mail of escalation %d" % esc_id)
    h.wait_until(lambda: S.sql("SELECT notified_at IS NOT NULL FROM dispatch.escalations WHERE id = %s",
                               (esc_id,)) == [(True,)], 60, "escalation %d marked notified" % esc_id)
    return mails[0]


def test_a_plain_relay_with_credentials_on_another_host_is_refused_by_the_configuration_check():
    cfg = h.write_config(S.tmp, S.cluster, name="kefu-plain-remote.yaml",
                         notify={"adapter": "smtp", "smtp": {"host": "192.0.2.25", "from": FROM,
                                                            "tls": "none", "username": USER}})
    proc = h.kefuctl(None, "admin", "check-config", cfg)
    assert proc.returncode != 0, (proc.returncode, proc.stdout, proc.stderr)
    assert ("notify.smtp.username: AUTH over a plain connection to 192.0.2.25 would send the password "
            "in clear: set notify.smtp.tls to starttls or smtps") in proc.stderr, proc.stderr
    assert "kefu-plain-remote.yaml:" in proc.stderr, proc.stderr
    # the same relay with STARTTLS passes the check
    ok = h.write_config(S.tmp, S.cluster, name="kefu-tls-remote.yaml",
                        notify={"adapter": "smtp", "smtp": {"host": "192.0.2.25", "from": FROM,
                                                           "username": USER}})
    proc = h.kefuctl(None, "admin", "check-config", ok)
    assert proc.returncode == 0, (proc.returncode, proc.stdout, proc.stderr)


def test_a_relay_whose_certificate_does_not_verify_gets_nothing():
    global TID
    sink = SINKS["untrusted"]
    use_relay("untrusted")
    TID = S.kefuctl("submit", "--channel", "hotline", "--kind", "complaint", "--customer", "C1002",
                    "--description", "师傅迟到两小时，要求处理", json_out=True)["ticket_id"]
    S.set_clock(MONDAY_0900 + 49 * MINUTE)                           # past the 80 % warning
    record = wait_records(TID, 1)[0]
    assert record[1:4] == ("warning", "team_lead", "tl01@example.com"), record
    wait_failure(record[0], "smtp 127.0.0.1:%d: TLS handshake: the relay's certificate does not verify"
                 % sink.port)
    assert sink.messages == [] and sink.tls_errors, (sink.messages, sink.tls_errors)
    assert [line for line in sink.transcript if line != "<tls>"] and "<tls>" not in sink.transcript
    assert not [line for line in sink.transcript if not line.upper().startswith(("EHLO", "STARTTLS"))], \
        sink.transcript


def test_a_relay_that_offers_no_starttls_gets_nothing_when_tls_is_required():
    sink = SINKS["no-starttls"]
    use_relay("no-starttls")                                         # tls: the default, starttls
    record = records(TID)[0]
    wait_failure(record[0], "smtp 127.0.0.1:%d: STARTTLS: the relay does not offer STARTTLS" % sink.port)
    assert sink.messages == [], sink.messages
    assert all(line.upper().startswith("EHLO") for line in sink.transcript), sink.transcript


def test_mail_arrives_over_starttls_with_auth_only_after_encryption():
    sink = SINKS["starttls"]
    use_relay("starttls")
    record = records(TID)[0]
    mail = wait_mail(sink, record[0])                                # the failed warning, delivered now
    assert mail["mail_from"] == FROM and mail["rcpts"] == ["tl01@example.com"], mail
    assert str(TID) in mail["parsed"]["Subject"], mail["parsed"]["Subject"]
    lines = sink.transcript
    tls_at = lines.index("<tls>")
    assert lines[tls_at - 1].upper() == "STARTTLS", lines
    auth_at = [i for i, line in enumerate(lines) if line.upper().startswith("AUTH")]
    assert auth_at and min(auth_at) > tls_at, lines
    assert lines[tls_at + 1].upper().startswith("EHLO"), lines      # RFC 3207: EHLO again


def test_mail_arrives_over_implicit_tls_with_auth():
    sink = SINKS["smtps"]
    use_relay("smtps", tls="smtps")
    S.set_clock(MONDAY_0900 + 61 * MINUTE)                           # breached: the escalation
    record = wait_records(TID, 2)[1]
    assert record[1:3] == ("escalation", "team_lead"), record
    mail = wait_mail(sink, record[0])
    assert mail["parsed"].get_content().rstrip("\r\n"), mail
    assert sink.transcript[0] == "<tls>", sink.transcript           # encrypted from the first byte
    assert any(line.upper().startswith("AUTH PLAIN") for line in sink.transcript), sink.transcript
    assert sink.tls_errors == [], sink.tls_errors


def test_the_password_and_the_recipients_addresses_never_appear_in_a_log():
    token = base64.b64encode(b"\0" + USER.encode() + b"\0" + PASSWORD.encode()).decode()
    secrets = [PASSWORD, base64.b64encode(PASSWORD.encode()).decode(), token]
    logs = glob.glob(os.path.join(S.tmp, "*.log"))
    assert any("dispatch-" in os.path.basename(p) for p in logs), logs
    for path in logs:
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
        for secret in secrets:
            assert secret not in text, (path, secret)
        if "dispatch-" in os.path.basename(path):
            assert "tl01@example.com" not in text, path
