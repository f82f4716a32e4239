/*  inspections — the work of the qc service (docs/qc.md "The work"): an
 *  inspection per work order reported done (workorder.done), signed level
 *  by level in the plan's order, each level by one person holding its
 *  role and nobody twice; a failed level records its report and emits
 *  inspection.failed, the last level passed emits workorder.accepted, each
 *  in the transaction that signs (the outbox, msg/bus.h).
 *
 *  Requests (qc.c's table; each confined to the caller's branches, by the
 *  code and by row-level security):
 *    inspection.pending  the caller's levels to sign now, oldest first
 *    inspection.sign     sign the next level of a work order's inspection
 *    inspection.get      a work order's inspection record
 *
 *  Ownership: qi_new borrows db and bus, which outlive it, and takes the
 *  plan set.
 */
#ifndef KEFU_QC_INSPECTIONS_H
#define KEFU_QC_INSPECTIONS_H

#include <cjson/cJSON.h>

#include "db/db.h"
#include "msg/bus.h"
#include "qc_plan.h"
#include "svc/handler.h"
#include "svc/request_endpoint.h"

typedef struct qi_s qi_t;

/*  Prepares the statements on db and registers the workorder.done
 *  handler on bus. Takes *plans_p (NULLs it) on every path. Returns NULL
 *  when out of memory, a statement or the handler cannot be registered
 *  (logged). */
qi_t *qi_new (db_t *db, bus_t *bus, qp_set_t **plans_p);
void qi_destroy (qi_t **self_p);

/*  The workorder.done handler (svc/handler.h; arg is the qi_t): makes the
 *  work order's inspection, once (a second delivery changes nothing). */
bus_result_t qi_on_done (void *arg, db_t *db, const svc_ctx_t *ctx, char *reason, size_t reason_size);

/*  The request handlers (request_endpoint.h; app is the qi_t). */
rpl_code_t qi_pending (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err,
                       size_t errsize);
rpl_code_t qi_sign (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err,
                    size_t errsize);
rpl_code_t qi_get (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err,
                   size_t errsize);

#endif
