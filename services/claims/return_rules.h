/*  return_rules — when a product may go back (docs/claims.md "Returns").
 *  Pure: the figures come from the database (ref.lots, claims.lot_defects,
 *  the claim), the limits from the claims: section of kefu.yaml. Each
 *  refusal names its rule, first in its message.
 *
 *  Before sale (a lot the dealer still holds):
 *    lot_defect_rate  the lot's recorded defect rate must EXCEED rate_bp
 *                     basis points: defects × 10000 > rate_bp × quantity
 *                     (integers only; 300 bp = 3 %: 31 of 1000 is allowed,
 *                     30 of 1000 is not);
 *    lot_age          never once the shipment is older than max_days days
 *                     (365: shipped 365 days ago is allowed, 366 is not).
 *  After sale (a unit a customer bought):
 *    after_sale_product_quality  the claim for the work was approved with
 *                                responsibility product_quality;
 *    after_sale_unrepairable     the technician found it cannot be repaired
 *                                on site (the claim says so), or the ticket
 *                                carries the three-repairs flag.
 */
#ifndef KEFU_RETURN_RULES_H
#define KEFU_RETURN_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*  0 when the pre-sale return is allowed; -1 with "<rule>: why, with the
 *  figures" in err. age_days is today minus the ship date. */
int rr_pre_sale (int64_t defects, int64_t quantity, int rate_bp, int64_t age_days, int max_days, char *err,
                 size_t errsize);

/*  What an after-sale return is judged on. */
typedef struct {
    bool approved;            /* the claim was approved */
    const char *responsibility; /* the decision's, or NULL */
    bool unrepairable_on_site;
    bool three_repairs;       /* the ticket carries the three-repairs flag */
} rr_after_sale_t;

/*  0 when the after-sale return is allowed; -1 with "<rule>: why" in err. */
int rr_after_sale (const rr_after_sale_t *facts, char *err, size_t errsize);

/*  The defect rate in basis points, rounded down (for display). */
int64_t rr_rate_bp (int64_t defects, int64_t quantity);

#endif
