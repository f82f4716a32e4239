/*  billing_config — the billing: section of kefu.yaml, owned by the
 *  billing service (docs/billing.md "Configuration"). The table in
 *  billing_config.c gives each key's type and default; the loader is
 *  common/conf/conf_section. The files it names are read by the service
 *  itself at start, and a refused file stops it.
 */
#ifndef KEFU_BILLING_CONFIG_H
#define KEFU_BILLING_CONFIG_H

#include "conf/conf_section.h"
#include "conf/config.h"

typedef struct {
    char *prices_file;      /* billing.prices_file: each branch's prices */
    char *providers_file;   /* billing.providers_file: provider rewards, grades, penalties */
    int final_payment_days; /* billing.final_payment_days: a project's final payment is due this
                               many days after completion acceptance */
    int deposit_topup_days; /* billing.deposit_topup_days: a short deposit is topped up within */
    int stage_payment_days; /* billing.stage_payment_days: a project's deposit and mid-term payment are
                               due this many days after they fall due (docs/ledger.md) */
    char *mid_term_level;   /* billing.mid_term_level: the qc level whose pass makes a project's
                               mid-term payment due */
} billing_config_t;

extern const conf_section_t billing_config_section;

/*  The billing section of a loaded configuration (borrowed from cfg); cfg
 *  must have been loaded for billing: asserts otherwise. */
const billing_config_t *billing_config (const cfg_t *cfg);

#endif
