/*  qc's monthly scores: the arithmetic (parts, rounding, clamping to
 *  0–100, the threshold), months in the branch's zone, and the scores
 *  file's refusals (services/qc/scores_calc.c, scores_rules.c). */
#include <stdio.h>
#include <string.h>

#include "../../services/qc/scores_calc.h"
#include "../../services/qc/scores_rules.h"
#include "unit.h"

static const char s_rules[] =
    "threshold: 85\n"
    "agents:\n"
    "  sample_percent: 10\n"
    "  complaint_points: 2\n"
    "  form:\n"
    "    - {item: greeting, weight: 40}\n"
    "    - {item: accuracy, weight: 60}\n"
    "technicians: {first_pass: 30, arrival_sla: 25, callback_satisfaction: 20, complaint_handling: 15,"
    " regional_assessment: 10}\n"
    "providers: {first_pass: 50, arrival_sla: 50}\n"
    "events:\n"
    "  - {code: late_reply, points: -1, name: 回复不及时}\n"
    "  - {code: customer_praise, points: 1.5}\n";

UNIT_TEST (qc_scores_parts_round_half_up_and_count_nothing_measured_as_whole)
{
    UNIT_ASSERT_INT_EQ (sc_part_cp (30, 9, 10), 2700);   /* 27.00 */
    UNIT_ASSERT_INT_EQ (sc_part_cp (25, 2, 3), 1667);    /* 16.666… → 16.67 */
    UNIT_ASSERT_INT_EQ (sc_part_cp (20, 1, 3), 667);     /* 6.666… → 6.67 */
    UNIT_ASSERT_INT_EQ (sc_part_cp (15, 1, 8), 188);     /* 1.875 → 1.88 (half up) */
    UNIT_ASSERT_INT_EQ (sc_part_cp (10, 0, 0), 1000);    /* nothing measured: the whole weight */
    UNIT_ASSERT_INT_EQ (sc_part_cp (10, 7500, 10000), 750);
    UNIT_ASSERT_INT_EQ (sc_part_cp (10, 12, 10), 1000);  /* never more than the weight */
    UNIT_ASSERT_INT_EQ (sc_average_cp (8800 + 9150, 2), 8975);
    UNIT_ASSERT_INT_EQ (sc_average_cp (8801 + 9150 + 0, 3), 5984); /* 5983.67 → 5984 */
}

UNIT_TEST (qc_scores_clamp_and_threshold)
{
    UNIT_ASSERT_INT_EQ (sc_clamp_cp (10000 + 300), 10000); /* 100 + a bonus stays 100 */
    UNIT_ASSERT_INT_EQ (sc_clamp_cp (-500), 0);            /* deductions stop at 0 */
    UNIT_ASSERT_INT_EQ (sc_clamp_cp (8550), 8550);
    UNIT_ASSERT_INT_EQ (sc_counted_cp (8500, 85), 0);      /* ≤ 85 counts 0 */
    UNIT_ASSERT_INT_EQ (sc_counted_cp (8501, 85), 8501);
    char t[16];
    sc_format_cp (8575, t, sizeof t);
    UNIT_ASSERT_STR_EQ (t, "85.75");
    sc_format_cp (-200, t, sizeof t);
    UNIT_ASSERT_STR_EQ (t, "-2.00");
    sc_format_cp (5, t, sizeof t);
    UNIT_ASSERT_STR_EQ (t, "0.05");
}

UNIT_TEST (qc_scores_months_in_the_branch_zone)
{
    char err[256];
    tz_t *sh = tz_load ("Asia/Shanghai", err, sizeof err), *ny = tz_load ("America/New_York", err, sizeof err);
    UNIT_ASSERT (sh && ny);
    int64_t from, to;
    UNIT_ASSERT (sc_month_bounds (sh, "2027-01", &from, &to) == 0);
    /* 2027-01-01 00:00 in Shanghai is 2026-12-31T16:00:00Z */
    UNIT_ASSERT_INT_EQ (from, INT64_C (1798732800) * 1000000);
    UNIT_ASSERT_INT_EQ (to - from, INT64_C (31) * 86400 * 1000000);
    UNIT_ASSERT (sc_month_bounds (sh, "2026-12", &from, &to) == 0);
    UNIT_ASSERT_INT_EQ (to, INT64_C (1798732800) * 1000000); /* December ends where January starts */
    /* New York's March has a day of 23 hours */
    UNIT_ASSERT (sc_month_bounds (ny, "2027-03", &from, &to) == 0);
    UNIT_ASSERT_INT_EQ (to - from, (INT64_C (31) * 86400 - 3600) * 1000000);
    char m[8];
    sc_month_of (sh, INT64_C (1798732800) * 1000000 - 1, m, sizeof m); /* a microsecond before */
    UNIT_ASSERT_STR_EQ (m, "2026-12");
    sc_month_of (sh, INT64_C (1798732800) * 1000000, m, sizeof m);
    UNIT_ASSERT_STR_EQ (m, "2027-01"); /* still 2026-12-31 in UTC */
    sc_month_of (ny, INT64_C (1798732800) * 1000000, m, sizeof m);
    UNIT_ASSERT_STR_EQ (m, "2026-12");
    const char *bad[] = { "2027-13", "2027-00", "27-01", "2027/01", "2027-1", "", "1899-12" };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        UNIT_ASSERT (sc_month_bounds (sh, bad[i], &from, &to) == -1);
    tz_destroy (&sh);
    tz_destroy (&ny);
}

UNIT_TEST (qc_scores_points_parse)
{
    int64_t cp = 0;
    UNIT_ASSERT (sr_parse_points ("-2", 100, &cp) == 0 && cp == -200);
    UNIT_ASSERT (sr_parse_points ("1.5", 100, &cp) == 0 && cp == 150);
    UNIT_ASSERT (sr_parse_points ("0.25", 100, &cp) == 0 && cp == 25);
    UNIT_ASSERT (sr_parse_points ("100", 100, &cp) == 0 && cp == 10000);
    const char *bad[] = { "100.01", "1.234", "abc", "", "1.", ".5", "1e2", "- 1", "101", "99999999999999999999" };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        UNIT_ASSERT (sr_parse_points (bad[i], 100, &cp) == -1);
}

UNIT_TEST (qc_scores_rules_load)
{
    char err[512] = "";
    sr_rules_t *r = sr_load_string ("scores.yaml", s_rules, err, sizeof err);
    if (!r)
        unit_fail (__FILE__, __LINE__, "refused: %s", err);
    UNIT_ASSERT (r);
    UNIT_ASSERT_INT_EQ (r->threshold, 85);
    UNIT_ASSERT_INT_EQ (r->sample_percent, 10);
    UNIT_ASSERT_INT_EQ (r->complaint_cp, 200);
    UNIT_ASSERT_INT_EQ (r->n_form, 2);
    UNIT_ASSERT_INT_EQ (sr_form_index (r, "accuracy"), 1);
    UNIT_ASSERT_INT_EQ (r->technician[SR_REGIONAL_ASSESSMENT], 10);
    UNIT_ASSERT_INT_EQ (r->provider[SR_CALLBACK_SATISFACTION], 0); /* left out: weighs 0 */
    UNIT_ASSERT (sr_event (r, "customer_praise") && sr_event (r, "customer_praise")->points == 150);
    UNIT_ASSERT (!sr_event (r, "nothing"));
    sr_destroy (&r);
    sr_destroy (&r);
    char path[512];
    r = sr_load_file (unit_repo_file ("deploy/demo/scores.yaml", path, sizeof path), err, sizeof err);
    if (!r)
        unit_fail (__FILE__, __LINE__, "the demo file refused: %s", err);
    UNIT_ASSERT (r && sr_event (r, "missing_information_feedback") && sr_event (r, "non_cooperation"));
    sr_destroy (&r);
    r = sr_load_file (unit_repo_file ("tests/fixtures/scores.yaml", path, sizeof path), err, sizeof err);
    if (!r)
        unit_fail (__FILE__, __LINE__, "the tests' file refused: %s", err);
    UNIT_ASSERT (r);
    sr_destroy (&r);
}

/*  s_rules with `from` replaced by `to` must be refused with want. */
static bool s_refused (const char *from, const char *to, const char *want)
{
    char text[4096], err[512] = "";
    const char *at = strstr (s_rules, from);
    if (!at) {
        printf ("    the test's text has no \"%s\"\n", from);
        return false;
    }
    snprintf (text, sizeof text, "%.*s%s%s", (int) (at - s_rules), s_rules, to, at + strlen (from));
    sr_rules_t *r = sr_load_string ("scores.yaml", text, err, sizeof err);
    bool ok = unit_refused (r != NULL, to, err, want);
    sr_destroy (&r);
    return ok;
}

UNIT_TEST (qc_scores_rules_refused_with_file_line_key)
{
    UNIT_ASSERT (s_refused ("weight: 60", "weight: 50", "scores.yaml:6: agents.form: the weights sum to 90 (expected 100)"));
    UNIT_ASSERT (s_refused ("item: accuracy", "item: greeting", "scores.yaml:7: agents.form[1].item: item \"greeting\" is listed twice"));
    UNIT_ASSERT (s_refused ("weight: 40", "weight: 0", "agents.form[0].weight"));
    UNIT_ASSERT (s_refused ("first_pass: 30", "first_pass: 31", "scores.yaml:8: technicians: the weights sum to 101 (expected 100)"));
    UNIT_ASSERT (s_refused ("arrival_sla: 50}", "arival_sla: 50}", "providers.arival_sla: unknown key"));
    UNIT_ASSERT (s_refused ("sample_percent: 10", "sample_percent: 0", "agents.sample_percent"));
    UNIT_ASSERT (s_refused ("sample_percent: 10", "sample_percent: 101", "agents.sample_percent"));
    UNIT_ASSERT (s_refused ("complaint_points: 2", "complaint_points: -2", "agents.complaint_points: a complaint deducts"));
    UNIT_ASSERT (s_refused ("points: -1,", "points: 0,", "events[0].points: an event deducts (negative) or adds (positive)"));
    UNIT_ASSERT (s_refused ("points: -1,", "points: -1.234,", "events[0].points: expected points from -100 to 100"));
    UNIT_ASSERT (s_refused ("points: -1,", "points: -101,", "events[0].points"));
    UNIT_ASSERT (s_refused ("code: customer_praise", "code: late_reply", "events[1].code: code \"late_reply\" is listed twice"));
    UNIT_ASSERT (s_refused ("code: late_reply", "code: late reply", "is not a code"));
    UNIT_ASSERT (s_refused ("threshold: 85", "threshold: 185", "scores.yaml:1: threshold"));
    UNIT_ASSERT (s_refused ("threshold: 85", "treshold: 85", "treshold"));
    UNIT_ASSERT (s_refused ("providers: {first_pass: 50, arrival_sla: 50}\n", "", "providers: missing"));
}
