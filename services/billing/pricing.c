/*  pricing — see pricing.h. */
#include "pricing.h"

#include <stdio.h>

#include "base/money.h"

int pricing_part_line (int64_t unit_cost, int64_t quantity, int64_t *out, char *err, size_t errsize)
{
    if (unit_cost < 0 || quantity < 1 || quantity > PRICING_QUANTITY_MAX) {
        snprintf (err, errsize, "a part line needs a cost of 0 or more and a quantity from 1 to %d",
                  PRICING_QUANTITY_MAX);
        return -1;
    }
    if (!money_mul (unit_cost, quantity, out)) {
        snprintf (err, errsize, "overflow: %lld × %lld leaves the range of an amount", (long long) unit_cost,
                  (long long) quantity);
        return -1;
    }
    return 0;
}

int pricing_labour (const prices_t *p, int64_t minutes, int64_t *out, char *err, size_t errsize)
{
    if (minutes < 0 || minutes > PRICING_MINUTES_MAX) {
        snprintf (err, errsize, "labour minutes %lld out of range (0 to %d)", (long long) minutes,
                  PRICING_MINUTES_MAX);
        return -1;
    }
    int64_t rate = p->labour_per_hour < p->labour_cap_per_hour ? p->labour_per_hour : p->labour_cap_per_hour;
    if (!money_muldiv (minutes, rate, 60, out)) {
        snprintf (err, errsize, "overflow: %lld minutes at %lld an hour leaves the range of an amount",
                  (long long) minutes, (long long) rate);
        return -1;
    }
    return 0;
}

int pricing_travel (const prices_t *p, int64_t metres, int64_t *out, char *err, size_t errsize)
{
    if (metres < 0 || metres > PRICING_METRES_MAX) {
        snprintf (err, errsize, "distance %lld m out of range (0 to %d)", (long long) metres,
                  PRICING_METRES_MAX);
        return -1;
    }
    int64_t charged = metres > p->free_metres ? metres - p->free_metres : 0;
    if (!money_muldiv (charged, p->travel_per_km, 1000, out)) {
        snprintf (err, errsize, "overflow: %lld m at %lld a km leaves the range of an amount",
                  (long long) charged, (long long) p->travel_per_km);
        return -1;
    }
    return 0;
}

int pricing_sum (int64_t *total, int64_t amount, char *err, size_t errsize)
{
    if (!money_add (*total, amount, total)) {
        snprintf (err, errsize, "overflow: the total leaves the range of an amount");
        return -1;
    }
    return 0;
}

bool pricing_needs_new_approval (const prices_t *p, int64_t approved, int64_t actual)
{
    int64_t allowance = 0, limit = 0;
    if (!money_muldiv (approved, p->overrun_bp, 10000, &allowance)
        || !money_add (approved, allowance, &limit))
        return false;
    return actual > limit;
}
