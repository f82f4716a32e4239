/*  Unit tests for common/time/holidays: the shipped China files for 2025 and
 *  2026 say exactly what the State Council notices say (checked day by day
 *  against the dates typed in below), they apply to a branch calendar with
 *  the branch's own Monday hours, and each kind of bad file is refused with
 *  file:line: key and a reason; a refused set leaves the calendar alone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "time/holidays.h"
#include "unit.h"

static hol_t *s_cn (void)
{
    char path[512], err[512] = "";
    hol_t *hol = hol_load_dir (unit_repo_file ("deploy/calendars", path, sizeof path), "cn", err, sizeof err);
    if (!hol)
        printf ("    %s\n", err);
    return hol;
}

static hours_week_t s_office_week (void)
{
    hours_week_t week;
    memset (&week, 0, sizeof week);
    for (int d = 0; d < 5; d++) {
        week.n[d] = 1;
        week.iv[d][0] = (hours_interval_t) { 8 * 60, 18 * 60 };
    }
    return week;
}

/*  The published arrangements: holidays as ranges, make-up days. */
typedef struct { const char *from, *to; } s_span_t;
static const s_span_t s_published_holidays[] = {
    { "2025-01-01", "2025-01-01" }, { "2025-01-28", "2025-02-04" }, { "2025-04-04", "2025-04-06" },
    { "2025-05-01", "2025-05-05" }, { "2025-05-31", "2025-06-02" }, { "2025-10-01", "2025-10-08" },
    { "2026-01-01", "2026-01-03" }, { "2026-02-15", "2026-02-23" }, { "2026-04-04", "2026-04-06" },
    { "2026-05-01", "2026-05-05" }, { "2026-06-19", "2026-06-21" }, { "2026-09-25", "2026-09-27" },
    { "2026-10-01", "2026-10-07" },
};
static const char *const s_published_workdays[] = { "2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28",
                                                    "2025-10-11", "2026-01-04", "2026-02-14", "2026-02-28",
                                                    "2026-05-09", "2026-09-20", "2026-10-10", NULL };

static int64_t s_day (const char *text)
{
    return tz_days_from_civil (atoi (text), atoi (text + 5), atoi (text + 8));
}

UNIT_TEST (holidays_cn_files_match_the_notices)
{
    hol_t *hol = s_cn ();
    UNIT_ASSERT (hol);
    UNIT_ASSERT_STR_EQ (hol_calendar (hol), "cn");
    UNIT_ASSERT (hol_has_year (hol, 2025) && hol_has_year (hol, 2026) && !hol_has_year (hol, 2027));
    /* 28 + 5 dates in 2025, 33 + 6 in 2026. */
    UNIT_ASSERT_INT_EQ (hol_count (hol), 72);
    /* Sorted, with names. */
    const hol_date_t *first = hol_date (hol, 0);
    UNIT_ASSERT (first && first->year == 2025 && first->month == 1 && first->day == 1 && !first->workday);
    UNIT_ASSERT_STR_EQ (first->name, "元旦");
    UNIT_ASSERT (hol_date (hol, 72) == NULL);
    for (size_t i = 0; i < hol_count (hol); i++) {
        const hol_date_t *h = hol_date (hol, i);
        if (h->year == 2025 && h->month == 1 && h->day == 28)
            UNIT_ASSERT_STR_EQ (h->name, "春节");
        if (h->workday)
            UNIT_ASSERT (h->as_weekday == 0 && tz_weekday (tz_days_from_civil (h->year, h->month, h->day)) >= 5);
        if (i > 0) {
            const hol_date_t *p = hol_date (hol, i - 1);
            UNIT_ASSERT (tz_days_from_civil (p->year, p->month, p->day) < tz_days_from_civil (h->year, h->month, h->day));
        }
    }
    /* Day by day through both years, against the notices. */
    hours_week_t week = s_office_week ();
    char err[256] = "";
    cal_t *cal = cal_new ("Asia/Shanghai", &week, err, sizeof err);
    UNIT_ASSERT (cal);
    UNIT_ASSERT (hol_apply (hol, cal, err, sizeof err) == 0);
    for (int64_t day = tz_days_from_civil (2025, 1, 1); day < tz_days_from_civil (2027, 1, 1); day++) {
        cal_day_kind_t expect = CAL_DAY_REGULAR;
        for (size_t i = 0; i < sizeof s_published_holidays / sizeof *s_published_holidays; i++)
            if (day >= s_day (s_published_holidays[i].from) && day <= s_day (s_published_holidays[i].to))
                expect = CAL_DAY_HOLIDAY;
        for (int i = 0; s_published_workdays[i]; i++)
            if (day == s_day (s_published_workdays[i]))
                expect = CAL_DAY_WORKDAY;
        int y, m, d;
        tz_civil_from_days (day, &y, &m, &d);
        cal_day_t got;
        UNIT_ASSERT (cal_day (cal, y, m, d, &got) == 0);
        if (got.kind != expect) {
            printf ("    %04d-%02d-%02d\n", y, m, d);
            UNIT_ASSERT_INT_EQ (got.kind, expect);
        }
    }
    cal_destroy (&cal);
    hol_destroy (&hol);
    hol_destroy (&hol);
    UNIT_ASSERT (hol == NULL);
}

UNIT_TEST (holidays_apply_with_branch_hours)
{
    hol_t *hol = s_cn ();
    UNIT_ASSERT (hol);
    /* A branch open 09:00-12:00 and 13:00-17:00 on Mondays, 08:00-18:00 Tuesday to Friday. */
    hours_week_t week = s_office_week ();
    week.n[0] = 2;
    week.iv[0][0] = (hours_interval_t) { 9 * 60, 12 * 60 };
    week.iv[0][1] = (hours_interval_t) { 13 * 60, 17 * 60 };
    char err[256] = "";
    cal_t *cal = cal_new ("Asia/Shanghai", &week, err, sizeof err);
    UNIT_ASSERT (cal && hol_apply (hol, cal, err, sizeof err) == 0);
    /* Sun 26 Jan 2025 "as: mon" works this branch's Monday hours. */
    cal_day_t day;
    UNIT_ASSERT (cal_day (cal, 2025, 1, 26, &day) == 0);
    UNIT_ASSERT (day.kind == CAL_DAY_WORKDAY && day.n == 2 && day.iv[0].start_min == 540 && day.iv[1].end_min == 1020);
    /* Mon 27 Jan 16:00 + 4 h: 1 h Monday (to 17:00); 28 Jan - 4 Feb off; Wed 5 Feb 08:00 + 3 h = 11:00. */
    int64_t start, due, expect;
    tz_local_to_utc (cal_tz (cal), &(tz_civil_t) { 2025, 1, 27, 16, 0, 0 }, TZ_STRICT, &start);
    tz_local_to_utc (cal_tz (cal), &(tz_civil_t) { 2025, 2, 5, 11, 0, 0 }, TZ_STRICT, &expect);
    UNIT_ASSERT (cal_add_business (cal, start, 4 * 3600, &due, err, sizeof err) == 0);
    UNIT_ASSERT_INT_EQ (due, expect);
    /* Applying the same set again conflicts (make-up days exist) and is refused whole. */
    UNIT_ASSERT (hol_apply (hol, cal, err, sizeof err) == -1);
    UNIT_ASSERT_CONTAINS (err, "2025.yaml:");
    UNIT_ASSERT_CONTAINS (err, "2025-01-26 (春节调休): the calendar has it as a make-up working day already");
    cal_destroy (&cal);
    /* A conflict is found before anything changes: 2025-01-26 is already a holiday here. */
    cal = cal_new ("Asia/Shanghai", &week, err, sizeof err);
    UNIT_ASSERT (cal && cal_add_holiday (cal, 2025, 1, 26, NULL, 0) == 0);
    UNIT_ASSERT (hol_apply (hol, cal, err, sizeof err) == -1);
    UNIT_ASSERT_CONTAINS (err, "as a holiday already");
    UNIT_ASSERT (cal_day (cal, 2025, 1, 1, &day) == 0 && day.kind == CAL_DAY_REGULAR);
    cal_destroy (&cal);
    hol_destroy (&hol);
}

UNIT_TEST (holidays_explicit_hours)
{
    const char *text = "calendar: shop\n"
                       "year: 2025\n"
                       "holidays: []\n"
                       "workdays:\n"
                       "  - {date: \"2025-03-08\", name: 盘点, hours: [\"09:00-12:00\", \"13:00-15:30\"]}\n"
                       "  - {date: 2025-03-09, name: default Monday}\n";
    char err[256] = "";
    hol_t *hol = hol_load_string ("shop.yaml", text, err, sizeof err);
    if (!hol)
        printf ("    %s\n", err);
    UNIT_ASSERT (hol);
    UNIT_ASSERT_INT_EQ (hol_count (hol), 2);
    const hol_date_t *h = hol_date (hol, 0);
    UNIT_ASSERT (h->workday && h->as_weekday == -1 && h->n == 2 && h->iv[1].end_min == 15 * 60 + 30);
    UNIT_ASSERT_INT_EQ (h->line, 5);
    UNIT_ASSERT_STR_EQ (h->file, "shop.yaml");
    UNIT_ASSERT (hol_date (hol, 1)->as_weekday == 0); /* `as` defaults to mon */
    hours_week_t week = s_office_week ();
    cal_t *cal = cal_new ("Asia/Shanghai", &week, err, sizeof err);
    UNIT_ASSERT (cal && hol_apply (hol, cal, err, sizeof err) == 0);
    int64_t from, to, business;
    tz_local_to_utc (cal_tz (cal), &(tz_civil_t) { 2025, 3, 8, 0, 0, 0 }, TZ_STRICT, &from);
    tz_local_to_utc (cal_tz (cal), &(tz_civil_t) { 2025, 3, 10, 0, 0, 0 }, TZ_STRICT, &to);
    UNIT_ASSERT (cal_business_seconds (cal, from, to, &business, NULL, 0) == 0);
    UNIT_ASSERT_INT_EQ (business, (3 * 60 + 150 + 600) * 60); /* 5.5 h Saturday + 10 h Sunday */
    cal_destroy (&cal);
    hol_destroy (&hol);
}

/*  Loads `body` after "calendar: cn\nyear: 2025\n" and expects `want` in the error. */
static bool s_refused (const char *file, const char *body, const char *want)
{
    char text[2048], err[512] = "";
    snprintf (text, sizeof text, "calendar: cn\nyear: 2025\n%s", body);
    hol_t *hol = hol_load_string (file, text, err, sizeof err);
    bool loaded = hol != NULL;
    hol_destroy (&hol);
    return unit_refused (loaded, body, err, want);
}

UNIT_TEST (holidays_bad_files)
{
    UNIT_ASSERT (s_refused ("2025.yaml", "holidays:\n  - {date: \"2026-01-01\", name: 元旦}\n",
                            "2025.yaml:4: holidays[0].date: 2026-01-01 is not in 2025: holiday file for the wrong year"));
    UNIT_ASSERT (s_refused ("2026.yaml", "holidays: []\n",
                            "2026.yaml:2: year: 2025 in the file for 2026: holiday file for the wrong year"));
    UNIT_ASSERT (s_refused ("t.yaml", "holidays:\n  - {from: \"2025-12-30\", to: \"2026-01-02\", name: x}\n",
                            "t.yaml:4: holidays[0].to: 2026-01-02 is not in 2025"));
    UNIT_ASSERT (s_refused ("t.yaml", "holidays:\n  - {date: \"2025-02-29\", name: x}\n",
                            "t.yaml:4: holidays[0].date: \"2025-02-29\" is not a calendar date"));
    UNIT_ASSERT (s_refused ("t.yaml", "holidays:\n  - {date: \"2025-1-5\", name: x}\n", "is not a calendar date"));
    UNIT_ASSERT (s_refused ("t.yaml", "holidays:\n  - {date: [1], name: x}\n", "a list or mapping is not a calendar date"));
    UNIT_ASSERT (s_refused ("t.yaml",
                            "holidays:\n  - {from: \"2025-01-28\", to: \"2025-02-04\", name: 春节}\n"
                            "workdays:\n  - {date: \"2025-02-01\", name: 调休}\n",
                            "t.yaml:6: workdays[0].date: 2025-02-01 is both a holiday and a make-up working day (line 4)"));
    UNIT_ASSERT (s_refused ("t.yaml",
                            "holidays:\n  - {from: \"2025-01-28\", to: \"2025-02-04\", name: 春节}\n"
                            "  - {date: \"2025-02-04\", name: again}\n",
                            "t.yaml:5: holidays[1].date: 2025-02-04 is listed twice (first at line 4)"));
    UNIT_ASSERT (s_refused ("t.yaml",
                            "holidays: []\nworkdays:\n  - {date: \"2025-01-26\", name: a}\n  - {date: \"2025-01-26\", name: b}\n",
                            "listed twice"));
    UNIT_ASSERT (s_refused ("t.yaml", "holidays:\n  - {from: \"2025-02-08\", to: \"2025-02-04\", name: x}\n",
                            "t.yaml:4: holidays[0].to: the range ends (2025-02-04) before it starts (2025-02-08)"));
    UNIT_ASSERT (s_refused ("t.yaml", "holidays:\n  - {date: \"2025-01-01\", nmae: 元旦}\n",
                            "t.yaml:4: holidays[0].nmae: unknown key (did you mean name?)"));
    UNIT_ASSERT (s_refused ("t.yaml", "holidays:\n  - {date: \"2025-01-01\", name: 元旦, closed: yes}\n",
                            "holidays[0].closed: unknown key"));
    UNIT_ASSERT (s_refused ("t.yaml", "holiday: []\n", "t.yaml:3: holiday: unknown key (did you mean holidays?)"));
    UNIT_ASSERT (s_refused ("t.yaml", "holidays: []\nextra: 1\n", "t.yaml:4: extra: unknown key"));
    UNIT_ASSERT (s_refused ("t.yaml", "holidays:\n  - {date: \"2025-01-01\", from: \"2025-01-01\", to: \"2025-01-02\", name: x}\n",
                            "give either date or from and to, not both"));
    UNIT_ASSERT (s_refused ("t.yaml", "holidays:\n  - {from: \"2025-01-01\", name: x}\n", "holidays[0].to: missing"));
    UNIT_ASSERT (s_refused ("t.yaml", "holidays:\n  - {date: \"2025-01-01\"}\n", "holidays[0].name: missing"));
    UNIT_ASSERT (s_refused ("t.yaml", "holidays:\n  - {date: \"2025-01-01\", name: \"\"}\n", "holidays[0].name: must not be empty"));
    UNIT_ASSERT (s_refused ("t.yaml", "holidays:\n  - {date: \"2025-01-01\", name: }\n", "holidays[0].name: a value is required"));
    UNIT_ASSERT (s_refused ("t.yaml", "holidays: []\nworkdays:\n  - {date: \"2025-01-26\", name: x, as: funday}\n",
                            "workdays[0].as: \"funday\" is not one of: mon, tue, wed, thu, fri, sat, sun"));
    UNIT_ASSERT (s_refused ("t.yaml",
                            "holidays: []\nworkdays:\n  - {date: \"2025-01-26\", name: x, as: mon, hours: [\"09:00-17:00\"]}\n",
                            "workdays[0].hours: give either as"));
    UNIT_ASSERT (s_refused ("t.yaml", "holidays: []\nworkdays:\n  - {date: \"2025-01-26\", name: x, hours: [\"18:00-08:00\"]}\n",
                            "workdays[0].hours[0]: expected \"HH:MM-HH:MM\""));
    UNIT_ASSERT (s_refused ("t.yaml",
                            "holidays: []\nworkdays:\n  - {date: \"2025-01-26\", name: x, hours: [\"09:00-12:00\", \"11:00-13:00\"]}\n",
                            "workdays[0].hours[1]: \"11:00-13:00\" overlaps"));
    UNIT_ASSERT (s_refused ("t.yaml", "holidays: []\nworkdays:\n  - {date: \"2025-01-26\", name: x, hours: []}\n",
                            "expected 1 to 8 intervals"));
    UNIT_ASSERT (s_refused ("t.yaml", "workdays: []\n", "t.yaml:1: holidays: missing"));
    UNIT_ASSERT (s_refused ("t.yaml", "holidays: {a: 1}\n", "holidays: expected a list"));
    char err[256] = "";
    UNIT_ASSERT (hol_load_string ("t.yaml", "calendar: cn\nyear: 1800\nholidays: []\n", err, sizeof err) == NULL);
    UNIT_ASSERT_CONTAINS (err, "t.yaml:2: year:");
    UNIT_ASSERT (hol_load_string ("t.yaml", "calendar: \"c n\"\nyear: 2025\nholidays: []\n", err, sizeof err) == NULL);
    UNIT_ASSERT_CONTAINS (err, "t.yaml:1: calendar: expected an identifier");
    UNIT_ASSERT (hol_load_string ("t.yaml", "", err, sizeof err) == NULL);
    UNIT_ASSERT_CONTAINS (err, "empty file");
    UNIT_ASSERT (hol_load_file ("/nonexistent/2025.yaml", err, sizeof err) == NULL);
    UNIT_ASSERT_CONTAINS (err, "cannot open");
}

static void s_remove (const char *dir, const char *name)
{
    char path[512];
    snprintf (path, sizeof path, "%s/%s", dir, name);
    unlink (path);
}

UNIT_TEST (holidays_directory_rules)
{
    char root[128], dir[256], err[512] = "";
    UNIT_ASSERT (unit_temp_dir ("hol", root, sizeof root) == 0);
    snprintf (dir, sizeof dir, "%s/xx", root);
    UNIT_ASSERT (mkdir (dir, 0700) == 0);
    /* Empty: refused. */
    hol_t *hol = hol_load_dir (root, "xx", err, sizeof err);
    UNIT_ASSERT (hol == NULL);
    UNIT_ASSERT_CONTAINS (err, "no holiday files");
    /* Two good years and a README (ignored). */
    UNIT_ASSERT (unit_write_file (dir, "2025.yaml", "calendar: xx\nyear: 2025\nholidays:\n  - {date: \"2025-01-01\", name: a}\n") == 0);
    UNIT_ASSERT (unit_write_file (dir, "2026.yaml", "calendar: xx\nyear: 2026\nholidays:\n  - {date: \"2026-01-01\", name: b}\n") == 0);
    UNIT_ASSERT (unit_write_file (dir, "README.md", "notes\n") == 0);
    hol = hol_load_dir (root, "xx", err, sizeof err);
    if (!hol)
        printf ("    %s\n", err);
    UNIT_ASSERT (hol && hol_count (hol) == 2 && hol_has_year (hol, 2026));
    hol_destroy (&hol);
    /* The wrong calendar inside. */
    UNIT_ASSERT (unit_write_file (dir, "2027.yaml", "calendar: cn\nyear: 2027\nholidays: []\n") == 0);
    UNIT_ASSERT (hol_load_dir (root, "xx", err, sizeof err) == NULL);
    UNIT_ASSERT_CONTAINS (err, "2027.yaml:1: calendar: \"cn\" where calendar \"xx\" was expected");
    /* The wrong year inside. */
    UNIT_ASSERT (unit_write_file (dir, "2027.yaml", "calendar: xx\nyear: 2028\nholidays: []\n") == 0);
    UNIT_ASSERT (hol_load_dir (root, "xx", err, sizeof err) == NULL);
    UNIT_ASSERT_CONTAINS (err, "2027.yaml:2: year: 2028 in the file for 2027: holiday file for the wrong year");
    s_remove (dir, "2027.yaml");
    /* A YAML file not named <year>.yaml is refused rather than silently skipped. */
    UNIT_ASSERT (unit_write_file (dir, "2027.yml", "calendar: xx\nyear: 2027\nholidays: []\n") == 0);
    UNIT_ASSERT (hol_load_dir (root, "xx", err, sizeof err) == NULL);
    UNIT_ASSERT_CONTAINS (err, "2027.yml: holiday files are named <year>.yaml");
    s_remove (dir, "2027.yml");
    /* Calendar names cannot walk out of the root. */
    UNIT_ASSERT (hol_load_dir (root, "../etc", err, sizeof err) == NULL);
    UNIT_ASSERT_CONTAINS (err, "not a holiday calendar name");
    UNIT_ASSERT (hol_load_dir (root, "nothere", err, sizeof err) == NULL);
    UNIT_ASSERT_CONTAINS (err, "cannot open");
    s_remove (dir, "2025.yaml");
    s_remove (dir, "2026.yaml");
    s_remove (dir, "README.md");
    rmdir (dir);
    rmdir (root);
}
