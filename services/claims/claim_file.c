/*  claim_file — see claim_file.h. */
#include "claim_file.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../dispatch/dispatch_config.h"
#include "auth/roles.h"
#include "base/json.h"
#include "base/log.h"
#include "claim_filing.h"
#include "claim_state.h"
#include "claim_tx.h"
#include "db/statements.h"
#include "model/warranty.h"

#define S_DAY(expr) "(" expr ") - DATE '1970-01-01'"

static const db_statement_t s_statements[] = {
    /* $1 work order: its ticket, branch, state, done report and the report's day in the branch's zone,
     * and who did the work: the technician, their organisation or their branch */
    { "clm_work",
      "SELECT w.ticket_id, w.branch_id, w.status, d.work_order_id IS NOT NULL, d.cause, d.parts::text,"
      "  " S_DAY ("(d.reported_at AT TIME ZONE b.timezone)::date") ", b.region_id,"
      "  w.technician_id, t.organisation_id, t.branch_id"
      " FROM dispatch.work_orders w JOIN ref.branches b ON b.id = w.branch_id"
      " LEFT JOIN ref.technicians t ON t.id = w.technician_id"
      " LEFT JOIN dispatch.done_reports d ON d.work_order_id = w.id WHERE w.id = $1::bigint" },
    { "clm_org", "SELECT kind, $2::text = ANY (regions), array_to_string (regions, ', ') FROM ref.organisations"
                 " WHERE id = $1" },
    /* the work's claim that is not superseded, if any */
    { "clm_by_wo",
      "SELECT id, status FROM claims.claims WHERE work_order_id = $1::bigint AND status <> 'superseded' FOR UPDATE" },
    /* $1 the rejected claim, $2 its new status, $3 the states the move starts from */
    { "clm_supersede",
      "UPDATE claims.claims SET status = $2 WHERE id = $1::bigint AND status = ANY ($3::text[])" },
    { "clm_insert",
      "INSERT INTO claims.claims (work_order_id, ticket_id, branch_id, org_id, product_code, spec, quantity,"
      "  purchase_proof, install_date, description, cause, photos, amount, currency, unrepairable_on_site,"
      "  replacement_fault, filed_by, filed_at, refiles)"
      " VALUES ($1::bigint, $2::bigint, $3, $4, $5, $6, $7::int, $8, $9::date, $10, $11, $12::jsonb, $13::bigint,"
      "  $14, $15::bool, $16, $17, $18::timestamptz, $19::bigint) RETURNING id" },
    /* the done report's parts, each to be returned and checked */
    { "clm_parts_insert",
      "INSERT INTO claims.claim_parts (claim_id, position, branch_id, code, quantity, serial)"
      " SELECT $1::bigint, x.ord - 1, $2, x.p ->> 'code', (x.p ->> 'quantity')::int, x.p ->> 'serial'"
      " FROM jsonb_array_elements ($3::jsonb) WITH ORDINALITY AS x (p, ord)" },
};

/*  $1 ticket, $2 the claimed install date: the unit's product and warranty facts. */
#define S_UNIT                                                                                                 \
    "SELECT coalesce (c.product_code, t.product_code), %s, c.card_no IS NOT NULL, p.warranty_months,"          \
    "  p.warranty_from, " S_DAY ("c.purchase_date") ", " S_DAY ("coalesce (c.install_date, $2::date)") ","      \
    "  coalesce (c.install_unauthorised, false)"                                                               \
    " FROM intake.tickets t LEFT JOIN ref.warranty_cards c ON c.card_no = t.warranty_card"                     \
    " LEFT JOIN ref.products p ON p.code = coalesce (c.product_code, t.product_code) WHERE t.id = $1::bigint"

int clm_file_prepare (db_t *db, bool three_repairs)
{
    char unit[1024];
    snprintf (unit, sizeof unit, S_UNIT, three_repairs ? "t.replacement_fault" : "NULL::text");
    if (db_prepare (db, "clm_unit", unit) != 0)
        return -1;
    return db_prepare_statements (db, s_statements, DB_STATEMENTS (s_statements));
}

/*  One claim being filed. */
typedef struct {
    clf_claim_t claim;
    const char *org;
    char wo[24];
    char refiles[24]; /* the rejected claim this one replaces ("" for none) */
    PGresult *work, *unit;
} s_file_t;

static bool s_cause_known (const void *arg, const char *code)
{
    return dispatch_fault_code_known (arg, code);
}

static int32_t s_day (PGresult *res, int col)
{
    return PQgetisnull (res, 0, col) ? WARRANTY_NO_DATE : (int32_t) strtol (PQgetvalue (res, 0, col), NULL, 10);
}

/*  The organisation serves the region of the work's branch. */
static int s_check_org (clm_tx_t *t, s_file_t *f)
{
    const char *p[] = { f->org, PQgetvalue (f->work, 0, 7) };
    PGresult *res = db_exec_prepared (t->app->db, "clm_org", 2, p);
    if (!res)
        return -1;
    int rc = 0;
    if (PQntuples (res) != 1)
        rc = CLM_FAIL (t, RPL_INVALID, "body.dealer_id: no dealer or provider \"%s\" (ref.organisations)", f->org);
    else if (strcmp (PQgetvalue (res, 0, 1), "t") != 0)
        rc = CLM_FAIL (t, RPL_FORBIDDEN,
                       "work_region: %s serves the regions %s, not %s, the region of branch %s where the work was done",
                       f->org, PQgetvalue (res, 0, 2), PQgetvalue (f->work, 0, 7), PQgetvalue (f->work, 0, 1));
    PQclear (res);
    return rc;
}

/*  The claimant's own technician did the work. A branch's own technician's
 *  warranty work is the branch's cost, booked when the work is accepted;
 *  another organisation's is that organisation's to claim: either way a
 *  claim would pay the same work twice (docs/claims.md "Whose work"). */
static int s_check_doer (clm_tx_t *t, s_file_t *f)
{
    PGresult *w = f->work;
    const char *tech = PQgetisnull (w, 0, 8) ? NULL : PQgetvalue (w, 0, 8);
    if (!PQgetisnull (w, 0, 9) && strcmp (PQgetvalue (w, 0, 9), f->org) == 0)
        return 0;
    if (!tech)
        return CLM_FAIL (t, RPL_CONFLICT, "not_their_work: work order %s names no technician; %s claims only the "
                                          "work of its own technicians", f->wo, f->org);
    if (!PQgetisnull (w, 0, 9))
        return CLM_FAIL (t, RPL_CONFLICT,
                         "not_their_work: work order %s was done by %s, a technician of %s, not of %s; only %s "
                         "claims that work",
                         f->wo, tech, PQgetvalue (w, 0, 9), f->org, PQgetvalue (w, 0, 9));
    return CLM_FAIL (t, RPL_CONFLICT,
                     "not_their_work: work order %s was done by %s, a technician of branch %s, not of %s; a "
                     "branch's own warranty work is its own cost (booked when the work is accepted), not claimed",
                     f->wo, tech, PQgetisnull (w, 0, 10) ? PQgetvalue (w, 0, 1) : PQgetvalue (w, 0, 10), f->org);
}

/*  The work's earlier claim, if any: a rejected one is superseded by this
 *  one (clm_transition decides); any other is refused. */
static int s_check_claimed (clm_tx_t *t, s_file_t *f)
{
    const char *p[] = { f->wo };
    PGresult *res = db_exec_prepared (t->app->db, "clm_by_wo", 1, p);
    if (!res)
        return -1;
    int rc = 0, from = 0;
    clm_state_t to;
    char why[160], from_sql[96];
    if (PQntuples (res) == 0)
        goto done;
    snprintf (f->refiles, sizeof f->refiles, "%s", PQgetvalue (res, 0, 0));
    if (states_parse (&clm_states, PQgetvalue (res, 0, 1), &from) != 0) {
        rc = CLM_FAIL (t, RPL_INTERNAL, "claim %s has an unknown status", f->refiles);
        goto done;
    }
    if (clm_transition ((clm_state_t) from, CLME_REFILE, &to, why, sizeof why) != 0) {
        rc = CLM_FAIL (t, RPL_CONFLICT, "already_claimed: work order %s is claimed already (claim %s: %s)", f->wo,
                       f->refiles, why);
        goto done;
    }
    states_from_sql (&clm_states, to, from_sql, sizeof from_sql);
    const char *ps[] = { f->refiles, clm_state_names[to], from_sql };
    PQclear (res);
    if (!(res = db_exec_prepared (t->app->db, "clm_supersede", 3, ps)))
        return -1;
    if (strcmp (PQcmdTuples (res), "1") != 0)
        rc = CLM_FAIL (t, RPL_CONFLICT, "claim %s changed meanwhile; try again", f->refiles);
done:
    PQclear (res);
    return rc;
}

/*  Done work, by the claimant, not claimed before (or only in a rejected claim). */
static int s_check_work (clm_tx_t *t, s_file_t *f)
{
    const char *status = PQgetvalue (f->work, 0, 2);
    if ((strcmp (status, "completed") != 0 && strcmp (status, "accepted") != 0)
        || strcmp (PQgetvalue (f->work, 0, 3), "t") != 0)
        return CLM_FAIL (t, RPL_CONFLICT,
                         "work_not_done: work order %s is %s without a done report; only completed or accepted "
                         "work with a done report is claimed",
                         f->wo, status);
    return s_check_doer (t, f);
}

/*  The unit: the claimed product is the ticket's, and the work was under warranty. */
static int s_check_warranty (clm_tx_t *t, s_file_t *f)
{
    const char *p[] = { PQgetvalue (f->work, 0, 0), f->claim.install_date };
    if (!(f->unit = db_exec_prepared (t->app->db, "clm_unit", 2, p)))
        return -1;
    if (PQntuples (f->unit) != 1)
        return CLM_FAIL (t, RPL_CONFLICT, "work_not_done: the ticket of work order %s is not found", f->wo);
    PGresult *u = f->unit;
    if (!PQgetisnull (u, 0, 0) && strcmp (PQgetvalue (u, 0, 0), f->claim.product_code) != 0)
        return CLM_FAIL (t, RPL_INVALID, "body.product_code: the unit of work order %s is a %s, not %s", f->wo,
                         PQgetvalue (u, 0, 0), f->claim.product_code);
    bool card = strcmp (PQgetvalue (u, 0, 2), "t") == 0;
    warranty_facts_t facts = {
        .has_card = card,
        .months = card ? atoi (PQgetvalue (u, 0, 3)) : 0,
        .basis = card && strcmp (PQgetvalue (u, 0, 4), "installation") == 0 ? WARRANTY_FROM_INSTALLATION
                                                                          : WARRANTY_FROM_PURCHASE,
        .purchase_day = s_day (u, 5),
        .install_day = s_day (u, 6),
        .installed_by_unauthorised = strcmp (PQgetvalue (u, 0, 7), "t") == 0,
        /* the technician's cause "misuse" is the finding a service advisor confirmed before the work */
        .misuse_confirmed = strcmp (PQgetvalue (f->work, 0, 4), "misuse") == 0,
        .service_day = s_day (f->work, 6),
    };
    warranty_reason_t why = warranty_decide (&facts);
    if (why != WARRANTY_COVERED)
        return CLM_FAIL (t, RPL_CONFLICT, "not_under_warranty: the work of work order %s was not under warranty (%s)",
                         f->wo, warranty_reason_name (why));
    return 0;
}

static int s_store (clm_tx_t *t, s_file_t *f)
{
    cJSON *photos = clf_photos (t->body);
    char *photos_text = photos ? json_print (photos) : NULL;
    cJSON_Delete (photos);
    if (!photos_text)
        return CLM_FAIL (t, RPL_INTERNAL, "out of memory");
    char qty[24], amount[24];
    snprintf (qty, sizeof qty, "%" PRId64, f->claim.quantity);
    snprintf (amount, sizeof amount, "%" PRId64, f->claim.amount);
    const clf_claim_t *c = &f->claim;
    const char *ticket = PQgetvalue (f->work, 0, 0), *branch = PQgetvalue (f->work, 0, 1);
    const char *p[] = { f->wo, ticket, branch, f->org, c->product_code, c->spec, qty, c->purchase_proof,
                        c->install_date, c->description, c->cause, photos_text, amount, c->currency,
                        c->unrepairable_on_site ? "true" : "false",
                        PQgetisnull (f->unit, 0, 1) ? NULL : PQgetvalue (f->unit, 0, 1), t->ctx->who.principal,
                        t->now, f->refiles[0] ? f->refiles : NULL };
    PGresult *res = db_exec_prepared (t->app->db, "clm_insert", 19, p);
    free (photos_text);
    if (!res)
        return -1;
    snprintf (t->id, sizeof t->id, "%s", PQgetvalue (res, 0, 0));
    PQclear (res);
    const char *pp[] = { t->id, branch, PQgetisnull (f->work, 0, 5) ? "[]" : PQgetvalue (f->work, 0, 5) };
    if (!(res = db_exec_prepared (t->app->db, "clm_parts_insert", 3, pp)))
        return -1;
    PQclear (res);
    if (clm_emit_subject (t, ticket, branch, "filed") != 0)
        return -1;
    return clm_record (t);
}

static int s_file (clm_tx_t *t)
{
    s_file_t f = { .org = NULL };
    const svc_who_t *who = &t->ctx->who;
    char list[1536];
    if (clf_parse (t->body, t->app->cfg->photos_min, s_cause_known, t->app->dispatch_cfg, &f.claim, list,
                   sizeof list)
        != 0)
        return CLM_FAIL (t, RPL_INVALID, "%s", list);
    if (who->organisation) {
        if (f.claim.dealer_id && strcmp (f.claim.dealer_id, who->organisation) != 0)
            return CLM_FAIL (t, RPL_FORBIDDEN, "body.dealer_id: you file for %s only", who->organisation);
        f.org = who->organisation;
    } else if (!(f.org = f.claim.dealer_id))
        return CLM_FAIL (t, RPL_INVALID, "body.dealer_id: missing (head office names the dealer or provider it "
                                         "files for)");
    snprintf (f.wo, sizeof f.wo, "%" PRId64, f.claim.work_order_id);
    const char *p[] = { f.wo };
    if (!(f.work = db_exec_prepared (t->app->db, "clm_work", 1, p)))
        return -1;
    int rc = -1;
    if (PQntuples (f.work) != 1)
        CLM_FAIL (t, RPL_NOT_FOUND, "body.work_order_id: no work order %s", f.wo);
    else if (s_check_org (t, &f) == 0 && s_check_work (t, &f) == 0 && s_check_warranty (t, &f) == 0
             && s_check_claimed (t, &f) == 0)
        rc = s_store (t, &f);
    PQclear (f.work);
    PQclear (f.unit);
    return rc;
}

rpl_code_t clm_rq_file (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err,
                        size_t errsize)
{
    rpl_code_t code = clm_tx_run (app, ctx, body, NULL, s_file, "filing the claim", result, err, errsize);
    if (code == RPL_OK)
        clm_log (*result, "claim_filed", ctx);
    return code;
}
