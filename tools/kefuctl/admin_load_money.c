/*  admin_load_money — the money reference data of the organisation file
 *  (common/ref/org_money.c) written by `kefuctl admin load`, inside its one
 *  transaction, after the organisations (schemas/sql/0026_ref_money.sql):
 *  the parts list (ref.parts) and the lots shipped to dealers (ref.lots).
 *  Products' warranty_from, cards' installation and organisations' contract
 *  columns are written with their own rows (admin_load.c,
 *  admin_load_staff.c).
 */
#include <stddef.h>
#include <stdio.h>

#include "admin.h"

_Static_assert(offsetof (org_part_t, code) == 0, "admin_deactivate reads a part's code first");

/*  Parts are upserted; a part no longer listed becomes active = false (an
 *  estimate or a claim may name it). */
static int s_parts (db_t *db, const org_t *o, admin_load_counts_t *counts, char *err, size_t errsize)
{
    char what[160], cost[32];
    for (int i = 0; i < o->n_parts; i++) {
        const org_part_t *p = &o->parts[i];
        snprintf (what, sizeof what, "part %s", p->code);
        snprintf (cost, sizeof cost, "%lld", (long long) p->cost);
        const char *q[] = {p->code, p->name, cost, p->currency};
        if (admin_exec (db, err, errsize, what,
                        "INSERT INTO ref.parts (code, name, cost, currency, active)"
                        " VALUES ($1, $2, $3::bigint, $4, true) ON CONFLICT (code) DO UPDATE SET"
                        " name = EXCLUDED.name, cost = EXCLUDED.cost, currency = EXCLUDED.currency,"
                        " active = true",
                        4, q))
            return -1;
        counts->parts++;
    }
    int n = admin_deactivate (db, "ref.parts", "code", o->parts, sizeof *o->parts, o->n_parts, err, errsize);
    if (n < 0)
        return -1;
    counts->parts_deactivated = n;
    return 0;
}

/*  Lots are upserted; a lot no longer listed is left alone (defects and
 *  returns are recorded against it). */
static int s_lots (db_t *db, const org_t *o, admin_load_counts_t *counts, char *err, size_t errsize)
{
    char what[160], quantity[32];
    for (int i = 0; i < o->n_lots; i++) {
        const org_lot_t *l = &o->lots[i];
        snprintf (what, sizeof what, "lot %s", l->lot);
        snprintf (quantity, sizeof quantity, "%d", l->quantity);
        const char *q[] = {l->lot, l->product, quantity, l->ship_date, l->dealer};
        if (admin_exec (db, err, errsize, what,
                        "INSERT INTO ref.lots (lot, product_code, quantity, ship_date, dealer_id)"
                        " VALUES ($1, $2, $3::int, $4::date, $5) ON CONFLICT (lot) DO UPDATE SET"
                        " product_code = EXCLUDED.product_code, quantity = EXCLUDED.quantity,"
                        " ship_date = EXCLUDED.ship_date, dealer_id = EXCLUDED.dealer_id",
                        5, q))
            return -1;
        counts->lots++;
    }
    return 0;
}

int admin_load_money (db_t *db, const org_t *org, admin_load_counts_t *counts, char *err, size_t errsize)
{
    return s_parts (db, org, counts, err, errsize) || s_lots (db, org, counts, err, errsize) ? -1 : 0;
}
