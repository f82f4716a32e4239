/*  diagnosis — the technician's diagnosis of a work order, before the work
 *  (docs/billing.md "The flow"): request workorder.diagnose on dispatch's
 *  endpoint. The work order's technician, or a team lead of its branch,
 *  records the fault found (dispatch.fault_codes), the parts expected
 *  (codes of ref.parts), the labour minutes and distance expected, what may
 *  exclude warranty (misuse, force majeure, unauthorised maintenance) and
 *  photos. Once per work order, while it is assigned. Stored in
 *  dispatch.diagnoses; message workorder.diagnosed tells billing, which
 *  makes the estimate.
 */
#ifndef KEFU_DISPATCH_DIAGNOSIS_H
#define KEFU_DISPATCH_DIAGNOSIS_H

#include "svc/request_endpoint.h"

/*  What one diagnosis may name (the CHECKs of dispatch.diagnoses, 0029). */
#define DIAGNOSIS_MINUTES_MAX 43200
#define DIAGNOSIS_METRES_MAX 2000000

int diagnosis_prepare (db_t *db);

/*  workorder.diagnose (rqe_run_fn; app is a dapi_app_t). */
rpl_code_t diagnosis_record (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err,
                             size_t errsize);

#endif
