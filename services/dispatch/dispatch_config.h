/*  dispatch_config — the dispatch: section of kefu.yaml, owned by the
 *  dispatcher (docs/configuration.md "dispatch"). The table in
 *  dispatch_config.c gives each key's type, default and range; the loader
 *  is common/conf/conf_section. The file holds data and the section's
 *  rules only, so the Makefile compiles it into libkefu.a where kefuctl
 *  admin check-config reaches it too.
 */
#ifndef KEFU_DISPATCH_CONFIG_H
#define KEFU_DISPATCH_CONFIG_H

#include <stdbool.h>

#include "conf/conf_section.h"
#include "conf/config.h"

/*  Whom assignment prefers when both fit: the branch's own technicians
 *  (default), a service provider's, or neither (lowest load wins). */
enum { DISPATCH_PROVIDERS_AFTER = 0, DISPATCH_PROVIDERS_FIRST, DISPATCH_PROVIDERS_EQUAL };
extern const char *const dispatch_providers_names[]; /* "after_branch", "first", "equal" */

typedef struct {
    conf_list_t visit_kinds; /* dispatch.visit_kinds: kinds that get a work order */
    int assign_retry_ms;     /* dispatch.assign_retry_ms: retry period of unassigned orders */
    int min_grade_repair;    /* dispatch.min_grade.repair (org_grade_t) */
    int min_grade_premium;   /* dispatch.min_grade.premium (org_grade_t) */
    int min_grade_other;     /* dispatch.min_grade.other (org_grade_t) */
    char *sla_file;          /* dispatch.sla_file: SLA policies and ladders */
    int sla_tick_ms;         /* dispatch.sla_tick_ms: SLA timer period */
    conf_list_t fault_codes; /* dispatch.fault_codes: the causes a done report may name */
    int providers;           /* dispatch.providers: DISPATCH_PROVIDERS_* */
    bool rework_same_technician; /* dispatch.rework_same_technician: a rework order may go
                                    back to the technician its inspection blamed */
} dispatch_config_t;

extern const conf_section_t dispatch_config_section;

/*  The dispatch section of a loaded configuration (borrowed from cfg).
 *  cfg must have been loaded for dispatch (cfg_load, or cfg_load_for with
 *  "dispatch"): asserts otherwise. */
const dispatch_config_t *dispatch_config (const cfg_t *cfg);

/*  True when dispatch creates a work order for a ticket of this kind
 *  (dispatch.visit_kinds). False for NULL. */
bool dispatch_kind_needs_visit (const dispatch_config_t *self, const char *kind);

/*  The rank of a service provider's technicians for staff_load (the
 *  branch's own are 0). */
int dispatch_provider_rank (const dispatch_config_t *self);

/*  True when `code` is one of dispatch.fault_codes. */
bool dispatch_fault_code_known (const dispatch_config_t *self, const char *code);

#endif
