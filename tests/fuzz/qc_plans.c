/*  fuzz target "qc_plans": YAML text through the inspection plans loader
 *  (services/qc/qc_plans_load.c: plans, levels, roles, items, units,
 *  limits, holds). A refusal must come with its reason; a loaded set is
 *  freed whole.
 */

#include "../../services/qc/qc_plans_load.h"
#include "fuzz.h"

static void fuzz_setup (void)
{
}

static void s_load (const char *text)
{
    char err[512] = "";
    qp_set_t *set = qp_load_string ("qc.yaml", text, err, sizeof err);
    FUZZ_CHECK (set || err[0], "refused without a reason");
    FUZZ_CHECK (!set || (set->n > 0 && set->fallback >= 0 && set->fallback < set->n), "a set without its default");
    qp_set_destroy (&set);
}

FUZZ_TEXT_TARGET (s_load)
