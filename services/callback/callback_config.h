/*  callback_config — the callback: section of kefu.yaml, owned by the
 *  callback service (docs/callback.md "Configuration"). The table in
 *  callback_config.c gives each key's type, default and range; its check
 *  parses the rest hours (cb_rest.h) and the product-line lists, refusing
 *  inverted or overlapping windows with file:line: key: reason.
 */
#ifndef KEFU_CALLBACK_CONFIG_H
#define KEFU_CALLBACK_CONFIG_H

#include <stdbool.h>

#include "cb_rest.h"
#include "conf/conf_section.h"
#include "conf/config.h"

#define CBC_MAX_BRANCH_REST 32

typedef struct {
    char branch[33];
    cbr_set_t rest;
} cbc_branch_rest_t;

typedef struct {
    int after_work_hours;      /* due.after_work_hours: 72 (3 days) */
    int installation_hours;    /* due.installation_hours: 168 (1 week) */
    int maintenance_hours;     /* due.maintenance_hours: 24 */
    char *maintenance_lines;   /* due.maintenance_lines: product lines whose repairs are maintenance */
    char *rest_default;        /* rest_hours.default */
    char *rest_branches;       /* rest_hours.branches: "SH02=12:30-14:00,21:00-08:30+1; SZ01=…" */
    int retry_max_attempts;    /* retry.max_attempts: 3 */
    int retry_min_gap_minutes; /* retry.min_gap_minutes: 120 */
    bool retry_vary_time;      /* retry.vary_time_of_day: true */
    conf_list_t important_classes; /* periodic.important_classes: [important, vip] */
    int important_months;      /* periodic.important_months: 6 */
    int long_term_after_months; /* periodic.long_term_after_months: 24 */
    int long_term_months;      /* periodic.long_term_months: 12 */
    int warranty_months;       /* periodic.warranty_months: 3 */
    char *project_lines;       /* periodic.project_lines: "renovation" */
    int project_first_year_months; /* periodic.project_first_year_months: 1 */
    int project_after_months;  /* periodic.project_after_months: 3 */
    int project_follow_months; /* periodic.project_follow_months: 36 (then no more) */
    int periodic_due_days;     /* periodic.due_days: 14 */
    int tick_ms;               /* tick_ms: the periodic pass */
    /* derived by the check from rest_hours.branches */
    cbc_branch_rest_t branch_rest[CBC_MAX_BRANCH_REST];
    int n_branch_rest;
} callback_config_t;

extern const conf_section_t callback_config_section;

/*  The callback section of a loaded configuration (borrowed; asserts it
 *  was loaded for callback). */
const callback_config_t *callback_config (const cfg_t *cfg);

/*  The default rest hours of a branch into *out: its own
 *  (rest_hours.branches), else rest_hours.default. */
void callback_branch_rest (const callback_config_t *self, const char *branch, cbr_set_t *out);

/*  True when `line` is listed in the comma-separated list text ("a, b"). */
bool callback_line_listed (const char *list, const char *line);

#endif
