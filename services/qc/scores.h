/*  scores — qc's monthly scores (docs/scores.md): agents' sampled tickets
 *  scored on the call-handling form, technicians' and service providers'
 *  measured parts, the assessment notices (考核通知书) and the regional
 *  manager's assessment, and the monthly report per branch.
 *
 *  Requests (qc.c's table says who may ask; each confined to the caller's
 *  branches, by the code and by row-level security):
 *    score.sample  sample a month's agent tickets of a branch (idempotent:
 *                  a second call adds only what new tickets call for)
 *    score.form    a qc inspector fills the form for a sampled ticket
 *    score.notice  record an assessment notice: an event of the standard
 *    score.assess  the regional manager's assessment of a month
 *    score.report  a branch's month: every score with its parts and events
 *
 *  Ownership: qs_new borrows db, which outlives it, and takes the rules.
 */
#ifndef KEFU_QC_SCORES_H
#define KEFU_QC_SCORES_H

#include <cjson/cJSON.h>

#include "db/db.h"
#include "scores_rules.h"
#include "svc/request_endpoint.h"

typedef struct qs_s qs_t;

/*  Prepares the statements on db. Takes *rules_p (NULLs it) on every path.
 *  Returns NULL when out of memory or a statement cannot be prepared (logged). */
qs_t *qs_new (db_t *db, sr_rules_t **rules_p);
void qs_destroy (qs_t **self_p);

/*  The request handlers (request_endpoint.h; app is the qs_t). */
rpl_code_t qs_sample (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err, size_t errsize);
rpl_code_t qs_form (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err, size_t errsize);
rpl_code_t qs_notice (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err, size_t errsize);
rpl_code_t qs_assess (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err, size_t errsize);
rpl_code_t qs_report (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err, size_t errsize);

#endif
