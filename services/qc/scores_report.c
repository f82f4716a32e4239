/*  scores_report — score.report: a branch's month, every agent's,
 *  technician's and service provider's score with its parts and events
 *  (docs/scores.md "The report"). The measures are read from qc's own
 *  tables and through the column grants of migration 0021; the arithmetic
 *  is scores_calc. */
#include "scores_private.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "scores_calc.h"
#include "svc/failure.h"

#define QS_MAX_SUBJECTS 2048

typedef enum { S_AGENT, S_TECHNICIAN, S_PROVIDER } s_kind_t;

/*  One subject's measures for the month. */
typedef struct {
    char id[65], name[201], org[65];
    s_kind_t kind;
    bool is_agent, is_technician, known;
    int64_t tickets, sampled, forms, forms_cp;
    int64_t complaints, decided, timely;
    int64_t num[SR_PART_COUNT], den[SR_PART_COUNT];
    bool assessed;
    int64_t assess_cp;
    cJSON *events; /* the notices, as the report shows them */
    int64_t events_cp;
} s_subject_t;

typedef struct {
    s_subject_t *v;
    int n;
} s_set_t;

static s_subject_t *s_find (s_set_t *set, const char *id, bool provider)
{
    for (int i = 0; i < set->n; i++)
        if ((set->v[i].kind == S_PROVIDER) == provider && strcmp (set->v[i].id, id) == 0)
            return &set->v[i];
    if (set->n >= QS_MAX_SUBJECTS)
        return NULL;
    s_subject_t *s = &set->v[set->n++];
    memset (s, 0, sizeof *s);
    snprintf (s->id, sizeof s->id, "%s", id);
    s->kind = provider ? S_PROVIDER : S_AGENT;
    return s;
}

static int64_t s_int (PGresult *res, int r, int c)
{
    return PQgetisnull (res, r, c) ? 0 : strtoll (PQgetvalue (res, r, c), NULL, 10);
}

/*  Runs one of the report's statements; NULL on a database failure. */
static PGresult *s_read (qs_t *self, const char *name, const qs_month_t *m)
{
    const char *p[] = { m->branch, m->from, m->to, m->month };
    return db_exec_prepared (self->db, name, 4, p);
}

/*  Reads the measures into set. Returns 0 or -1 (*what names the read). */
static int s_measure (qs_t *self, const qs_month_t *m, s_set_t *set, const char **what)
{
    static const char *const reads[] = { "qs_r_agents", "qs_r_samples", "qs_r_forms", "qs_r_complaints",
                                         "qs_r_first_pass", "qs_r_arrival", "qs_r_callbacks", "qs_r_notices",
                                         "qs_r_assessments" };
    for (size_t k = 0; k < sizeof reads / sizeof *reads; k++) {
        PGresult *res = s_read (self, reads[k], m);
        if (!res) {
            *what = reads[k];
            return -1;
        }
        for (int r = 0; r < PQntuples (res); r++) {
            bool provider = k >= 7 && strcmp (PQgetvalue (res, r, 1), "provider") == 0;
            s_subject_t *s = s_find (set, PQgetvalue (res, r, 0), provider);
            if (!s)
                break;
            switch (k) {
            case 0: s->tickets = s_int (res, r, 1); break;
            case 1: s->sampled = s_int (res, r, 1); break;
            case 2: s->forms = s_int (res, r, 1); s->forms_cp = s_int (res, r, 2); break;
            case 3:
                s->complaints = s_int (res, r, 1);
                s->decided = s_int (res, r, 2);
                s->timely = s_int (res, r, 3);
                break;
            case 4: s->den[SR_FIRST_PASS] = s_int (res, r, 1); s->num[SR_FIRST_PASS] = s_int (res, r, 2); break;
            case 5: s->den[SR_ARRIVAL_SLA] = s_int (res, r, 1); s->num[SR_ARRIVAL_SLA] = s_int (res, r, 2); break;
            case 6:
                s->den[SR_CALLBACK_SATISFACTION] = s_int (res, r, 1);
                s->num[SR_CALLBACK_SATISFACTION] = s_int (res, r, 2);
                break;
            case 7: {
                cJSON *e = cJSON_CreateObject ();
                if (!s->events)
                    s->events = cJSON_CreateArray ();
                if (!e || !s->events || !cJSON_AddItemToArray (s->events, e)
                    || !cJSON_AddNumberToObject (e, "notice_id", (double) s_int (res, r, 7))
                    || !cJSON_AddStringToObject (e, "code", PQgetvalue (res, r, 2))
                    || !qs_add_cp (e, "points", s_int (res, r, 3))
                    || !cJSON_AddStringToObject (e, "reason", PQgetvalue (res, r, 4))
                    || !cJSON_AddStringToObject (e, "recorded_by", PQgetvalue (res, r, 5))
                    || !cJSON_AddStringToObject (e, "occurred_at", PQgetvalue (res, r, 6))) {
                    PQclear (res);
                    *what = "out of memory";
                    return -1;
                }
                s->events_cp += s_int (res, r, 3);
                break;
            }
            default: s->assessed = true; s->assess_cp = s_int (res, r, 2); break;
            }
        }
        PQclear (res);
    }
    return 0;
}

/*  "{a,b}" of the ids of set's people (identifiers: no quoting). */
static char *s_ids (const s_set_t *set, bool providers)
{
    size_t size = 4 + (size_t) set->n * 66;
    char *out = malloc (size);
    if (!out)
        return NULL;
    size_t used = (size_t) snprintf (out, size, "{");
    for (int i = 0; i < set->n; i++)
        if ((set->v[i].kind == S_PROVIDER) == providers)
            used += (size_t) snprintf (out + used, size - used, "%s\"%s\"", used > 1 ? "," : "", set->v[i].id);
    snprintf (out + used, size - used, "}");
    return out;
}

/*  Names, roles and organisations; a technician's work also counts for its
 *  provider (the sums of its technicians' measures). */
static int s_identify (qs_t *self, s_set_t *set, const char **what)
{
    char *ids = s_ids (set, false);
    const char *p[] = { ids };
    PGresult *res = ids ? db_exec_prepared (self->db, "qs_r_people", 1, p) : NULL;
    free (ids);
    if (!res) {
        *what = "the people";
        return -1;
    }
    int n = set->n;
    for (int r = 0; r < PQntuples (res); r++) {
        s_subject_t *s = s_find (set, PQgetvalue (res, r, 0), false);
        if (!s)
            continue;
        s->known = true;
        snprintf (s->name, sizeof s->name, "%s", PQgetvalue (res, r, 1));
        s->is_agent = strstr (PQgetvalue (res, r, 2), "agent") != NULL;
        s->is_technician = strstr (PQgetvalue (res, r, 2), "technician") != NULL;
        s->kind = s->is_technician ? S_TECHNICIAN : S_AGENT;
        if (!PQgetisnull (res, r, 3))
            snprintf (s->org, sizeof s->org, "%s", PQgetvalue (res, r, 3));
    }
    PQclear (res);
    for (int i = 0; i < n; i++) {
        if (set->v[i].kind != S_TECHNICIAN || !set->v[i].org[0])
            continue;
        char org[65];
        snprintf (org, sizeof org, "%s", set->v[i].org);
        s_subject_t *pv = s_find (set, org, true);
        if (!pv)
            continue;
        s_subject_t *t = &set->v[i]; /* s_find may not move the array: it is allocated whole */
        for (int k = 0; k < SR_PART_COUNT; k++) {
            pv->num[k] += t->num[k];
            pv->den[k] += t->den[k];
        }
        pv->complaints += t->complaints;
        pv->decided += t->decided;
        pv->timely += t->timely;
    }
    ids = s_ids (set, true);
    const char *po[] = { ids };
    res = ids ? db_exec_prepared (self->db, "qs_r_orgs", 1, po) : NULL;
    free (ids);
    if (!res) {
        *what = "the providers";
        return -1;
    }
    for (int r = 0; r < PQntuples (res); r++) {
        s_subject_t *s = s_find (set, PQgetvalue (res, r, 0), true);
        if (s) {
            s->known = true;
            snprintf (s->name, sizeof s->name, "%s", PQgetvalue (res, r, 1));
        }
    }
    PQclear (res);
    return 0;
}

/*  The events and the score of s: adds events, events_points, score and
 *  counts_in_quarter to o, from the subtotal sub (centipoints). */
static bool s_add_score (cJSON *o, s_subject_t *s, int64_t sub, bool scored, int threshold)
{
    cJSON *events = s->events ? s->events : cJSON_CreateArray ();
    s->events = NULL;
    if (!events || !cJSON_AddItemToObject (o, "events", events))
        return false;
    int64_t score = sc_clamp_cp (sub + s->events_cp);
    return qs_add_cp (o, "events_points", s->events_cp)
           && (scored ? qs_add_cp (o, "score", score) : cJSON_AddNullToObject (o, "score") != NULL)
           && (scored ? qs_add_cp (o, "counts_in_quarter", sc_counted_cp (score, threshold))
                      : cJSON_AddNullToObject (o, "counts_in_quarter") != NULL);
}

static cJSON *s_agent (const sr_rules_t *rules, s_subject_t *s)
{
    cJSON *o = cJSON_CreateObject ();
    int64_t avg = sc_average_cp (s->forms_cp, s->forms), deduct = s->complaints * rules->complaint_cp;
    bool ok = o && cJSON_AddStringToObject (o, "staff_id", s->id) && cJSON_AddStringToObject (o, "name", s->name)
              && cJSON_AddNumberToObject (o, "tickets", (double) s->tickets)
              && cJSON_AddNumberToObject (o, "sampled", (double) s->sampled)
              && cJSON_AddNumberToObject (o, "forms", (double) s->forms)
              && (s->forms ? qs_add_cp (o, "form_average", avg) : cJSON_AddNullToObject (o, "form_average") != NULL)
              && cJSON_AddNumberToObject (o, "complaints", (double) s->complaints)
              && qs_add_cp (o, "complaint_points", -deduct) && s_add_score (o, s, avg - deduct, s->forms > 0, rules->threshold);
    if (!ok) {
        cJSON_Delete (o);
        return NULL;
    }
    return o;
}

static cJSON *s_measured (const int *weights, s_subject_t *s, int threshold)
{
    cJSON *o = cJSON_CreateObject (), *parts = o ? cJSON_AddArrayToObject (o, "parts") : NULL;
    if (!parts) {
        cJSON_Delete (o);
        return NULL;
    }
    /* complaints: the share decided in time; the assessment: its points of 100 */
    s->num[SR_COMPLAINT_HANDLING] = s->timely;
    s->den[SR_COMPLAINT_HANDLING] = s->decided;
    s->num[SR_REGIONAL_ASSESSMENT] = s->assessed ? s->assess_cp : 0;
    s->den[SR_REGIONAL_ASSESSMENT] = s->assessed ? SC_MAX_CP : 0;
    int64_t sub = 0;
    bool ok = true;
    for (int k = 0; ok && k < SR_PART_COUNT; k++) {
        if (!weights[k])
            continue;
        int64_t pts = sc_part_cp (weights[k], s->num[k], s->den[k]);
        sub += pts;
        cJSON *p = cJSON_CreateObject ();
        bool assess = k == SR_REGIONAL_ASSESSMENT;
        ok = p && cJSON_AddItemToArray (parts, p) && cJSON_AddStringToObject (p, "part", sr_part_names[k])
             && cJSON_AddNumberToObject (p, "weight", weights[k])
             && (assess ? (s->assessed ? qs_add_cp (p, "measured", s->assess_cp)
                                       : cJSON_AddNullToObject (p, "measured") != NULL)
                        : cJSON_AddNumberToObject (p, "measured", (double) s->num[k]) != NULL)
             && cJSON_AddNumberToObject (p, "of", assess ? 100 : (double) s->den[k]) && qs_add_cp (p, "points", pts);
    }
    ok = ok && cJSON_AddNumberToObject (o, "complaints", (double) s->complaints) && s_add_score (o, s, sub, true, threshold);
    if (!ok) {
        cJSON_Delete (o);
        return NULL;
    }
    return o;
}

static cJSON *s_build (qs_t *self, const qs_month_t *m, s_set_t *set)
{
    const sr_rules_t *rules = self->rules;
    cJSON *doc = cJSON_CreateObject (), *agents = NULL, *techs = NULL, *providers = NULL;
    bool ok = doc && cJSON_AddStringToObject (doc, "branch", m->branch)
              && cJSON_AddStringToObject (doc, "month", m->month) && cJSON_AddStringToObject (doc, "from", m->from)
              && cJSON_AddStringToObject (doc, "to", m->to) && cJSON_AddNumberToObject (doc, "threshold", rules->threshold)
              && (agents = cJSON_AddArrayToObject (doc, "agents")) && (techs = cJSON_AddArrayToObject (doc, "technicians"))
              && (providers = cJSON_AddArrayToObject (doc, "providers"));
    for (int i = 0; ok && i < set->n; i++) {
        s_subject_t *s = &set->v[i];
        if (!s->known)
            continue; /* no longer in the directory: nobody to score */
        cJSON *o = NULL;
        if (s->kind == S_PROVIDER)
            o = s_measured (rules->provider, s, rules->threshold);
        else if (s->kind == S_TECHNICIAN)
            o = s_measured (rules->technician, s, rules->threshold);
        else if (s->is_agent)
            o = s_agent (rules, s);
        else
            continue;
        if (o && s->kind != S_AGENT)
            ok = (s->kind == S_PROVIDER ? cJSON_AddStringToObject (o, "organisation", s->id)
                                        : cJSON_AddStringToObject (o, "staff_id", s->id))
                 && cJSON_AddStringToObject (o, "name", s->name)
                 && (s->kind == S_PROVIDER || (s->org[0] ? cJSON_AddStringToObject (o, "organisation", s->org)
                                                         : cJSON_AddNullToObject (o, "organisation")));
        ok = ok && o
             && cJSON_AddItemToArray (s->kind == S_PROVIDER ? providers : s->kind == S_TECHNICIAN ? techs : agents, o);
        if (!ok)
            cJSON_Delete (o);
    }
    if (!ok) {
        cJSON_Delete (doc);
        return NULL;
    }
    return doc;
}

rpl_code_t qs_report (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err, size_t errsize)
{
    qs_t *self = app;
    qs_month_t m;
    rpl_code_t code = qs_branch_month (self, &ctx->who, body, clock_now_us (), &m, err, errsize);
    if (code != RPL_OK)
        return code;
    s_set_t set = { calloc (QS_MAX_SUBJECTS, sizeof (s_subject_t)), 0 };
    if (!set.v)
        return qs_oom (err, errsize);
    const char *what = NULL;
    if (s_measure (self, &m, &set, &what) != 0 || s_identify (self, &set, &what) != 0)
        code = svc_db_request_failure (self->db, what, err, errsize);
    else if (!(*result = s_build (self, &m, &set)))
        code = qs_oom (err, errsize);
    for (int i = 0; i < set.n; i++)
        cJSON_Delete (set.v[i].events);
    free (set.v);
    return code;
}
