/*  conf_sections — the known configuration sections of kefu.yaml besides
 *  the shared part (config.h): one line per section. Each table is defined
 *  by its owner in a data-only file that the Makefile compiles into
 *  libkefu.a (services/<name>/<name>_config.c, common/notify/notify_config.c),
 *  so every program sees every table: a service refuses a top-level key
 *  that is no section and checks its own section; kefuctl admin
 *  check-config checks them all (docs/configuration.md "Who checks what").
 *
 *  Adding a service's section: its table, and one line below.
 */
#include "conf_section.h"

#define CONF_KNOWN_SECTIONS(X)                                                                    \
    X (dispatch_config_section) /* services/dispatch/dispatch_config.c */                        \
    X (qc_config_section)       /* services/qc/qc_config.c */                                    \
    X (notify_config_section)   /* common/notify/notify_config.c */                              \
    X (callback_config_section) /* services/callback/callback_config.c */                        \
    X (billing_config_section)  /* services/billing/billing_config.c */                          \
    X (claims_config_section)   /* services/claims/claims_config.c */                            \
    X (intake_config_section)   /* services/intake/intake_config.c */                            \
    X (gateway_config_section)  /* services/gateway/gateway_config.c (services.gateway) */

#define S_DECLARE(table) extern const conf_section_t table;
#define S_ENTRY(table) &table,

CONF_KNOWN_SECTIONS (S_DECLARE)

const conf_section_t *const conf_sections[] = { CONF_KNOWN_SECTIONS (S_ENTRY) NULL };
