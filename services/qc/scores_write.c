/*  scores_write — the requests that record: score.sample, score.form,
 *  score.notice, score.assess (docs/scores.md "Requests"). Each refusal
 *  is specific and changes nothing. */
#include "scores_private.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/json.h"
#include "base/log.h"
#include "scores_calc.h"
#include "svc/failure.h"

/*  The month's samples with whether each is scored, grouped by agent. */
static rpl_code_t s_samples_reply (qs_t *self, const qs_month_t *m, int added, cJSON **result, char *err,
                                   size_t errsize)
{
    const char *p[] = { m->branch, m->from, m->to };
    PGresult *tickets = db_exec_prepared (self->db, "qs_agent_tickets", 3, p);
    const char *ps[] = { m->branch, m->month };
    PGresult *res = tickets ? db_exec_prepared (self->db, "qs_samples_of", 2, ps) : NULL;
    if (!res) {
        PQclear (tickets);
        return svc_db_request_failure (self->db, "reading the samples", err, errsize);
    }
    cJSON *doc = cJSON_CreateObject (), *agents = NULL, *list = NULL;
    bool ok = doc && cJSON_AddStringToObject (doc, "branch", m->branch)
              && cJSON_AddStringToObject (doc, "month", m->month)
              && cJSON_AddNumberToObject (doc, "sample_percent", self->rules->sample_percent)
              && cJSON_AddNumberToObject (doc, "added", added) && (agents = cJSON_AddArrayToObject (doc, "agents"))
              && (list = cJSON_AddArrayToObject (doc, "samples"));
    for (int r = 0; ok && r < PQntuples (tickets); r++) {
        cJSON *a = cJSON_CreateObject ();
        ok = a && cJSON_AddItemToArray (agents, a) && cJSON_AddStringToObject (a, "agent_id", PQgetvalue (tickets, r, 0))
             && cJSON_AddNumberToObject (a, "tickets", atof (PQgetvalue (tickets, r, 1)));
    }
    for (int r = 0; ok && r < PQntuples (res); r++) {
        cJSON *s = cJSON_CreateObject ();
        ok = s && cJSON_AddItemToArray (list, s) && json_add_id (s, "ticket_id", PQgetvalue (res, r, 0)) == 0
             && cJSON_AddStringToObject (s, "agent_id", PQgetvalue (res, r, 1))
             && (PQgetisnull (res, r, 2) ? cJSON_AddNullToObject (s, "total") != NULL
                                         : cJSON_AddNumberToObject (s, "total", atof (PQgetvalue (res, r, 2))) != NULL)
             && (PQgetisnull (res, r, 3) ? cJSON_AddNullToObject (s, "scored_by") != NULL
                                         : cJSON_AddStringToObject (s, "scored_by", PQgetvalue (res, r, 3)) != NULL);
    }
    PQclear (tickets);
    PQclear (res);
    if (!ok) {
        cJSON_Delete (doc);
        return qs_oom (err, errsize);
    }
    *result = doc;
    return RPL_OK;
}

typedef struct {
    qs_t *self;
    const qs_month_t *m;
    const char *by, *now;
    int added;
} s_sample_tx_t;

static int s_sample_apply (db_t *db, void *arg)
{
    s_sample_tx_t *t = arg;
    const char *pl[] = { t->m->branch, t->m->month };
    PGresult *res = db_exec_prepared (db, "qs_sample_lock", 2, pl);
    if (!res)
        return -1;
    PQclear (res);
    char percent[8];
    snprintf (percent, sizeof percent, "%d", t->self->rules->sample_percent);
    const char *p[] = { t->m->branch, t->m->from, t->m->to, percent, t->m->month, t->by, t->now };
    if (!(res = db_exec_prepared (db, "qs_sample", 7, p)))
        return -1;
    t->added = atoi (PQcmdTuples (res));
    PQclear (res);
    return 0;
}

rpl_code_t qs_sample (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err, size_t errsize)
{
    qs_t *self = app;
    qs_month_t m;
    rpl_code_t code = qs_branch_month (self, &ctx->who, body, clock_now_us (), &m, err, errsize);
    if (code != RPL_OK)
        return code;
    char now[40];
    clock_format_us (clock_now_us (), now, sizeof now);
    s_sample_tx_t t = { .self = self, .m = &m, .by = ctx->who.principal ? ctx->who.principal : "system", .now = now };
    bool fn_failed = false;
    if (db_tx (self->db, s_sample_apply, &t, &fn_failed) != DB_OK)
        return svc_db_request_failure (self->db, "sampling the month's tickets", err, errsize);
    char added[16];
    snprintf (added, sizeof added, "%d", t.added);
    log_kv (LOG_INFO, "scores_sampled", "branch", m.branch, "month", m.month, "added", added, NULL);
    return s_samples_reply (self, &m, t.added, result, err, errsize);
}

/*  The form's items: each item of the configured form exactly once, its
 *  points from 0 to the item's weight. Fills *items (the record) and *total. */
static rpl_code_t s_form_items (const sr_rules_t *rules, const cJSON *given, cJSON *items, int64_t *total, char *err,
                                size_t errsize)
{
    int64_t points[SR_MAX_FORM_ITEMS];
    bool seen[SR_MAX_FORM_ITEMS] = { false };
    int i = 0;
    const cJSON *it;
    cJSON_ArrayForEach (it, given)
    {
        const char *name = json_str (it, "item", "");
        int idx = sr_form_index (rules, name);
        if (idx < 0) {
            snprintf (err, errsize, "body.items[%d].item: the form has no item \"%s\"", i, name);
            return RPL_INVALID;
        }
        if (seen[idx]) {
            snprintf (err, errsize, "body.items[%d].item: item \"%s\" is given twice", i, name);
            return RPL_INVALID;
        }
        int64_t cp;
        const cJSON *v = cJSON_GetObjectItemCaseSensitive (it, "points");
        if (qs_points_cp (v, 100, &cp) != 0 || cp < 0 || cp > (int64_t) rules->form[idx].weight * 100) {
            snprintf (err, errsize, "body.items[%d].points: item \"%s\" takes 0 to %d points (at most two decimals)", i,
                      name, rules->form[idx].weight);
            return RPL_INVALID;
        }
        seen[idx] = true;
        points[idx] = cp;
        i++;
    }
    *total = 0;
    for (int k = 0; k < rules->n_form; k++) {
        if (!seen[k]) {
            snprintf (err, errsize, "body.items: item \"%s\" of the form is missing", rules->form[k].item);
            return RPL_INVALID;
        }
        cJSON *o = cJSON_CreateObject ();
        if (!o || !cJSON_AddItemToArray (items, o) || !cJSON_AddStringToObject (o, "item", rules->form[k].item)
            || !cJSON_AddNumberToObject (o, "weight", rules->form[k].weight) || !qs_add_cp (o, "points", points[k]))
            return qs_oom (err, errsize);
        *total += points[k];
    }
    return RPL_OK;
}

rpl_code_t qs_form (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err, size_t errsize)
{
    qs_t *self = app;
    if (!ctx->who.principal) {
        snprintf (err, errsize, "request: a scoring form needs a person");
        return RPL_FORBIDDEN;
    }
    char ticket[24], total_text[24], now[40];
    snprintf (ticket, sizeof ticket, "%" PRId64, json_int (body, "ticket_id", 0));
    if (db_ensure (self->db) != 0)
        return svc_db_request_failure (self->db, "connecting", err, errsize);
    const char *p[] = { ticket };
    PGresult *s = db_exec_prepared (self->db, "qs_sample_get", 1, p);
    if (!s)
        return svc_db_request_failure (self->db, "reading the sample", err, errsize);
    rpl_code_t code = RPL_OK;
    cJSON *items = cJSON_CreateArray ();
    char *items_text = NULL;
    int64_t total = 0;
    if (PQntuples (s) != 1 || !svc_who_sees_branch (&ctx->who, PQgetvalue (s, 0, 1))) {
        snprintf (err, errsize, "body.ticket_id: ticket %s is not sampled for scoring in the caller's branches "
                                "(kefuctl scores sample)", ticket);
        code = RPL_NOT_FOUND;
        goto done;
    }
    if (strcmp (PQgetvalue (s, 0, 2), ctx->who.principal) == 0) {
        snprintf (err, errsize, "body.ticket_id: ticket %s was taken by %s: nobody scores their own call", ticket,
                  ctx->who.principal);
        code = RPL_FORBIDDEN;
        goto done;
    }
    if (!items) {
        code = qs_oom (err, errsize);
        goto done;
    }
    if ((code = s_form_items (self->rules, cJSON_GetObjectItemCaseSensitive (body, "items"), items, &total, err,
                              errsize)) != RPL_OK)
        goto done;
    if (!(items_text = json_print (items))) {
        code = qs_oom (err, errsize);
        goto done;
    }
    snprintf (total_text, sizeof total_text, "%" PRId64, total);
    clock_format_us (clock_now_us (), now, sizeof now);
    const char *pi[] = { ticket, PQgetvalue (s, 0, 1), PQgetvalue (s, 0, 2), PQgetvalue (s, 0, 3), items_text,
                         total_text, json_str (body, "note", NULL), ctx->who.principal, now };
    PGresult *ins = db_exec_prepared (self->db, "qs_form_insert", 9, pi);
    if (!ins) {
        code = svc_db_request_failure (self->db, "recording the form", err, errsize);
        goto done;
    }
    bool inserted = strcmp (PQcmdTuples (ins), "1") == 0;
    PQclear (ins);
    if (!inserted) {
        PGresult *f = db_exec_prepared (self->db, "qs_form_get", 1, p);
        snprintf (err, errsize, "body.ticket_id: ticket %s is scored already (by %s)", ticket,
                  f && PQntuples (f) == 1 ? PQgetvalue (f, 0, 0) : "someone");
        PQclear (f);
        code = RPL_CONFLICT;
        goto done;
    }
    cJSON *doc = cJSON_CreateObject ();
    if (!doc || json_add_id (doc, "ticket_id", ticket) != 0
        || !cJSON_AddStringToObject (doc, "agent_id", PQgetvalue (s, 0, 2))
        || !cJSON_AddStringToObject (doc, "month", PQgetvalue (s, 0, 3)) || !qs_add_cp (doc, "total", total)
        || !cJSON_AddStringToObject (doc, "scored_by", ctx->who.principal)
        || !cJSON_AddItemToObject (doc, "items", items)) {
        cJSON_Delete (doc);
        code = qs_oom (err, errsize);
        goto done;
    }
    items = NULL;
    *result = doc;
    log_kv (LOG_INFO, "score_form_recorded", "ticket_id", ticket, "scored_by", ctx->who.principal, "total",
            total_text, NULL);
done:
    PQclear (s);
    cJSON_Delete (items);
    free (items_text);
    return code;
}

/*  The subject of a notice or an assessment: an active staff member who is
 *  an agent or a technician, or a service provider. Sets *kind. */
static rpl_code_t s_subject (qs_t *self, const cJSON *body, const char **kind, char *err, size_t errsize)
{
    const char *subject = json_str (body, "subject", "");
    *kind = json_str (body, "subject_kind", "staff");
    bool provider = strcmp (*kind, "provider") == 0;
    const char *p[] = { subject };
    PGresult *res = db_exec_prepared (self->db, provider ? "qs_provider" : "qs_staff", 1, p);
    if (!res)
        return svc_db_request_failure (self->db, "reading the subject", err, errsize);
    rpl_code_t code = RPL_OK;
    if (provider && (PQntuples (res) != 1 || strcmp (PQgetvalue (res, 0, 0), "provider") != 0)) {
        snprintf (err, errsize, "body.subject: \"%s\" is not a service provider (ref.organisations, kind provider)",
                  subject);
        code = RPL_INVALID;
    }
    else if (!provider && (PQntuples (res) != 1 || strcmp (PQgetvalue (res, 0, 1), "t") != 0)) {
        snprintf (err, errsize, "body.subject: \"%s\" is no active staff member", subject);
        code = RPL_INVALID;
    }
    else if (!provider && !strstr (PQgetvalue (res, 0, 0), "agent") && !strstr (PQgetvalue (res, 0, 0), "technician")) {
        snprintf (err, errsize, "body.subject: %s is scored neither as an agent nor as a technician (roles %s)",
                  subject, PQgetvalue (res, 0, 0));
        code = RPL_INVALID;
    }
    PQclear (res);
    return code;
}

rpl_code_t qs_notice (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err, size_t errsize)
{
    qs_t *self = app;
    if (!ctx->who.principal) {
        snprintf (err, errsize, "request: a notice is recorded by a person");
        return RPL_FORBIDDEN;
    }
    const char *code_name = json_str (body, "code", "");
    const sr_event_t *ev = sr_event (self->rules, code_name);
    if (!ev) {
        char codes[1024] = "";
        size_t used = 0;
        for (int i = 0; i < self->rules->n_events && used < sizeof codes; i++)
            used += (size_t) snprintf (codes + used, sizeof codes - used, "%s%s", i ? ", " : "",
                                       self->rules->events[i].code);
        snprintf (err, errsize, "body.code: \"%s\" is not in the standard (expected one of: %s)", code_name, codes);
        return RPL_INVALID;
    }
    int64_t points = ev->points;
    const cJSON *pv = cJSON_GetObjectItemCaseSensitive (body, "points");
    if (pv && (qs_points_cp (pv, 100, &points) != 0 || points == 0 || (points < 0) != (ev->points < 0))) {
        snprintf (err, errsize, "body.points: %s is a %s: give %s points from %s0.01 to %s100 (at most two decimals)",
                  code_name, ev->points < 0 ? "deduction" : "bonus", ev->points < 0 ? "negative" : "positive",
                  ev->points < 0 ? "-" : "", ev->points < 0 ? "-" : "");
        return RPL_INVALID;
    }
    int64_t now_us = clock_now_us (), at_us = now_us;
    const char *at = json_str (body, "occurred_at", NULL);
    if (at && (clock_parse_rfc3339 (at, &at_us) != 0 || at_us > now_us)) {
        snprintf (err, errsize, "body.occurred_at: \"%s\" is no RFC 3339 instant in the past", at);
        return RPL_INVALID;
    }
    const char *subject = json_str (body, "subject", "");
    if (strcmp (subject, ctx->who.principal) == 0) {
        snprintf (err, errsize, "body.subject: nobody records a notice on themselves");
        return RPL_FORBIDDEN;
    }
    qs_month_t m;
    rpl_code_t code = qs_branch_month (self, &ctx->who, body, at_us, &m, err, errsize);
    const char *kind = NULL;
    if (code != RPL_OK || (code = s_subject (self, body, &kind, err, errsize)) != RPL_OK)
        return code;
    char pts[24], now[40], at_text[40];
    snprintf (pts, sizeof pts, "%" PRId64, points);
    clock_format_us (now_us, now, sizeof now);
    clock_format_us (at_us, at_text, sizeof at_text);
    const char *request_id = json_str (body, "request_id", NULL);
    const char *p[] = { m.branch, subject, kind, m.month, code_name, pts, json_str (body, "reason", ""),
                        at_text, ctx->who.principal, now, request_id };
    PGresult *res = db_exec_prepared (self->db, "qs_notice_insert", 11, p);
    if (!res)
        return svc_db_request_failure (self->db, "recording the notice", err, errsize);
    char id[24] = "";
    bool replayed = PQntuples (res) == 0;
    if (!replayed)
        snprintf (id, sizeof id, "%s", PQgetvalue (res, 0, 0));
    PQclear (res);
    if (replayed) { /* the same recorder's request_id: answer the notice recorded then */
        const char *pr[] = { ctx->who.principal, request_id };
        if (!(res = db_exec_prepared (self->db, "qs_notice_replay", 2, pr)))
            return svc_db_request_failure (self->db, "reading the notice", err, errsize);
        if (PQntuples (res) == 1)
            snprintf (id, sizeof id, "%s", PQgetvalue (res, 0, 0));
        PQclear (res);
    }
    cJSON *doc = cJSON_CreateObject ();
    if (!doc || json_add_id (doc, "notice_id", id) != 0 || !cJSON_AddStringToObject (doc, "branch", m.branch)
        || !cJSON_AddStringToObject (doc, "month", m.month) || !cJSON_AddStringToObject (doc, "subject", subject)
        || !cJSON_AddStringToObject (doc, "subject_kind", kind) || !cJSON_AddStringToObject (doc, "code", code_name)
        || !qs_add_cp (doc, "points", points) || !cJSON_AddStringToObject (doc, "occurred_at", at_text)
        || !cJSON_AddStringToObject (doc, "recorded_by", ctx->who.principal)
        || !cJSON_AddBoolToObject (doc, "replayed", replayed)) {
        cJSON_Delete (doc);
        return qs_oom (err, errsize);
    }
    *result = doc;
    log_kv (LOG_INFO, "assessment_notice_recorded", "notice_id", id, "subject", subject, "code", code_name,
            "recorded_by", ctx->who.principal, NULL);
    return RPL_OK;
}

rpl_code_t qs_assess (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err, size_t errsize)
{
    qs_t *self = app;
    if (!ctx->who.principal) {
        snprintf (err, errsize, "request: an assessment is made by a person");
        return RPL_FORBIDDEN;
    }
    int64_t points;
    if (qs_points_cp (cJSON_GetObjectItemCaseSensitive (body, "points"), 100, &points) != 0 || points < 0) {
        snprintf (err, errsize, "body.points: an assessment is 0 to 100 points (at most two decimals)");
        return RPL_INVALID;
    }
    qs_month_t m;
    rpl_code_t code = qs_branch_month (self, &ctx->who, body, clock_now_us (), &m, err, errsize);
    const char *kind = NULL;
    if (code != RPL_OK || (code = s_subject (self, body, &kind, err, errsize)) != RPL_OK)
        return code;
    char pts[24], now[40];
    snprintf (pts, sizeof pts, "%" PRId64, points);
    clock_format_us (clock_now_us (), now, sizeof now);
    const char *subject = json_str (body, "subject", "");
    const char *p[] = { m.branch, subject, kind, m.month, pts, json_str (body, "note", NULL), ctx->who.principal, now };
    PGresult *res = db_exec_prepared (self->db, "qs_assess", 8, p);
    if (!res)
        return svc_db_request_failure (self->db, "recording the assessment", err, errsize);
    PQclear (res);
    cJSON *doc = cJSON_CreateObject ();
    if (!doc || !cJSON_AddStringToObject (doc, "branch", m.branch) || !cJSON_AddStringToObject (doc, "month", m.month)
        || !cJSON_AddStringToObject (doc, "subject", subject) || !cJSON_AddStringToObject (doc, "subject_kind", kind)
        || !qs_add_cp (doc, "points", points) || !cJSON_AddStringToObject (doc, "assessed_by", ctx->who.principal)) {
        cJSON_Delete (doc);
        return qs_oom (err, errsize);
    }
    *result = doc;
    return RPL_OK;
}
