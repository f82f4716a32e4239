"""`kefuctl due` end to end: tests/fixtures/org.yaml (every branch observes
the `cn` holiday calendar of deploy/calendars) is loaded by `kefuctl admin
load` into a real cluster, and the due dates come back from the dispatcher
(request sla.due), which reads the database:
the branch's zone, weekly hours, holidays and make-up days (调休).

Fixture hours: SH01 08:00-18:00 every day; SH02 08:30-12:00 and 13:00-17:30
Monday to Friday. Every expected deadline is worked out by hand below."""
import datetime
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from kefu_system import System, ROOT  # noqa: E402

S = None
CST = datetime.timezone(datetime.timedelta(hours=8))


def us(*args):
    return int(datetime.datetime(*args, tzinfo=CST).timestamp() * 1_000_000)


CLOCK = us(2025, 9, 30, 17, 0)   # Tue 30 Sep 2025 17:00, the eve of National Day


def setup_module():
    global S
    S = System("due", clock_us=CLOCK)
    S.start_service("dispatch").wait_ready()   # kefuctl due asks it (sla.due)


def teardown_module():
    if S:
        S.shutdown()


def due(*args, code=0):
    proc = S.kefuctl("due", *args, check=False)
    assert proc.returncode == code, "exit %d, expected %d: %s%s" % (
        proc.returncode, code, proc.stdout, proc.stderr)
    return proc


def due_json(*args):
    proc = S.kefuctl("due", *args, json_out=True)
    return proc


def test_admin_load_stores_the_branch_calendars():
    out = S.kefuctl("admin", "load", os.path.join(ROOT, "tests", "fixtures", "org.yaml"), json_out=True)
    # deploy/calendars/cn: 2025 has 1 + 8 + 3 + 5 + 3 + 8 = 28 holiday dates and 5 make-up
    # days, 2026 has 3 + 9 + 3 + 5 + 3 + 3 + 7 = 33 holiday dates and 6 make-up days: 72.
    assert (out["calendars"], out["calendar_years"], out["calendar_days"]) == (1, 2, 72), out
    assert S.sql("SELECT id, calendar FROM ref.branches ORDER BY id") == [
        ("SH01", "cn"), ("SH02", "cn"), ("SZ01", "cn")]
    assert S.sql("SELECT year FROM ref.calendar_years WHERE calendar = 'cn' ORDER BY 1") == [(2025,), (2026,)]
    assert S.sql("SELECT kind, as_weekday, hours, name FROM ref.calendar_days "
                 "WHERE calendar = 'cn' AND day = '2025-09-28'") == [("workday", 0, None, "国庆节调休")]
    assert S.sql("SELECT count(*) FROM ref.calendar_days WHERE calendar = 'cn' AND kind = 'holiday' "
                 "AND day BETWEEN '2025-01-28' AND '2025-02-04'") == [(8,)]
    # Loading again replaces the rows: the same data, not twice as much.
    again = S.kefuctl("admin", "load", os.path.join(ROOT, "tests", "fixtures", "org.yaml"))
    assert "3 branches, 1 holiday calendar (2 years, 72 dates)" in again.stdout, again.stdout
    assert S.sql("SELECT count(*) FROM ref.calendar_days") == [(72,)]


def test_spring_festival_four_business_hours():
    # SH01, Mon 27 Jan 2025 16:00: 16:00-18:00 is 2 h; 28 Jan - 4 Feb are holidays (the
    # seven-day branch is closed too); Wed 5 Feb 08:00 + the other 2 h = 10:00 CST = 02:00Z.
    out = due("--branch", "SH01", "--hours", "4", "--at", "2025-01-27T16:00:00+08:00").stdout
    assert out == ("due 2025-02-05 10:00 CST (2025-02-05T02:00:00Z): 4 business hours from "
                   "2025-01-27 16:00 CST at SH01 上海徐汇服务站\n"), out
    # The same promise at SH02 (lunch break): 16:00-17:30 is 1.5 h; Wed 5 Feb 08:30 + 2.5 h
    # (08:30-11:00, before lunch) = 11:00.
    j = due_json("--branch", "SH02", "--hours", "4", "--at", "2025-01-27T08:00:00Z")
    assert j["branch"] == "SH02"
    assert j["start"] == "2025-01-27T08:00:00Z"
    assert j["due"] == "2025-02-05T03:00:00Z"
    assert j["due_local"] == "2025-02-05T11:00:00+08:00"
    assert j["business_seconds"] == 4 * 3600
    assert j["missing_holiday_years"] == []


def test_national_day_with_the_make_up_sunday():
    # SH02 is closed on Sundays, but Sun 28 Sep 2025 is a make-up day worked with Monday's
    # hours. Fri 26 Sep 16:00 + 10 h: 1.5 h Friday (to 17:30); Sat 27 closed; Sun 28:
    # 08:30-12:00 (3.5 h, 5 h in all) and 13:00-17:30 (4.5 h, 9.5 h); Mon 29 08:30 + 0.5 h =
    # 09:00. Without the make-up day it would be Mon 29 16:30.
    out = due("--branch", "SH02", "--hours", "10", "--at", "2025-09-26T16:00:00+08:00").stdout
    assert out.startswith("due 2025-09-29 09:00 CST (2025-09-29T01:00:00Z): 10 business hours from "
                          "2025-09-26 16:00 CST at SH02 上海浦东服务站"), out
    # 5 h lands exactly on the end of the make-up Sunday's morning: 12:00, not 13:00.
    j = due_json("--branch", "SH02", "--hours", "5", "--at", "2025-09-26T16:00:00+08:00")
    assert j["due_local"] == "2025-09-28T12:00:00+08:00", j
    # 90 minutes from Tue 30 Sep 17:00: 30 min; 1-8 Oct holidays; Thu 9 Oct 08:30 + 60 min.
    j = due_json("--branch", "SH02", "--minutes", "90", "--at", "2025-09-30T17:00:00+08:00")
    assert j["due_local"] == "2025-10-09T09:30:00+08:00", j
    assert j["business_seconds"] == 90 * 60


def test_working_days():
    # "3 working days" = the end of the 3rd working day after the start day. SH02 from Mon 27
    # Jan 2025 10:00: 28 Jan - 4 Feb holidays, so Wed 5, Thu 6, Fri 7 Feb: due 7 Feb 17:30.
    j = due_json("--branch", "SH02", "--working-days", "3", "--at", "2025-01-27T10:00:00+08:00")
    assert j["due_local"] == "2025-02-07T17:30:00+08:00", j
    assert j["due"] == "2025-02-07T09:30:00Z"
    assert j["business_seconds"] == 3 * 8 * 3600 + 6 * 3600 + 1800   # Wed-Fri + 6.5 h on Mon 27
    # Fri 26 Sep 2025 + 1 working day: the make-up Sunday 28 Sep (its hours end at 17:30).
    out = due("--branch", "SH02", "--working-days", "1", "--at", "2025-09-26T09:00:00+08:00").stdout
    assert out.startswith("due 2025-09-28 17:30 CST (2025-09-28T09:30:00Z): 1 working day from "
                          "2025-09-26 09:00 CST at SH02"), out


def test_now_comes_from_the_injected_clock_and_calendar_time():
    # No --at: the clock file says Tue 30 Sep 2025 17:00. SH01: 17:00-18:00 is 1 h; 1-8 Oct are
    # holidays; Thu 9 Oct 08:00 + 1 h = 09:00.
    j = due_json("--branch", "SH01", "--hours", "2")
    assert j["start"] == "2025-09-30T09:00:00Z", j
    assert j["due_local"] == "2025-10-09T09:00:00+08:00", j
    # Calendar time counts every hour: 17:00 + 2 h = 19:00, of which 1 h was business time.
    j = due_json("--branch", "SH01", "--hours", "2", "--calendar-time")
    assert j["due_local"] == "2025-09-30T19:00:00+08:00", j
    assert j["business_seconds"] == 3600
    out = due("--branch", "SH01", "--hours", "2", "--calendar-time").stdout
    assert ": 2 calendar hours from 2025-09-30 17:00 CST at SH01" in out, out


def test_warns_about_a_year_without_holiday_data():
    # Thu 31 Dec 2026 16:00 + 4 h at SH01: 2 h, then 2027, for which deploy/calendars/cn has
    # no file: 1 Jan 2027 counts as an ordinary Friday, due 10:00, with a warning.
    proc = due("--branch", "SH01", "--hours", "4", "--at", "2026-12-31T16:00:00+08:00")
    assert proc.stdout.startswith("due 2027-01-01 10:00 CST"), proc.stdout
    assert ("warning: holiday calendar \"cn\" has no data for 2027: the deadline is computed without "
            "that year's public holidays") in proc.stderr, proc.stderr
    assert "2026" not in proc.stderr.split("no data for")[1].split(":")[0]
    j = due_json("--branch", "SH01", "--hours", "4", "--at", "2026-12-31T16:00:00+08:00")
    assert j["missing_holiday_years"] == [2027]
    # Inside the covered years: no warning.
    proc = due("--branch", "SH01", "--hours", "4", "--at", "2025-06-03T09:00:00+08:00")
    assert proc.stderr == "", proc.stderr


def test_unknown_branch_and_bad_arguments():
    proc = due("--branch", "XX", "--hours", "4", code=1)
    assert proc.stderr.strip() == 'kefuctl due: no branch "XX"', proc.stderr
    assert proc.stdout == ""
    cases = [
        (["--branch", "SH01", "--hours", "4", "--at", "2025-01-27 16:00"],
         'kefuctl due: --at: "2025-01-27 16:00" is not an RFC 3339 time with an offset'),
        (["--branch", "SH01", "--hours", "4", "--at", "2025-02-30T10:00:00+08:00"],
         "is not an RFC 3339 time"),
        (["--branch", "SH01", "--hours", "4", "--at", "1850-01-01T00:00:00Z"], "outside the years 1900"),
        (["--hours", "4"], "kefuctl due: --branch is missing"),
        (["--branch", "SH01"], "the amount is missing (expected exactly one of --hours N, --minutes N or "
                               "--working-days N)"),
        (["--branch", "SH01", "--hours", "1", "--minutes", "5"], "more than one amount given"),
        (["--branch", "SH01", "--hours", "0"], "kefuctl due: --hours: 0 is out of range (expected 1 to 8760)"),
        (["--branch", "SH01", "--hours", "four"], "--hours: \"four\" is not a whole number"),
        (["--branch", "SH01", "--working-days", "366"], "--working-days: 366 is out of range (expected 1 to 365)"),
        (["--branch", "SH01", "--working-days", "3", "--calendar-time"], "--working-days are business time"),
        (["--branch", "SH01", "--hours", "1", "--hourz", "2"], "kefuctl due: unknown option --hourz"),
    ]
    for args, message in cases:
        proc = due(*args, code=2)
        assert message in proc.stderr, (args, proc.stderr)
        assert proc.stdout == "", (args, proc.stdout)


def test_a_branch_without_a_calendar_has_no_holidays():
    # The fixture with SH02's `calendar: cn` removed: reloading clears the column, and the
    # promise of the Spring Festival case is due the next morning: Mon 27 Jan 16:00-17:30 is
    # 1.5 h, Tue 28 Jan 08:30 + 2.5 h = 11:00.
    with open(os.path.join(ROOT, "tests", "fixtures", "org.yaml"), encoding="utf-8") as f:
        text = f.read()
    marker = "    name: 上海浦东服务站\n    region: SH\n    timezone: Asia/Shanghai\n    calendar: cn\n"
    assert marker in text
    text = text.replace(marker, marker.replace("    calendar: cn\n", ""))
    text = text.replace("calendars_dir: ../../deploy/calendars",
                        "calendars_dir: " + os.path.join(ROOT, "deploy", "calendars"))
    path = os.path.join(S.tmp, "org-sh02-no-calendar.yaml")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    try:
        S.kefuctl("admin", "load", path)
        assert S.sql("SELECT calendar FROM ref.branches WHERE id = 'SH02'") == [(None,)]
        j = due_json("--branch", "SH02", "--hours", "4", "--at", "2025-01-27T16:00:00+08:00")
        assert j["due_local"] == "2025-01-28T11:00:00+08:00", j
        proc = due("--branch", "SH02", "--hours", "4", "--at", "2026-12-31T16:00:00+08:00")
        assert proc.stderr == "", proc.stderr     # observes no holidays: nothing is missing
        # SH01 still observes cn.
        j = due_json("--branch", "SH01", "--hours", "4", "--at", "2025-01-27T16:00:00+08:00")
        assert j["due_local"] == "2025-02-05T10:00:00+08:00", j
    finally:
        S.kefuctl("admin", "load", os.path.join(ROOT, "tests", "fixtures", "org.yaml"))
