/*  claim_tx — what every request of claims shares: its transaction's
 *  context (one request, one transaction: svc_request_tx), who may see a
 *  claim, the claim's record as every reply carries it, and the messages a
 *  claim's moves emit into the outbox of that transaction.
 *
 *  Scope. Dealers' and providers' staff act for no branch (svc/who.h), so
 *  every request of claims reads for the system (db_scope_system) and
 *  confines here, in one place: an organisation's staff see their
 *  organisation's claims and returns, everyone else the claims of their
 *  branches (head office every branch). Anything outside answers
 *  not_found, as if it did not exist.
 */
#ifndef KEFU_CLAIM_TX_H
#define KEFU_CLAIM_TX_H

#include <cjson/cJSON.h>
#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "claims_app.h"
#include "svc/reply.h"
#include "svc/request_endpoint.h"

/*  One request's transaction. */
typedef struct {
    clm_app_t *app;
    const rqe_ctx_t *ctx;
    const cJSON *body;
    char now[40];      /* the clock's instant, RFC 3339 */
    char id[24];       /* the claim (or lot, return) the request is about, decimal */
    /* out */
    rpl_code_t code;   /* RPL_OK until refused */
    char *err;
    size_t errsize;
    cJSON *result;
    bool emitted;
} clm_tx_t;

#define CLM_FAIL(t, why, ...) rpl_refuse (&(t)->code, (t)->err, (t)->errsize, (why), __VA_ARGS__)

/*  Prepares claims' shared statements. Returns 0 or -1. */
int clm_tx_prepare (db_t *db);

/*  Runs fn as the request's one transaction (read for the system, see
 *  above), kicks the bus when it emitted, and hands the result over.
 *  t->id is the body's integer `id_key` (NULL: none). `what` names the
 *  step for a database failure. */
rpl_code_t clm_tx_run (void *app, const rqe_ctx_t *ctx, const cJSON *body, const char *id_key,
                       int (*fn) (clm_tx_t *), const char *what, cJSON **result, char *err, size_t errsize);

/*  True when the caller may see a thing of `branch` (may be NULL: a lot's)
 *  and organisation `org`. */
bool clm_sees (const svc_who_t *who, const char *branch, const char *org);

/*  SQL text of a timestamptz column as RFC 3339 UTC with microseconds
 *  (NULL stays NULL), for records built by the database as JSON. */
#define CLM_TS(col) "to_char (" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"

/*  Runs statement `name` with n parameters, expecting one row whose first
 *  column is a JSON document, parsed into *out (NULL when no row).
 *  Returns 0, or -1 after a database failure or out of memory (refused
 *  internal). */
int clm_json_row (clm_tx_t *t, const char *name, int n, const char *const *params, cJSON **out);

/*  The claim `t->id` locked for a move (lock) or read: its status in
 *  *status and the row (columns: CLM_ROW_*) in *row (caller PQclears).
 *  Returns 0, or -1 refused not_found (not there, or not the caller's) or
 *  after a database failure. */
enum { CLM_ROW_STATUS = 0, CLM_ROW_TICKET, CLM_ROW_BRANCH, CLM_ROW_ORG, CLM_ROW_AMOUNT, CLM_ROW_CURRENCY,
       CLM_ROW_WORK_ORDER, CLM_ROW_DECISION, CLM_ROW_RESPONSIBILITY, CLM_ROW_UNREPAIRABLE, CLM_ROW_THREE_REPAIRS };
int clm_claim_row (clm_tx_t *t, bool lock, int *status, PGresult **row);

/*  The claim `t->id`'s record, as claim.get answers it, into t->result.
 *  Returns 0 or -1. */
int clm_record (clm_tx_t *t);

/*  sla.subject (kind claim) for the claim's `event` (filed, reviewed,
 *  decided, closed): dispatch runs the claim's decision clock on it. Into
 *  the outbox of t's transaction. Returns 0 or -1. */
int clm_emit_subject (clm_tx_t *t, const char *ticket, const char *branch, const char *event);

/*  Logs `event` with the claim id of a record and who made the request. */
void clm_log (const cJSON *record, const char *event, const rqe_ctx_t *ctx);

#endif
