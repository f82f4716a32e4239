/*  repairs_rule — see repairs_rule.h. */
#include "repairs_rule.h"

#include <string.h>

static bool s_known (const char *s)
{
    return s && *s;
}

static bool s_equal (const char *a, const char *b)
{
    return s_known (a) && s_known (b) && strcmp (a, b) == 0;
}

bool irr_same_unit (const irr_unit_t *a, const irr_unit_t *b)
{
    if (s_known (a->serial) && s_known (b->serial))
        return strcmp (a->serial, b->serial) == 0;
    return s_equal (a->card, b->card) && s_equal (a->product, b->product);
}

/*  True when the repair counts toward the rule for the unit and fault. */
static bool s_counts (const irr_repair_t *r, const irr_unit_t *unit, const char *fault, int64_t except_ticket)
{
    return r->within_warranty && s_known (r->fault) && (!fault || strcmp (r->fault, fault) == 0)
           && (except_ticket == 0 || r->ticket_id != except_ticket) && irr_same_unit (&r->unit, unit);
}

/*  The number of tickets among repairs[0..n) that count for the fault,
 *  and their work orders in *out. */
static int s_tickets (const irr_unit_t *unit, const irr_repair_t *repairs, int n, const char *fault,
                      int64_t except_ticket, irr_verdict_t *out)
{
    int tickets = 0;
    out->n_work_orders = 0;
    for (int i = 0; i < n; i++) {
        if (!s_counts (&repairs[i], unit, fault, except_ticket))
            continue;
        bool seen = false;
        for (int j = 0; j < i && !seen; j++)
            seen = s_counts (&repairs[j], unit, fault, except_ticket) && repairs[j].ticket_id == repairs[i].ticket_id;
        tickets += !seen;
        if (out->n_work_orders < IRR_MAX_WORK_ORDERS)
            out->work_orders[out->n_work_orders++] = repairs[i].work_order_id;
    }
    return tickets;
}

void irr_apply (const irr_unit_t *unit, const irr_repair_t *repairs, int n, int replace_after, int64_t except_ticket,
                const char *fault, irr_verdict_t *out)
{
    memset (out, 0, sizeof *out);
    for (int i = 0; i < n; i++) {
        const char *f = repairs[i].fault;
        if (!s_counts (&repairs[i], unit, fault, except_ticket))
            continue;
        int tickets = s_tickets (unit, repairs, n, f, except_ticket, out);
        if (tickets >= replace_after) {
            out->fault = f;
            out->repairs = tickets;
            return;
        }
    }
    out->n_work_orders = 0;
}
