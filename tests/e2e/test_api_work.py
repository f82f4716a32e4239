"""qc's and callback's operations over HTTP (docs/gateway.md "Quality
control and callbacks"): the running services behind kefu-gateway, every
response checked against schemas/openapi.yaml by tests/lib/http_api.py.

The states an operation needs are reached as their own tests reach them
(test_qc_inspection.py puts workorder.done on qc's bus as dispatch sends
it; test_callback_flow.py resolves a complaint through intake); then the
HTTP operation is called: its success, the errors it gives, an idempotent
replay, a paged list, CSV, and another branch's object answered 404."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import http_api as ha  # noqa: E402
import kefu_harness as h  # noqa: E402
from kefu_system import System, ROOT  # noqa: E402
import test_qc_inspection as qi  # noqa: E402

S = None
T0 = qi.T0                              # 2027-01-15T08:00:00Z: Friday 16:00 in Shanghai, SH01's callback hours
SCORES = os.path.join(ROOT, "tests", "fixtures", "scores.yaml")


def setup_module():
    global S
    S = System("apiwork", clock_us=T0, qc={"plans_file": qi.PLANS, "scores_file": SCORES})
    S.start_services(["intake", "dispatch", "qc", "callback", "gateway"])
    qi.S = S


def teardown_module():
    if S:
        ha.shutdown(S)


def call(staff, method, path, body=None, **kw):
    return ha.call_as(S, staff, method, path, body, **kw)


def inspection_rows(wo):
    return S.sql("SELECT l.name, l.status, l.signed_by, l.items::text FROM qc.inspections i JOIN"
                 " qc.inspection_levels l ON l.inspection_id = i.id WHERE i.work_order_id = %s ORDER BY l.position",
                 (wo,))


def ready_inspection(wo):
    qi.done(wo, 9000 + wo)
    qi.wait_inspection(wo)
    return "/api/v1/work-orders/%d/inspection" % wo


# -- qc: inspections -------------------------------------------------------------

def test_inspections_signed_over_http_with_every_refusal_and_a_replay():
    path = ready_inspection(201)
    pending = ha.ok(call("T101", "GET", "/api/v1/inspections/pending"))["pending"]
    assert [p["level"] for p in pending if p["work_order_id"] == 201] == ["self_check"], pending
    record = ha.ok(call("QC01", "GET", path))
    assert [l["status"] for l in record["levels"]] == ["pending", "waiting", "waiting", "waiting"], record
    # errors: who, what, the order, the input; none changes anything
    before = inspection_rows(201)
    sign = path + "/sign"
    ha.refused(call("QC01", "POST", sign, {"level": "self_check", "items": qi.SELF}), 403, "forbidden",
               "is signed by a technician")
    ha.refused(call("QC01", "POST", sign, {"level": "final_inspection", "items": qi.FINAL_OK}), 409, "conflict",
               "out of order")
    bad_unit = [qi.SELF[0], dict(qi.SELF[1], unit="bar"), qi.SELF[2]]
    ha.refused(call("T101", "POST", sign, {"level": "self_check", "items": bad_unit}), 400, "invalid",
               "wrong unit \"bar\"")
    ha.refused(call("T101", "POST", "/api/v1/work-orders/999/inspection/sign",
                    {"level": "self_check", "items": qi.SELF}), 404, "not_found", "no inspection for work order 999")
    ha.refused(call("T101", "POST", sign, {"level": "self_check", "items": qi.SELF, "work_order_id": 5}), 400,
               "invalid", "path {work_order_id}")
    ha.refused(call("T101", "POST", sign, {"level": "self_check", "items": qi.SELF},
                    headers={"Idempotency-Key": "bad key!"}), 400, "invalid", "Idempotency-Key")
    ha.refused(call("QC01", "GET", "/api/v1/work-orders/abc/inspection"), 400, "invalid", "{work_order_id}")
    ha.refused(call("QC01", "GET", "/api/v1/work-orders/999/inspection"), 404, "not_found", "no inspection")
    ha.refused(call(None, "GET", path), 401, "unauthenticated", "")
    assert inspection_rows(201) == before
    # signed once with an Idempotency-Key; the replay answers the same and signs nothing twice
    first = ha.ok(call("T101", "POST", sign, {"level": "self_check", "items": qi.SELF},
                       headers={"Idempotency-Key": "sign-201-1"}))
    after = inspection_rows(201)
    again = ha.ok(call("T101", "POST", sign, {"level": "self_check", "items": qi.SELF},
                       headers={"Idempotency-Key": "sign-201-1"}))
    assert again["levels"] == first["levels"] and inspection_rows(201) == after, (first, again)
    ha.refused(call("T101", "POST", sign, {"level": "self_check", "items": qi.SELF}), 409, "conflict",
               "already signed")


def test_another_branchs_inspection_is_404():
    path = ready_inspection(202)
    ha.refused(call("A201", "GET", path), 404, "not_found", "no inspection")
    assert not [p for p in ha.ok(call("T201", "GET", "/api/v1/inspections/pending"))["pending"]
                if p["work_order_id"] == 202]


def test_pending_inspections_come_in_pages():
    for wo in (211, 212, 213):
        ready_inspection(wo)
    seen = ha.pages(S, "T101", "/api/v1/inspections/pending?limit=2", "pending")
    ids = [p["work_order_id"] for page in seen for p in page]
    assert len(seen) >= 2 and all(len(page) <= 2 for page in seen), seen
    assert {211, 212, 213} <= set(ids) and len(ids) == len(set(ids)), ids
    ha.refused(call("T101", "GET", "/api/v1/inspections/pending?cursor=!!"), 400, "invalid", "cursor")
    ha.refused(call("T101", "GET", "/api/v1/inspections/pending?limit=2&limit=3"), 400, "invalid", "limit")
    ha.refused(call("T101", "GET", "/api/v1/inspections/pending?limit=many"), 400, "invalid", "limit")


# -- callback --------------------------------------------------------------------

def resolved_complaint(customer, product):
    tid = S.kefuctl("submit", "--channel", "hotline", "--kind", "complaint", "--customer", customer,
                    "--product", product, "--description", "回访测试", json_out=True)["ticket_id"]
    S.kefuctl("event", str(tid), "ticket_resolved", "--note", "已处理")
    # (an important or warranty customer's periodic callbacks may be filed on the ticket too)
    rows = lambda: S.sql("SELECT id FROM callback.callbacks WHERE ticket_id = %s AND purpose = 'after_work'", (tid,))
    h.wait_until(lambda: len(rows()) == 1, 60, "a callback for ticket %s" % tid)
    return rows()[0][0]


def callback_row(cid):
    return S.sql("SELECT status, attempts, outcome FROM callback.callbacks WHERE id = %s", (cid,))[0]


def test_callbacks_listed_attempted_and_recorded():
    cid = resolved_complaint("C1002", "AC-3200")
    listed = ha.ok(call("A101", "GET", "/api/v1/callbacks"))["callbacks"]
    assert [c["callback_id"] for c in listed if c["callback_id"] == cid] == [cid], listed
    ha.refused(call("A101", "GET", "/api/v1/callbacks?upcoming=maybe"), 400, "invalid", "upcoming")
    ha.refused(call("A101", "GET", "/api/v1/callbacks?colour=red"), 400, "invalid", "colour")
    ha.refused(call("QC01", "POST", "/api/v1/callbacks/%d/attempts" % cid, {"reason": "busy"}), 403, "forbidden",
               "")
    ha.refused(call("A101", "POST", "/api/v1/callbacks/%d/attempts" % cid, {"reason": "asleep"}), 400, "invalid",
               "body.reason")
    ha.refused(call("A101", "POST", "/api/v1/callbacks/%d/attempts" % cid, {"reason": "busy"},
                    content_type="text/plain"), 400, "invalid", "Content-Type")
    ha.refused(call("A101", "POST", "/api/v1/callbacks/%d/attempts" % cid, {"reason": "busy", "note": "话" * 30000}),
               413, "too_large", "")
    attempt = call("A101", "POST", "/api/v1/callbacks/%d/attempts" % cid, {"reason": "no_answer"})
    assert attempt.status == 201 and attempt.json["attempts"] == 1, attempt.text
    # the next call lies later: refused until then, nothing changes
    before = callback_row(cid)
    ha.refused(call("A101", "POST", "/api/v1/callbacks/%d/outcome" % cid, {"outcome": "satisfied"}), 409,
               "conflict", "is not due until")
    assert callback_row(cid) == before
    ha.refused(call("A101", "POST", "/api/v1/callbacks/999999/outcome", {"outcome": "neutral"}), 404, "not_found",
               "no callback 999999")
    other = resolved_complaint("C1005", "RF-500")
    recorded = ha.ok(call("A101", "POST", "/api/v1/callbacks/%d/outcome" % other,
                          {"outcome": "satisfied", "note": "师傅很专业"}))
    assert (recorded["status"], recorded["outcome"]) == ("recorded", "satisfied"), recorded
    ha.refused(call("A101", "POST", "/api/v1/callbacks/%d/outcome" % other, {"outcome": "neutral"}), 409,
               "conflict", "already recorded")
    # SH02's agent sees neither callback
    ha.refused(call("A201", "POST", "/api/v1/callbacks/%d/outcome" % cid, {"outcome": "neutral"}), 404,
               "not_found", "")


def test_callbacks_come_in_pages():
    for customer, product in (("C1001", "WH-60"), ("C1002", "DW-1"), ("C1005", "AC-LUX")):
        resolved_complaint(customer, product)
    seen = ha.pages(S, "TL01", "/api/v1/callbacks?all=true&upcoming=true&limit=2", "callbacks")
    ids = [c["callback_id"] for page in seen for c in page]
    assert len(seen) >= 2 and len(ids) == len(set(ids)) >= 3, seen


def test_rest_hours_set_refused_and_confined():
    path = "/api/v1/customers/C1005/rest-hours"
    r = ha.ok(call("A101", "PUT", path, {"windows": "21:00-10:30+1"}))
    assert (r["windows"], r["own"]) == ("21:00-10:30+1", True), r
    ha.refused(call("A101", "PUT", path, {"windows": "14:00-12:00"}), 400, "invalid", "inverted")
    ha.refused(call("A201", "PUT", path, {"windows": "12:00-13:00"}), 404, "not_found", "no customer C1005")
    ha.refused(call("A101", "POST", path, {"windows": "none"}, check=False), 405, "method_not_allowed", "")
    r = ha.ok(call("A101", "PUT", path, {"windows": "default"}))
    assert r["own"] is False, r


def test_coverage_and_satisfaction_as_json_and_csv():
    S.quiet()
    period = "from=2027-01-01T00:00:00Z&to=2027-02-01T00:00:00Z"
    cov = ha.ok(call("TL01", "GET", "/api/v1/callbacks/coverage?" + period))
    sh01 = [b for b in cov["branches"] if b["branch"] == "SH01"]
    assert sh01 and sh01[0]["recorded"] >= 1, cov
    rows = ha.csv_rows(call("TL01", "GET", "/api/v1/callbacks/coverage?" + period, accept="text/csv"))
    assert rows[0] == ["branch", "finished", "recorded", "unreachable", "due", "cancelled", "missing",
                       "recorded_pct"], rows
    assert [r[:3] for r in rows[1:]] == [[b["branch"], str(b["finished"]), str(b["recorded"])]
                                         for b in cov["branches"]], (rows, cov)
    sat = ha.csv_rows(call("TL01", "GET", "/api/v1/callbacks/satisfaction?by=agent&" + period, accept="text/csv"))
    assert sat[0] == ["branch", "key", "reached", "satisfied", "neutral", "dissatisfied", "rate_pct"], sat
    assert any(r[1] == "A101" for r in sat[1:]), sat
    ha.refused(call("TL01", "GET", "/api/v1/callbacks/satisfaction?by=mood&" + period), 400, "invalid", "by")
    ha.refused(call("TL01", "GET", "/api/v1/callbacks/coverage?from=yesterday&to=today"), 400, "invalid", "from")
    ha.refused(call("A101", "GET", "/api/v1/callbacks/coverage?" + period), 403, "forbidden", "")


# -- qc: call-handling scores ----------------------------------------------------

def test_scores_sampled_noticed_assessed_and_reported():
    # the complaints the callback tests took in are January's agent tickets of SH01
    sampled = ha.ok(call("QC01", "POST", "/api/v1/scores/sample", {"branch": "SH01", "month": "2027-01"}))
    assert sampled["added"] == len(sampled["samples"]) >= 1, sampled
    ha.refused(call("A101", "POST", "/api/v1/scores/sample", {"branch": "SH01"}), 403, "forbidden", "")
    form = [{"item": "greeting", "points": 10}, {"item": "listening", "points": 18},
            {"item": "accuracy", "points": 25}, {"item": "record_complete", "points": 17},
            {"item": "courtesy", "points": 18}]
    ha.refused(call("QC01", "POST", "/api/v1/scores/forms", {"ticket_id": 999999, "items": form}), 404,
               "not_found", "not sampled")
    ha.refused(call("TL01", "POST", "/api/v1/scores/forms", {"ticket_id": 999999, "items": form}), 403,
               "forbidden", "")
    scored = call("QC01", "POST", "/api/v1/scores/forms", {"ticket_id": sampled["samples"][0]["ticket_id"],
                                                           "items": form})
    assert scored.status == 201 and scored.json["total"] == 88, scored.text
    late = {"branch": "SH01", "subject": "T101", "code": "late_reply", "reason": "回复超过1小时"}
    first = call("QC01", "POST", "/api/v1/scores/notices", late, headers={"Idempotency-Key": "notice-1"})
    again = call("QC01", "POST", "/api/v1/scores/notices", late, headers={"Idempotency-Key": "notice-1"})
    assert first.status == again.status == 201, (first.status, again.status)
    assert again.json == dict(first.json, replayed=True), (first.json, again.json)
    ha.refused(call("QC01", "POST", "/api/v1/scores/notices", dict(late, request_id="other"),
                    headers={"Idempotency-Key": "notice-1"}), 400, "invalid", "Idempotency-Key")
    ha.refused(call("QC01", "POST", "/api/v1/scores/notices", dict(late, code="late")), 400, "invalid",
               "is not in the standard")
    assessed = call("RM-SH", "POST", "/api/v1/scores/assessments",
                    {"branch": "SH01", "month": "2027-01", "subject": "T101", "points": 80})
    assert assessed.status == 201, assessed.text
    ha.refused(call("QC01", "POST", "/api/v1/scores/assessments",
                    {"branch": "SH01", "subject": "T101", "points": 80}), 403, "forbidden", "")
    report = ha.ok(call("DH01", "GET", "/api/v1/scores/report?branch=SH01&month=2027-01"))
    assert (report["branch"], report["month"]) == ("SH01", "2027-01"), report
    ha.refused(call("DH01", "GET", "/api/v1/scores/report?branch=SH01&month=2027-13"), 400, "invalid", "month")
    ha.refused(call("DH01", "GET", "/api/v1/scores/report"), 400, "invalid", "branch")
    ha.refused(call("A101", "GET", "/api/v1/scores/report?branch=SH01"), 403, "forbidden", "")
