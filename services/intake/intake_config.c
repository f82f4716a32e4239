/*  intake_config — the intake: section's table (see intake_config.h). */
#include "intake_config.h"

#include <assert.h>

#define T intake_config_t

static const conf_key_t s_keys[] = {
    CONF_INT ("replace_after", T, replace_after, 3, 1, 100),
    CONF_INT ("screenpop_seconds", T, screenpop_seconds, 120, 10, 3600),
    CONF_END,
};

const conf_section_t intake_config_section = {
    .name = "intake",
    .service = "intake",
    .size = sizeof (T),
    .keys = s_keys,
};

const intake_config_t *intake_config (const cfg_t *cfg)
{
    const intake_config_t *self = cfg_section (cfg, &intake_config_section);
    assert (self); /* the caller loaded the configuration for intake */
    return self;
}
