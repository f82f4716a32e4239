/*  admin_load_staff — the people and programs of the organisation file
 *  (common/ref/org_staff.c) written by `kefuctl admin load`, inside its one
 *  transaction: ref.centres, ref.centre_branches, ref.organisations,
 *  auth.staff and auth.service_accounts (schemas/sql/0013_identity.sql).
 */
#include <stdio.h>
#include <stdlib.h>

#include "admin.h"
#include "auth/roles.h"

static const char *const s_place_names[] = { "branch", "centre", "region", "organisation", "company" };

/*  Marks every row of table whose id the file no longer lists inactive.
 *  Returns how many, or -1. */
static int s_deactivate (db_t *db, const char *table, char **ids, int n, char *err, size_t errsize)
{
    char *list = admin_json_array (ids, n);
    if (!list) {
        snprintf (err, errsize, "out of memory");
        return -1;
    }
    char sql[256];
    snprintf (sql, sizeof sql,
              "UPDATE %s SET active = false WHERE active"
              " AND id NOT IN (SELECT jsonb_array_elements_text($1::jsonb))",
              table);
    const char *p[] = { list };
    PGresult *res = db_exec (db, sql, 1, p);
    free (list);
    if (!res) {
        snprintf (err, errsize, "deactivating %s no longer listed: %s", table, db_error (db));
        return -1;
    }
    int n_rows = atoi (PQcmdTuples (res));
    PQclear (res);
    return n_rows;
}

static int s_centres (db_t *db, const org_t *o, admin_load_counts_t *counts, char *err, size_t errsize)
{
    char what[160];
    for (int i = 0; i < o->n_centres; i++) {
        const org_centre_t *c = &o->centres[i];
        snprintf (what, sizeof what, "centre %s", c->id);
        char *branches = admin_json_array (c->branches, c->n_branches);
        if (!branches) {
            snprintf (err, errsize, "%s: out of memory", what);
            return -1;
        }
        /* three statements, in order: the parts of one statement would not
         * see each other's changes, and the delete would take a branch the
         * insert found already there */
        const char *p2[] = { c->id, c->name }, *p1[] = { c->id }, *p3[] = { c->id, branches };
        int rc = admin_exec (db, err, errsize, what,
                             "INSERT INTO ref.centres (id, name) VALUES ($1, $2)"
                             " ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name",
                             2, p2)
                 || admin_exec (db, err, errsize, what,
                                "DELETE FROM ref.centre_branches WHERE centre_id = $1", 1, p1)
                 || admin_exec (db, err, errsize, what,
                                "INSERT INTO ref.centre_branches (centre_id, branch_id)"
                                " SELECT $1, b FROM jsonb_array_elements_text($2::jsonb) b",
                                2, p3);
        free (branches);
        if (rc)
            return -1;
        counts->centres++;
    }
    return 0;
}

static int s_organisations (db_t *db, const org_t *o, admin_load_counts_t *counts, char *err,
                            size_t errsize)
{
    char what[160];
    for (int i = 0; i < o->n_partners; i++) {
        const org_partner_t *g = &o->partners[i];
        snprintf (what, sizeof what, "organisation %s", g->id);
        char *regions = admin_json_array (g->regions, g->n_regions);
        if (!regions) {
            snprintf (err, errsize, "%s: out of memory", what);
            return -1;
        }
        const char *p[] = { g->id, g->name, org_partner_kind_names[g->kind], regions, g->contract,
                            g->account };
        int rc = admin_exec (db, err, errsize, what,
                                "INSERT INTO ref.organisations (id, name, kind, regions, contract, account)"
                                " VALUES ($1, $2, $3, ARRAY(SELECT jsonb_array_elements_text($4::jsonb)), $5, $6)"
                                " ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, kind = EXCLUDED.kind,"
                                " regions = EXCLUDED.regions, contract = EXCLUDED.contract,"
                                " account = EXCLUDED.account",
                                6, p);
        free (regions);
        if (rc)
            return -1;
        counts->organisations++;
    }
    return 0;
}

static int s_staff (db_t *db, const org_t *o, admin_load_counts_t *counts, char *err, size_t errsize)
{
    char what[160], roles[512];
    char **ids = calloc ((size_t) o->n_staff + 1, sizeof *ids);
    if (!ids) {
        snprintf (err, errsize, "out of memory");
        return -1;
    }
    int rc = -1;
    for (int i = 0; i < o->n_staff; i++) {
        const org_staff_t *s = &o->staff[i];
        ids[i] = s->id;
        snprintf (what, sizeof what, "staff %s", s->id);
        char literal[520];
        snprintf (literal, sizeof literal, "{%s}", roles_format (s->roles, roles, sizeof roles));
        const char *p[] = { s->id, s->name, s_place_names[s->place], s->at, literal,
                            s->active ? "true" : "false", s->email, s->phone };
        if (admin_exec (db, err, errsize, what,
                        "INSERT INTO auth.staff (id, name, place, place_id, roles, active, email, phone)"
                        " VALUES ($1, $2, $3, $4, $5::text[], $6::bool, $7, $8)"
                        " ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, place = EXCLUDED.place,"
                        " place_id = EXCLUDED.place_id, roles = EXCLUDED.roles,"
                        " active = EXCLUDED.active, email = EXCLUDED.email, phone = EXCLUDED.phone,"
                        " updated_at = now()",
                        8, p))
            goto cleanup;
        counts->staff++;
    }
    int n = s_deactivate (db, "auth.staff", ids, o->n_staff, err, errsize);
    if (n < 0)
        goto cleanup;
    counts->staff_deactivated = n;
    rc = 0;
cleanup:
    free (ids);
    return rc;
}

static int s_accounts (db_t *db, const org_t *o, admin_load_counts_t *counts, char *err, size_t errsize)
{
    char what[160];
    char **ids = calloc ((size_t) o->n_accounts + 1, sizeof *ids);
    if (!ids) {
        snprintf (err, errsize, "out of memory");
        return -1;
    }
    int rc = -1;
    for (int i = 0; i < o->n_accounts; i++) {
        const org_service_account_t *a = &o->accounts[i];
        ids[i] = a->id;
        snprintf (what, sizeof what, "service account %s", a->id);
        char *branches = admin_json_array (a->branches, a->n_branches);
        char *requests = admin_json_array (a->requests, a->n_requests);
        const char *p[] = { a->id, a->name, branches, requests, a->active ? "true" : "false" };
        int r = !branches || !requests;
        if (r)
            snprintf (err, errsize, "%s: out of memory", what);
        r = r || admin_exec (db, err, errsize, what,
                               "INSERT INTO auth.service_accounts (id, name, branches, requests, active)"
                               " VALUES ($1, $2, ARRAY(SELECT jsonb_array_elements_text($3::jsonb)),"
                               " ARRAY(SELECT jsonb_array_elements_text($4::jsonb)), $5::bool)"
                               " ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name,"
                               " branches = EXCLUDED.branches, requests = EXCLUDED.requests,"
                               " active = EXCLUDED.active",
                               5, p);
        free (branches);
        free (requests);
        if (r)
            goto cleanup;
        counts->accounts++;
    }
    if (s_deactivate (db, "auth.service_accounts", ids, o->n_accounts, err, errsize) < 0)
        goto cleanup;
    rc = 0;
cleanup:
    free (ids);
    return rc;
}

int admin_load_staff (db_t *db, const org_t *org, admin_load_counts_t *counts, char *err,
                      size_t errsize)
{
    return s_centres (db, org, counts, err, errsize) || s_organisations (db, org, counts, err, errsize)
                   || s_staff (db, org, counts, err, errsize) || s_accounts (db, org, counts, err, errsize)
               ? -1
               : 0;
}
