/*  claims_config — the claims: section of kefu.yaml, owned by the claims
 *  service (docs/claims.md "Configuration"). The table in claims_config.c
 *  gives each key's type, default and range; the loader is
 *  common/conf/conf_section.
 */
#ifndef KEFU_CLAIMS_CONFIG_H
#define KEFU_CLAIMS_CONFIG_H

#include "conf/conf_section.h"
#include "conf/config.h"

typedef struct {
    int photos_min;           /* claims.photos_min: photos a claim must carry */
    int lot_defect_rate_bp;   /* claims.lot_defect_rate_bp: a pre-sale lot may be returned
                                 when its defect rate exceeds this, in basis points (300 = 3 %) */
    int lot_return_days;      /* claims.lot_return_days: never once shipped longer ago */
} claims_config_t;

extern const conf_section_t claims_config_section;

/*  The claims section of a loaded configuration (borrowed from cfg); cfg
 *  must have been loaded for claims: asserts otherwise. */
const claims_config_t *claims_config (const cfg_t *cfg);

#endif
