/*  return_rules — see return_rules.h. */
#include "return_rules.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/*  Figures are bounded by the schema (quantity ≤ 2^31, defects summed in
 *  bigint and capped by the caller), so × 10000 cannot overflow int64. */
int64_t rr_rate_bp (int64_t defects, int64_t quantity)
{
    return quantity > 0 ? defects * 10000 / quantity : 0;
}

int rr_pre_sale (int64_t defects, int64_t quantity, int rate_bp, int64_t age_days, int max_days, char *err,
                 size_t errsize)
{
    if (age_days > max_days) {
        snprintf (err, errsize,
                  "lot_age: the lot was shipped %" PRId64 " days ago; a lot is never returned once its shipment "
                  "is more than %d days old (claims.lot_return_days)",
                  age_days, max_days);
        return -1;
    }
    if (quantity <= 0 || defects * 10000 <= (int64_t) rate_bp * quantity) {
        int64_t bp = rr_rate_bp (defects, quantity);
        snprintf (err, errsize,
                  "lot_defect_rate: %" PRId64 " defects in %" PRId64 " units is %" PRId64 ".%02" PRId64
                  " %%; a lot is returned only when its defect rate exceeds %d.%02d %% (claims.lot_defect_rate_bp "
                  "%d)",
                  defects, quantity, bp / 100, bp % 100, rate_bp / 100, rate_bp % 100, rate_bp);
        return -1;
    }
    return 0;
}

int rr_after_sale (const rr_after_sale_t *f, char *err, size_t errsize)
{
    if (!f->approved || !f->responsibility || strcmp (f->responsibility, "product_quality") != 0) {
        snprintf (err, errsize,
                  "after_sale_product_quality: a sold product is returned only for a product-quality cause: "
                  "the claim for the work must be approved with responsibility product_quality (it is %s%s)",
                  f->approved ? "approved with " : "not approved", f->approved && f->responsibility ? f->responsibility : "");
        return -1;
    }
    if (!f->unrepairable_on_site && !f->three_repairs) {
        snprintf (err, errsize,
                  "after_sale_unrepairable: a sold product is returned only when it cannot be repaired on site "
                  "(the claim's unrepairable_on_site) or the ticket carries the three-repairs flag");
        return -1;
    }
    return 0;
}
