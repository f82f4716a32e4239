"""qc's monthly scores through the running services (docs/scores.md): agent
tickets taken through intake are sampled (idempotent), scored on the form by
a qc inspector; inspections signed through qc give technicians their first-
pass rate; notices and the regional manager's assessment are recorded; the
monthly report reproduces the worked example of docs/scores.md. Every
refusal changes nothing, and every reply is checked against its schema."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
sys.path.insert(0, os.path.dirname(__file__))
import kefu_harness as h  # noqa: E402
from intake_client import IntakeClient, check_reply  # noqa: E402
from kefu_system import System, ROOT  # noqa: E402
import test_qc_inspection as qi  # noqa: E402

S = None
T0 = qi.T0                                   # 2027-01-15T08:00:00Z, January in Shanghai
SCORES = os.path.join(ROOT, "tests", "fixtures", "scores.yaml")


def setup_module():
    global S
    S = System("scores", clock_us=T0, qc={"plans_file": qi.PLANS, "scores_file": SCORES})
    S.start_services(["intake", "qc"])
    qi.S = S


def teardown_module():
    if S:
        S.shutdown()


def ask(staff, request, body):
    c = IntakeClient(S.config.qc_api, timeout_ms=30000, token=S.token_of(staff))
    try:
        reply = c.request(request, body)
    finally:
        c.close()
    check_reply(request, reply)
    return reply


def ok(reply):
    assert reply["ok"], reply
    return reply["result"]


def refused(reply, code, text):
    assert reply["ok"] is False and reply["error"]["code"] == code and text in reply["error"]["message"], reply


def scores_rows():
    return S.sql("SELECT 'f', ticket_id::text, total::text FROM qc.score_forms UNION ALL "
                 "SELECT 'n', id::text, points::text FROM qc.assessment_notices UNION ALL "
                 "SELECT 'r', subject, points::text FROM qc.regional_assessments ORDER BY 1, 2")


def submit_as_a101():
    c = IntakeClient(S.config.api, timeout_ms=30000, token=S.token_of("A101"))
    ids = []
    try:
        for customer, product in (("C1001", "AC-3200"), ("C1002", "AC-3200"), ("C1005", "AC-3200"),
                                  ("C1002", "RF-500")):
            reply = c.submit({"channel": "hotline", "kind": "repair", "customer": {"id": customer},
                              "product": {"code": product}, "description": "不制冷"})
            assert reply["ok"], reply
            ids.append(reply["result"]["ticket_id"])
    finally:
        c.close()
    assert len(set(ids)) == 4, ids
    return ids


def test_worked_example():
    submit_as_a101()
    # sampling: half of A101's 4 tickets; a second call adds nothing
    first = ok(ask("QC01", "score.sample", {"branch": "SH01", "month": "2027-01"}))
    assert first["added"] == 2 and first["agents"] == [{"agent_id": "A101", "tickets": 4}], first
    again = ok(ask("QC01", "score.sample", {"branch": "SH01", "month": "2027-01"}))
    assert again["added"] == 0 and again["samples"] == first["samples"], (first, again)
    sampled = [s["ticket_id"] for s in first["samples"]]

    # the forms: 88 and 91.5 points
    form_a = [{"item": "greeting", "points": 10}, {"item": "listening", "points": 18},
              {"item": "accuracy", "points": 25}, {"item": "record_complete", "points": 17},
              {"item": "courtesy", "points": 18}]
    form_b = [{"item": "greeting", "points": 9.5}, {"item": "listening", "points": 19},
              {"item": "accuracy", "points": 28}, {"item": "record_complete", "points": 18},
              {"item": "courtesy", "points": 17}]
    before = scores_rows()
    refused(ask("TL01", "score.form", {"ticket_id": sampled[0], "items": form_a}), "forbidden", "")
    refused(ask("QC01", "score.form", {"ticket_id": sampled[0], "items": form_a[:4]}), "invalid",
            'item "courtesy" of the form is missing')
    refused(ask("QC01", "score.form", {"ticket_id": sampled[0],
                                       "items": form_a[:4] + [{"item": "courtesy", "points": 21}]}),
            "invalid", 'item "courtesy" takes 0 to 20 points')
    refused(ask("QC01", "score.form", {"ticket_id": sampled[0], "items": form_a + [form_a[0]]}), "invalid",
            "given twice")
    refused(ask("QC01", "score.form", {"ticket_id": 999999, "items": form_a}), "not_found", "not sampled")
    assert scores_rows() == before
    assert ok(ask("QC01", "score.form", {"ticket_id": sampled[0], "items": form_a}))["total"] == 88
    refused(ask("QC02", "score.form", {"ticket_id": sampled[0], "items": form_b}), "conflict",
            "scored already (by QC01)")
    assert ok(ask("QC02", "score.form", {"ticket_id": sampled[1], "items": form_b}))["total"] == 91.5

    # T101's inspections closed in January: 3 passed, 1 failed
    for wo in (501, 502, 503, 504):
        qi.done(wo, 9500 + wo)
        qi.wait_inspection(wo)
    for wo in (501, 502, 503):
        for staff, level, items in (("T101", "self_check", qi.SELF), ("TL01", "team_lead_check", qi.LEAD),
                                    ("QC01", "final_inspection", qi.FINAL_OK), ("SA01", "handover_check", qi.HANDOVER)):
            assert qi.sign(staff, wo, level, items)["ok"]
    assert qi.sign("T101", 504, "self_check", [dict(i, result="fail") if i.get("result") else i
                                               for i in qi.SELF])["ok"]

    # notices and the regional manager's assessment
    before = scores_rows()
    refused(ask("A101", "score.notice", {"branch": "SH01", "subject": "T101", "code": "late_reply",
                                         "reason": "x"}), "forbidden", "")
    refused(ask("QC01", "score.notice", {"branch": "SH01", "subject": "T101", "code": "late",
                                         "reason": "x"}), "invalid", 'body.code: "late" is not in the standard')
    refused(ask("QC01", "score.notice", {"branch": "SH01", "subject": "T101", "code": "late_reply", "points": 3,
                                         "reason": "x"}), "invalid", "late_reply is a deduction")
    refused(ask("QC01", "score.notice", {"branch": "SH01", "subject": "TL01", "code": "late_reply",
                                         "reason": "x"}), "invalid", "neither as an agent nor as a technician")
    refused(ask("QC01", "score.notice", {"branch": "SH01", "subject": "QC01", "code": "late_reply",
                                         "reason": "x"}), "forbidden", "themselves")
    refused(ask("QC01", "score.notice", {"branch": "SZ01", "subject": "T101", "code": "late_reply",
                                         "reason": "x"}), "not_found", "body.branch")
    refused(ask("QC01", "score.notice", {"branch": "SH01", "subject": "T101", "code": "late_reply",
                                         "reason": "x", "occurred_at": "2027-02-01T00:00:00Z"}),
            "invalid", "in the past")
    refused(ask("QC01", "score.assess", {"branch": "SH01", "month": "2027-01", "subject": "T101", "points": 80}),
            "forbidden", "")
    refused(ask("RM-SH", "score.assess", {"branch": "SH01", "month": "2027-13", "subject": "T101", "points": 80}),
            "invalid", "body.month")
    assert scores_rows() == before
    late = {"branch": "SH01", "subject": "T101", "code": "late_reply", "reason": "回复超过1小时",
            "request_id": "n-1"}
    n1 = ok(ask("QC01", "score.notice", late))
    assert n1["points"] == -1 and n1["month"] == "2027-01" and not n1["replayed"], n1
    assert ok(ask("QC01", "score.notice", late)) == dict(n1, replayed=True)       # a retry records nothing twice
    ok(ask("TL01", "score.notice", {"branch": "SH01", "subject": "T101", "code": "missing_information_feedback",
                                    "reason": "完工未反馈配件序列号", "occurred_at": "2027-01-10T03:00:00Z"}))
    ok(ask("TL01", "score.notice", {"branch": "SH01", "subject": "A101", "code": "customer_praise",
                                    "reason": "客户来电表扬"}))
    # 2026-12-31T17:00Z is already January in Shanghai
    assert ok(ask("QC02", "score.notice", {"branch": "SH01", "subject": "P-JS", "subject_kind": "provider",
                                           "code": "late_reply", "reason": "x",
                                           "occurred_at": "2026-12-31T17:00:00Z"}))["month"] == "2027-01"
    ok(ask("RM-SH", "score.assess", {"branch": "SH01", "month": "2027-01", "subject": "T101", "points": 70}))
    ok(ask("RM-SH", "score.assess", {"branch": "SH01", "month": "2027-01", "subject": "T101", "points": 80}))

    report = ok(ask("DH01", "score.report", {"branch": "SH01", "month": "2027-01"}))
    assert report["from"] == "2026-12-31T16:00:00.000000Z" and report["to"] == "2027-01-31T16:00:00.000000Z", report
    a101 = [a for a in report["agents"] if a["staff_id"] == "A101"]
    assert len(a101) == 1, report["agents"]
    a = a101[0]
    assert (a["tickets"], a["sampled"], a["forms"], a["form_average"], a["events_points"], a["score"],
            a["counts_in_quarter"]) == (4, 2, 2, 89.75, 2, 91.75, 91.75), a
    t101 = [t for t in report["technicians"] if t["staff_id"] == "T101"]
    assert len(t101) == 1, report["technicians"]
    t = t101[0]
    assert [(p["part"], p["measured"], p["of"], p["points"]) for p in t["parts"]] == [
        ("first_pass", 3, 4, 22.5), ("arrival_sla", 0, 0, 25), ("callback_satisfaction", 0, 0, 20),
        ("complaint_handling", 0, 0, 15), ("regional_assessment", 80, 100, 8)], t["parts"]
    assert sorted(e["code"] for e in t["events"]) == ["late_reply", "missing_information_feedback"], t
    assert (t["events_points"], t["score"], t["counts_in_quarter"]) == (-3, 87.5, 87.5), t

    # one more deduction takes the month to 82.50: it counts 0 in the quarter
    ok(ask("QC01", "score.notice", {"branch": "SH01", "subject": "T101", "code": "non_cooperation",
                                    "reason": "拒不配合返工安排"}))
    t = [t for t in ok(ask("DH01", "score.report", {"branch": "SH01", "month": "2027-01"}))["technicians"]
         if t["staff_id"] == "T101"][0]
    assert (t["score"], t["counts_in_quarter"]) == (82.5, 0), t
    # another branch's staff see nothing of SH01
    refused(ask("DH03", "score.report", {"branch": "SH01", "month": "2027-01"}), "not_found", "body.branch")


def test_kefuctl_scores():
    """The same month through kefuctl: a table for people, CSV for reports,
    a notice recorded, a refusal printed with exit 1."""
    table = S.kefuctl_as("DH01", "scores", "report", "SH01", "2027-01").stdout
    assert "SH01 2027-01 (threshold 85" in table and "T101" in table and "82.50" in table, table
    csv = S.kefuctl_as("DH01", "scores", "report", "SH01", "2027-01", "--csv").stdout.splitlines()
    assert csv[0] == "kind,id,name,parts,events,score,counts_in_quarter", csv
    assert any(l.startswith("agents,A101,") and l.endswith(",91.75,91.75") for l in csv), csv
    assert any(l.startswith("technicians,T101,") and l.endswith(",82.50,0.00") for l in csv), csv
    out = S.kefuctl_as("QC01", "scores", "notice", "SH01", "A101", "late_reply", "--reason", "回电超时").stdout
    assert '"code": "late_reply"' in out or '"code":"late_reply"' in out, out
    bad = S.kefuctl_as("QC01", "scores", "notice", "SH01", "A101", "nope", "--reason", "x", check=False)
    assert bad.returncode == 1 and 'is not in the standard' in bad.stderr, (bad.returncode, bad.stderr)


def test_a_complaint_names_the_agent_and_counts_in_their_month():
    """ticket.submit's complained_staff_id (intake): a complaint naming an
    active staff member is kept with the ticket and deducts
    complaint_points from that agent's month; any other kind, an unknown or
    inactive id, is refused and opens no ticket."""
    before = S.sql("SELECT count(*) FROM intake.tickets")
    for extra, code, text in (
            (("--kind", "repair", "--product", "WH-60", "--complained-staff", "A101"), "invalid",
             "only a complaint names the staff member complained about"),
            (("--kind", "complaint", "--complained-staff", "NOBODY"), "invalid", '"NOBODY" is not a staff id')):
        proc = S.kefuctl_as("CC01", "submit", "--channel", "hotline", "--customer", "C1005",
                            "--description", "投诉", *extra, check=False)
        assert proc.returncode == 1 and code in proc.stderr and text in proc.stderr, proc.stderr
    assert S.sql("SELECT count(*) FROM intake.tickets") == before
    def a101():
        return [a for a in ok(ask("DH01", "score.report", {"branch": "SH01", "month": "2027-01"}))["agents"]
                if a["staff_id"] == "A101"][0]
    was = a101()
    tid = S.kefuctl_as("CC01", "submit", "--channel", "hotline", "--kind", "complaint", "--customer", "C1005",
                       "--description", "客服态度差，问题没有记录", "--complained-staff", "A101",
                       json_out=True)["ticket_id"]
    assert S.sql("SELECT complained_staff_id FROM intake.tickets WHERE id = %s", (tid,)) == [("A101",)]
    a = a101()
    assert (a["complaints"], a["complaint_points"], a["score"]) == (
        was["complaints"] + 1, was["complaint_points"] - 2, was["score"] - 2), (was, a)
