/*  qc_config — the qc: section's table (see qc_config.h). */
#include "qc_config.h"

#include <assert.h>

#define T qc_config_t

static const conf_key_t s_keys[] = {
    CONF_PATH ("plans_file", T, plans_file, "deploy/demo/qc.yaml"),
    CONF_PATH ("scores_file", T, scores_file, "deploy/demo/scores.yaml"),
    CONF_END,
};

const conf_section_t qc_config_section = {
    .name = "qc",
    .service = "qc",
    .size = sizeof (T),
    .keys = s_keys,
};

const qc_config_t *qc_config (const cfg_t *cfg)
{
    const qc_config_t *self = cfg_section (cfg, &qc_config_section);
    assert (self); /* the caller loaded the configuration for qc */
    return self;
}
