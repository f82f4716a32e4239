/*  the providers file (services/billing/provider_rules.c): the demo file
 *  loads to the grades the docs show, and each refusal names file, line,
 *  key and reason. */
#include <stdio.h>
#include <string.h>

#include "../../services/billing/provider_rules.h"
#include "unit.h"

static const char s_grades[] = "grades:\n"
                               "  - {grade: A, min: 95, coefficient: 1.2}\n"
                               "  - {grade: E, min: 0, coefficient: 0}\n";

UNIT_TEST (provider_rules_demo_file_loads)
{
    char path[512], err[512] = "";
    pr_rules_t *r = pr_load_file (unit_repo_file ("deploy/demo/providers.yaml", path, sizeof path), err, sizeof err);
    UNIT_ASSERT (r);
    UNIT_ASSERT_INT_EQ (r->threshold, 8500);
    UNIT_ASSERT_INT_EQ (r->n_grades, 5);
    UNIT_ASSERT_STR_EQ (r->grades[0].name, "A");
    UNIT_ASSERT_INT_EQ (r->grades[0].min_average, 9500);
    UNIT_ASSERT_INT_EQ (r->grades[0].coefficient, 1200);
    UNIT_ASSERT_INT_EQ (grade_for (r->grades, r->n_grades, 9499)->coefficient, 1100);
    UNIT_ASSERT (r->satisfaction_rule);
    UNIT_ASSERT_INT_EQ (r->satisfaction_min, 8000);
    UNIT_ASSERT (r->no_media_exposure);
    UNIT_ASSERT_INT_EQ (r->fraud_factor, 10);
    pr_destroy (&r);
    pr_destroy (&r); /* safe twice */
}

UNIT_TEST (provider_rules_defaults_and_decimals)
{
    char err[512] = "";
    pr_rules_t *r = pr_load_string ("providers.yaml", s_grades, err, sizeof err);
    UNIT_ASSERT (r);
    UNIT_ASSERT_INT_EQ (r->threshold, 8500);
    UNIT_ASSERT_INT_EQ (r->fraud_factor, 10);
    UNIT_ASSERT (!r->satisfaction_rule);
    UNIT_ASSERT (!r->no_media_exposure);
    pr_destroy (&r);
    int64_t v = -1;
    UNIT_ASSERT (pr_parse_decimal ("1.2", 3, 10000, &v) == 0 && v == 1200);
    UNIT_ASSERT (pr_parse_decimal ("0.125", 3, 10000, &v) == 0 && v == 125);
    UNIT_ASSERT (pr_parse_decimal ("92.5", 2, 10000, &v) == 0 && v == 9250);
    UNIT_ASSERT (pr_parse_decimal ("100", 2, 10000, &v) == 0 && v == 10000);
    const char *bad[] = { "100.01", "1.", ".5", "-1", "1.2345", "1e3", "", " 1", "99999999999999999999" };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        UNIT_ASSERT (pr_parse_decimal (bad[i], i == 4 ? 3 : 2, 10000, &v) == -1);
}

UNIT_TEST (provider_rules_refusals_name_line_and_key)
{
    struct {
        const char *text, *want;
    } cases[] = {
        { "", "the providers file is empty" },
        { "threshold: 85\n", "providers.yaml:1: grades: missing" },
        { "grades: []\n", "expected 1 to 16 grades" },
        { "grades:\n  - {grade: A, min: 95, coefficient: 1.2}\n", "no grade starts at min 0" },
        { "grades:\n  - {grade: A, min: 0, coefficient: 1.2}\n  - {grade: A, min: 9, coefficient: 1.3}\n",
          "providers.yaml:3: grades[1].grade: grade \"A\" is listed twice" },
        { "grades:\n  - {grade: A, min: 0, coefficient: 1.2}\n  - {grade: B, min: 0, coefficient: 1}\n",
          "grade B starts where grade A does" },
        { "grades:\n  - {grade: A, min: 95, coefficient: 1}\n  - {grade: E, min: 0, coefficient: 1.2}\n",
          "grade A (from 95.00) pays less than grade E below it" },
        { "grades:\n  - {grade: A, min: 101, coefficient: 1.2}\n", "grades[0].min: expected the lowest average" },
        { "grades:\n  - {grade: A, min: 0, coefficient: 1.2345}\n", "grades[0].coefficient: expected a coefficient" },
        { "grades:\n  - {grade: A, min: 0, coefficient: -1}\n", "grades[0].coefficient: expected a coefficient" },
        { "grades:\n  - {grade: \"A B\", min: 0, coefficient: 1}\n", "not a grade name" },
        { "grades:\n  - {grade: A, min: 0, coefficient: 1, bonus: 2}\n", "bonus" },
        { "threshold: 85.123\ngrades:\n  - {grade: A, min: 0, coefficient: 1}\n", "providers.yaml:1: threshold: expected points" },
        { "fraud_factor: 0\ngrades:\n  - {grade: A, min: 0, coefficient: 1}\n", "providers.yaml:1: fraud_factor" },
        { "grades:\n  - {grade: A, min: 0, coefficient: 1}\neligibility: {callback_satisfaction_min: 180}\n",
          "providers.yaml:3: eligibility.callback_satisfaction_min: expected a percentage" },
        { "grades:\n  - {grade: A, min: 0, coefficient: 1}\neligibility: {no_media_exposure: maybe}\n",
          "eligibility.no_media_exposure" },
        { "grades:\n  - {grade: A, min: 0, coefficient: 1}\neligibility: {min_score: 3}\n", "min_score" },
        { "grades:\n  - {grade: A, min: 0, coefficient: 1}\ndeposit: 3\n", "deposit" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char err[512] = "";
        pr_rules_t *r = pr_load_string ("providers.yaml", cases[i].text, err, sizeof err);
        bool ok = unit_refused (r != NULL, cases[i].text, err, cases[i].want);
        pr_destroy (&r);
        UNIT_ASSERT (ok);
    }
}
