/*  screenpop — CTI screen pops (docs/intake.md "Screen pops"): the phone
 *  system posts the caller's number (screenpop.open) and gets back an
 *  opaque id that lives intake.screenpop_seconds; the agent's console
 *  follows the link (screenpop.get) and sees the customer's file and open
 *  tickets, or nothing, and then a new-ticket form with the number filled
 *  in. So no phone number is in a URL, an access log or a Referer.
 *
 *  The id is 16 random bytes (libsodium) in URL-safe base64: nothing of
 *  the phone. The number is stored (intake.screen_pops, migration 0042)
 *  with who asked and the branches they act for; a pop is read only
 *  within those branches (row-level security). It is never logged. Expired
 *  rows are deleted by the next open or read, expiry measured by the
 *  injectable clock (base/clock.h).
 *
 *  Also serves customer.find (customer_find.h), so that intake's request
 *  table reaches both through one object.
 */
#ifndef KEFU_INTAKE_SCREENPOP_H
#define KEFU_INTAKE_SCREENPOP_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "db/db.h"
#include "lookup_request.h"
#include "svc/reply.h"
#include "svc/who.h"

/*  Most customers one number opens (a household shares a phone). */
#define ISP_CUSTOMERS_MAX 10

typedef struct isp_s isp_t;

/*  Prepares the statements on db (borrowed; must outlive the object).
 *  seconds: a pop's lifetime. Returns NULL (db_error set) on failure. */
isp_t *isp_new (db_t *db, int seconds);
void isp_destroy (isp_t **self_p);

/*  customer.find: {customers: [...]} (customer_find.h). */
rpl_code_t isp_find (isp_t *self, const svc_who_t *who, const ilr_find_t *q, cJSON **result, char *err,
                     size_t errsize);

/*  screenpop.open for phone_key (phone.h): {id, expires_at}. Refused
 *  forbidden when the caller acts for no branch. */
rpl_code_t isp_open (isp_t *self, const svc_who_t *who, const char *phone_key, cJSON **result, char *err,
                     size_t errsize);

/*  screenpop.get: {customer, customers, open_tickets, phone_masked,
 *  expires_at, and phone for a caller with contact rights}; not_found for
 *  an unknown or expired id, or one opened for other branches. */
rpl_code_t isp_get (isp_t *self, const svc_who_t *who, const char *id, cJSON **result, char *err,
                    size_t errsize);

#endif
