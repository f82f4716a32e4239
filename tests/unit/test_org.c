/*  Unit tests for common/ref/org: the demo organisation loads intact (Chinese
 *  text byte for byte), each kind of bad input is refused with
 *  file:line: key, weekly hours convert to and from JSON, and branches'
 *  holiday calendars load from calendars_dir (relative to the file) or are
 *  refused at the branch's `calendar` key. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/stat.h>

#include "time/calendar.h"
#include "time/holidays.h"
#include "ref/org.h"
#include "unit.h"

static int s_find_branch (const org_t *org, const char *id)
{
    for (int i = 0; i < org->n_branches; i++)
        if (strcmp (org->branches[i].id, id) == 0)
            return i;
    return -1;
}

UNIT_TEST (org_demo_file_loads)
{
    char path[512], err[512] = "";
    org_t *org = org_load (unit_repo_file ("deploy/demo/org.yaml", path, sizeof path), err, sizeof err);
    if (!org)
        printf ("    %s\n", err);
    UNIT_ASSERT (org);
    UNIT_ASSERT_INT_EQ (org->n_tiers, 3);
    UNIT_ASSERT_STR_EQ (org->tiers[0], "city");
    UNIT_ASSERT_INT_EQ (org->n_regions, 2);
    UNIT_ASSERT (strcmp (org->regions[0].tier, org->regions[1].tier) != 0);
    UNIT_ASSERT_STR_EQ (org->regions[0].name, "\xe4\xb8\x8a\xe6\xb5\xb7\xe5\xb8\x82\xe5\x8c\xba"); /* 上海市区 */
    UNIT_ASSERT_INT_EQ (org->n_branches, 3);
    int sh01 = s_find_branch (org, "SH01"), sh02 = s_find_branch (org, "SH02");
    UNIT_ASSERT (sh01 >= 0 && sh02 >= 0);
    UNIT_ASSERT_STR_EQ (org->branches[sh01].name, "上海徐汇服务站");
    UNIT_ASSERT_STR_EQ (org->branches[sh01].timezone, "Asia/Shanghai");
    UNIT_ASSERT_INT_EQ (org->branches[sh01].hours.n[6], 1);  /* open on Sunday */
    UNIT_ASSERT_INT_EQ (org->branches[sh02].hours.n[0], 2);  /* lunch break */
    UNIT_ASSERT_INT_EQ (org->branches[sh02].hours.n[6], 0);  /* closed on Sunday */
    UNIT_ASSERT (hours_week_contains (&org->branches[sh02].hours, 0, 8 * 60 + 30));
    UNIT_ASSERT (!hours_week_contains (&org->branches[sh02].hours, 0, 12 * 60 + 30));
    UNIT_ASSERT (org->n_technicians >= 10);
    bool grades[4] = { false }, night_senior = false, some_premium = false;
    for (int i = 0; i < org->n_technicians; i++) {
        const org_technician_t *t = &org->technicians[i];
        grades[t->grade] = true;
        UNIT_ASSERT (t->capacity >= 1 && t->capacity <= 100);
        UNIT_ASSERT (t->n_skills >= 1);
        if (t->grade == GRADE_SENIOR && t->active && hours_week_contains (&t->shift, 6, 3 * 60))
            night_senior = true;
    }
    UNIT_ASSERT (grades[0] && grades[1] && grades[2] && grades[3]);
    UNIT_ASSERT (night_senior);
    for (int i = 0; i < org->n_products; i++)
        some_premium |= org->products[i].premium;
    UNIT_ASSERT (some_premium);
    UNIT_ASSERT (org->n_customers >= 6);
    UNIT_ASSERT_STR_EQ (org->customers[0].name, "王秀英");
    UNIT_ASSERT_STR_EQ (org->customers[0].address, "上海市徐汇区漕溪北路88号2单元1201室");
    UNIT_ASSERT_STR_EQ (org->customers[0].class_, "vip");
    UNIT_ASSERT_INT_EQ (org->customers[0].n_cards, 2);
    UNIT_ASSERT_STR_EQ (org->customers[0].cards[0].purchase_date, "2024-03-12");
    UNIT_ASSERT (org->customers[3].branch == NULL);
    UNIT_ASSERT_STR_EQ (org->customers[4].class_, "regular");
    org_destroy (&org);
    UNIT_ASSERT (org == NULL);
    org_destroy (&org);
}

/*  A small valid organisation; the bad-input tests change one piece of it.
 *  Line numbers are referred to in the expectations below. */
static const char *s_base = "tiers: [city, surrounding]\n"                              /* 1 */
                            "regions:\n"                                                 /* 2 */
                            "  - {id: R1, name: 区一, tier: city}\n"                     /* 3 */
                            "branches:\n"                                                /* 4 */
                            "  - id: B1\n"                                               /* 5 */
                            "    name: 站一\n"                                           /* 6 */
                            "    region: R1\n"                                           /* 7 */
                            "    timezone: Asia/Shanghai\n"                              /* 8 */
                            "    hours:\n"                                               /* 9 */
                            "      mon: [\"08:00-12:00\", \"13:00-18:00\"]\n"            /* 10 */
                            "products:\n"                                                /* 11 */
                            "  - {code: P1, name: 产品, line: ac}\n"                     /* 12 */
                            "technicians:\n"                                             /* 13 */
                            "  - id: T1\n"                                               /* 14 */
                            "    name: 技师\n"                                           /* 15 */
                            "    branch: B1\n"                                           /* 16 */
                            "    grade: senior\n"                                        /* 17 */
                            "    skills: [ac]\n"                                         /* 18 */
                            "    capacity: 3\n"                                          /* 19 */
                            "    shift:\n"                                               /* 20 */
                            "      mon: [\"08:00-18:00\"]\n"                             /* 21 */
                            "customers:\n"                                               /* 22 */
                            "  - id: C1\n"                                               /* 23 */
                            "    name: 客户\n"                                           /* 24 */
                            "    phone: \"13800000000\"\n"                               /* 25 */
                            "    address: 地址\n"                                        /* 26 */
                            "    region: R1\n"                                           /* 27 */
                            "    cards:\n"                                               /* 28 */
                            "      - {card_no: W1, product: P1, serial: S1, purchase_date: \"2024-02-29\"}\n"; /* 29 */

static char *s_variant (const char *from, const char *to)
{
    return unit_replace (s_base, from, to);
}

/*  The variant must be refused with an error containing `expected`. */
static bool s_refused (const char *from, const char *to, const char *expected)
{
    char *text = s_variant (from, to);
    if (!text) {
        printf ("    test bug: \"%s\" not in the base text\n", from);
        return false;
    }
    char err[512] = "";
    org_t *org = org_load_string ("org.yaml", text, err, sizeof err);
    bool loaded = org != NULL;
    org_destroy (&org);
    char what[512];
    snprintf (what, sizeof what, "%s -> %s", from, to);
    free (text);
    return unit_refused (loaded, what, err, expected);
}

UNIT_TEST (org_base_text_is_valid)
{
    char err[512] = "";
    org_t *org = org_load_string ("org.yaml", s_base, err, sizeof err);
    if (!org)
        printf ("    %s\n", err);
    UNIT_ASSERT (org);
    UNIT_ASSERT_INT_EQ (org->branches[0].hours.n[0], 2);
    UNIT_ASSERT_INT_EQ (org->branches[0].hours.iv[0][1].start_min, 13 * 60);
    UNIT_ASSERT_INT_EQ (org->technicians[0].grade, GRADE_SENIOR);
    UNIT_ASSERT (org->technicians[0].active);
    UNIT_ASSERT_INT_EQ (org->products[0].warranty_months, 12);
    UNIT_ASSERT (!org->products[0].premium);
    org_destroy (&org);
}

UNIT_TEST (org_refuses_typos_and_wrong_types)
{
    UNIT_ASSERT (s_refused ("    timezone:", "    timezon:",
                            "org.yaml:8: branches[0].timezon: unknown key (did you mean timezone?)"));
    UNIT_ASSERT (s_refused ("products:", "prodcts:", "org.yaml:11: prodcts: unknown key"));
    UNIT_ASSERT (s_refused ("    timezone: Asia/Shanghai\n", "    timezone: Asia/Shanghai\n    colour: red\n",
                            "org.yaml:9: branches[0].colour: unknown key (expected one of: id, name, region, timezone, hours, calendar)"));
    UNIT_ASSERT (s_refused ("    shift:", "    shfit:", "org.yaml:20: technicians[0].shfit: unknown key (did you mean shift?)"));
    UNIT_ASSERT (s_refused ("    skills: [ac]\n", "", "org.yaml:14: technicians[0].skills: missing (required key; a list of product lines)"));
    UNIT_ASSERT (s_refused ("      mon: [\"08:00-18:00\"]", "      mond: [\"08:00-18:00\"]",
                            "org.yaml:21: technicians[0].shift.mond: unknown key (expected one of: mon, tue, wed, thu, fri, sat, sun)"));
    UNIT_ASSERT (s_refused ("capacity: 3", "capacity: lots",
                            "org.yaml:19: technicians[0].capacity: must be an integer from 1 to 100 (found \"lots\")"));
    UNIT_ASSERT (s_refused ("grade: senior", "grade: master",
                            "org.yaml:17: technicians[0].grade: \"master\" is not one of: trainee, junior, intermediate, senior"));
    UNIT_ASSERT (s_refused ("    skills: [ac]", "    skills: ac", "org.yaml:18: technicians[0].skills: expected a list"));
    UNIT_ASSERT (s_refused ("    hours:\n      mon: [\"08:00-12:00\", \"13:00-18:00\"]\n", "    hours: closed\n", "org.yaml:9: branches[0].hours: expected a mapping"));
    UNIT_ASSERT (s_refused ("line: ac}", "line: ac, premium: maybe}", "org.yaml:12: products[0].premium: must be true or false"));
    UNIT_ASSERT (s_refused ("    name: 技师\n", "", "org.yaml:14: technicians[0].name: missing (required key)"));
    UNIT_ASSERT (s_refused ("tiers: [city, surrounding]\n", "", "org.yaml:1: tiers: missing (required key; a list)"));
}

UNIT_TEST (org_refuses_out_of_range_values)
{
    UNIT_ASSERT (s_refused ("capacity: 3", "capacity: 0", "org.yaml:19: technicians[0].capacity: must be an integer from 1 to 100"));
    UNIT_ASSERT (s_refused ("capacity: 3", "capacity: 101", "technicians[0].capacity: must be an integer from 1 to 100"));
    UNIT_ASSERT (s_refused ("line: ac}", "line: ac, warranty_months: 121}",
                            "org.yaml:12: products[0].warranty_months: must be an integer from 0 to 120"));
    UNIT_ASSERT (s_refused ("id: T1", "id: T1 with spaces", "org.yaml:14: technicians[0].id: \"T1 with spaces\" is not an identifier"));
    UNIT_ASSERT (s_refused ("id: T1", "id: T123456789012345678901234567890123", "is not an identifier (1 to 32"));
    UNIT_ASSERT (s_refused ("phone: \"13800000000\"", "phone: \"call me\"", "org.yaml:25: customers[0].phone: expected a phone number"));
    UNIT_ASSERT (s_refused ("    name: 客户", "    name: \"\"", "org.yaml:24: customers[0].name: must not be empty"));
    UNIT_ASSERT (s_refused ("    name: 客户", "    name: \"a\\tb\"", "customers[0].name: must not contain control characters"));
    UNIT_ASSERT (s_refused ("    region: R1\n    cards", "    region: R1\n    class: gold\n    cards", "\"gold\" is not one of: regular, important, vip"));
}

UNIT_TEST (org_refuses_bad_intervals)
{
    UNIT_ASSERT (s_refused ("[\"08:00-12:00\", \"13:00-18:00\"]", "[\"08:00-12:00\", \"11:00-18:00\"]",
                            "org.yaml:10: branches[0].hours.mon[1]: \"11:00-18:00\" overlaps or comes before the previous interval"));
    UNIT_ASSERT (s_refused ("[\"08:00-12:00\", \"13:00-18:00\"]", "[\"13:00-18:00\", \"08:00-12:00\"]",
                            "branches[0].hours.mon[1]: \"08:00-12:00\" overlaps or comes before"));
    UNIT_ASSERT (s_refused ("[\"08:00-18:00\"]", "[\"18:00-08:00\"]",
                            "org.yaml:21: technicians[0].shift.mon[0]: inverted or empty interval \"18:00-08:00\""));
    UNIT_ASSERT (s_refused ("[\"08:00-18:00\"]", "[\"08:00-08:00\"]", "inverted or empty interval"));
    UNIT_ASSERT (s_refused ("[\"08:00-18:00\"]", "[\"8:00-18:00\"]",
                            "org.yaml:21: technicians[0].shift.mon[0]: expected \"HH:MM-HH:MM\" (00:00 to 24:00), found \"8:00-18:00\""));
    UNIT_ASSERT (s_refused ("[\"08:00-18:00\"]", "[\"08:00-24:30\"]", "expected \"HH:MM-HH:MM\""));
    UNIT_ASSERT (s_refused ("[\"08:00-18:00\"]", "[\"08:60-18:00\"]", "expected \"HH:MM-HH:MM\""));
    UNIT_ASSERT (s_refused ("[\"08:00-18:00\"]", "[[\"08:00\"]]", "found a list or mapping"));
}

UNIT_TEST (org_refuses_unknown_time_zones)
{
    UNIT_ASSERT (s_refused ("Asia/Shanghai", "Asia/Shanghia",
                            "org.yaml:8: branches[0].timezone: unknown time zone \"Asia/Shanghia\" (expected an IANA name"));
    UNIT_ASSERT (s_refused ("Asia/Shanghai", "../../etc/passwd", "unknown time zone \"../../etc/passwd\""));
    UNIT_ASSERT (s_refused ("Asia/Shanghai", "/etc/passwd", "unknown time zone"));
    UNIT_ASSERT (s_refused ("Asia/Shanghai", "Asia", "unknown time zone \"Asia\""));
    UNIT_ASSERT (s_refused ("Asia/Shanghai", "zone.tab", "unknown time zone \"zone.tab\""));
}

UNIT_TEST (org_refuses_unknown_references)
{
    UNIT_ASSERT (s_refused ("tier: city}", "tier: town}",
                            "org.yaml:3: regions[0].tier: unknown tier \"town\" (expected one of: city, surrounding)"));
    UNIT_ASSERT (s_refused ("    region: R1\n    timezone", "    region: R9\n    timezone",
                            "org.yaml:7: branches[0].region: unknown region \"R9\" (expected one of: R1)"));
    UNIT_ASSERT (s_refused ("branch: B1", "branch: B2", "org.yaml:16: technicians[0].branch: unknown branch \"B2\" (expected one of: B1)"));
    UNIT_ASSERT (s_refused ("skills: [ac]", "skills: [ac, fridge]",
                            "org.yaml:18: technicians[0].skills[1]: unknown product line \"fridge\" (expected one of: ac)"));
    UNIT_ASSERT (s_refused ("    region: R1\n    cards", "    region: RX\n    cards",
                            "org.yaml:27: customers[0].region: unknown region \"RX\""));
    UNIT_ASSERT (s_refused ("product: P1", "product: P2",
                            "org.yaml:29: customers[0].cards[0].product: unknown product \"P2\" (expected one of: P1)"));
    UNIT_ASSERT (s_refused ("    region: R1\n    cards", "    region: R1\n    branch: B7\n    cards",
                            "org.yaml:28: customers[0].branch: unknown branch \"B7\""));
}

UNIT_TEST (org_refuses_duplicates_and_bad_dates)
{
    UNIT_ASSERT (s_refused ("  - {id: R1, name: 区一, tier: city}\n",
                            "  - {id: R1, name: 区一, tier: city}\n  - {id: R1, name: 区二, tier: city}\n",
                            "org.yaml:4: regions[1].id: duplicate region id \"R1\" (first at line 3)"));
    UNIT_ASSERT (s_refused ("tiers: [city, surrounding]", "tiers: [city, city]", "org.yaml:1: tiers[1]: duplicate tier \"city\""));
    UNIT_ASSERT (s_refused ("      - {card_no: W1, product: P1, serial: S1, purchase_date: \"2024-02-29\"}\n",
                            "      - {card_no: W1, product: P1, serial: S1, purchase_date: \"2024-02-29\"}\n"
                            "      - {card_no: W1, product: P1, serial: S2, purchase_date: \"2024-03-01\"}\n",
                            "org.yaml:30: customers[0].cards[1].card_no: duplicate card number \"W1\" (first at line 29)"));
    UNIT_ASSERT (s_refused ("2024-02-29", "2023-02-29",
                            "org.yaml:29: customers[0].cards[0].purchase_date: \"2023-02-29\" is not a calendar date (expected YYYY-MM-DD"));
    UNIT_ASSERT (s_refused ("2024-02-29", "2024-13-01", "is not a calendar date"));
    UNIT_ASSERT (s_refused ("2024-02-29", "2024-4-01", "is not a calendar date"));
    UNIT_ASSERT (s_refused ("2024-02-29", "2024-04-31", "is not a calendar date"));
    UNIT_ASSERT (s_refused ("    grade: senior\n", "    grade: senior\n    grade: junior\n",
                            "org.yaml:18: technicians[0].grade: duplicate key (first at line 17)"));
    UNIT_ASSERT (s_refused ("  - {id: R1, name: 区一, tier: city}", "  - {id: R1, name: &n 区一, tier: city}", "org.yaml:3: regions[0].name: anchors"));
    UNIT_ASSERT (s_refused ("    name: 站一", "    name: *n", "org.yaml:6: branches[0].name: aliases (*n) are not supported"));
}

UNIT_TEST (org_refuses_branch_outside_customer_region)
{
    char *text = s_variant ("  - {id: R1, name: 区一, tier: city}\n",
                            "  - {id: R1, name: 区一, tier: city}\n  - {id: R2, name: 区二, tier: surrounding}\n");
    UNIT_ASSERT (text);
    /* Customer in R2 served by B1 of R1: refused. */
    char *bad = unit_replace (text, "    region: R1\n    cards", "    region: R2\n    branch: B1\n    cards");
    free (text);
    UNIT_ASSERT (bad);
    char err[512] = "";
    org_t *org = org_load_string ("org.yaml", bad, err, sizeof err);
    free (bad);
    UNIT_ASSERT (org == NULL);
    UNIT_ASSERT_CONTAINS (err, "customers[0].branch: branch \"B1\" serves region \"R1\", not the customer's region \"R2\"");
}

UNIT_TEST (org_interval_parse_bounds)
{
    hours_interval_t iv;
    UNIT_ASSERT_INT_EQ (hours_interval_parse ("00:00-24:00", &iv), 0);
    UNIT_ASSERT_INT_EQ (iv.start_min, 0);
    UNIT_ASSERT_INT_EQ (iv.end_min, 1440);
    UNIT_ASSERT_INT_EQ (hours_interval_parse ("08:30-12:00", &iv), 0);
    UNIT_ASSERT_INT_EQ (iv.start_min, 510);
    UNIT_ASSERT_INT_EQ (hours_interval_parse ("24:00-24:00", &iv), -1);
    UNIT_ASSERT_INT_EQ (hours_interval_parse ("12:00-08:00", &iv), -1);
    UNIT_ASSERT_INT_EQ (hours_interval_parse ("12:00-12:00", &iv), -1);
    UNIT_ASSERT_INT_EQ (hours_interval_parse ("12:00-12:00 ", &iv), -1);
    UNIT_ASSERT_INT_EQ (hours_interval_parse ("1200-1300", &iv), -1);
    UNIT_ASSERT_INT_EQ (hours_interval_parse ("12:00~13:00", &iv), -1);
    UNIT_ASSERT_INT_EQ (hours_interval_parse ("", &iv), -1);
    UNIT_ASSERT_INT_EQ (hours_interval_parse (NULL, &iv), -1);
    org_grade_t grade;
    UNIT_ASSERT_INT_EQ (org_grade_parse ("junior", &grade), 0);
    UNIT_ASSERT_INT_EQ (grade, GRADE_JUNIOR);
    UNIT_ASSERT_INT_EQ (org_grade_parse ("Junior", &grade), -1);
    UNIT_ASSERT_INT_EQ (org_grade_parse (NULL, &grade), -1);
}

UNIT_TEST (org_week_json_round_trip)
{
    hours_week_t week;
    memset (&week, 0, sizeof week);
    week.n[0] = 2;
    week.iv[0][0] = (hours_interval_t) { 510, 720 };
    week.iv[0][1] = (hours_interval_t) { 780, 1050 };
    week.n[6] = 1;
    week.iv[6][0] = (hours_interval_t) { 0, 1440 };
    char *json = hours_week_to_json (&week);
    UNIT_ASSERT_STR_EQ (json, "{\"mon\":[\"08:30-12:00\",\"13:00-17:30\"],\"sun\":[\"00:00-24:00\"]}");
    hours_week_t back;
    UNIT_ASSERT_INT_EQ (hours_week_from_json (json, &back), 0);
    free (json);
    UNIT_ASSERT_INT_EQ (back.n[0], 2);
    UNIT_ASSERT_INT_EQ (back.n[1], 0);
    UNIT_ASSERT_INT_EQ (back.iv[0][1].end_min, 1050);
    UNIT_ASSERT (hours_week_contains (&back, 6, 1439));
    UNIT_ASSERT (hours_week_contains (&back, 0, 510));
    UNIT_ASSERT (!hours_week_contains (&back, 0, 720));  /* end is exclusive */
    UNIT_ASSERT (!hours_week_contains (&back, 0, 509));
    UNIT_ASSERT (!hours_week_contains (&back, 1, 600));
    UNIT_ASSERT (!hours_week_contains (&back, 7, 600));
    UNIT_ASSERT (!hours_week_contains (&back, -1, 600));
    UNIT_ASSERT (!hours_week_contains (&back, 6, 1440));
    UNIT_ASSERT (!hours_week_contains (NULL, 0, 600));

    UNIT_ASSERT_INT_EQ (hours_week_from_json ("{}", &back), 0);
    UNIT_ASSERT_INT_EQ (back.n[0], 0);
    UNIT_ASSERT_INT_EQ (hours_week_from_json ("{\"mon\":[],\"tue\":[\"09:00-10:00\"]}", &back), 0);
    UNIT_ASSERT_INT_EQ (back.n[1], 1);
    const char *bad[] = {
        "", "[]", "{\"mon\":\"08:00-18:00\"}", "{\"monday\":[]}", "{\"mon\":[],\"mon\":[]}",
        "{\"mon\":[\"18:00-08:00\"]}", "{\"mon\":[\"08:00-12:00\",\"11:00-13:00\"]}", "{\"mon\":[8]}",
        "{\"mon\":[]} x", "{\"mon\":[\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\",\"8\",\"9\"]}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        UNIT_ASSERT_INT_EQ (hours_week_from_json (bad[i], &back), -1);
    UNIT_ASSERT_INT_EQ (hours_week_from_json (NULL, &back), -1);
    week.n[2] = HOURS_MAX_INTERVALS + 1;
    UNIT_ASSERT (hours_week_to_json (&week) == NULL);
}

/* ---------------------------------------------------------------- holiday calendars */

/*  The base text with branch B1 observing `calendar` (line 9) and, when
 *  dir is not NULL, a calendars_dir (appended, line 31). Caller frees. */
static char *s_with_calendar (const char *calendar, const char *dir)
{
    char branch[128], *text;
    snprintf (branch, sizeof branch, "    timezone: Asia/Shanghai\n    calendar: %s\n", calendar);
    char *with = s_variant ("    timezone: Asia/Shanghai\n", branch);
    if (!with || !dir)
        return with;
    size_t len = strlen (with) + strlen (dir) + 32;
    if ((text = malloc (len)))
        snprintf (text, len, "%scalendars_dir: %s\n", with, dir);
    free (with);
    return text;
}

/*  The absolute path of the repository's deploy/calendars. */
static const char *s_calendars_root (char *buf, size_t size)
{
    char rel[512];
    if (!realpath (unit_repo_file ("deploy/calendars", rel, sizeof rel), buf))
        snprintf (buf, size, "deploy/calendars");
    return buf;
}

static bool s_calendar_refused (const char *name, const char *calendar, const char *dir, const char *expected)
{
    char *text = s_with_calendar (calendar, dir), err[1024] = "";
    org_t *org = text ? org_load_string (name, text, err, sizeof err) : NULL;
    bool loaded = org != NULL;
    org_destroy (&org);
    bool ok = text && unit_refused (loaded, text, err, expected);
    free (text);
    return ok;
}

UNIT_TEST (org_branch_calendars_load)
{
    char root[4096], err[1024] = "";
    char *text = s_with_calendar ("cn", s_calendars_root (root, sizeof root));
    UNIT_ASSERT (text);
    org_t *org = org_load_string ("org.yaml", text, err, sizeof err);
    free (text);
    if (!org)
        printf ("    %s\n", err);
    UNIT_ASSERT (org);
    UNIT_ASSERT_STR_EQ (org->branches[0].calendar, "cn");
    UNIT_ASSERT_STR_EQ (org->calendars_path, root);
    UNIT_ASSERT_INT_EQ (org->n_calendars, 1);
    const hol_t *cn = org_calendar (org, "cn");
    UNIT_ASSERT (cn && hol_has_year (cn, 2025) && hol_has_year (cn, 2026) && !hol_has_year (cn, 2027));
    UNIT_ASSERT (org_calendar (org, "us") == NULL);
    org_destroy (&org);

    /* Without `calendar` a branch observes no holidays, and calendars_dir is optional. */
    org = org_load_string ("org.yaml", s_base, err, sizeof err);
    UNIT_ASSERT (org);
    UNIT_ASSERT (org->branches[0].calendar == NULL && org->calendars_dir == NULL && org->n_calendars == 0);
    org_destroy (&org);

    /* The demo organisation: every branch observes cn, loaded once, from ../calendars of deploy/demo/. */
    char path[512];
    org = org_load (unit_repo_file ("deploy/demo/org.yaml", path, sizeof path), err, sizeof err);
    if (!org)
        printf ("    %s\n", err);
    UNIT_ASSERT (org);
    UNIT_ASSERT_STR_EQ (org->calendars_dir, "../calendars");
    UNIT_ASSERT_INT_EQ (org->n_calendars, 1);
    for (int i = 0; i < org->n_branches; i++)
        UNIT_ASSERT_STR_EQ (org->branches[i].calendar, "cn");
    org_destroy (&org);
}

UNIT_TEST (org_calendars_dir_is_relative_to_the_file)
{
    char root[4096], name[4200], err[1024] = "";
    s_calendars_root (root, sizeof root);
    /* <repo>/deploy/demo/org.yaml with calendars_dir ../calendars: <repo>/deploy/calendars,
     * whatever the current directory. */
    char *slash = strrchr (root, '/');
    UNIT_ASSERT (slash);
    snprintf (name, sizeof name, "%.*s/demo/org.yaml", (int) (slash - root), root);
    char *text = s_with_calendar ("cn", "../calendars");
    UNIT_ASSERT (text);
    org_t *org = org_load_string (name, text, err, sizeof err);
    free (text);
    if (!org)
        printf ("    %s\n", err);
    UNIT_ASSERT (org && org->n_calendars == 1);
    org_destroy (&org);
    /* The same from a file in another directory is refused, saying where it looked. */
    snprintf (name, sizeof name, "/nonexistent-kefu/org.yaml");
    UNIT_ASSERT (s_calendar_refused (name, "cn", "../calendars",
                                     "org.yaml:31: calendars_dir: \"../calendars\" is not a directory (looked for "
                                     "/nonexistent-kefu/../calendars"));
}

UNIT_TEST (org_refuses_bad_calendars)
{
    char root[4096];
    s_calendars_root (root, sizeof root);
    /* A typo'd calendar name: refused at the branch's key, naming the directory looked in. */
    UNIT_ASSERT (s_calendar_refused ("org.yaml", "cm", root, "org.yaml:9: branches[0].calendar: holiday calendar \"cm\": "));
    UNIT_ASSERT (s_calendar_refused ("org.yaml", "cm", root, "/cm: cannot open the holiday calendar"));
    /* A calendar without calendars_dir. */
    UNIT_ASSERT (s_calendar_refused ("org.yaml", "cn", NULL,
                                     "org.yaml:9: branches[0].calendar: holiday calendar \"cn\" named but the file "
                                     "has no calendars_dir"));
    /* Names are what the database accepts: a-z 0-9 _ -. */
    UNIT_ASSERT (s_calendar_refused ("org.yaml", "CN", root,
                                     "org.yaml:9: branches[0].calendar: \"CN\" is not a holiday calendar name"));
    UNIT_ASSERT (s_calendar_refused ("org.yaml", "../cn", root, "is not a holiday calendar name"));
    UNIT_ASSERT (s_calendar_refused ("org.yaml", "c23456789012345678901234567890123", root,
                                     "is not a holiday calendar name (1 to 32"));
    UNIT_ASSERT (s_calendar_refused ("org.yaml", "cn", "\"\"", "org.yaml:31: calendars_dir: must not be empty"));
    UNIT_ASSERT (s_calendar_refused ("org.yaml", "cn", "/nonexistent-kefu-calendars",
                                     "calendars_dir: \"/nonexistent-kefu-calendars\" is not a directory"));
    UNIT_ASSERT (s_calendar_refused ("org.yaml", "cn", "/etc/hostname", "is not a directory"));
    UNIT_ASSERT (s_refused ("tiers:", "calendar_dir: x\ntiers:", "org.yaml:1: calendar_dir: unknown key (expected one of: tiers, regions, branches, products, "
                            "technicians, customers, calendars_dir, centres, organisations, staff, service_accounts, "
                            "parts, lots)"));
}

UNIT_TEST (org_refuses_a_bad_holiday_file)
{
    char dir[64], sub[128], file[192];
    UNIT_ASSERT (unit_temp_dir ("org-cal", dir, sizeof dir) == 0);
    snprintf (sub, sizeof sub, "%s/cn", dir);
    snprintf (file, sizeof file, "%s/2025.yaml", sub);
    /* line 4: a date of the wrong year */
    bool written = mkdir (sub, 0755) == 0
                   && unit_write_file (sub, "2025.yaml",
                                       "calendar: cn\nyear: 2025\nholidays:\n  - {date: \"2026-01-01\", name: 元旦}\n")
                          == 0;
    bool refused = written
                   && s_calendar_refused ("org.yaml", "cn", dir,
                                          "org.yaml:9: branches[0].calendar: holiday calendar \"cn\": ");
    bool located = written && s_calendar_refused ("org.yaml", "cn", dir, "/cn/2025.yaml:4: holidays[0].date: ");
    bool why = written && s_calendar_refused ("org.yaml", "cn", dir, "holiday file for the wrong year");
    remove (file);
    rmdir (sub);
    rmdir (dir);
    UNIT_ASSERT (written);
    UNIT_ASSERT (refused && located && why);
}

UNIT_TEST (org_time_zones_load_like_calendars)
{
    /* Every zone org accepts loads with tz_load, and cal_new accepts it: the same check. */
    const char *zones[] = { "Asia/Shanghai", "America/New_York", "UTC", "Asia/Urumqi" };
    for (size_t i = 0; i < sizeof zones / sizeof *zones; i++) {
        char to[64], err[512] = "";
        snprintf (to, sizeof to, "%s", zones[i]);
        char *text = s_variant ("Asia/Shanghai", to);
        UNIT_ASSERT (text);
        org_t *org = org_load_string ("org.yaml", text, err, sizeof err);
        free (text);
        if (!org)
            printf ("    %s: %s\n", zones[i], err);
        UNIT_ASSERT (org);
        cal_t *cal = cal_new (org->branches[0].timezone, &org->branches[0].hours, err, sizeof err);
        UNIT_ASSERT (cal);
        cal_destroy (&cal);
        org_destroy (&org);
    }
    /* A file that exists in the zone directory but is not a zone. */
    UNIT_ASSERT (s_refused ("Asia/Shanghai", "zone1970.tab", "unknown time zone \"zone1970.tab\""));
    UNIT_ASSERT (s_refused ("Asia/Shanghai", "right/../Asia/Shanghai", "unknown time zone"));
}
