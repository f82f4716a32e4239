/*  inspection_sign — inspection.sign: one person signs the next level of a
 *  work order's inspection with the level's item readings (docs/qc.md
 *  "Signing"). One transaction holds the inspection's row lock, records
 *  the level, starts the next one or closes the inspection, and puts
 *  inspection.failed or workorder.accepted in the outbox.
 *
 *  Refused with nothing changed, each with its own error:
 *    not_found  no such work order's inspection in the caller's branches
 *    invalid    unknown level; an item missing, unknown or given twice; a
 *               reading of the wrong shape, the wrong unit, not a number,
 *               outside the unit's physical range, read before its start
 *               or in the future
 *    conflict   the level is signed already, carried from the reworked
 *               order, not the next one (out of order), or the inspection
 *               is closed; a request_id used for another signature
 *    forbidden  the caller lacks the level's role, or signed another level
 *               of this work order already
 *  A request_id makes a retry safe: the same signer's same request_id
 *  answers the record again and signs nothing twice.
 */
#include "inspections_private.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/roles.h"
#include "base/clock.h"
#include "base/json.h"
#include "base/log.h"
#include "db/scope.h"
#include "inspection_states.h"
#include "svc/emit.h"
#include "svc/failure.h"

/*  One reading as the body gave it. */
typedef struct {
    const char *item;
    qp_reading_t r;
} s_reading_t;

/*  The body, read once. */
typedef struct {
    int64_t wo;
    const char *level, *request_id;
    s_reading_t items[QP_MAX_ITEMS];
    int n;
} s_sign_rq_t;

/*  What the transaction carries. */
typedef struct {
    qi_t *self;
    const svc_who_t *who;
    const s_sign_rq_t *rq;
    char wo[24], now[40];
    int64_t now_us;
    rpl_code_t code;
    char *err;
    size_t errsize;
    cJSON *result;
    bool emitted;
    const char *outcome; /* "passed", "failed", "accepted", "replayed" */
} s_tx_t;

/*  A refusal: the code and the reason (svc/reply.h). */
#define S_FAIL(x, why, ...) rpl_refuse (&(x)->code, (x)->err, (x)->errsize, (why), __VA_ARGS__)

static int s_fail_db (s_tx_t *t, const char *what)
{
    t->code = svc_db_request_failure (t->self->db, what, t->err, t->errsize);
    return -1;
}

/*  An instant of a reading. Returns 0, or -1 with err. */
static int s_time (const cJSON *o, const char *key, int i, int64_t *us, bool *has, char *err, size_t errsize)
{
    const char *text = json_str (o, key, NULL);
    if (!text)
        return 0;
    if (clock_parse_rfc3339 (text, us) != 0) {
        snprintf (err, errsize, "body.items[%d].%s: expected an RFC 3339 time (2026-05-01T08:00:00+08:00)", i, key);
        return -1;
    }
    *has = true;
    return 0;
}

static int s_parse (const cJSON *body, s_sign_rq_t *rq, char *err, size_t errsize)
{
    memset (rq, 0, sizeof *rq);
    rq->wo = json_int (body, "work_order_id", 0);
    rq->level = json_str (body, "level", NULL);
    rq->request_id = json_str (body, "request_id", NULL);
    const cJSON *items = cJSON_GetObjectItemCaseSensitive (body, "items"), *o;
    cJSON_ArrayForEach (o, items)
    {
        int i = rq->n;
        if (i >= QP_MAX_ITEMS) {
            snprintf (err, errsize, "body.items: at most %d items", QP_MAX_ITEMS);
            return -1;
        }
        s_reading_t *it = &rq->items[rq->n++];
        it->item = json_str (o, "item", "");
        for (int j = 0; j < i; j++)
            if (strcmp (rq->items[j].item, it->item) == 0) {
                snprintf (err, errsize, "body.items[%d].item: \"%s\" is given twice", i, it->item);
                return -1;
            }
        const char *result = json_str (o, "result", NULL);
        if (result) {
            it->r.has_result = true;
            it->r.result_pass = strcmp (result, "pass") == 0;
        }
        const cJSON *value = cJSON_GetObjectItemCaseSensitive (o, "value");
        if (value) {
            if (!cJSON_IsNumber (value) || !isfinite (value->valuedouble)) {
                snprintf (err, errsize, "body.items[%d].value: not a number", i);
                return -1;
            }
            it->r.has_value = true;
            it->r.value = value->valuedouble;
        }
        it->r.unit = json_str (o, "unit", NULL);
        bool has_start = false, has_read = false;
        if (s_time (o, "started_at", i, &it->r.started_us, &has_start, err, errsize) != 0
            || s_time (o, "read_at", i, &it->r.read_us, &has_read, err, errsize) != 0)
            return -1;
        if (has_start != has_read) {
            snprintf (err, errsize, "body.items[%d]: a timed reading needs both \"started_at\" and \"read_at\"", i);
            return -1;
        }
        it->r.has_times = has_start;
    }
    return 0;
}

/*  Judges every item of the level: the recorded items and the failed ones
 *  (items, failed in order of the checklist). Returns 0 with *pass, or -1
 *  (invalid input, t->err set). */
static int s_judge (s_tx_t *t, const qp_level_t *level, cJSON *items, cJSON *failed, bool *pass)
{
    const s_sign_rq_t *rq = t->rq;
    for (int i = 0; i < rq->n; i++)
        if (qp_item_index (level, rq->items[i].item) < 0)
            return S_FAIL (t, RPL_INVALID, "body.items[%d].item: level \"%s\" has no item \"%s\"", i, level->name,
                           rq->items[i].item);
    *pass = true;
    for (int k = 0; k < level->n_items; k++) {
        const qp_item_t *def = &level->items[k];
        int i = 0;
        while (i < rq->n && strcmp (rq->items[i].item, def->name) != 0)
            i++;
        if (i == rq->n)
            return S_FAIL (t, RPL_INVALID, "body.items: item \"%s\" of level \"%s\" is missing", def->name,
                           level->name);
        const qp_reading_t *r = &rq->items[i].r;
        bool ok = false;
        char reason[256] = "", why[256];
        if (qp_judge (def, r, t->now_us, &ok, reason, sizeof reason, why, sizeof why) != 0)
            return S_FAIL (t, RPL_INVALID, "body.items[%d]: %s", i, why);
        cJSON *o = cJSON_CreateObject (), *f = ok ? NULL : cJSON_CreateObject ();
        char at[40];
        bool good = o && cJSON_AddItemToArray (items, o) && cJSON_AddStringToObject (o, "item", def->name)
                    && cJSON_AddStringToObject (o, "result", ok ? "pass" : "fail");
        if (good && r->has_value)
            good = cJSON_AddNumberToObject (o, "value", r->value) && cJSON_AddStringToObject (o, "unit", def->unit->name);
        if (good && r->has_times)
            good = cJSON_AddStringToObject (o, "started_at", clock_format_us (r->started_us, at, sizeof at))
                   && cJSON_AddStringToObject (o, "read_at", clock_format_us (r->read_us, at, sizeof at));
        if (good && !ok) {
            good = f && cJSON_AddItemToArray (failed, f) && cJSON_AddStringToObject (o, "reason", reason)
                   && cJSON_AddStringToObject (f, "item", def->name)
                   && (!r->has_value
                       || (cJSON_AddNumberToObject (f, "value", r->value)
                           && cJSON_AddStringToObject (f, "unit", def->unit->name)))
                   && cJSON_AddStringToObject (f, "reason", reason);
            *pass = false;
        }
        if (!good)
            return S_FAIL (t, qi_oom (t->err, t->errsize), "out of memory");
    }
    return 0;
}

/*  The row of level `name` in the levels result, or -1. */
static int s_row (PGresult *lv, const char *name)
{
    for (int r = 0; r < PQntuples (lv); r++)
        if (strcmp (PQgetvalue (lv, r, 1), name) == 0)
            return r;
    return -1;
}

/*  The refusals that depend on the levels' states and who signed them. */
static int s_check_turn (s_tx_t *t, PGresult *insp, PGresult *lv, int row, const qp_level_t *level)
{
    const char *status = PQgetvalue (lv, row, 3);
    if (strcmp (status, "passed") == 0 || strcmp (status, "failed") == 0) {
        char at[40];
        clock_format_us (strtoll (PQgetvalue (lv, row, 7), NULL, 10), at, sizeof at);
        return S_FAIL (t, RPL_CONFLICT, "body.level: level \"%s\" is already signed (%s by %s at %s)", level->name,
                       status, PQgetvalue (lv, row, 4), at);
    }
    if (strcmp (status, "carried") == 0)
        return S_FAIL (t, RPL_CONFLICT, "body.level: level \"%s\" passed on the reworked order and is not signed "
                                        "again", level->name);
    if (strcmp (PQgetvalue (insp, 0, 9), "open") != 0)
        return S_FAIL (t, RPL_CONFLICT, "body.work_order_id: the inspection of work order %s is closed (%s)", t->wo,
                       PQgetvalue (insp, 0, 9));
    if (strcmp (status, "pending") != 0) {
        int next = 0;
        while (next < PQntuples (lv) && strcmp (PQgetvalue (lv, next, 3), "pending") != 0)
            next++;
        return S_FAIL (t, RPL_CONFLICT, "body.level: out of order: level \"%s\" is next to sign, not \"%s\"",
                       next < PQntuples (lv) ? PQgetvalue (lv, next, 1) : "?", level->name);
    }
    if (!(t->who->roles & ROLE_BIT (level->role)))
        return S_FAIL (t, RPL_FORBIDDEN, "body.level: level \"%s\" is signed by a %s, a role the caller does "
                                         "not hold", level->name, role_names[level->role]);
    for (int r = 0; r < PQntuples (lv); r++)
        if (!PQgetisnull (lv, r, 4) && t->who->principal && strcmp (PQgetvalue (lv, r, 4), t->who->principal) == 0)
            return S_FAIL (t, RPL_FORBIDDEN, "body.level: %s signed level \"%s\" of this work order already; "
                                             "nobody signs two levels of one work order", t->who->principal,
                           PQgetvalue (lv, r, 1));
    return 0;
}

/*  The message that follows a closing signature, into the outbox. */
static int s_emit_close (s_tx_t *t, PGresult *insp, const qp_level_t *level, bool pass, cJSON **failed_p)
{
    const char *branch = PQgetvalue (insp, 0, 3), *ticket = PQgetvalue (insp, 0, 2);
    cJSON *body = cJSON_CreateObject ();
    bool ok = body && json_add_id (body, "work_order_id", t->wo) == 0 && json_add_id (body, "ticket_id", ticket) == 0
              && cJSON_AddStringToObject (body, "branch", branch)
              && json_add_id (body, "inspection_id", PQgetvalue (insp, 0, 0)) == 0;
    if (ok && pass)
        ok = cJSON_AddStringToObject (body, "technician_id", PQgetvalue (insp, 0, 4))
             && cJSON_AddStringToObject (body, "level", level->name)
             && cJSON_AddStringToObject (body, "accepted_by", t->who->principal)
             && cJSON_AddStringToObject (body, "accepted_at", t->now);
    else if (ok) {
        ok = cJSON_AddStringToObject (body, "level", level->name)
             && cJSON_AddStringToObject (body, "signed_by", t->who->principal)
             && cJSON_AddStringToObject (body, "blamed_technician_id", PQgetvalue (insp, 0, 4))
             && cJSON_AddItemToObject (body, "failed_items", *failed_p)
             && cJSON_AddStringToObject (body, "failed_at", t->now);
        if (cJSON_GetObjectItemCaseSensitive (body, "failed_items") == *failed_p)
            *failed_p = NULL; /* the body owns it now */
    }
    if (!ok) {
        cJSON_Delete (body);
        return S_FAIL (t, qi_oom (t->err, t->errsize), "out of memory");
    }
    if (svc_emit (t->self->bus, t->self->db, pass ? "workorder.accepted" : "inspection.failed", 1, branch, ticket,
                  &body) != 0)
        return s_fail_db (t, pass ? "writing workorder.accepted to the outbox" : "writing inspection.failed to the outbox");
    t->emitted = true;
    return 0;
}

/*  A level passed that is not the last: dispatch's SLA clocks may stop on
 *  it (docs/sla.md "Subjects"). The last level and a failed one are told
 *  by workorder.accepted and inspection.failed, which name the level. */
static int s_emit_level (s_tx_t *t, PGresult *insp, const qp_level_t *level)
{
    cJSON *body = cJSON_CreateObject ();
    bool ok = body && json_add_id (body, "work_order_id", t->wo) == 0
              && json_add_id (body, "ticket_id", PQgetvalue (insp, 0, 2)) == 0
              && cJSON_AddStringToObject (body, "branch", PQgetvalue (insp, 0, 3))
              && json_add_id (body, "inspection_id", PQgetvalue (insp, 0, 0)) == 0
              && cJSON_AddStringToObject (body, "level", level->name)
              && cJSON_AddStringToObject (body, "signed_by", t->who->principal)
              && cJSON_AddStringToObject (body, "signed_at", t->now);
    if (!ok) {
        cJSON_Delete (body);
        return S_FAIL (t, qi_oom (t->err, t->errsize), "out of memory");
    }
    if (svc_emit (t->self->bus, t->self->db, "inspection.level_signed", 1, PQgetvalue (insp, 0, 3),
                  PQgetvalue (insp, 0, 2), &body) != 0)
        return s_fail_db (t, "writing inspection.level_signed to the outbox");
    t->emitted = true;
    return 0;
}

/*  After the level is recorded: the next level starts, or the inspection
 *  closes (passed with its last level, failed with any). */
static int s_advance (s_tx_t *t, PGresult *insp, const qp_plan_t *plan, int pos, bool pass, cJSON **failed_p)
{
    char from[64], pos_text[16];
    const char *id = PQgetvalue (insp, 0, 0);
    PGresult *u = NULL;
    if (pass && pos + 1 < plan->n_levels) {
        snprintf (pos_text, sizeof pos_text, "%d", pos + 1);
        states_from_sql (&lvl_states, LVL_PENDING, from, sizeof from);
        const char *p[] = { id, pos_text, t->now, from };
        if (!(u = db_exec_prepared (t->self->db, "qc_level_start", 4, p)))
            return s_fail_db (t, "starting the next level");
        PQclear (u);
        t->outcome = "passed";
        return s_emit_level (t, insp, &plan->levels[pos]);
    }
    int to = pass ? INSP_PASSED : INSP_FAILED;
    if (insp_move (&insp_states, INSP_OPEN, to, t->err, t->errsize) != 0)
        return S_FAIL (t, RPL_INTERNAL, "%s", t->err);
    states_from_sql (&insp_states, to, from, sizeof from);
    const char *p[] = { id, insp_state_names[to], t->now, from };
    if (!(u = db_exec_prepared (t->self->db, "qc_insp_close", 4, p)))
        return s_fail_db (t, "closing the inspection");
    bool moved = strcmp (PQcmdTuples (u), "1") == 0;
    PQclear (u);
    if (!moved)
        return S_FAIL (t, RPL_CONFLICT, "body.work_order_id: the inspection changed meanwhile; try again");
    t->outcome = pass ? "accepted" : "failed";
    return s_emit_close (t, insp, &plan->levels[pos], pass, failed_p);
}

/*  A request_id seen before: the same signature again answers the record;
 *  another one is refused. Returns 1 when replayed, 0 when new, -1 on
 *  failure. */
static int s_replay (s_tx_t *t)
{
    if (!t->rq->request_id || !t->who->principal)
        return 0;
    const char *p[] = { t->who->principal, t->rq->request_id };
    PGresult *res = db_exec_prepared (t->self->db, "qc_replay", 2, p);
    if (!res)
        return s_fail_db (t, "looking up the request_id");
    int rc = 0;
    if (PQntuples (res) == 1) {
        if (strcmp (PQgetvalue (res, 0, 0), t->wo) != 0 || strcmp (PQgetvalue (res, 0, 1), t->rq->level) != 0)
            rc = S_FAIL (t, RPL_CONFLICT, "body.request_id: already used for level \"%s\" of work order %s",
                         PQgetvalue (res, 0, 1), PQgetvalue (res, 0, 0));
        else
            rc = 1;
    }
    PQclear (res);
    return rc;
}

/*  The record as it stands now, as the result. */
static int s_result (s_tx_t *t)
{
    const char *p[] = { t->wo };
    PGresult *res = db_exec_prepared (t->self->db, "qc_insp_by_wo", 1, p);
    if (!res)
        return s_fail_db (t, "reading the inspection");
    t->code = PQntuples (res) == 1 ? qi_record (t->self, res, 0, &t->result, t->err, t->errsize) : RPL_INTERNAL;
    PQclear (res);
    return t->code == RPL_OK ? 0 : -1;
}

static int s_apply (db_t *db, void *arg)
{
    s_tx_t *t = arg;
    (void) db;
    /* db_tx may run this again after a serialization failure: start clean */
    cJSON_Delete (t->result);
    t->result = NULL;
    t->emitted = false;
    int replay = s_replay (t);
    if (replay != 0) {
        t->outcome = "replayed";
        return replay > 0 ? s_result (t) : -1;
    }
    /* A service provider's technician acts for no branch, yet signs his own
     * self-check: the inspection is read for the system, and whoever is
     * neither of its branch nor its technician is answered as if it did not
     * exist (below). */
    if (db_scope_system (t->self->db) != 0)
        return s_fail_db (t, "stating the system's scope");
    const char *p[] = { t->wo };
    PGresult *insp = db_exec_prepared (t->self->db, "qc_insp_lock", 1, p), *lv = NULL, *u = NULL;
    if (!insp)
        return s_fail_db (t, "reading the inspection");
    int rc = -1;
    cJSON *items = cJSON_CreateArray (), *failed = cJSON_CreateArray ();
    char *items_text = NULL, *failed_text = NULL;
    if (PQntuples (insp) != 1
        || !(svc_who_sees_branch (t->who, PQgetvalue (insp, 0, 3))
             || (t->who->principal && strcmp (t->who->principal, PQgetvalue (insp, 0, 4)) == 0))) {
        S_FAIL (t, RPL_NOT_FOUND, "body.work_order_id: no inspection for work order %s", t->wo);
        goto cleanup;
    }
    const qp_plan_t *plan = qp_find (t->self->plans, PQgetvalue (insp, 0, 7));
    if (!plan) {
        S_FAIL (t, RPL_INTERNAL, "plan \"%s\" of this inspection is not in the plans file", PQgetvalue (insp, 0, 7));
        goto cleanup;
    }
    int pos = qp_level_index (plan, t->rq->level);
    if (pos < 0) {
        S_FAIL (t, RPL_INVALID, "body.level: plan \"%s\" has no level \"%s\"", plan->name, t->rq->level);
        goto cleanup;
    }
    const qp_level_t *level = &plan->levels[pos];
    const char *pid[] = { PQgetvalue (insp, 0, 0) };
    if (!(lv = db_exec_prepared (t->self->db, "qc_levels_of", 1, pid))) {
        s_fail_db (t, "reading the levels");
        goto cleanup;
    }
    int row = s_row (lv, level->name);
    if (row < 0) {
        S_FAIL (t, RPL_INTERNAL, "level \"%s\" is not among this inspection's levels", level->name);
        goto cleanup;
    }
    bool pass = false;
    if (!items || !failed || s_check_turn (t, insp, lv, row, level) != 0 || s_judge (t, level, items, failed, &pass) != 0)
        goto cleanup;
    if (!(items_text = json_print (items)) || !(failed_text = json_print (failed))) {
        S_FAIL (t, qi_oom (t->err, t->errsize), "out of memory");
        goto cleanup;
    }
    int to = pass ? LVL_PASSED : LVL_FAILED;
    char from[64], pos_text[16];
    states_from_sql (&lvl_states, to, from, sizeof from);
    snprintf (pos_text, sizeof pos_text, "%d", pos);
    const char *ps[] = { pid[0], pos_text, lvl_state_names[to], t->who->principal, t->now, t->rq->request_id,
                         items_text, pass ? NULL : failed_text, from };
    if (!(u = db_exec_prepared (t->self->db, "qc_level_sign", 9, ps))) {
        s_fail_db (t, "recording the signature");
        goto cleanup;
    }
    if (strcmp (PQcmdTuples (u), "1") != 0) {
        S_FAIL (t, RPL_CONFLICT, "body.level: level \"%s\" changed meanwhile; try again", level->name);
        goto cleanup;
    }
    if (s_advance (t, insp, plan, pos, pass, &failed) != 0)
        goto cleanup;
    rc = s_result (t);
cleanup:
    PQclear (insp);
    PQclear (lv);
    PQclear (u);
    cJSON_Delete (items);
    cJSON_Delete (failed);
    free (items_text);
    free (failed_text);
    return rc;
}

rpl_code_t qi_sign (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err,
                    size_t errsize)
{
    qi_t *self = app;
    s_sign_rq_t rq;
    if (s_parse (body, &rq, err, errsize) != 0)
        return RPL_INVALID;
    if (!ctx->who.principal) {
        snprintf (err, errsize, "request: a signature needs a person");
        return RPL_FORBIDDEN;
    }
    s_tx_t t = { .self = self, .who = &ctx->who, .rq = &rq, .code = RPL_OK, .err = err, .errsize = errsize };
    snprintf (t.wo, sizeof t.wo, "%" PRId64, rq.wo);
    t.now_us = clock_now_us ();
    clock_format_us (t.now_us, t.now, sizeof t.now);
    rpl_code_t code = svc_request_tx (self->db, s_apply, &t, &t.code, "signing the level", err, errsize);
    if (code != RPL_OK) {
        cJSON_Delete (t.result);
        return code;
    }
    if (t.emitted)
        bus_kick (self->bus);
    log_kv (LOG_INFO, "inspection_signed", "work_order_id", t.wo, "inspection_level", rq.level, "signed_by",
            ctx->who.principal, "outcome", t.outcome ? t.outcome : "", NULL);
    *result = t.result;
    return RPL_OK;
}
