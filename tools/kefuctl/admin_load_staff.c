/*  admin_load_staff — the people and programs of the organisation file
 *  (common/ref/org_staff.c) written by `kefuctl admin load`, inside its one
 *  transaction: ref.centres, ref.centre_branches, ref.organisations,
 *  auth.staff and auth.service_accounts (schemas/sql/0013_identity.sql).
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "admin.h"
#include "auth/roles.h"
#include "base/json.h"

_Static_assert (offsetof (org_staff_t, id) == 0 && offsetof (org_service_account_t, id) == 0,
                "admin_deactivate reads a row's id first");

static const char *const s_place_names[] = { "branch", "centre", "region", "organisation", "company" };

/*  Marks every row of table whose `key` the file no longer lists
 *  inactive: the key of each of the n rows is its first member. Returns
 *  how many, or -1. */
int admin_deactivate (db_t *db, const char *table, const char *key, const void *rows, size_t stride, int n,
                      char *err, size_t errsize)
{
    cJSON *arr = cJSON_CreateArray ();
    for (int i = 0; arr && i < n; i++) {
        char *const *id = (char *const *) (const void *) ((const char *) rows + (size_t) i * stride);
        if (!cJSON_AddItemToArray (arr, cJSON_CreateString (*id)))
            cJSON_Delete (arr), arr = NULL;
    }
    char *list = arr ? json_print (arr) : NULL;
    cJSON_Delete (arr);
    if (!list) {
        snprintf (err, errsize, "out of memory");
        return -1;
    }
    char sql[256];
    snprintf (sql, sizeof sql,
              "UPDATE %s SET active = false WHERE active"
              " AND %s NOT IN (SELECT jsonb_array_elements_text($1::jsonb))",
              table, key);
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
        char base[32], deposit[32];
        snprintf (base, sizeof base, "%lld", (long long) g->contract_base);
        snprintf (deposit, sizeof deposit, "%lld", (long long) g->deposit);
        const char *p[] = { g->id,           g->name,        org_partner_kind_names[g->kind],
                            regions,         g->contract,    g->account,
                            g->has_contract_base ? base : NULL, g->currency, deposit,
                            g->contract_start, g->contract_end, g->reward_dealer };
        int rc = admin_exec (db, err, errsize, what,
                                "INSERT INTO ref.organisations (id, name, kind, regions, contract, account,"
                                " contract_base, currency, deposit, contract_start, contract_end, reward_dealer)"
                                " VALUES ($1, $2, $3, ARRAY(SELECT jsonb_array_elements_text($4::jsonb)), $5, $6,"
                                " $7::bigint, $8, $9::bigint, $10::date, $11::date, $12)"
                                " ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, kind = EXCLUDED.kind,"
                                " regions = EXCLUDED.regions, contract = EXCLUDED.contract,"
                                " account = EXCLUDED.account, contract_base = EXCLUDED.contract_base,"
                                " currency = EXCLUDED.currency, deposit = EXCLUDED.deposit,"
                                " contract_start = EXCLUDED.contract_start, contract_end = EXCLUDED.contract_end,"
                                " reward_dealer = EXCLUDED.reward_dealer",
                                12, p);
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
    for (int i = 0; i < o->n_staff; i++) {
        const org_staff_t *s = &o->staff[i];
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
            return -1;
        counts->staff++;
    }
    int n = admin_deactivate (db, "auth.staff", "id", o->staff, sizeof *o->staff, o->n_staff, err, errsize);
    if (n < 0)
        return -1;
    counts->staff_deactivated = n;
    return 0;
}

static int s_accounts (db_t *db, const org_t *o, admin_load_counts_t *counts, char *err, size_t errsize)
{
    char what[160];
    for (int i = 0; i < o->n_accounts; i++) {
        const org_service_account_t *a = &o->accounts[i];
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
            return -1;
        counts->accounts++;
    }
    return admin_deactivate (db, "auth.service_accounts", "id", o->accounts, sizeof *o->accounts, o->n_accounts,
                             err, errsize)
                   < 0
               ? -1
               : 0;
}

int admin_load_staff (db_t *db, const org_t *org, admin_load_counts_t *counts, char *err,
                      size_t errsize)
{
    return s_centres (db, org, counts, err, errsize) || s_organisations (db, org, counts, err, errsize)
                   || s_staff (db, org, counts, err, errsize) || s_accounts (db, org, counts, err, errsize)
               ? -1
               : 0;
}
