/*  qc_config — the qc: section of kefu.yaml, owned by the qc service
 *  (docs/qc.md "Configuration"). The table in qc_config.c gives each key's
 *  type and default; the loader is common/conf/conf_section. The plans
 *  file it names is read by the service itself at start
 *  (qc_plans_load.h), and a refused file stops it.
 */
#ifndef KEFU_QC_CONFIG_H
#define KEFU_QC_CONFIG_H

#include "conf/conf_section.h"
#include "conf/config.h"

typedef struct {
    char *plans_file;  /* qc.plans_file: the inspection plans */
    char *scores_file; /* qc.scores_file: what the monthly scores are made of */
} qc_config_t;

extern const conf_section_t qc_config_section;

/*  The qc section of a loaded configuration (borrowed from cfg); cfg must
 *  have been loaded for qc: asserts otherwise. */
const qc_config_t *qc_config (const cfg_t *cfg);

#endif
