/*  fuzz target "providers": YAML text through the providers file loader
 *  (services/billing/provider_rules.c: the grade table, the eligibility
 *  rules, the threshold and the fraud factor). A refusal must come with
 *  its reason; loaded rules give every average a grade, and a higher band
 *  never pays less.
 */

#include "../../services/billing/provider_rules.h"
#include "fuzz.h"

static void fuzz_setup (void)
{
}

static void s_load (const char *text)
{
    char err[512] = "";
    pr_rules_t *r = pr_load_string ("providers.yaml", text, err, sizeof err);
    FUZZ_CHECK (r || err[0], "refused without a reason");
    if (r) {
        FUZZ_CHECK (grade_for (r->grades, r->n_grades, 0), "an average of 0 without a grade");
        FUZZ_CHECK (r->fraud_factor >= 1 && r->threshold >= 0 && r->threshold <= 10000, "out of range");
        const grade_band_t *lo = grade_for (r->grades, r->n_grades, 0);
        const grade_band_t *hi = grade_for (r->grades, r->n_grades, 10000);
        FUZZ_CHECK (hi && hi->coefficient >= lo->coefficient, "a higher band pays less");
    }
    pr_destroy (&r);
}

FUZZ_TEXT_TARGET (s_load)
