/*  billing_config — the billing: section's table (see billing_config.h). */
#include "billing_config.h"

#include <assert.h>

#define T billing_config_t

static const conf_key_t s_keys[] = {
    CONF_PATH ("prices_file", T, prices_file, "deploy/demo/prices.yaml"),
    CONF_PATH ("providers_file", T, providers_file, "deploy/demo/providers.yaml"),
    CONF_INT ("final_payment_days", T, final_payment_days, 3, 0, 365),
    CONF_INT ("deposit_topup_days", T, deposit_topup_days, 3, 0, 365),
    CONF_INT ("stage_payment_days", T, stage_payment_days, 3, 0, 365),
    CONF_STRING ("mid_term_level", T, mid_term_level, "mid_term", 64),
    CONF_END,
};

const conf_section_t billing_config_section = {
    .name = "billing",
    .service = "billing",
    .size = sizeof (T),
    .keys = s_keys,
};

const billing_config_t *billing_config (const cfg_t *cfg)
{
    const billing_config_t *self = cfg_section (cfg, &billing_config_section);
    assert (self); /* the caller loaded the configuration for billing */
    return self;
}
