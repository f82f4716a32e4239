/*  claim_decide — see claim_decide.h. */
#include "claim_decide.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "claim_state.h"
#include "claim_tx.h"
#include "db/statements.h"
#include "svc/emit.h"

static const db_statement_t s_statements[] = {
    /* $1 claim, $2 status, … the last parameter: the states the move starts from */
    { "clm_review",
      "UPDATE claims.claims SET status = $2, recommendation = $3, review_note = $4, reviewed_by = $5,"
      "  reviewed_at = $6::timestamptz WHERE id = $1::bigint AND status = ANY ($7::text[])" },
    { "clm_decide",
      "UPDATE claims.claims SET status = $2, decision = $3, responsibility = $4, approved_amount = $5::bigint,"
      "  decision_note = $6, decided_by = $7, decided_at = $8::timestamptz"
      " WHERE id = $1::bigint AND status = ANY ($9::text[])" },
    { "clm_close",
      "UPDATE claims.claims SET status = $2, closed_at = $3::timestamptz"
      " WHERE id = $1::bigint AND status = ANY ($4::text[])" },
    { "clm_parts_open", "SELECT count(*) FROM claims.claim_parts WHERE claim_id = $1::bigint AND checked_at IS NULL" },
    { "clm_part_find",
      "SELECT position, serial, returned_at IS NOT NULL, checked_at IS NOT NULL FROM claims.claim_parts"
      " WHERE claim_id = $1::bigint AND code = $2 ORDER BY position FOR UPDATE" },
    { "clm_part_return",
      "UPDATE claims.claim_parts SET returned_serial = $3, returned_by = $4, returned_at = $5::timestamptz"
      " WHERE claim_id = $1::bigint AND position = $2::int AND returned_at IS NULL" },
    { "clm_part_check",
      "UPDATE claims.claim_parts SET check_result = $3, check_note = $4, checked_by = $5, checked_at = $6::timestamptz"
      " WHERE claim_id = $1::bigint AND position = $2::int AND returned_at IS NOT NULL AND checked_at IS NULL" },
};

int clm_decide_prepare (db_t *db)
{
    return db_prepare_statements (db, s_statements, DB_STATEMENTS (s_statements));
}

/*  The move on `event` from `from`; the statement's status and "from"
 *  parameters are filled here. Returns 0 or -1 (refused conflict). */
static int s_move (clm_tx_t *t, int from, clm_event_t event, clm_state_t *to, char *from_sql, size_t size)
{
    char why[160];
    if (clm_transition ((clm_state_t) from, event, to, why, sizeof why) != 0)
        return CLM_FAIL (t, RPL_CONFLICT, "claim %s: %s", t->id, why);
    states_from_sql (&clm_states, *to, from_sql, size);
    return 0;
}

static int s_exec_one (clm_tx_t *t, const char *name, int n, const char *const *p)
{
    PGresult *res = db_exec_prepared (t->app->db, name, n, p);
    if (!res)
        return -1;
    bool one = strcmp (PQcmdTuples (res), "1") == 0;
    PQclear (res);
    return one ? 0 : CLM_FAIL (t, RPL_CONFLICT, "claim %s changed meanwhile; try again", t->id);
}

/*  An approved claim with every replaced part checked closes. */
static int s_close_if_done (clm_tx_t *t, PGresult *row)
{
    const char *p[] = { t->id };
    PGresult *res = db_exec_prepared (t->app->db, "clm_parts_open", 1, p);
    if (!res)
        return -1;
    bool open = strcmp (PQgetvalue (res, 0, 0), "0") != 0;
    PQclear (res);
    if (open)
        return 0;
    clm_state_t to;
    char from[96];
    if (s_move (t, CLM_APPROVED, CLME_CLOSE, &to, from, sizeof from) != 0)
        return -1;
    const char *pc[] = { t->id, clm_state_names[to], t->now, from };
    if (s_exec_one (t, "clm_close", 4, pc) != 0)
        return -1;
    return clm_emit_subject (t, PQgetvalue (row, 0, CLM_ROW_TICKET), PQgetvalue (row, 0, CLM_ROW_BRANCH), "closed");
}

/* ---- claim.review -------------------------------------------------------------- */

static int s_review (clm_tx_t *t)
{
    int status;
    PGresult *row = NULL;
    if (clm_claim_row (t, true, &status, &row) != 0)
        return -1;
    clm_state_t to;
    char from[96];
    int rc = -1;
    if (s_move (t, status, CLME_REVIEW, &to, from, sizeof from) == 0) {
        const char *p[] = { t->id, clm_state_names[to], json_str (t->body, "recommendation", ""),
                            json_str (t->body, "note", NULL), t->ctx->who.principal, t->now, from };
        if (s_exec_one (t, "clm_review", 7, p) == 0
            && clm_emit_subject (t, PQgetvalue (row, 0, CLM_ROW_TICKET), PQgetvalue (row, 0, CLM_ROW_BRANCH),
                                 "reviewed")
                   == 0)
            rc = clm_record (t);
    }
    PQclear (row);
    return rc;
}

/* ---- claim.decide ---------------------------------------------------------------- */

/*  claim.approved to billing: credit the dealer's account (contract body). */
static int s_emit_approved (clm_tx_t *t, PGresult *row, int64_t amount)
{
    const char *ticket = PQgetvalue (row, 0, CLM_ROW_TICKET), *branch = PQgetvalue (row, 0, CLM_ROW_BRANCH);
    cJSON *body = cJSON_CreateObject ();
    if (!body || json_add_id (body, "claim_id", t->id) != 0 || !cJSON_AddStringToObject (body, "branch", branch)
        || !cJSON_AddStringToObject (body, "dealer_id", PQgetvalue (row, 0, CLM_ROW_ORG))
        || json_add_id (body, "ticket_id", ticket) != 0
        || json_add_id (body, "work_order_id", PQgetvalue (row, 0, CLM_ROW_WORK_ORDER)) != 0
        || !cJSON_AddNumberToObject (body, "amount", (double) amount)
        || !cJSON_AddStringToObject (body, "currency", PQgetvalue (row, 0, CLM_ROW_CURRENCY))
        || !cJSON_AddStringToObject (body, "responsibility", json_str (t->body, "responsibility", ""))) {
        cJSON_Delete (body);
        return CLM_FAIL (t, RPL_INTERNAL, "out of memory");
    }
    if (svc_emit (t->app->bus, t->app->db, "claim.approved", 1, branch, ticket, &body) != 0)
        return -1;
    t->emitted = true;
    return 0;
}

static int s_decide (clm_tx_t *t)
{
    int status;
    PGresult *row = NULL;
    if (clm_claim_row (t, true, &status, &row) != 0)
        return -1;
    bool approve = strcmp (json_str (t->body, "decision", ""), "approve") == 0;
    int64_t claimed = strtoll (PQgetvalue (row, 0, CLM_ROW_AMOUNT), NULL, 10);
    int64_t amount = json_int (t->body, "amount", claimed);
    clm_state_t to;
    char from[96], amount_text[24];
    int rc = -1;
    if (s_move (t, status, approve ? CLME_APPROVE : CLME_REJECT, &to, from, sizeof from) != 0)
        goto cleanup;
    if (!approve && cJSON_GetObjectItemCaseSensitive (t->body, "amount")) {
        CLM_FAIL (t, RPL_INVALID, "body.amount: a rejected claim is paid nothing: leave the amount out");
        goto cleanup;
    }
    if (approve && (amount < 1 || amount > claimed)) {
        CLM_FAIL (t, RPL_INVALID, "body.amount: %" PRId64 " is not between 1 and the %" PRId64 " %s claimed", amount,
                  claimed, PQgetvalue (row, 0, CLM_ROW_CURRENCY));
        goto cleanup;
    }
    snprintf (amount_text, sizeof amount_text, "%" PRId64, amount);
    const char *p[] = { t->id, clm_state_names[to], approve ? "approve" : "reject",
                        json_str (t->body, "responsibility", ""), approve ? amount_text : NULL,
                        json_str (t->body, "note", NULL), t->ctx->who.principal, t->now, from };
    if (s_exec_one (t, "clm_decide", 9, p) != 0
        || clm_emit_subject (t, PQgetvalue (row, 0, CLM_ROW_TICKET), PQgetvalue (row, 0, CLM_ROW_BRANCH), "decided")
               != 0
        || (approve && (s_emit_approved (t, row, amount) != 0 || s_close_if_done (t, row) != 0)))
        goto cleanup;
    rc = clm_record (t);
cleanup:
    PQclear (row);
    return rc;
}

/* ---- claim.part_returned, claim.part_checked --------------------------------------- */

/*  The part `code` of the claim that the step applies to: its position in
 *  *pos. checking: the first returned and not checked; else the first not
 *  returned whose serial is the one given (or that has none). */
static int s_find_part (clm_tx_t *t, bool checking, char *pos, size_t size)
{
    const char *code = json_str (t->body, "code", ""), *serial = json_str (t->body, "serial", NULL);
    const char *p[] = { t->id, code };
    PGresult *res = db_exec_prepared (t->app->db, "clm_part_find", 2, p);
    if (!res)
        return -1;
    int found = -1, waiting = 0, done = 0;
    const char *other_serial = NULL;
    for (int i = 0; found < 0 && i < PQntuples (res); i++) {
        bool returned = strcmp (PQgetvalue (res, i, 2), "t") == 0, checked = strcmp (PQgetvalue (res, i, 3), "t") == 0;
        if (checking ? returned && !checked
                     : !returned && (PQgetisnull (res, i, 1) || (serial && strcmp (serial, PQgetvalue (res, i, 1)) == 0)))
            found = i;
        else if (checking ? !returned : !returned)
            waiting++, other_serial = PQgetisnull (res, i, 1) ? other_serial : PQgetvalue (res, i, 1);
        else
            done++;
    }
    int rc = 0;
    if (found >= 0)
        snprintf (pos, size, "%s", PQgetvalue (res, found, 0));
    else if (PQntuples (res) == 0)
        rc = CLM_FAIL (t, RPL_INVALID, "body.code: %s is not a part the claimed work replaced", code);
    else if (checking)
        rc = CLM_FAIL (t, RPL_CONFLICT, "part %s of claim %s is %s", code, t->id,
                       waiting ? "not returned yet: it is checked once returned" : "checked already");
    else if (waiting)
        rc = CLM_FAIL (t, RPL_INVALID, "body.serial: the replaced %s has serial %s, not %s", code,
                       other_serial ? other_serial : "?", serial ? serial : "none");
    else
        rc = CLM_FAIL (t, RPL_CONFLICT, "part %s of claim %s is returned already", code, t->id);
    PQclear (res);
    return rc;
}

static int s_part_step (clm_tx_t *t, bool checking)
{
    int status;
    PGresult *row = NULL;
    if (clm_claim_row (t, true, &status, &row) != 0)
        return -1;
    int rc = -1;
    char pos[16];
    if (status == CLM_REJECTED || status == CLM_CLOSED)
        CLM_FAIL (t, RPL_CONFLICT, "claim %s is %s: its parts are no longer %s", t->id, clm_state_names[status],
                  checking ? "checked" : "returned");
    else if (s_find_part (t, checking, pos, sizeof pos) == 0) {
        const char *note = json_str (t->body, "note", NULL);
        const char *pr[] = { t->id, pos, json_str (t->body, "serial", NULL), t->ctx->who.principal, t->now };
        const char *pc[] = { t->id, pos, json_str (t->body, "result", ""), note, t->ctx->who.principal, t->now };
        if (checking && strcmp (pc[2], "not_as_stated") == 0 && !note)
            CLM_FAIL (t, RPL_INVALID, "body.note: say what is not as stated");
        else if ((checking ? s_exec_one (t, "clm_part_check", 6, pc) : s_exec_one (t, "clm_part_return", 5, pr)) == 0
                 && (!checking || status != CLM_APPROVED || s_close_if_done (t, row) == 0))
            rc = clm_record (t);
    }
    PQclear (row);
    return rc;
}

static int s_part_returned (clm_tx_t *t)
{
    return s_part_step (t, false);
}

static int s_part_checked (clm_tx_t *t)
{
    return s_part_step (t, true);
}

/* ---- the requests ------------------------------------------------------------------ */

static rpl_code_t s_run (void *app, const rqe_ctx_t *ctx, const cJSON *body, int (*fn) (clm_tx_t *),
                         const char *what, const char *event, cJSON **result, char *err, size_t errsize)
{
    rpl_code_t code = clm_tx_run (app, ctx, body, "claim_id", fn, what, result, err, errsize);
    if (code == RPL_OK)
        clm_log (*result, event, ctx);
    return code;
}

rpl_code_t clm_rq_review (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err,
                          size_t errsize)
{
    return s_run (app, ctx, body, s_review, "reviewing the claim", "claim_reviewed", result, err, errsize);
}

rpl_code_t clm_rq_decide (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err,
                          size_t errsize)
{
    return s_run (app, ctx, body, s_decide, "deciding the claim", "claim_decided", result, err, errsize);
}

rpl_code_t clm_rq_part_returned (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err,
                                 size_t errsize)
{
    return s_run (app, ctx, body, s_part_returned, "recording the returned part", "claim_part_returned", result,
                  err, errsize);
}

rpl_code_t clm_rq_part_checked (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err,
                                size_t errsize)
{
    return s_run (app, ctx, body, s_part_checked, "recording the part's check", "claim_part_checked", result, err,
                  errsize);
}
