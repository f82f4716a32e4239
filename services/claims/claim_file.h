/*  claim_file — the request claim.file (docs/claims.md "Filing"): a dealer's
 *  or provider's staff (or head office, naming the organisation) claim
 *  reimbursement for warranty work a work order did. In one transaction:
 *  what the claim carries is checked whole (claim_filing.h: every missing
 *  or wrong part named in one `invalid`), then, each refused with its
 *  reason and nothing changed:
 *    not_found  the work order does not exist;
 *    forbidden  work_region: the organisation does not serve the region of
 *               the work's branch (ref.organisations.regions);
 *    conflict   work_not_done: no completed or accepted work order with a
 *               done report; already_claimed: one claim per work order;
 *               not_under_warranty: the warranty decision (model/warranty.h)
 *               with its reason.
 *  Then the claim is stored with the parts the done report replaced (to be
 *  returned and checked) and the ticket's three-repairs flag, and
 *  sla.subject (claim, filed) starts its decision clock.
 */
#ifndef KEFU_CLAIM_FILE_H
#define KEFU_CLAIM_FILE_H

#include <stdbool.h>

#include "claims_app.h"
#include "svc/request_endpoint.h"

/*  Prepares the statements; three_repairs: intake.tickets.replacement_fault
 *  is readable (the migration that adds it grants it). Returns 0 or -1. */
int clm_file_prepare (db_t *db, bool three_repairs);

rpl_code_t clm_rq_file (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err,
                        size_t errsize);

#endif
