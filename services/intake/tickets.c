/*  tickets — the ticket desk's life cycle and the rules of one
 *  ticket.submit against PostgreSQL (see tickets.h); the group commit
 *  around them is tickets_batch.c, ticket.get / ticket.list are
 *  tickets_read.c. Every parameter goes to libpq as text
 *  through named prepared statements; timestamps come from the injectable
 *  clock and are passed as parameters, never taken from now() in SQL.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/ticket.h"
#include "svc/failure.h"
#include "svc/emit.h"
#include "db/statements.h"
#include "base/clock.h"
#include "msg/envelope.h"
#include "base/json.h"
#include "base/log.h"
#include "repairs.h"
#include "tickets.h"
#include "tickets_private.h"

/*  Advisory lock classes (first key of pg_advisory_xact_lock(int, int)). */
#define S_LOCK_CUSTOMER "18010"
#define S_LOCK_PHONE "18020"
#define S_LOCK_REQUEST "18030"



static const db_statement_t s_statements[] = {
    { "intake_lock_request",
      "SELECT pg_advisory_xact_lock(" S_LOCK_REQUEST ", hashtext($1))" },
    /* The request locks of a batch, in one order (no deadlock between two
     * instances locking overlapping batches). */
    { "intake_lock_requests",
      "SELECT count(pg_advisory_xact_lock(" S_LOCK_REQUEST ", x.h))"
      " FROM (SELECT DISTINCT hashtext(e->>'r') AS h FROM jsonb_array_elements($1::jsonb) e"
      "       WHERE e->>'r' IS NOT NULL ORDER BY 1) x" },
    /* Run after the request lock (its own snapshot, so it sees a request
     * committed while it waited), in one round trip: the ticket of request
     * $1 (a replay), the known customer $2 with its lock (as intake_customer)
     * and the product $3 — one row, NULLs for what is not there. */
    { "intake_lookup",
      "SELECT r.id, r.status, r.branch_id, r.customer_id,"
      "  c.id, c.region_id, c.tier, c.branch_id, c.locked, c.class,"
      "  p.code, p.line, p.premium"
      " FROM (SELECT 1) AS one"
      " LEFT JOIN LATERAL (SELECT t.id, t.status, t.branch_id, t.customer_id"
      "   FROM intake.tickets t WHERE t.request_id = $1::text) r ON true"
      " LEFT JOIN LATERAL (SELECT c.id, c.region_id, g.tier,"
      "   COALESCE(c.branch_id, (SELECT b.id FROM ref.branches b"
      "            WHERE b.region_id = c.region_id ORDER BY b.id LIMIT 1)) AS branch_id,"
      "   pg_advisory_xact_lock(" S_LOCK_CUSTOMER ", hashtext(c.id)) AS locked, c.class"
      "   FROM ref.customers c JOIN ref.regions g ON g.id = c.region_id"
      "   WHERE c.id = $2::text) c ON true"
      " LEFT JOIN LATERAL (SELECT p.code, p.line, p.premium FROM ref.products p"
      "   WHERE p.code = $3::text) p ON true" },
    /* intake_lookup for a batch (after intake_lock_requests): one row per
     * element of $1, [{"r": request_id, "c": customer, "p": product}], in
     * its order. OFFSET 0 keeps each lookup a probe of its index per
     * element (else a hash join may scan all tickets); on q it keeps the
     * jsonb ->> inside q: a join condition holding ->> (not leakproof)
     * cannot reach an index under row-level security, and every submit
     * would scan all tickets and all customers. */
    { "intake_lookup_batch",
      "SELECT r.id, r.status, r.branch_id, r.customer_id,"
      "  c.id, c.region_id, c.tier, c.branch_id, c.locked, c.class,"
      "  p.code, p.line, p.premium"
      " FROM (SELECT e->>'r' AS request_id, e->>'c' AS customer_id, e->>'p' AS product_code, n"
      "       FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS x(e, n) OFFSET 0) q"
      " LEFT JOIN LATERAL (SELECT t.id, t.status, t.branch_id, t.customer_id"
      "   FROM intake.tickets t WHERE t.request_id = q.request_id OFFSET 0) r ON true"
      " LEFT JOIN LATERAL (SELECT c.id, c.region_id, g.tier,"
      "   COALESCE(c.branch_id, (SELECT b.id FROM ref.branches b"
      "            WHERE b.region_id = c.region_id ORDER BY b.id LIMIT 1)) AS branch_id,"
      "   pg_advisory_xact_lock(" S_LOCK_CUSTOMER ", hashtext(c.id)) AS locked, c.class"
      "   FROM ref.customers c JOIN ref.regions g ON g.id = c.region_id"
      "   WHERE c.id = q.customer_id) c ON true"
      " LEFT JOIN LATERAL (SELECT p.code, p.line, p.premium FROM ref.products p"
      "   WHERE p.code = q.product_code OFFSET 0) p ON true"
      " ORDER BY q.n" },
    { "intake_joined_by_request",
      "SELECT h.ticket_id, t.status, t.branch_id, t.customer_id"
      " FROM intake.ticket_history h JOIN intake.tickets t ON t.id = h.ticket_id"
      " WHERE h.ticket_id = $1 AND h.event = 'repeat_contact'"
      "   AND h.detail->>'request_id' = $2 LIMIT 1" },
    { "intake_customer",
      "SELECT c.id, c.region_id, r.tier,"
      "  COALESCE(c.branch_id, (SELECT b.id FROM ref.branches b"
      "           WHERE b.region_id = c.region_id ORDER BY b.id LIMIT 1)),"
      "  pg_advisory_xact_lock(" S_LOCK_CUSTOMER ", hashtext(c.id)), c.class"
      " FROM ref.customers c JOIN ref.regions r ON r.id = c.region_id"
      " WHERE c.id = $1" },
    /* a phone is compared without its spaces and dashes (ref.customers.phone_key,
     * migration 0042), so "0512-66001234" and "051266001234" are one customer */
    { "intake_lock_phone",
      "SELECT pg_advisory_xact_lock(" S_LOCK_PHONE ", hashtext(translate($1, ' -', '')))" },
    { "intake_customer_by_phone",
      "SELECT c.id FROM ref.customers c WHERE c.phone_key = translate($1, ' -', '')"
      " ORDER BY c.id LIMIT 1" },
    { "intake_region",
      "SELECT r.tier, (SELECT b.id FROM ref.branches b WHERE b.region_id = r.id"
      "                ORDER BY b.id LIMIT 1)"
      " FROM ref.regions r WHERE r.id = $1" },
    { "intake_customer_insert",
      "INSERT INTO ref.customers (id, name, phone, address, region_id, class, created_at)"
      " VALUES ('C' || lpad(nextval('ref.customer_seq')::text, 6, '0'),"
      "         $1, $2, $3, $4, 'regular', $5)"
      " RETURNING id" },
    { "intake_card",
      "SELECT w.customer_id, w.product_code FROM ref.warranty_cards w WHERE w.card_no = $1" },
    { "intake_branch", "SELECT b.id FROM ref.branches b WHERE b.id = $1" },
    { "intake_join",
      "WITH u AS (UPDATE intake.tickets SET contact_count = contact_count + 1,"
      "                  updated_at = $2 WHERE id = $1 RETURNING id)"
      " INSERT INTO intake.ticket_history (ticket_id, at, actor, event, detail)"
      " SELECT u.id, $2, $3, 'repeat_contact', $4::jsonb FROM u RETURNING ticket_id" },
    /* First-contact ownership and the new ticket in one round trip (after
     * the customer lock, in a statement of its own): the customer's open
     * ticket about the product $3 (or, without one, of the kind $7), locked,
     * when there is one (first column true: join it); else the new ticket
     * and its "created" history row (first column false). */
    { ITK_OI_STATEMENT,
      "WITH o AS (SELECT t.id, t.status, t.branch_id FROM intake.tickets t"
      "           WHERE t.customer_id = $2::text AND t.status <> '" TICKET_S_CLOSED "'"
      "             AND ($3::text IS NOT NULL AND t.product_code = $3::text"
      "                  OR $3::text IS NULL AND t.kind = $7::text)"
      "           ORDER BY t.id LIMIT 1 FOR UPDATE),"
      " n AS (INSERT INTO intake.tickets (branch_id, customer_id, product_code,"
      "             serial, warranty_card, channel, kind, priority, status, description,"
      "             request_id, created_at, updated_at, closed_at, resolution, complained_staff_id)"
      "       SELECT $1::text, $2::text, $3::text, $4::text, $5::text, $6::text, $7::text,"
      "              $8::text, $9::text, $10::text, $11::text, $12::timestamptz,"
      "              $12::timestamptz, $13::timestamptz, $14::text, $17::text"
      "       WHERE NOT EXISTS (SELECT 1 FROM o) RETURNING id),"
      " h AS (INSERT INTO intake.ticket_history (ticket_id, at, actor, event, detail)"
      "       SELECT n.id, $12::timestamptz, $15::text, 'created', $16::jsonb FROM n)"
      " SELECT true, o.id, o.status, o.branch_id FROM o"
      " UNION ALL SELECT false, n.id, NULL, NULL FROM n" },
    /* the staff member a complaint names must be one, and active */
    { "intake_staff_active", "SELECT active FROM auth.staff_directory WHERE id = $1" },
    { "intake_history_add",
      "INSERT INTO intake.ticket_history (ticket_id, at, actor, event, detail)"
      " VALUES ($1, $2, $3, $4, $5::jsonb)" },
    { "intake_get",
      "SELECT t.id, t.branch_id, t.customer_id, t.product_code, t.serial, t.warranty_card,"
      "  t.channel, t.kind, t.priority, t.status, t.description, t.contact_count,"
      "  t.request_id, " DB_EPOCH_US ("t.created_at") ", " DB_EPOCH_US ("t.updated_at") ","
      "  " DB_EPOCH_US ("t.closed_at") ", t.resolution,"
      "  c.name, c.phone, c.address, c.region_id, c.class,"
      "  t.paused_reason, " DB_EPOCH_US ("t.paused_at") ", t.replacement_fault"
      " FROM intake.tickets t JOIN ref.customers c ON c.id = t.customer_id"
      " WHERE t.id = $1" },
    { "intake_contact_read",
      "INSERT INTO ref.contact_reads (principal, customer_id, request, ticket_id)"
      " VALUES ($1, $2, $3, $4::bigint)" },
    { "intake_history",
      "SELECT " DB_EPOCH_US ("h.at") ", h.actor, h.event, h.detail::text"
      " FROM intake.ticket_history h WHERE h.ticket_id = $1 ORDER BY h.id" },
    { "intake_list",
      "SELECT t.id, t.branch_id, t.customer_id, c.name, t.product_code, t.channel,"
      "  t.kind, t.priority, t.status, t.contact_count, " DB_EPOCH_US ("t.created_at") ","
      "  " DB_EPOCH_US ("t.updated_at") ", t.description, c.phone"
      " FROM intake.tickets t JOIN ref.customers c ON c.id = t.customer_id"
      " WHERE ($1::text IS NULL OR t.branch_id = $1)"
      "   AND ($6::text[] IS NULL OR t.branch_id = ANY ($6::text[]))"
      "   AND ($2::text IS NULL OR t.status = $2)"
      "   AND ($3::text IS NULL OR t.kind = $3)"
      "   AND ($4::text IS NULL OR t.customer_id = $4)"
      "   AND ($7::bigint IS NULL OR t.id < $7::bigint)" /* after the cursor's ticket */
      " ORDER BY t.id DESC LIMIT $5" },
};

itk_t *itk_new (db_t *db, bus_t *bus, const char *actor)
{
    if (!db || !actor || !*actor)
        return NULL;
    itk_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->db = db;
    self->bus = bus;
    self->actor = strdup (actor);
    if (!self->actor)
        goto fail;
    if (db_prepare_statements (db, s_statements, DB_STATEMENTS (s_statements)) != 0) {
        log_kv (LOG_ERROR, "prepare_failed", "reason", db_error (db), NULL);
        goto fail;
    }
    return self;
fail:
    itk_destroy (&self);
    return NULL;
}

void itk_replace_after (itk_t *self, int times)
{
    self->replace_after = times;
}

void itk_set_pops (itk_t *self, struct isp_s *pops)
{
    self->pops = pops;
}

struct isp_s *itk_pops (const itk_t *self)
{
    return self->pops;
}

void itk_destroy (itk_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    itk_t *self = *self_p;
    free (self->actor);
    free (self);
    *self_p = NULL;
}

void itk_stats (const itk_t *self, itk_stats_t *out)
{
    *out = self->stats;
}

const char *itk_val (const PGresult *res, int row, int col)
{
    return PQgetisnull (res, row, col) ? NULL : PQgetvalue (res, row, col);
}

void itk_add_str (cJSON *obj, const char *key, const char *value)
{
    if (value)
        cJSON_AddStringToObject (obj, key, value);
    else
        cJSON_AddNullToObject (obj, key);
}

void itk_add_time (cJSON *obj, const char *key, const char *us_text)
{
    char buf[40];
    if (!us_text) {
        cJSON_AddNullToObject (obj, key);
        return;
    }
    cJSON_AddStringToObject (obj, key,
                             clock_format_us (strtoll (us_text, NULL, 10), buf, sizeof buf));
}

/* ---------------------------------------------------------------- submit */


/*  A refusal: the code and the reason (svc/reply.h). */
#define S_FAIL(x, why, ...) rpl_refuse (&(x)->code, (x)->err, (x)->errsize, (why), __VA_ARGS__)

/*  Who the history names: the caller, or intake itself for the system. */
static const char *s_actor (const itk_submit_t *s)
{
    return s->who && s->who->principal ? s->who->principal : s->self->actor;
}

/*  The ticket's branch must be one the caller acts for. A customer id of
 *  another branch's is "no customer", as if it did not exist; an inline
 *  customer or a named branch outside the caller's scope is forbidden. */
static int s_check_scope (itk_submit_t *s)
{
    if (!s->who || svc_who_sees_branch (s->who, s->branch))
        return 0;
    if (s->rq->branch)
        return S_FAIL (s, RPL_FORBIDDEN, "body.branch: you do not act for branch \"%.64s\"",
                       s->rq->branch);
    if (s->rq->customer_id)
        return S_FAIL (s, RPL_NOT_FOUND, "body.customer.id: no customer \"%.64s\"",
                       s->rq->customer_id);
    return S_FAIL (s, RPL_FORBIDDEN, "body.customer: served by a branch you do not act for");
}

static int s_fail_db (itk_submit_t *s, const char *what)
{
    s->code = svc_db_request_failure (s->self->db, what, s->err, s->errsize);
    return -1;
}

/*  A complaint about a staff member names an active one. Returns 0 or -1. */
static int s_check_complained (itk_submit_t *s)
{
    const char *id = s->rq->complained_staff_id;
    if (!id)
        return 0;
    const char *p[] = { id };
    PGresult *res = db_exec_prepared (s->self->db, "intake_staff_active", 1, p);
    if (!res)
        return s_fail_db (s, "looking up the staff member complained about");
    bool active = PQntuples (res) == 1 && strcmp (PQgetvalue (res, 0, 0), "t") == 0;
    bool known = PQntuples (res) == 1;
    PQclear (res);
    if (!active)
        return S_FAIL (s, RPL_INVALID, "body.complained_staff_id: \"%.64s\" is not %s", id,
                       known ? "an active staff member (no longer active)" : "a staff id");
    return 0;
}

static void s_copy (char *dst, size_t size, const char *src)
{
    snprintf (dst, size, "%s", src ? src : "");
}

/*  Runs a statement expecting 0 or 1 row. Returns the result (caller
 *  clears) or NULL after recording the failure in s. */
static PGresult *s_run (itk_submit_t *s, const char *name, int n, const char *const *params)
{
    PGresult *res = db_exec_prepared (s->self->db, name, n, params);
    if (!res)
        s_fail_db (s, name);
    return res;
}

static cJSON *s_submit_result (const char *ticket_id, const char *status, bool joined,
                               const char *branch, const char *customer_id)
{
    cJSON *r = cJSON_CreateObject ();
    if (!r)
        return NULL;
    cJSON_AddNumberToObject (r, "ticket_id", (double) strtoll (ticket_id, NULL, 10));
    cJSON_AddStringToObject (r, "status", status);
    cJSON_AddBoolToObject (r, "joined", joined);
    cJSON_AddStringToObject (r, "branch", branch);
    cJSON_AddStringToObject (r, "customer_id", customer_id);
    return r;
}

/*  Columns of intake_lookup (its customer columns are intake_customer's,
 *  from L_CUSTOMER on). */
enum {
    L_TICKET, L_TICKET_STATUS, L_TICKET_BRANCH, L_TICKET_CUSTOMER,
    L_CUSTOMER, /* id, region, tier, branch, lock, class */
    L_PRODUCT = L_CUSTOMER + 6, L_PRODUCT_LINE, L_PRODUCT_PREMIUM,
};

/*  Copies a customer row (id, region, tier, branch, lock, class) from `col`
 *  on. Returns 0, or -1 with RPL_NOT_FOUND when it is NULL (no customer). */
static int s_customer_copy (itk_submit_t *s, const PGresult *res, int row, int col, const char *id)
{
    if (row >= PQntuples (res) || !itk_val (res, row, col))
        return S_FAIL (s, RPL_NOT_FOUND, "body.customer.id: no customer \"%.64s\"", id);
    s_copy (s->customer_id, sizeof s->customer_id, itk_val (res, row, col));
    s_copy (s->region, sizeof s->region, itk_val (res, row, col + 1));
    s_copy (s->tier, sizeof s->tier, itk_val (res, row, col + 2));
    s_copy (s->branch, sizeof s->branch, itk_val (res, row, col + 3));
    s_copy (s->customer_class, sizeof s->customer_class, itk_val (res, row, col + 5));
    return 0;
}

/*  Known customer: must exist. Locks the customer for this transaction. */
static int s_customer_by_id (itk_submit_t *s, const char *id)
{
    const char *p[] = { id };
    PGresult *res = s_run (s, "intake_customer", 1, p);
    if (!res)
        return -1;
    int rc = s_customer_copy (s, res, 0, 0, id);
    PQclear (res);
    return rc;
}

/*  Inline customer: the one with the same phone, else a new one. */
static int s_customer_inline (itk_submit_t *s)
{
    const char *rq_region = s->rq->region;
    const char *p1[] = { s->phone };
    PGresult *res = s_run (s, "intake_lock_phone", 1, p1);
    if (!res)
        return -1;
    PQclear (res);
    if (!(res = s_run (s, "intake_customer_by_phone", 1, p1)))
        return -1;
    if (PQntuples (res) == 1) {
        char id[72];
        s_copy (id, sizeof id, itk_val (res, 0, 0));
        PQclear (res);
        return s_customer_by_id (s, id);
    }
    PQclear (res);

    const char *p2[] = { rq_region };
    if (!(res = s_run (s, "intake_region", 1, p2)))
        return -1;
    if (PQntuples (res) != 1) {
        PQclear (res);
        return S_FAIL (s, RPL_NOT_FOUND, "body.customer.region: no region \"%.64s\"", rq_region);
    }
    s_copy (s->region, sizeof s->region, rq_region);
    s_copy (s->customer_class, sizeof s->customer_class, "regular"); /* a new customer file */
    s_copy (s->tier, sizeof s->tier, itk_val (res, 0, 0));
    s_copy (s->branch, sizeof s->branch, itk_val (res, 0, 1));
    PQclear (res);

    const char *p3[] = { s->rq->name, s->phone, s->rq->address, rq_region, s->ts };
    if (!(res = s_run (s, "intake_customer_insert", 5, p3)))
        return -1;
    int rc = 0;
    if (PQntuples (res) != 1)
        rc = S_FAIL (s, RPL_INTERNAL, "opening the customer file returned no id");
    else
        s_copy (s->customer_id, sizeof s->customer_id, itk_val (res, 0, 0));
    PQclear (res);
    return rc;
}

/*  Product (read by intake_lookup, row `row`), warranty card and branch. */
static int s_resolve_refs (itk_submit_t *s, const PGresult *lookup, int row)
{
    const irq_submit_t *rq = s->rq;
    PGresult *res;
    if (rq->product_code) {
        if (!itk_val (lookup, row, L_PRODUCT))
            return S_FAIL (s, RPL_NOT_FOUND, "body.product.code: no product \"%.64s\"",
                           rq->product_code);
        s->has_product = true;
        s_copy (s->product_line, sizeof s->product_line, itk_val (lookup, row, L_PRODUCT_LINE));
        const char *premium = itk_val (lookup, row, L_PRODUCT_PREMIUM);
        s->premium = premium && premium[0] == 't';
    }
    if (rq->warranty_card) {
        const char *p[] = { rq->warranty_card };
        if (!(res = s_run (s, "intake_card", 1, p)))
            return -1;
        int rc = 0;
        if (PQntuples (res) != 1)
            rc = S_FAIL (s, RPL_NOT_FOUND, "body.product.warranty_card: no warranty card "
                                           "\"%.64s\"", rq->warranty_card);
        else if (strcmp (itk_val (res, 0, 0), s->customer_id) != 0)
            rc = S_FAIL (s, RPL_INVALID, "body.product.warranty_card: card \"%.64s\" belongs "
                                         "to another customer, not to %s",
                         rq->warranty_card, s->customer_id);
        else if (strcmp (itk_val (res, 0, 1), rq->product_code) != 0)
            rc = S_FAIL (s, RPL_INVALID, "body.product.warranty_card: card \"%.64s\" is for "
                                         "product \"%.64s\", not \"%.64s\"",
                         rq->warranty_card, itk_val (res, 0, 1), rq->product_code);
        PQclear (res);
        if (rc != 0)
            return rc;
    }
    if (rq->branch) {
        const char *p[] = { rq->branch };
        if (!(res = s_run (s, "intake_branch", 1, p)))
            return -1;
        int found = PQntuples (res) == 1;
        PQclear (res);
        if (!found)
            return S_FAIL (s, RPL_NOT_FOUND, "body.branch: no branch \"%.64s\"", rq->branch);
        s_copy (s->branch, sizeof s->branch, rq->branch);
    }
    if (!s->branch[0])
        return S_FAIL (s, RPL_NOT_FOUND, "body.branch: no branch serves region \"%s\" of "
                                         "customer %s; name one in \"branch\"",
                       s->region, s->customer_id);
    return 0;
}

/*  First-contact ownership: the request joins the customer's open ticket
 *  `id` (found and locked by intake_open_or_insert), or had already joined
 *  it. Returns 0 or -1. */
static int s_join (itk_submit_t *s, const char *id, const char *status, const char *branch)
{
    const irq_submit_t *rq = s->rq;
    PGresult *res;
    if (rq->request_id) {   /* this very request joined before: replay */
        const char *pr[] = { id, rq->request_id };
        if (!(res = s_run (s, "intake_joined_by_request", 2, pr)))
            return -1;
        int seen = PQntuples (res) == 1;
        PQclear (res);
        if (seen) {
            s->outcome = "replayed";
            s->result = s_submit_result (id, status, true, branch, s->customer_id);
            return s->result ? 0 : S_FAIL (s, RPL_INTERNAL, "out of memory");
        }
    }
    cJSON *detail = cJSON_CreateObject ();
    if (!detail)
        return S_FAIL (s, RPL_INTERNAL, "out of memory");
    cJSON_AddStringToObject (detail, "channel", rq->channel);
    cJSON_AddStringToObject (detail, "kind", rq->kind);
    cJSON_AddStringToObject (detail, "description", rq->description);
    if (rq->request_id)
        cJSON_AddStringToObject (detail, "request_id", rq->request_id);
    char *detail_text = json_print (detail);
    cJSON_Delete (detail);
    if (!detail_text)
        return S_FAIL (s, RPL_INTERNAL, "out of memory");
    const char *pj[] = { id, s->ts, s_actor (s), detail_text };
    res = s_run (s, "intake_join", 4, pj);
    free (detail_text);
    if (!res)
        return -1;
    int ok = PQntuples (res) == 1;
    PQclear (res);
    if (!ok)
        return S_FAIL (s, RPL_INTERNAL, "ticket %s vanished while joining", id);
    s->outcome = "joined";
    s->result = s_submit_result (id, status, true, branch, s->customer_id);
    return s->result ? 0 : S_FAIL (s, RPL_INTERNAL, "out of memory");
}

/*  The ticket.created message for a new ticket, into the outbox. */
static int s_emit_created (itk_submit_t *s, const char *id, const char *status)
{
    const irq_submit_t *rq = s->rq;
    if (!s->self->bus)
        return S_FAIL (s, RPL_INTERNAL, "intake has no message bus");
    cJSON *body = cJSON_CreateObject ();
    if (!body)
        return S_FAIL (s, RPL_INTERNAL, "out of memory");
    cJSON_AddNumberToObject (body, "ticket_id", (double) strtoll (id, NULL, 10));
    cJSON_AddStringToObject (body, "status", status);
    cJSON_AddStringToObject (body, "branch", s->branch);
    cJSON_AddStringToObject (body, "customer_id", s->customer_id);
    cJSON_AddStringToObject (body, "region", s->region);
    cJSON_AddStringToObject (body, "tier", s->tier);
    /* the SLA policy depends on it: carried so dispatch need not look it up */
    if (s->customer_class[0])
        cJSON_AddStringToObject (body, "customer_class", s->customer_class);
    cJSON_AddStringToObject (body, "kind", rq->kind);
    cJSON_AddStringToObject (body, "channel", rq->channel);
    cJSON_AddStringToObject (body, "priority", rq->priority);
    if (s->has_product) {
        cJSON *product = cJSON_AddObjectToObject (body, "product");
        if (product) {
            cJSON_AddStringToObject (product, "code", rq->product_code);
            cJSON_AddStringToObject (product, "line", s->product_line);
            cJSON_AddBoolToObject (product, "premium", s->premium);
        }
    } else
        cJSON_AddNullToObject (body, "product");
    cJSON_AddStringToObject (body, "description", rq->description);
    cJSON_AddStringToObject (body, "created_at", s->ts);
    if (rq->flags)
        cJSON_AddItemToObject (body, "flags", cJSON_Duplicate (rq->flags, true));

    if (svc_emit (s->self->bus, s->self->db, "ticket.created", 1, s->branch, id, &body) != 0)
        return s_fail_db (s, "writing ticket.created to the outbox");
    s->emitted = true;
    return 0;
}

/*  The parameters of intake_open_or_insert in s->oi_params (its "created"
 *  history detail in s->oi_detail). Returns 0 or -1. */
static int s_oi_prepare (itk_submit_t *s)
{
    const irq_submit_t *rq = s->rq;
    bool closed = rq->answered;
    const char *status = closed ? TICKET_S_CLOSED : TICKET_S_OPEN;
    cJSON *detail = cJSON_CreateObject ();
    if (!detail)
        return S_FAIL (s, RPL_INTERNAL, "out of memory");
    cJSON_AddStringToObject (detail, "channel", rq->channel);
    cJSON_AddStringToObject (detail, "kind", rq->kind);
    cJSON_AddStringToObject (detail, "priority", rq->priority);
    if (rq->flags)
        cJSON_AddItemToObject (detail, "flags", cJSON_Duplicate (rq->flags, true));
    if (rq->request_id)
        cJSON_AddStringToObject (detail, "request_id", rq->request_id);
    free (s->oi_detail);
    s->oi_detail = json_print (detail);
    cJSON_Delete (detail);
    if (!s->oi_detail)
        return S_FAIL (s, RPL_INTERNAL, "out of memory");
    const char *p[ITK_OI_PARAMS] = { s->branch, s->customer_id, rq->product_code, rq->serial,
                                     rq->warranty_card, rq->channel, rq->kind, rq->priority,
                                     status, rq->description, rq->request_id, s->ts,
                                     closed ? s->ts : NULL, closed ? rq->resolution : NULL,
                                     s_actor (s), s->oi_detail, rq->complained_staff_id };
    memcpy (s->oi_params, p, sizeof p);
    return 0;
}

void itk_submit_drop (itk_submit_t *s)
{
    free (s->oi_detail);
    s->oi_detail = NULL;
}

/*  What intake_open_or_insert answered (res, cleared here): the open
 *  ticket the request joins (s_join), else the new ticket — closed at once
 *  for a consultation answered on the spot — and its ticket.created. */
static int s_open_or_insert_done (itk_submit_t *s, PGresult *res)
{
    const irq_submit_t *rq = s->rq;
    bool closed = rq->answered;
    const char *status = closed ? TICKET_S_CLOSED : TICKET_S_OPEN;
    itk_submit_drop (s);
    if (PQntuples (res) != 1) {
        PQclear (res);
        return S_FAIL (s, RPL_INTERNAL, "inserting the ticket returned no id");
    }
    char id[32];
    s_copy (id, sizeof id, itk_val (res, 0, 1));
    if (strcmp (PQgetvalue (res, 0, 0), "t") == 0) {
        char open_status[32], branch[72];
        s_copy (open_status, sizeof open_status, itk_val (res, 0, 2));
        s_copy (branch, sizeof branch, itk_val (res, 0, 3));
        PQclear (res);
        return s_join (s, id, open_status, branch);
    }
    PQclear (res);

    if (closed) {
        cJSON *cd = cJSON_CreateObject ();
        if (!cd)
            return S_FAIL (s, RPL_INTERNAL, "out of memory");
        itk_add_str (cd, "resolution", rq->resolution);
        char *cd_text = json_print (cd);
        cJSON_Delete (cd);
        if (!cd_text)
            return S_FAIL (s, RPL_INTERNAL, "out of memory");
        const char *ph[] = { id, s->ts, s_actor (s), "closed_at_intake", cd_text };
        res = s_run (s, "intake_history_add", 5, ph);
        free (cd_text);
        if (!res)
            return -1;
        PQclear (res);
    }
    if (s_emit_created (s, id, status) != 0)
        return -1;
    s->outcome = closed ? "closed_at_intake" : "created";
    s->result = s_submit_result (id, status, false, s->branch, s->customer_id);
    if (!s->result)
        return S_FAIL (s, RPL_INTERNAL, "out of memory");
    irr_unit_t unit = { rq->serial, rq->warranty_card, rq->product_code };
    if (!closed && irp_on_submit (s->self->db, &unit, rq->kind, s->self->replace_after, id, s->ts, s_actor (s),
                                  s->result) != 0)
        return s_fail_db (s, "applying the three-repairs rule");
    return 0;
}

int itk_submit_one (db_t *db, void *arg)
{
    itk_submit_t *s = arg;
    int rc = itk_submit_start (db, s);
    if (rc <= 0)
        return rc;
    PGresult *res = s_run (s, ITK_OI_STATEMENT, ITK_OI_PARAMS, s->oi_params);
    if (!res) {
        itk_submit_drop (s);
        return -1;
    }
    return itk_submit_finish (db, s, res);
}

int itk_submit_finish (db_t *db, itk_submit_t *s, PGresult *res)
{
    (void) db;
    return s_open_or_insert_done (s, res);
}

bool itk_submit_pipelinable (const itk_submit_t *s)
{
    return s->prefetched && s->rq->customer_id;
}

int itk_submit_start (db_t *db, itk_submit_t *s)
{
    (void) db;
    const irq_submit_t *rq = s->rq;
    itk_submit_drop (s);
    cJSON_Delete (s->result);
    s->result = NULL;
    s->emitted = false;
    s->code = RPL_OK;
    s->outcome = NULL;
    s->customer_id[0] = s->region[0] = s->tier[0] = s->branch[0] = s->customer_class[0] = '\0';
    s->has_product = s->premium = false;
    s->product_line[0] = '\0';
    PGresult *own = NULL;
    const PGresult *look = s->prefetched;
    int row = s->prefetched_row;
    if (!look) {   /* not read with the batch (itk_submit_prefetch) */
        if (rq->request_id) {
            const char *p[] = { rq->request_id };
            PGresult *res = s_run (s, "intake_lock_request", 1, p);
            if (!res)
                return -1;
            PQclear (res);
        }
        /* the request's ticket, the known customer (locked) and the product */
        const char *pl[] = { rq->request_id, rq->customer_id, rq->product_code };
        if (!(own = s_run (s, "intake_lookup", 3, pl)))
            return -1;
        look = own;
        row = 0;
    }
    int rc = 0;
    if (row >= PQntuples (look))
        rc = S_FAIL (s, RPL_INTERNAL, "looking up the request returned no row");
    else if (itk_val (look, row, L_TICKET)) {
        s->outcome = "replayed";
        s->result = s_submit_result (itk_val (look, row, L_TICKET),
                                     itk_val (look, row, L_TICKET_STATUS), false,
                                     itk_val (look, row, L_TICKET_BRANCH),
                                     itk_val (look, row, L_TICKET_CUSTOMER));
        rc = s->result ? 1 : S_FAIL (s, RPL_INTERNAL, "out of memory");
        /* a replay answers only a caller of the ticket's branch */
        if (rc > 0 && s->who && !svc_who_sees_branch (s->who, itk_val (look, row, L_TICKET_BRANCH))) {
            cJSON_Delete (s->result);
            s->result = NULL;
            rc = S_FAIL (s, RPL_INVALID, "body.request_id: already used by another request");
        }
    } else {
        rc = rq->customer_id ? s_customer_copy (s, look, row, L_CUSTOMER, rq->customer_id)
                             : s_customer_inline (s);
        if (rc == 0)
            rc = s_resolve_refs (s, look, row);
        if (rc == 0)
            rc = s_check_scope (s);
        if (rc == 0)
            rc = s_check_complained (s);
    }
    if (own)
        PQclear (own);
    if (rc != 0)
        return rc > 0 ? 0 : -1;
    return s_oi_prepare (s) == 0 ? 1 : -1;
}

PGresult *itk_submit_prefetch (db_t *db, itk_submit_t *subs, int n)
{
    for (int i = 0; i < n; i++)
        subs[i].prefetched = NULL;
    cJSON *list = cJSON_CreateArray ();
    for (int i = 0; list && i < n; i++) {
        const irq_submit_t *rq = subs[i].rq;
        cJSON *e = cJSON_CreateObject ();
        if (!e || !cJSON_AddItemToArray (list, e)) {
            cJSON_Delete (e);
            cJSON_Delete (list);
            list = NULL;
            break;
        }
        if (rq->request_id)
            cJSON_AddStringToObject (e, "r", rq->request_id);
        if (rq->customer_id)
            cJSON_AddStringToObject (e, "c", rq->customer_id);
        if (rq->product_code)
            cJSON_AddStringToObject (e, "p", rq->product_code);
    }
    char *text = list ? json_print (list) : NULL;
    cJSON_Delete (list);
    if (!text)
        return NULL;
    /* one round trip, two statements: the lookup sees what was committed
     * while the locks were awaited */
    const char *p[] = { text };
    const db_call_t calls[] = { { "intake_lock_requests", 1, p }, { "intake_lookup_batch", 1, p } };
    PGresult *out[2];
    int rc = db_exec_pipeline (db, 2, calls, out);
    free (text);
    if (rc != 0)
        return NULL;
    PQclear (out[0]);
    PGresult *res = out[1];
    if (PQntuples (res) != n) {
        PQclear (res);
        return NULL;
    }
    for (int i = 0; res && i < n; i++) {
        const char *rid = subs[i].rq->request_id;
        subs[i].prefetched = res;
        subs[i].prefetched_row = i;
        for (int j = 0; j < i && rid; j++)
            if (subs[j].rq->request_id && strcmp (rid, subs[j].rq->request_id) == 0)
                subs[i].prefetched = NULL; /* the first may have made its ticket by then */
    }
    return res;
}

void itk_normalise_phone (const char *in, char *out, size_t size)
{
    size_t n = 0;
    for (; in && *in && n + 1 < size; in++)
        if (*in != ' ' && *in != '-')
            out[n++] = *in;
    out[n] = '\0';
}
