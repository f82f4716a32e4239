/*  customer_find — customers by phone or name, and the open tickets of
 *  customers, as intake answers them to people (docs/intake.md "Finding a
 *  customer"): confined to the caller's branches by row-level security
 *  (the request endpoint states them; a customer not yet given to a branch
 *  is found by the branches of its region, migration 0014), the phone and
 *  address in full only to a caller with contact rights (who.contact),
 *  each such read recorded first in ref.contact_reads (no audit, no
 *  answer), masked for everyone else (model/contact.h).
 *
 *  Used by customer.find and by screen pops (screenpop.h). Statements run
 *  on the handle given, in autocommit.
 */
#ifndef KEFU_INTAKE_CUSTOMER_FIND_H
#define KEFU_INTAKE_CUSTOMER_FIND_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "db/db.h"
#include "lookup_request.h"
#include "svc/reply.h"
#include "svc/who.h"

/*  Most open tickets a look-up shows (newest first). */
#define ICF_OPEN_TICKETS_MAX 50

/*  Registers the statements on db. Returns 0 or -1 (db_error set). */
int icf_prepare (db_t *db);

/*  The customers matching q, best first (by phone: by id; by name: those
 *  whose name starts so, then those containing it, each by name), at most
 *  q->limit. `request` names the request in the audit ("customer.find").
 *  Returns RPL_OK with *customers a new array (the caller's) of
 *  {id, name, phone, address, region, branch, class}, else a code with
 *  err. */
rpl_code_t icf_find (db_t *db, const svc_who_t *who, const char *request, const ilr_find_t *q,
                     cJSON **customers, char *err, size_t errsize);

/*  The open tickets (any status but closed) of the customers in the array
 *  (items with "id"), within the caller's branches, newest first. Returns
 *  RPL_OK with *tickets a new array (the caller's), else a code with err. */
rpl_code_t icf_open_tickets (db_t *db, const svc_who_t *who, const cJSON *customers, cJSON **tickets,
                             char *err, size_t errsize);

#endif
