/*  pricing — what chargeable work costs, in whole minor units (fen), from
 *  a branch's prices (prices.h); docs/billing.md "Money". Each amount is
 *  computed exactly and rounded once, half up (money_muldiv); every step
 *  is checked, and one that would leave the int64 range is refused with
 *  its reason instead of wrapping.
 *
 *      part line  = unit cost × quantity
 *      labour     = minutes × min(labour_per_hour, labour_cap_per_hour) ÷ 60
 *      travel     = max(0, metres − free metres) × travel_per_km ÷ 1000
 *
 *  Each function returns 0 with *out set, or -1 with the reason in err
 *  (*out untouched).
 */
#ifndef KEFU_BILLING_PRICING_H
#define KEFU_BILLING_PRICING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "prices.h"

/*  What one request may name (docs/billing.md "Limits"). */
#define PRICING_QUANTITY_MAX 10000
#define PRICING_MINUTES_MAX (60 * 24 * 30) /* 30 days of work */
#define PRICING_METRES_MAX 2000000 /* 2,000 km */

int pricing_part_line (int64_t unit_cost, int64_t quantity, int64_t *out, char *err, size_t errsize);

int pricing_labour (const prices_t *prices, int64_t minutes, int64_t *out, char *err, size_t errsize);

int pricing_travel (const prices_t *prices, int64_t metres, int64_t *out, char *err, size_t errsize);

/*  *total += amount, checked. */
int pricing_sum (int64_t *total, int64_t amount, char *err, size_t errsize);

/*  True when `actual` exceeds `approved` by more than the branch's share
 *  (overrun_bp of approved, rounded once): the work needs a new approval.
 *  An overflow of the allowance counts as no overrun (nothing can exceed it). */
bool pricing_needs_new_approval (const prices_t *prices, int64_t approved, int64_t actual);

#endif
