/*  repairs_rule — the three-repairs rule (三包, DOMAIN.md §8; docs/intake.md
 *  "The three-repairs rule"): the same fault on the same unit, repaired
 *  `replace_after` times within warranty, makes the unit's next resolution
 *  a replacement. Pure: the repairs come from intake.repairs
 *  (repairs.h reads them), each already marked within warranty or not.
 *
 *  The same unit: the same serial; where either has none, the same
 *  warranty card and product. The same fault: the same fault code of the
 *  done reports. A repair is one ticket's: a rework of a failed job, or a
 *  revisit of a reopened ticket, is the same repair again, so repairs
 *  count by ticket.
 */
#ifndef KEFU_INTAKE_REPAIRS_RULE_H
#define KEFU_INTAKE_REPAIRS_RULE_H

#include <stdbool.h>
#include <stdint.h>

/*  A unit: any of the three may be NULL (or empty: unknown). Borrowed. */
typedef struct {
    const char *serial;
    const char *card;
    const char *product;
} irr_unit_t;

/*  One repair of some unit. Borrowed strings. */
typedef struct {
    irr_unit_t unit;
    const char *fault;
    bool within_warranty;
    int64_t ticket_id;
    int64_t work_order_id;
} irr_repair_t;

#define IRR_MAX_WORK_ORDERS 16

/*  What the rule says of a unit. */
typedef struct {
    const char *fault;                        /* NULL: the rule does not apply (borrowed) */
    int repairs;                              /* the fault's repairs (tickets) counted */
    int64_t work_orders[IRR_MAX_WORK_ORDERS]; /* their work orders, oldest first */
    int n_work_orders;
} irr_verdict_t;

/*  True when a and b are the same unit. */
bool irr_same_unit (const irr_unit_t *a, const irr_unit_t *b);

/*  Applies the rule to `unit` over repairs[0..n) (in the order they were
 *  done): the first fault repaired within warranty on the unit on at least
 *  replace_after tickets, not counting the tickets of repairs of
 *  `except_ticket` (0: none). When `fault` is given, only that fault
 *  counts. Fills *out (fault NULL when the rule does not apply). */
void irr_apply (const irr_unit_t *unit, const irr_repair_t *repairs, int n, int replace_after, int64_t except_ticket,
                const char *fault, irr_verdict_t *out);

#endif
