/*  diagnosis — see diagnosis.h. */
#include "diagnosis.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "auth/roles.h"
#include "base/clock.h"
#include "base/json.h"
#include "base/log.h"
#include "db/scope.h"
#include "db/statements.h"
#include "model/work_order.h"
#include "svc/emit.h"
#include "svc/failure.h"
#include "work_order_requests.h"

/* The work order, locked, and whether it was diagnosed: $1 id. */
#define S_SQL_LOCK                                                                                 \
    "SELECT w.ticket_id, w.branch_id, w.status, w.technician_id, "                                 \
    " EXISTS (SELECT 1 FROM dispatch.diagnoses d WHERE d.work_order_id = w.id) "                   \
    "FROM dispatch.work_orders w WHERE w.id = $1::bigint FOR UPDATE OF w"

/* The first of the codes $1 that is not an active part of ref.parts. */
#define S_SQL_UNKNOWN_PART                                                                         \
    "SELECT c FROM unnest ($1::text[]) WITH ORDINALITY AS u (c, n) WHERE NOT EXISTS "              \
    " (SELECT 1 FROM ref.parts p WHERE p.code = u.c AND p.active) ORDER BY n LIMIT 1"

/* The diagnosis and its history row: $1 work order, $2 ticket, $3 branch,
 * $4 technician, $5 by, $6 fault, $7 parts, $8 minutes, $9 metres, $10
 * findings, $11 photos, $12 note, $13 at. */
#define S_SQL_STORE                                                                                \
    "WITH d AS (INSERT INTO dispatch.diagnoses (work_order_id, ticket_id, branch_id, technician_id, " \
    "  diagnosed_by, fault_code, parts, labour_minutes, distance_m, findings, photos, note, "       \
    "  diagnosed_at) VALUES ($1::bigint, $2::bigint, $3, $4, $5, $6, $7::jsonb, $8::int, $9::int, " \
    "  $10::text[], $11::jsonb, $12, $13::timestamptz) RETURNING work_order_id) "                 \
    "INSERT INTO dispatch.work_order_history (work_order_id, at, event, detail) "                  \
    " SELECT work_order_id, $13::timestamptz, 'diagnosed', jsonb_build_object ('by', $5::text, "   \
    " 'fault_code', $6::text) FROM d"

static const db_statement_t s_statements[] = {
    { "dispatch_dgn_lock", S_SQL_LOCK },
    { "dispatch_dgn_unknown_part", S_SQL_UNKNOWN_PART },
    { "dispatch_dgn_store", S_SQL_STORE },
};

int diagnosis_prepare (db_t *db)
{
    return db_prepare_statements (db, s_statements, DB_STATEMENTS (s_statements));
}

typedef wor_tx_t s_dgn_t;

#define S_FAIL WOR_FAIL

/*  What the body says, beyond its schema: the fault code, the ranges, each
 *  part code once. Returns 0 or -1. */
static int s_check_body (s_dgn_t *d)
{
    const cJSON *b = d->body;
    const char *fault = json_str (b, "fault_code", "");
    if (!dispatch_fault_code_known (d->app->dc, fault))
        return S_FAIL (d, RPL_INVALID, "body.fault_code: \"%s\" is not a fault code of dispatch.fault_codes", fault);
    int64_t minutes = json_int (b, "labour_minutes", -1), metres = json_int (b, "distance_m", -1);
    if (minutes < 0 || minutes > DIAGNOSIS_MINUTES_MAX)
        return S_FAIL (d, RPL_INVALID, "body.labour_minutes: %" PRId64 " is out of range (0 to %d minutes)", minutes,
                       DIAGNOSIS_MINUTES_MAX);
    if (metres < 0 || metres > DIAGNOSIS_METRES_MAX)
        return S_FAIL (d, RPL_INVALID, "body.distance_m: %" PRId64 " is out of range (0 to %d metres)", metres,
                       DIAGNOSIS_METRES_MAX);
    const cJSON *parts = cJSON_GetObjectItemCaseSensitive (b, "parts");
    for (int i = 0; i < cJSON_GetArraySize (parts); i++)
        for (int j = 0; j < i; j++)
            if (strcmp (json_str (cJSON_GetArrayItem (parts, i), "code", ""),
                        json_str (cJSON_GetArrayItem (parts, j), "code", ""))
                == 0)
                return S_FAIL (d, RPL_INVALID, "body.parts[%d].code: \"%s\" is named twice (give one quantity)", i,
                               json_str (cJSON_GetArrayItem (parts, i), "code", ""));
    return 0;
}

/*  Who may: the work order's technician, or a team lead of its branch; the
 *  work order is assigned and not yet diagnosed. Returns 0 or -1. */
static int s_check_order (s_dgn_t *d, PGresult *wo)
{
    const svc_who_t *who = &d->ctx->who;
    const char *branch = PQgetvalue (wo, 0, 1), *status = PQgetvalue (wo, 0, 2), *tech = PQgetvalue (wo, 0, 3);
    bool own = who->principal && !PQgetisnull (wo, 0, 3) && strcmp (who->principal, tech) == 0;
    bool lead = (who->roles & ROLE_BIT (ROLE_TEAM_LEAD)) != 0 && svc_who_sees_branch (who, branch);
    if (!own && !svc_who_sees_branch (who, branch))
        return S_FAIL (d, RPL_NOT_FOUND, "body.work_order_id: no work order %s", d->id);
    if (!own && !lead)
        return S_FAIL (d, RPL_FORBIDDEN,
                       "work order %s is %s's: only they, or a team lead of the branch, diagnose it", d->id, tech);
    if (strcmp (status, WO_S_ASSIGNED) != 0)
        return S_FAIL (d, RPL_CONFLICT, "work order %s is %s: only an assigned work order is diagnosed", d->id,
                       status);
    if (strcmp (PQgetvalue (wo, 0, 4), "t") == 0)
        return S_FAIL (d, RPL_CONFLICT, "work order %s is diagnosed already (one diagnosis per work order)", d->id);
    return 0;
}

/*  "{A,B}" of the items' `key` (or the strings themselves), for a text[]
 *  parameter; the schema allows no quote, comma or brace in them. */
static char *s_array_literal (const cJSON *items, const char *key)
{
    size_t size = 3;
    const cJSON *it;
    cJSON_ArrayForEach (it, items)
        size += strlen (key ? json_str (it, key, "") : (cJSON_IsString (it) ? it->valuestring : "")) + 1;
    char *out = malloc (size);
    if (!out)
        return NULL;
    size_t n = 0;
    out[n++] = '{';
    cJSON_ArrayForEach (it, items)
    {
        const char *v = key ? json_str (it, key, "") : (cJSON_IsString (it) ? it->valuestring : "");
        n += (size_t) snprintf (out + n, size - n, "%s%s", n > 1 ? "," : "", v);
    }
    snprintf (out + n, size - n, "}");
    return out;
}

/*  The unknown part, if any: 0 none, -1 refused or database. */
static int s_check_parts (s_dgn_t *d, db_t *db)
{
    const cJSON *parts = cJSON_GetObjectItemCaseSensitive (d->body, "parts");
    char *codes = s_array_literal (parts, "code");
    if (!codes)
        return S_FAIL (d, RPL_INTERNAL, "out of memory");
    const char *p[] = { codes };
    PGresult *res = db_exec_prepared (db, "dispatch_dgn_unknown_part", 1, p);
    free (codes);
    if (!res) {
        d->code = svc_db_request_failure (db, "reading the parts list", d->err, d->errsize);
        return -1;
    }
    int rc = 0;
    if (PQntuples (res) == 1)
        rc = S_FAIL (d, RPL_INVALID, "body.parts: unknown part \"%s\" (not an active code of the parts list)",
                     PQgetvalue (res, 0, 0));
    PQclear (res);
    return rc;
}

static int s_emit (s_dgn_t *d, db_t *db, PGresult *wo)
{
    static const char *const keys[] = { "fault_code", "parts", "labour_minutes", "distance_m", "findings", NULL };
    const char *ticket = PQgetvalue (wo, 0, 0), *branch = PQgetvalue (wo, 0, 1);
    cJSON *msg = cJSON_CreateObject ();
    if (!msg || json_add_id (msg, "work_order_id", d->id) != 0 || json_add_id (msg, "ticket_id", ticket) != 0) {
        cJSON_Delete (msg);
        return S_FAIL (d, RPL_INTERNAL, "out of memory");
    }
    cJSON_AddStringToObject (msg, "branch", branch);
    cJSON_AddStringToObject (msg, "technician_id", PQgetvalue (wo, 0, 3));
    for (int i = 0; keys[i]; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive (d->body, keys[i]);
        if (v)
            cJSON_AddItemToObject (msg, keys[i], cJSON_Duplicate (v, true));
    }
    cJSON_AddStringToObject (msg, "diagnosed_at", d->now);
    if (svc_emit (d->app->bus, db, "workorder.diagnosed", 1, branch, ticket, &msg) != 0) {
        d->code = svc_db_request_failure (db, "writing workorder.diagnosed to the outbox", d->err, d->errsize);
        return -1;
    }
    return 0;
}

static int s_store (s_dgn_t *d, db_t *db, PGresult *wo)
{
    const cJSON *b = d->body;
    char *parts = json_print (cJSON_GetObjectItemCaseSensitive (b, "parts"));
    char *photos = json_print (cJSON_GetObjectItemCaseSensitive (b, "photos"));
    const cJSON *found = cJSON_GetObjectItemCaseSensitive (b, "findings");
    char *findings = found ? s_array_literal (found, NULL) : strdup ("{}");
    int rc = -1;
    if (!parts || !photos || !findings) {
        S_FAIL (d, RPL_INTERNAL, "out of memory");
        goto cleanup;
    }
    char minutes[24], metres[24];
    snprintf (minutes, sizeof minutes, "%" PRId64, json_int (b, "labour_minutes", 0));
    snprintf (metres, sizeof metres, "%" PRId64, json_int (b, "distance_m", 0));
    const char *p[] = { d->id, PQgetvalue (wo, 0, 0), PQgetvalue (wo, 0, 1), PQgetvalue (wo, 0, 3),
                        d->ctx->who.principal, json_str (b, "fault_code", ""), parts, minutes, metres, findings,
                        photos, json_str (b, "note", NULL), d->now };
    PGresult *res = db_exec_prepared (db, "dispatch_dgn_store", 13, p);
    if (!res) {
        d->code = svc_db_request_failure (db, "storing the diagnosis", d->err, d->errsize);
        goto cleanup;
    }
    PQclear (res);
    rc = s_emit (d, db, wo);
cleanup:
    free (parts);
    free (photos);
    free (findings);
    return rc;
}

static int s_tx (db_t *db, void *arg)
{
    s_dgn_t *d = arg;
    cJSON_Delete (d->result);
    d->result = NULL;
    /* a provider's technician acts for no branch: checked here (s_check_order) */
    if (db_scope_system (db) != 0)
        return -1;
    const char *p[] = { d->id };
    PGresult *wo = db_exec_prepared (db, "dispatch_dgn_lock", 1, p);
    if (!wo)
        return -1;
    int rc = -1;
    if (PQntuples (wo) != 1)
        S_FAIL (d, RPL_NOT_FOUND, "body.work_order_id: no work order %s", d->id);
    else if (s_check_order (d, wo) == 0 && s_check_parts (d, db) == 0 && s_store (d, db, wo) == 0) {
        d->result = cJSON_CreateObject ();
        if (d->result && json_add_id (d->result, "work_order_id", d->id) == 0
            && json_add_id (d->result, "ticket_id", PQgetvalue (wo, 0, 0)) == 0) {
            cJSON_AddStringToObject (d->result, "diagnosed_at", d->now);
            rc = 0;
        }
        else
            S_FAIL (d, RPL_INTERNAL, "out of memory");
    }
    PQclear (wo);
    return rc;
}

rpl_code_t diagnosis_record (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err,
                             size_t errsize)
{
    dapi_app_t *a = app;
    *result = NULL;
    if (!a || !a->db) {
        snprintf (err, errsize, "request: dispatch has no database");
        return RPL_INTERNAL;
    }
    s_dgn_t d = { .app = a, .ctx = ctx, .body = body, .code = RPL_OK, .err = err, .errsize = errsize };
    snprintf (d.id, sizeof d.id, "%" PRId64, json_int (body, "work_order_id", 0));
    clock_format_us (clock_now_us (), d.now, sizeof d.now);
    if (s_check_body (&d) != 0)
        return d.code;
    rpl_code_t code = svc_request_tx (a->db, s_tx, &d, &d.code, "recording the diagnosis", err, errsize);
    if (code != RPL_OK) {
        cJSON_Delete (d.result);
        return code;
    }
    bus_kick (a->bus);
    log_kv (LOG_INFO, "work_order_diagnosed", "work_order_id", d.id, "by", ctx->who.principal, NULL);
    *result = d.result;
    return RPL_OK;
}
