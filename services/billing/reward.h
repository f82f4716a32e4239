/*  reward — a service provider's reward (DOMAIN.md §6; docs/providers.md
 *  "The reward"), as pure arithmetic on integers: no database, no clock.
 *
 *    reward for a year = base × coefficient ÷ 12 × months the contract covered
 *
 *  The base is the contract's yearly amount in minor units (fen); the
 *  coefficient is in thousandths (1.2 → 1200); a month counts when the
 *  contract covers the whole calendar month (a partial month counts 0).
 *  Scores are in hundredths of a point (92.5 → 9250).
 *
 *  Each quarter has its own coefficient, so a quarter's reward is what the
 *  year so far earns, computed with one rounding (money_muldiv, half up),
 *  less what the earlier quarters of the year earned. Rounding then never
 *  drifts: the quarters of a year always sum to the year's formula exactly,
 *  and with one coefficient all year the fourth quarter is the yearly
 *  amount less the first three.
 */
#ifndef KEFU_BILLING_REWARD_H
#define KEFU_BILLING_REWARD_H

#include <stdbool.h>
#include <stdint.h>

/*  A date as yyyymmdd (20261115); 0 stands for "none" (an open end). */
typedef int32_t reward_date_t;

/*  True when y-m-d is a calendar date (1..9999). */
bool reward_date_valid (reward_date_t date);

/*  Days in month m (1..12) of year y (Gregorian). */
int reward_days_in_month (int year, int month);

/*  True when the contract [start, end] covers the whole month y-m; start
 *  0 (no contract) covers nothing, end 0 never ends. */
bool reward_month_covered (int year, int month, reward_date_t start, reward_date_t end);

/*  The number (0..3) of months of quarter q (1..4) of year y the contract
 *  covers; -1 when q is out of range. */
int reward_quarter_months (int year, int quarter, reward_date_t start, reward_date_t end);

/*  A quarter's average of monthly scores, in hundredths, rounded once half
 *  up: the sum of the month scores divided by n. A month scored at or
 *  below threshold (hundredths) counts 0; a month not scored (score < 0)
 *  counts 0 too. n = 0: *average = 0. Returns 0, or -1 on a score above
 *  10000 or n out of 0..3. */
int reward_quarter_average (const int32_t *scores, int n, int32_t threshold, int32_t *average);

/*  One quarter of a year as the reward counts it: the coefficient that
 *  applied (thousandths, 0 when the provider was ineligible) and the
 *  months of the quarter the contract covered. */
typedef struct {
    int32_t coefficient; /* 0..100000 */
    int32_t months;      /* 0..3 */
} reward_quarter_t;

/*  The reward for the year's quarters 1..n so far (n 1..4), in one
 *  rounding: base × Σ (coefficient × months) ÷ 12000. False on a base
 *  below 0, a quarter out of range, or a result past int64. */
bool reward_year_to_date (int64_t base, const reward_quarter_t *quarters, int n, int64_t *out);

/*  The reward of quarter n (the last of quarters[0..n-1]): the year to
 *  date through n less the year to date through n-1. False as above. */
bool reward_quarter (int64_t base, const reward_quarter_t *quarters, int n, int64_t *out);

#endif
