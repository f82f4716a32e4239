/*  dispatch_config — the dispatch: section's table (see dispatch_config.h):
 *  one row per key with its type, default and range, and the rule between
 *  keys that the domain sets (trainees and juniors never repair or work on
 *  premium lines alone).
 */
#include "dispatch_config.h"

#include <assert.h>
#include <string.h>

#include "ref/org.h"

#define T dispatch_config_t

static const char *const s_kinds[] = {
    "consultation", "repair", "installation", "complaint", "return", "suggestion", NULL,
};
static const char *const s_visit_kinds[] = { "repair", "installation", "return", NULL };
/* The causes a technician names in a done report (the demo's list). */
static const char *const s_fault_codes[] = {
    "no_fault_found", "wear", "component_failure", "installation_fault", "misuse",
    "power_supply", "refrigerant_leak", "blockage", "water_leak", "software", NULL,
};

const char *const dispatch_providers_names[] = { "after_branch", "first", "equal", NULL };

static const conf_key_t s_keys[] = {
    CONF_LIST ("visit_kinds", T, visit_kinds, s_visit_kinds, s_kinds, 6),
    CONF_INT ("assign_retry_ms", T, assign_retry_ms, 2000, 100, 3600000),
    CONF_ENUM ("min_grade.repair", T, min_grade_repair, GRADE_INTERMEDIATE, org_grade_names),
    CONF_ENUM ("min_grade.premium", T, min_grade_premium, GRADE_INTERMEDIATE, org_grade_names),
    CONF_ENUM ("min_grade.other", T, min_grade_other, GRADE_TRAINEE, org_grade_names),
    CONF_PATH ("sla_file", T, sla_file, "deploy/demo/sla.yaml"),
    /* an instant waits up to one tick: 250 ms keeps p99 lateness far below
     * the 1 s target for ~1 % of a core idle at 1,000,000 clocks (bench/README.md) */
    CONF_INT ("sla_tick_ms", T, sla_tick_ms, 250, 10, 600000),
    CONF_LIST ("fault_codes", T, fault_codes, s_fault_codes, NULL, 500),
    CONF_BOOL ("rework_same_technician", T, rework_same_technician, false),
    CONF_ENUM ("providers", T, providers, DISPATCH_PROVIDERS_AFTER, dispatch_providers_names),
    CONF_END,
};

/*  The domain rule: trainees and juniors never do repairs or premium lines alone. */
static int s_check (void *values, yt_doc_t *doc, yt_node_t *map)
{
    const T *self = values;
    if (self->min_grade_repair < GRADE_INTERMEDIATE)
        return yt_fail (doc, conf_node (map, "min_grade.repair"),
                        "must be intermediate or senior (trainees and juniors never repair alone)");
    if (self->min_grade_premium < GRADE_INTERMEDIATE)
        return yt_fail (doc, conf_node (map, "min_grade.premium"),
                        "must be intermediate or senior (trainees and juniors never work on "
                        "premium lines alone)");
    return 0;
}

const conf_section_t dispatch_config_section = {
    .name = "dispatch",
    .service = "dispatch",
    .uses = (const char *const[]) { "notify", NULL },
    .size = sizeof (T),
    .keys = s_keys,
    .check = s_check,
};

const dispatch_config_t *dispatch_config (const cfg_t *cfg)
{
    const dispatch_config_t *self = cfg_section (cfg, &dispatch_config_section);
    assert (self); /* the caller loaded the configuration for dispatch */
    return self;
}

int dispatch_provider_rank (const dispatch_config_t *self)
{
    switch (self ? self->providers : DISPATCH_PROVIDERS_AFTER) {
    case DISPATCH_PROVIDERS_FIRST:
        return -1;
    case DISPATCH_PROVIDERS_EQUAL:
        return 0;
    default:
        return 1;
    }
}

bool dispatch_fault_code_known (const dispatch_config_t *self, const char *code)
{
    for (int i = 0; self && code && i < self->fault_codes.n; i++)
        if (strcmp (self->fault_codes.items[i], code) == 0)
            return true;
    return false;
}

bool dispatch_kind_needs_visit (const dispatch_config_t *self, const char *kind)
{
    for (int i = 0; self && kind && i < self->visit_kinds.n; i++)
        if (strcmp (self->visit_kinds.items[i], kind) == 0)
            return true;
    return false;
}
