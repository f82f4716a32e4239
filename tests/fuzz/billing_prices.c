/*  fuzz target "billing_prices": YAML text through the prices file loader
 *  (services/billing/prices.c: default, branches, currencies, amounts).
 *  A refusal must come with its reason; a loaded set has a default with a
 *  known currency and amounts that are not negative.
 */

#include "../../services/billing/prices.h"
#include "fuzz.h"

static void fuzz_setup (void)
{
}

static void s_load (const char *text)
{
    char err[512] = "";
    prices_set_t *set = prices_load_string ("prices.yaml", text, err, sizeof err);
    FUZZ_CHECK (set || err[0], "refused without a reason");
    for (int i = -1; set && i < set->n; i++) {
        const prices_t *p = i < 0 ? &set->fallback : &set->branches[i];
        FUZZ_CHECK (money_currency_known (p->currency), "a branch without a known currency");
        FUZZ_CHECK (p->labour_per_hour > 0 && p->labour_cap_per_hour > 0 && p->travel_per_km >= 0
                        && p->free_metres >= 0 && p->overrun_bp >= 0,
                    "an amount out of its range");
    }
    prices_destroy (&set);
}

FUZZ_TEXT_TARGET (s_load)
