/*  claims_config — the claims: section's table (see claims_config.h). */
#include "claims_config.h"

#include <assert.h>

#define T claims_config_t

static const conf_key_t s_keys[] = {
    CONF_INT ("photos_min", T, photos_min, 5, 1, 100),
    CONF_INT ("lot_defect_rate_bp", T, lot_defect_rate_bp, 300, 0, 10000),
    CONF_INT ("lot_return_days", T, lot_return_days, 365, 1, 3650),
    CONF_END,
};

const conf_section_t claims_config_section = {
    .name = "claims",
    .service = "claims",
    /* a claim's cause is one of dispatch.fault_codes */
    .uses = (const char *const[]) { "dispatch", NULL },
    .size = sizeof (T),
    .keys = s_keys,
};

const claims_config_t *claims_config (const cfg_t *cfg)
{
    const claims_config_t *self = cfg_section (cfg, &claims_config_section);
    assert (self); /* the caller loaded the configuration for claims */
    return self;
}
