"""A home renovation project's staged acceptance, through the running
services (intake, dispatch, qc) and the injectable clock: materials on
arrival (wood moisture ≤ 12 %), hidden works with the 24 h water test,
mid-term (ceiling frame level ±2 mm, hollow tiles ≤ 5 %) and completion
(flooring waste ≤ 5 %). The water test read 23 h after it started fails the
level; the rework is inspected again from that level (restart: failed),
where the test read after 24 h passes; completion accepts the project and
resolves the ticket."""
import datetime
import os
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import kefu_harness as h  # noqa: E402
from kefu_system import ROOT, System  # noqa: E402

S = None
CST = datetime.timezone(datetime.timedelta(hours=8))
HOUR = 3600 * 1_000_000
MONDAY_0900 = int(datetime.datetime(2026, 11, 23, 9, 0, tzinfo=CST).timestamp() * 1_000_000)
PLANS = os.path.join(ROOT, "tests", "fixtures", "qc.yaml")
ALLDAY = ("{mon: [\"00:00-24:00\"], tue: [\"00:00-24:00\"], wed: [\"00:00-24:00\"], thu: [\"00:00-24:00\"], "
          "fri: [\"00:00-24:00\"], sat: [\"00:00-24:00\"], sun: [\"00:00-24:00\"]}")


def org_with_renovation(tmp):
    """The fixture organisation, with a renovation product and SH01's two
    renovation crews' leads as technicians."""
    with open(os.path.join(ROOT, "tests", "fixtures", "org.yaml"), encoding="utf-8") as f:
        text = f.read()
    text = text.replace("calendars_dir: ../../deploy/calendars",
                        "calendars_dir: " + os.path.join(ROOT, "deploy", "calendars"))
    text = text.replace("products:\n", "products:\n  - {code: RENO-90, name: 九十平米全屋装修, line: renovation, "
                                       "premium: false, warranty_months: 24}\n", 1)
    crews = "".join("  - {id: %s, name: %s, branch: SH01, grade: senior, skills: [renovation], capacity: 2, "
                    "shift: %s}\n" % (tid, name, ALLDAY) for tid, name in (("RT01", "郭工长"), ("RT02", "韩工长")))
    text = text.replace("technicians:\n", "technicians:\n" + crews, 1)
    path = os.path.join(tmp, "org.yaml")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def setup_module():
    global S
    tmp = tempfile.mkdtemp(prefix="kefu-renovation-")
    S = System("flow-renovation", org=org_with_renovation(tmp), clock_us=MONDAY_0900,
               qc={"plans_file": PLANS}, dispatch={"assign_retry_ms": 200})
    S.start_services(["intake", "dispatch", "qc"])


def teardown_module():
    if S:
        try:
            assert S.check_messages() > 0
        finally:
            S.shutdown()


def iso(us):
    return datetime.datetime.fromtimestamp(us / 1e6, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def orders(tid):
    return S.sql("SELECT id, purpose, status, technician_id FROM dispatch.work_orders "
                 "WHERE ticket_id = %s ORDER BY id", (tid,))


def sign(staff, wo, level, *items, check=True):
    args = ["inspect", "sign", str(wo), level]
    for item in items:
        args += ["--item", item]
    return S.kefuctl_as(staff, *args, check=check)


def levels(wo):
    record = S.kefuctl_as("QC01", "inspect", "show", str(wo), json_out=True)
    return {lv["level"]: lv["status"] for lv in record.get("levels", [])}


def test_the_water_test_read_after_23_hours_fails_and_after_24_hours_passes():
    tid = S.kefuctl("submit", "--channel", "hotline", "--kind", "installation", "--customer", "C1002",
                    "--product", "RENO-90", "--description", "全屋装修：水电改造与铺地板", json_out=True)["ticket_id"]
    h.wait_until(lambda: orders(tid) and orders(tid)[0][2] == "assigned", 60, "the project's crew assigned")
    wo, _, _, crew = orders(tid)[0]
    S.kefuctl_as(crew, "done", str(wo), "--cause", "no_fault_found", "--labour-minutes", "4800",
                 "--parts", "PIPE-PPR-25:40,FLOOR-OAK:95")
    h.wait_until(lambda: levels(wo), 60, "the project's inspection")

    sign("QC01", wo, "materials_on_arrival", "wood_moisture=11.5%", "materials_match_order=pass")
    started = S.clock_us
    S.set_clock(started + 23 * HOUR)
    sign("QC02", wo, "hidden_works", "water_test=pass@%s..%s" % (iso(started), iso(started + 23 * HOUR)),
         "pipe_pressure=0.8MPa")
    assert levels(wo)["hidden_works"] == "failed", levels(wo)
    h.wait_until(lambda: len(orders(tid)) == 2 and orders(tid)[1][2] == "assigned", 60, "the rework crew")
    rework, _, _, crew2 = orders(tid)[1]
    assert crew2 != crew, orders(tid)              # not the crew the report blamed

    S.kefuctl_as(crew2, "done", str(rework), "--cause", "water_leak", "--labour-minutes", "600")
    h.wait_until(lambda: levels(rework), 60, "the rework's inspection")
    # restart: failed — the materials level is carried over, hidden works is next
    assert levels(rework)["hidden_works"] != "signed", levels(rework)
    retest = S.clock_us
    S.set_clock(retest + 24 * HOUR)
    sign("QC02", rework, "hidden_works", "water_test=pass@%s..%s" % (iso(retest), iso(retest + 24 * HOUR)),
         "pipe_pressure=0.8MPa")
    sign("TL01", rework, "mid_term", "ceiling_frame_level=1.5mm", "hollow_tiles=3%")
    sign("SA01", rework, "completion", "flooring_waste=4%", "site_clean=pass")
    S.wait_ticket_status(tid, "resolved")
    assert [o[2] for o in orders(tid)] == ["rework", "accepted"]
