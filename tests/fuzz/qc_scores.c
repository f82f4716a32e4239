/*  fuzz target "qc_scores": YAML text through the scores file loader
 *  (services/qc/scores_rules.c: the agents' form, the parts' weights, the
 *  standard of events, the threshold). A refusal must come with its
 *  reason; loaded rules have weights summing to 100.
 */

#include "../../services/qc/scores_rules.h"
#include "fuzz.h"

static void fuzz_setup (void)
{
}

static void s_load (const char *text)
{
    char err[512] = "";
    sr_rules_t *r = sr_load_string ("scores.yaml", text, err, sizeof err);
    FUZZ_CHECK (r || err[0], "refused without a reason");
    if (r) {
        int form = 0, tech = 0, prov = 0;
        for (int i = 0; i < r->n_form; i++)
            form += r->form[i].weight;
        for (int p = 0; p < SR_PART_COUNT; p++) {
            tech += r->technician[p];
            prov += r->provider[p];
        }
        FUZZ_CHECK (form == 100 && tech == 100 && prov == 100, "weights that do not sum to 100");
    }
    sr_destroy (&r);
}

FUZZ_TEXT_TARGET (s_load)
