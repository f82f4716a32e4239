/*  inspection_read — inspection.get and inspection.pending, and the record
 *  every reply of the module carries (qi_record). What a caller may read:
 *  the inspections of their branches (the code checks the row's branch;
 *  row-level security refuses the others as well). */
#include "inspections_private.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/roles.h"
#include "base/clock.h"
#include "base/json.h"
#include "svc/failure.h"
#include "db/cursor.h"
#include "db/scope.h"

#define QI_PENDING_DEFAULT 50
#define QI_PENDING_MAX 500

/*  Adds key: an instant column (microseconds) as RFC 3339, or null. */
static bool s_add_time (cJSON *o, const char *key, PGresult *res, int row, int col)
{
    if (PQgetisnull (res, row, col))
        return cJSON_AddNullToObject (o, key) != NULL;
    char at[40];
    clock_format_us (strtoll (PQgetvalue (res, row, col), NULL, 10), at, sizeof at);
    return cJSON_AddStringToObject (o, key, at) != NULL;
}

static bool s_add_text (cJSON *o, const char *key, PGresult *res, int row, int col)
{
    if (PQgetisnull (res, row, col))
        return cJSON_AddNullToObject (o, key) != NULL;
    return cJSON_AddStringToObject (o, key, PQgetvalue (res, row, col)) != NULL;
}

static bool s_add_id (cJSON *o, const char *key, PGresult *res, int row, int col)
{
    if (PQgetisnull (res, row, col))
        return cJSON_AddNullToObject (o, key) != NULL;
    return json_add_id (o, key, PQgetvalue (res, row, col)) == 0;
}

/*  Adds key: a jsonb column parsed, or null. */
static bool s_add_json (cJSON *o, const char *key, PGresult *res, int row, int col)
{
    if (PQgetisnull (res, row, col))
        return cJSON_AddNullToObject (o, key) != NULL;
    cJSON *v = cJSON_Parse (PQgetvalue (res, row, col));
    return v && cJSON_AddItemToObject (o, key, v);
}

/*  The checklist of a plan's level, for the people who sign it: each
 *  item with its unit and limit. */
static cJSON *s_checklist (const qp_level_t *level)
{
    cJSON *list = cJSON_CreateArray ();
    for (int i = 0; list && level && i < level->n_items; i++) {
        const qp_item_t *it = &level->items[i];
        char limit[128];
        cJSON *o = cJSON_CreateObject ();
        if (!o || !cJSON_AddItemToArray (list, o) || !cJSON_AddStringToObject (o, "item", it->name)
            || !(it->unit ? cJSON_AddStringToObject (o, "unit", it->unit->name) : cJSON_AddNullToObject (o, "unit"))
            || !cJSON_AddStringToObject (o, "limit", qp_limit_text (it, limit, sizeof limit))
            || !cJSON_AddBoolToObject (o, "timed", it->hold_us > 0)) {
            cJSON_Delete (list);
            return NULL;
        }
    }
    return list;
}

static cJSON *s_level (PGresult *lv, int r, const qp_plan_t *plan)
{
    cJSON *o = cJSON_CreateObject ();
    const char *name = PQgetvalue (lv, r, 1);
    int idx = qp_level_index (plan, name);
    cJSON *checklist = s_checklist (idx >= 0 ? &plan->levels[idx] : NULL);
    bool ok = o && checklist && cJSON_AddStringToObject (o, "level", name)
              && cJSON_AddStringToObject (o, "role", PQgetvalue (lv, r, 2))
              && cJSON_AddStringToObject (o, "status", PQgetvalue (lv, r, 3))
              && s_add_time (o, "started_at", lv, r, 6) && s_add_text (o, "signed_by", lv, r, 4)
              && s_add_time (o, "signed_at", lv, r, 7) && s_add_json (o, "items", lv, r, 8)
              && s_add_json (o, "failed_items", lv, r, 9) && cJSON_AddItemToObject (o, "checklist", checklist);
    if (!ok) {
        if (!o || !cJSON_GetObjectItemCaseSensitive (o, "checklist"))
            cJSON_Delete (checklist);
        cJSON_Delete (o);
        return NULL;
    }
    return o;
}

rpl_code_t qi_record (qi_t *self, PGresult *res, int row, cJSON **out, char *err, size_t errsize)
{
    const char *p[] = { PQgetvalue (res, row, 0) };
    PGresult *lv = db_exec_prepared (self->db, "qc_levels_of", 1, p);
    if (!lv)
        return svc_db_request_failure (self->db, "reading the inspection's levels", err, errsize);
    const qp_plan_t *plan = qp_find (self->plans, PQgetvalue (res, row, 7));
    cJSON *o = cJSON_CreateObject (), *levels = NULL;
    bool ok = o && s_add_id (o, "inspection_id", res, row, 0) && s_add_id (o, "work_order_id", res, row, 1)
              && s_add_id (o, "ticket_id", res, row, 2) && s_add_text (o, "branch", res, row, 3)
              && s_add_text (o, "technician_id", res, row, 4) && s_add_text (o, "kind", res, row, 5)
              && s_add_text (o, "product_line", res, row, 6) && s_add_text (o, "plan", res, row, 7)
              && s_add_id (o, "rework_of", res, row, 8) && s_add_text (o, "status", res, row, 9)
              && s_add_time (o, "done_at", res, row, 10) && s_add_time (o, "created_at", res, row, 11)
              && s_add_time (o, "closed_at", res, row, 12) && (levels = cJSON_AddArrayToObject (o, "levels"));
    for (int r = 0; ok && r < PQntuples (lv); r++) {
        cJSON *l = s_level (lv, r, plan);
        ok = l && cJSON_AddItemToArray (levels, l);
        if (!ok)
            cJSON_Delete (l);
    }
    PQclear (lv);
    if (!ok) {
        cJSON_Delete (o);
        return qi_oom (err, errsize);
    }
    *out = o;
    return RPL_OK;
}

rpl_code_t qi_get (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err,
                   size_t errsize)
{
    qi_t *self = app;
    const cJSON *wo = cJSON_GetObjectItemCaseSensitive (body, "work_order_id");
    const cJSON *in = cJSON_GetObjectItemCaseSensitive (body, "inspection_id");
    if (!wo == !in) {
        snprintf (err, errsize, "body: give exactly one of \"work_order_id\" or \"inspection_id\"");
        return RPL_INVALID;
    }
    char id[24];
    snprintf (id, sizeof id, "%" PRId64, (int64_t) (wo ? wo : in)->valuedouble);
    if (db_ensure (self->db) != 0)
        return svc_db_request_failure (self->db, "connecting", err, errsize);
    const char *p[] = { id };
    PGresult *res = db_exec_prepared (self->db, wo ? "qc_insp_by_wo" : "qc_insp_by_id", 1, p);
    if (!res)
        return svc_db_request_failure (self->db, "reading the inspection", err, errsize);
    rpl_code_t code;
    if (PQntuples (res) != 1 || !svc_who_sees_branch (&ctx->who, PQgetvalue (res, 0, 3))) {
        snprintf (err, errsize, "body.%s: no inspection for %s %s", wo ? "work_order_id" : "inspection_id",
                  wo ? "work order" : "id", id);
        code = RPL_NOT_FOUND;
    }
    else
        code = qi_record (self, res, 0, result, err, errsize);
    PQclear (res);
    return code;
}

/*  The caller's roles as a text[] literal of role names. */
static void s_roles_array (svc_roles_t roles, char *out, size_t size)
{
    char names[512];
    roles_format (roles, names, sizeof names);
    snprintf (out, size, "{%s}", names);
}

rpl_code_t qi_pending (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err,
                       size_t errsize)
{
    qi_t *self = app;
    char roles[600], scope_buf[8192];
    cur_page_t page;
    if (cur_page_start (&page, "inspection.pending", body, json_int (body, "limit", QI_PENDING_DEFAULT), err,
                        errsize)
        != 0)
        return RPL_INVALID;
    s_roles_array (ctx->who.roles, roles, sizeof roles);
    if (ctx->who.branches && !svc_who_branches_fit (&ctx->who, sizeof scope_buf)) {
        snprintf (err, errsize, "request: the caller acts for too many branches to list");
        return RPL_INTERNAL;
    }
    const char *scope = svc_who_branches_literal (&ctx->who, scope_buf, sizeof scope_buf);
    if (db_ensure (self->db) != 0)
        return svc_db_request_failure (self->db, "connecting", err, errsize);
    /* the statement confines to the caller's branches and own self-checks
     * itself ($3, $2): read for the system, so that a service provider's
     * technician, who acts for no branch, finds his */
    if (db_scope_system (self->db) != 0)
        return svc_db_request_failure (self->db, "stating the system's scope", err, errsize);
    const char *p[] = { roles, ctx->who.principal ? ctx->who.principal : "", scope, cur_page_fetch (&page),
                        cur_page_key (&page), cur_page_id (&page) };
    PGresult *res = db_exec_prepared (self->db, "qc_pending", 6, p);
    if (!res)
        return svc_db_request_failure (self->db, "reading the pending levels", err, errsize);
    cJSON *doc = cJSON_CreateObject (), *list = doc ? cJSON_AddArrayToObject (doc, "pending") : NULL;
    bool ok = list != NULL && cur_page_next_row (&page, doc, res, 6, 7) == 0;
    int rows = cur_page_rows (&page, PQntuples (res));
    for (int r = 0; ok && r < rows; r++) {
        const qp_plan_t *plan = qp_find (self->plans, PQgetvalue (res, r, 3));
        int idx = qp_level_index (plan, PQgetvalue (res, r, 4));
        cJSON *o = cJSON_CreateObject (), *checklist = s_checklist (idx >= 0 ? &plan->levels[idx] : NULL);
        ok = o && checklist && cJSON_AddItemToArray (list, o) && s_add_id (o, "work_order_id", res, r, 0)
             && s_add_id (o, "ticket_id", res, r, 1) && s_add_text (o, "branch", res, r, 2)
             && s_add_id (o, "inspection_id", res, r, 7) && s_add_text (o, "technician_id", res, r, 8)
             && s_add_text (o, "kind", res, r, 9) && s_add_text (o, "plan", res, r, 3)
             && s_add_text (o, "level", res, r, 4) && s_add_text (o, "role", res, r, 5)
             && s_add_time (o, "started_at", res, r, 6);
        if (ok)
            ok = cJSON_AddItemToObject (o, "checklist", checklist);
        else
            cJSON_Delete (checklist);
    }
    PQclear (res);
    if (!ok) {
        cJSON_Delete (doc);
        return qi_oom (err, errsize);
    }
    *result = doc;
    return RPL_OK;
}
