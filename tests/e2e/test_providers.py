"""Technicians of authorised service providers (docs/dispatch.md "Service
providers"): a provider's technician takes the work orders of the
branches in the regions it serves, by the same rules as the branch's own,
ranked as dispatch.providers says; he reports his work done although he
sits in no branch, and never gets a job outside his provider's regions."""
import os
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import kefu_harness as h  # noqa: E402
from kefu_system import ROOT, System  # noqa: E402

S = None
# P-JS serves region JS (branch SZ01); its technician works round the clock.
PROVIDER_TECH = ("  - {id: PT01, name: 钱师傅, organisation: P-JS, grade: senior, skills: [air-conditioner], "
                 "capacity: 5, shift: {mon: [\"00:00-24:00\"], tue: [\"00:00-24:00\"], wed: [\"00:00-24:00\"], "
                 "thu: [\"00:00-24:00\"], fri: [\"00:00-24:00\"], sat: [\"00:00-24:00\"], "
                 "sun: [\"00:00-24:00\"]}}\n")


def org_with_provider_technician(tmp):
    with open(os.path.join(ROOT, "tests", "fixtures", "org.yaml"), encoding="utf-8") as f:
        text = f.read()
    # the calendars are where the fixture's relative path points
    text = text.replace("calendars_dir: ../../deploy/calendars",
                        "calendars_dir: " + os.path.join(ROOT, "deploy", "calendars"))
    # SZ01's qc inspector, who signs the final inspections there
    text = text.replace("service_accounts:\n", "  - {id: QC03, name: 卫检, branch: SZ01, roles: [qc_inspector]}\n"
                        "service_accounts:\n", 1)
    head, sep, tail = text.partition("technicians:\n")
    assert sep, "the fixture has a technicians: section"
    path = os.path.join(tmp, "org.yaml")
    with open(path, "w", encoding="utf-8") as f:
        f.write(head + sep + PROVIDER_TECH + tail)
    return path


def setup_module():
    global S
    tmp = tempfile.mkdtemp(prefix="kefu-providers-")
    S = System("providers", org=org_with_provider_technician(tmp),
               dispatch={"assign_retry_ms": 200, "providers": "first"})
    S.start_services(["intake", "dispatch", "qc"])


def teardown_module():
    if S:
        try:
            assert S.check_messages() > 0
        finally:
            S.shutdown()


def order(tid):
    rows = S.sql("SELECT id, status, technician_id FROM dispatch.work_orders WHERE ticket_id = %s "
                 "ORDER BY id DESC LIMIT 1", (tid,))
    return rows[0] if rows else (None, None, None)


def test_a_providers_technician_takes_a_job_in_its_region_first_and_reports_it_done():
    tid = S.kefuctl("submit", "--channel", "hotline", "--kind", "repair", "--customer", "C1004",
                    "--product", "AC-3200", "--description", "空调异响", json_out=True)["ticket_id"]
    h.wait_until(lambda: order(tid)[1] == "assigned", 60, "assignment in SZ01")
    wo, _, tech = order(tid)
    assert tech == "PT01", order(tid)           # dispatch.providers: first, and he fits
    assert S.sql("SELECT branch_id, organisation_id FROM ref.technicians WHERE id = 'PT01'") == [(None, "P-JS")]
    reply = S.kefuctl_as("PT01", "done", str(wo), "--cause", "wear", "--labour-minutes", "45", json_out=True)
    assert (reply["work_order_id"], reply["status"]) == (wo, "completed")
    # a branch's staff outside SZ01 do not see it, not even a team lead
    proc = S.kefuctl_as("TL01", "workorders", str(tid), check=False)
    assert proc.returncode == 1 and "not_found" in proc.stderr, proc.stderr


def test_a_providers_technician_gets_nothing_outside_its_regions():
    tid = S.kefuctl("submit", "--channel", "hotline", "--kind", "repair", "--customer", "C1002",
                    "--product", "AC-3200", "--description", "空调不制冷", json_out=True)["ticket_id"]
    h.wait_until(lambda: order(tid)[1] == "assigned", 60, "assignment in SH01")
    assert order(tid)[2] in ("T101", "T102"), order(tid)


def test_a_providers_technician_signs_his_self_check_and_his_provider_is_scored():
    """The provider's technician, who acts for no branch, finds and signs
    his own self-check; SZ01's qc inspector signs the final inspection; the
    month's report of SZ01 scores P-JS on its technician's work."""
    tid = S.kefuctl("submit", "--channel", "hotline", "--kind", "repair", "--customer", "C1004",
                    "--product", "AC-LUX", "--description", "中央空调不启动", json_out=True)["ticket_id"]
    h.wait_until(lambda: order(tid)[1] == "assigned", 60, "assignment in SZ01")
    wo, _, tech = order(tid)
    assert tech == "PT01", order(tid)
    S.kefuctl_as("PT01", "done", str(wo), "--cause", "component_failure", "--labour-minutes", "60")
    h.wait_until(lambda: any(p["work_order_id"] == wo for p in
                             S.kefuctl_as("PT01", "inspections", json_out=True)), 60,
                 "PT01's self-check among his pending levels")
    S.kefuctl_as("PT01", "inspect", "sign", str(wo), "self_check", "--item", "runs_normally=pass")
    # somebody else's self-check is not his to see
    proc = S.kefuctl_as("T301", "inspect", "sign", str(wo), "final_inspection", "--item", "site_clean=pass",
                        check=False)
    assert proc.returncode == 1, proc.stderr
    S.kefuctl_as("QC03", "inspect", "sign", str(wo), "final_inspection", "--item", "insulation_resistance=50MΩ",
                 "--item", "site_clean=pass")
    S.wait_ticket_status(tid, "resolved")
    month = S.sql("SELECT to_char(closed_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM') FROM qc.inspections"
                  " WHERE work_order_id = %s", (wo,))[0][0]
    report = S.kefuctl_as("DH03", "scores", "report", "SZ01", json_out=True)     # this month, in SZ01's zone
    assert report["month"] == month, (report["month"], month)
    providers = [p for p in report["providers"] if p["organisation"] == "P-JS"]
    assert len(providers) == 1, report
    first_pass = [p for p in providers[0]["parts"] if p["part"] == "first_pass"][0]
    assert (first_pass["measured"], first_pass["of"]) == (1, 1), providers[0]
