/*  prices — each branch's prices for chargeable work, read from the prices
 *  file (billing.prices_file, docs/billing.md "The prices file"):
 *
 *      default:                      # every branch not listed below
 *        currency: CNY
 *        labour_per_hour: 80.00      # the hourly labour rate
 *        labour_cap_per_hour: 120.00 # the most an hour may cost
 *        travel_per_km: 2.50         # per km beyond the free distance
 *        free_km: 10
 *        overrun_approval_bp: 1000   # 10 %: a larger overrun needs a new approval
 *      branches:
 *        SH02:                       # a branch's keys replace the default's
 *          labour_per_hour: 95.00
 *
 *  Amounts are decimals in the currency's major unit (money_parse: no
 *  floating point); a branch's amounts are read in its own currency. The
 *  first problem stops the load with "file:line: key: reason".
 */
#ifndef KEFU_BILLING_PRICES_H
#define KEFU_BILLING_PRICES_H

#include <stddef.h>
#include <stdint.h>

#include "base/money.h"

#define PRICES_BRANCH_MAX 32
#define PRICES_MAX_BRANCHES 256
#define PRICES_FREE_KM_MAX 1000
/*  The overrun share in basis points: 0 (any overrun) … 100000 (1000 %). */
#define PRICES_OVERRUN_BP_MAX 100000

typedef struct {
    char branch[PRICES_BRANCH_MAX + 1]; /* "default" for the default */
    char currency[MONEY_CODE_SIZE];
    int64_t labour_per_hour; /* minor units, > 0 */
    int64_t labour_cap_per_hour; /* minor units, > 0 */
    int64_t travel_per_km; /* minor units, >= 0 */
    int64_t free_metres; /* free_km × 1000 */
    int64_t overrun_bp; /* basis points of the approved total */
} prices_t;

typedef struct {
    prices_t fallback; /* default: */
    prices_t *branches;
    int n;
} prices_set_t;

/*  Loads the prices file at path: the set (prices_destroy), or NULL with
 *  the reason in err. */
prices_set_t *prices_load_file (const char *path, char *err, size_t errsize);

/*  The same from text; `name` stands for the file in errors (tests, fuzz). */
prices_set_t *prices_load_string (const char *name, const char *text, char *err, size_t errsize);

void prices_destroy (prices_set_t **self_p);

/*  The prices of a branch: its own, or the default. */
const prices_t *prices_for (const prices_set_t *set, const char *branch);

#endif
