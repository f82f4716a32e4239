/*  scores_private — what the scores module's files share (see scores.h). */
#ifndef KEFU_QC_SCORES_PRIVATE_H
#define KEFU_QC_SCORES_PRIVATE_H

#include <stdbool.h>
#include <stdint.h>

#include "scores.h"

struct qs_s {
    db_t *db;
    sr_rules_t *rules;
};

/*  A branch's month as a request names it: checked, with its bounds. */
typedef struct {
    const char *branch;
    char month[8];
    char from[40], to[40]; /* RFC 3339 instants of [from, to) */
} qs_month_t;

/*  Fills m from body's "branch" and "month" (or, with month NULL in the
 *  body, the month in which at_us falls in the branch's zone): the caller
 *  must act for the branch (else not_found), the month must be YYYY-MM.
 *  Returns RPL_OK or the code with "field: reason" in err. */
rpl_code_t qs_branch_month (qs_t *self, const svc_who_t *who, const cJSON *body, int64_t at_us, qs_month_t *m,
                            char *err, size_t errsize);

/*  A JSON number of points as centipoints: at most two decimals, within
 *  -max..max. Returns 0 or -1. */
int qs_points_cp (const cJSON *v, int max, int64_t *cp);

/*  Adds key: centipoints as a number with two decimals. */
bool qs_add_cp (cJSON *o, const char *key, int64_t cp);

/*  "out of memory" as a reply. */
rpl_code_t qs_oom (char *err, size_t errsize);

#endif
