/*  admin_load — `kefuctl admin load ORG.yaml`: the organisation file
 *  (common/ref/org.h) written into the ref schema in one transaction, with the
 *  holiday calendars its branches name (ref.calendar_years,
 *  ref.calendar_days: replaced as a whole per calendar). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "time/holidays.h"
#include "base/json.h"

typedef struct {
    const org_t *org;
    admin_load_counts_t counts;
    char *err;
    size_t errsize;
} load_ctx_t;

/*  Runs one statement; on failure records "what: db error". */
static int s_load_exec (db_t *db, load_ctx_t *ctx, const char *what, const char *sql, int n,
                        const char *const *params)
{
    return admin_exec (db, ctx->err, ctx->errsize, what, sql, n, params);
}

static int s_load_reference (db_t *db, load_ctx_t *ctx)
{
    const org_t *o = ctx->org;
    char num[32], what[160];
    for (int i = 0; i < o->n_tiers; i++) {
        snprintf (num, sizeof num, "%d", i + 1);
        snprintf (what, sizeof what, "tier %s", o->tiers[i]);
        const char *p[] = { o->tiers[i], num };
        if (s_load_exec (db, ctx, what,
                         "INSERT INTO ref.tiers (name, ord) VALUES ($1, $2::int) "
                         "ON CONFLICT (name) DO UPDATE SET ord = EXCLUDED.ord",
                         2, p))
            return -1;
        ctx->counts.tiers++;
    }
    for (int i = 0; i < o->n_regions; i++) {
        const org_region_t *r = &o->regions[i];
        snprintf (what, sizeof what, "region %s", r->id);
        const char *p[] = { r->id, r->name, r->tier };
        if (s_load_exec (db, ctx, what,
                         "INSERT INTO ref.regions (id, name, tier) VALUES ($1, $2, $3) "
                         "ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, tier = EXCLUDED.tier",
                         3, p))
            return -1;
        ctx->counts.regions++;
    }
    for (int i = 0; i < o->n_branches; i++) {
        const org_branch_t *b = &o->branches[i];
        snprintf (what, sizeof what, "branch %s", b->id);
        char *hours = hours_week_to_json (&b->hours);
        if (!hours) {
            snprintf (ctx->err, ctx->errsize, "%s: cannot encode hours", what);
            return -1;
        }
        const char *p[] = { b->id, b->name, b->region, b->timezone, hours, b->calendar };
        int rc = s_load_exec (db, ctx, what,
                              "INSERT INTO ref.branches (id, name, region_id, timezone, hours, calendar) "
                              "VALUES ($1, $2, $3, $4, $5::jsonb, $6) ON CONFLICT (id) DO UPDATE SET "
                              "name = EXCLUDED.name, region_id = EXCLUDED.region_id, "
                              "timezone = EXCLUDED.timezone, hours = EXCLUDED.hours, calendar = EXCLUDED.calendar",
                              6, p);
        free (hours);
        if (rc)
            return -1;
        ctx->counts.branches++;
    }
    for (int i = 0; i < o->n_products; i++) {
        const org_product_t *pr = &o->products[i];
        snprintf (what, sizeof what, "product %s", pr->code);
        snprintf (num, sizeof num, "%d", pr->warranty_months);
        const char *p[] = { pr->code, pr->name, pr->line, pr->premium ? "true" : "false", num,
                            org_warranty_from_names[pr->warranty_from] };
        if (s_load_exec (db, ctx, what,
                         "INSERT INTO ref.products (code, name, line, premium, warranty_months, warranty_from) "
                         "VALUES ($1, $2, $3, $4::bool, $5::int, $6) ON CONFLICT (code) DO UPDATE SET "
                         "name = EXCLUDED.name, line = EXCLUDED.line, premium = EXCLUDED.premium, "
                         "warranty_months = EXCLUDED.warranty_months, warranty_from = EXCLUDED.warranty_from",
                         6, p))
            return -1;
        ctx->counts.products++;
    }
    return 0;
}

/*  One holiday calendar's special dates as a JSON array of
 *  {day, kind, as_weekday, hours, name} for jsonb_to_recordset; caller frees. */
static char *s_load_days_json (const hol_t *hol)
{
    cJSON *arr = cJSON_CreateArray ();
    char *text = NULL;
    if (!arr)
        return NULL;
    for (size_t i = 0; i < hol_count (hol); i++) {
        const hol_date_t *h = hol_date (hol, i);
        char day[16];
        snprintf (day, sizeof day, "%04d-%02d-%02d", h->year, h->month, h->day);
        cJSON *o = cJSON_CreateObject ();
        if (!o || !cJSON_AddItemToArray (arr, o) || !cJSON_AddStringToObject (o, "day", day)
            || !cJSON_AddStringToObject (o, "kind", h->workday ? "workday" : "holiday")
            || !cJSON_AddStringToObject (o, "name", h->name))
            goto cleanup;
        if (h->workday && h->as_weekday >= 0 && !cJSON_AddNumberToObject (o, "as_weekday", h->as_weekday))
            goto cleanup;
        if (h->workday && h->as_weekday < 0) {
            cJSON *hours = cJSON_AddArrayToObject (o, "hours");
            if (!hours)
                goto cleanup;
            for (int k = 0; k < h->n; k++) {
                char iv[48];
                snprintf (iv, sizeof iv, "%02d:%02d-%02d:%02d", h->iv[k].start_min / 60, h->iv[k].start_min % 60,
                          h->iv[k].end_min / 60, h->iv[k].end_min % 60);
                if (!cJSON_AddItemToArray (hours, cJSON_CreateString (iv)))
                    goto cleanup;
            }
        }
    }
    text = json_print (arr);
cleanup:
    cJSON_Delete (arr);
    return text;
}

/*  Replaces every row of each holiday calendar the branches name: its
 *  years (ref.calendar_years, one per holiday file) and its dates
 *  (ref.calendar_days). Calendars no branch names are left alone. */
static int s_load_calendars (db_t *db, load_ctx_t *ctx)
{
    const org_t *o = ctx->org;
    char what[160];
    for (int c = 0; c < o->n_calendars; c++) {
        const hol_t *hol = o->calendars[c];
        const char *name = hol_calendar (hol);
        snprintf (what, sizeof what, "holiday calendar %s", name);
        /* Deleting the years cascades to the dates. */
        const char *p[] = { name };
        if (s_load_exec (db, ctx, what, "DELETE FROM ref.calendar_years WHERE calendar = $1", 1, p))
            return -1;
        int years = 0;
        for (int y = 1900; y <= 2999; y++) {
            if (!hol_has_year (hol, y))
                continue;
            char year[16];
            snprintf (year, sizeof year, "%d", y);
            const char *q[] = { name, year };
            if (s_load_exec (db, ctx, what, "INSERT INTO ref.calendar_years (calendar, year) VALUES ($1, $2::int)",
                             2, q))
                return -1;
            years++;
        }
        char *days = s_load_days_json (hol);
        if (!days) {
            snprintf (ctx->err, ctx->errsize, "%s: out of memory", what);
            return -1;
        }
        const char *q[] = { name, days };
        int rc = s_load_exec (db, ctx, what,
                              "INSERT INTO ref.calendar_days (calendar, day, kind, as_weekday, hours, name) "
                              "SELECT $1, d.day, d.kind, d.as_weekday, d.hours, d.name "
                              "FROM jsonb_to_recordset($2::jsonb) AS d (day date, kind text, as_weekday smallint, "
                              "hours jsonb, name text)",
                              2, q);
        free (days);
        if (rc)
            return -1;
        ctx->counts.calendars++;
        ctx->counts.calendar_years += years;
        ctx->counts.calendar_days += (int) hol_count (hol);
    }
    return 0;
}

static int s_load_technicians (db_t *db, load_ctx_t *ctx)
{
    const org_t *o = ctx->org;
    char what[160], cap[32];
    char **ids = calloc ((size_t) o->n_technicians + 1, sizeof (char *));
    if (!ids) {
        snprintf (ctx->err, ctx->errsize, "out of memory");
        return -1;
    }
    int rc = -1;
    char *idlist = NULL;
    for (int i = 0; i < o->n_technicians; i++) {
        const org_technician_t *t = &o->technicians[i];
        ids[i] = t->id;
        snprintf (what, sizeof what, "technician %s", t->id);
        snprintf (cap, sizeof cap, "%d", t->capacity);
        char *skills = admin_json_array (t->skills, t->n_skills);
        char *shift = hours_week_to_json (&t->shift);
        int r = -1;
        if (skills && shift) {
            const char *p[] = { t->id, t->name, t->branch, org_grade_names[t->grade], skills, cap, shift,
                                t->active ? "true" : "false", t->organisation };
            r = s_load_exec (db, ctx, what,
                             "INSERT INTO ref.technicians (id, name, branch_id, grade, skills, capacity, shift, active, "
                             "organisation_id) "
                             "VALUES ($1, $2, $3, $4, ARRAY(SELECT jsonb_array_elements_text($5::jsonb)), "
                             "$6::int, $7::jsonb, $8::bool, $9) ON CONFLICT (id) DO UPDATE SET "
                             "name = EXCLUDED.name, branch_id = EXCLUDED.branch_id, grade = EXCLUDED.grade, "
                             "skills = EXCLUDED.skills, capacity = EXCLUDED.capacity, shift = EXCLUDED.shift, "
                             "active = EXCLUDED.active, organisation_id = EXCLUDED.organisation_id",
                             9, p);
        }
        else
            snprintf (ctx->err, ctx->errsize, "%s: out of memory", what);
        free (skills);
        free (shift);
        if (r)
            goto cleanup;
        ctx->counts.technicians++;
    }
    idlist = admin_json_array (ids, o->n_technicians);
    if (!idlist) {
        snprintf (ctx->err, ctx->errsize, "out of memory");
        goto cleanup;
    }
    const char *p[] = { idlist };
    PGresult *res = db_exec (db,
                             "UPDATE ref.technicians SET active = false WHERE active "
                             "AND id NOT IN (SELECT jsonb_array_elements_text($1::jsonb))",
                             1, p);
    if (!res) {
        snprintf (ctx->err, ctx->errsize, "deactivating technicians no longer listed: %s", db_error (db));
        goto cleanup;
    }
    ctx->counts.deactivated = atoi (PQcmdTuples (res));
    PQclear (res);
    rc = 0;
cleanup:
    free (idlist);
    free (ids);
    return rc;
}

static int s_load_customers (db_t *db, load_ctx_t *ctx)
{
    const org_t *o = ctx->org;
    char what[160];
    for (int i = 0; i < o->n_customers; i++) {
        const org_customer_t *c = &o->customers[i];
        snprintf (what, sizeof what, "customer %s", c->id);
        const char *p[] = { c->id, c->name, c->phone, c->address, c->region, c->branch,
                            c->class_ ? c->class_ : "regular" };
        if (s_load_exec (db, ctx, what,
                         "INSERT INTO ref.customers (id, name, phone, address, region_id, branch_id, class) "
                         "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO UPDATE SET "
                         "name = EXCLUDED.name, phone = EXCLUDED.phone, address = EXCLUDED.address, "
                         "region_id = EXCLUDED.region_id, branch_id = EXCLUDED.branch_id, class = EXCLUDED.class",
                         7, p))
            return -1;
        ctx->counts.customers++;
        for (int j = 0; j < c->n_cards; j++) {
            const org_card_t *w = &c->cards[j];
            snprintf (what, sizeof what, "warranty card %s of customer %s", w->card_no, c->id);
            const char *q[] = { w->card_no,      c->id,           w->product,
                                w->serial,       w->purchase_date, w->install_date,
                                w->installed_by, w->install_unauthorised ? "true" : "false" };
            if (s_load_exec (db, ctx, what,
                             "INSERT INTO ref.warranty_cards (card_no, customer_id, product_code, serial, purchase_date, "
                             "install_date, installed_by, install_unauthorised) "
                             "VALUES ($1, $2, $3, $4, $5::date, $6::date, $7, $8::bool) ON CONFLICT (card_no) DO UPDATE SET "
                             "customer_id = EXCLUDED.customer_id, product_code = EXCLUDED.product_code, "
                             "serial = EXCLUDED.serial, purchase_date = EXCLUDED.purchase_date, "
                             "install_date = EXCLUDED.install_date, installed_by = EXCLUDED.installed_by, "
                             "install_unauthorised = EXCLUDED.install_unauthorised",
                             8, q))
                return -1;
            ctx->counts.cards++;
        }
    }
    return 0;
}

/*  The transaction body: everything or nothing. */
static int s_load_tx (db_t *db, void *arg)
{
    load_ctx_t *ctx = arg;
    memset (&ctx->counts, 0, sizeof ctx->counts); /* a retried transaction counts afresh */
    if (s_load_reference (db, ctx) || s_load_calendars (db, ctx) || s_load_technicians (db, ctx)
        || s_load_customers (db, ctx)
        || admin_load_staff (db, ctx->org, &ctx->counts, ctx->err, ctx->errsize)
        || admin_load_money (db, ctx->org, &ctx->counts, ctx->err, ctx->errsize))
        return -1;
    return 0;
}

int admin_load_org (db_t *db, const org_t *org, admin_load_counts_t *counts, char *err, size_t errsize)
{
    load_ctx_t ctx = { org, { 0 }, err, errsize };
    err[0] = '\0';
    bool fn_failed = false;
    db_status_t st = db_tx (db, s_load_tx, &ctx, &fn_failed);
    if (st != DB_OK) {
        if (!fn_failed || !err[0])
            snprintf (err, errsize, "%s", db_error (db));
        return -1;
    }
    *counts = ctx.counts;
    return 0;
}
