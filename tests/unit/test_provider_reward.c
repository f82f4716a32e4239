/*  provider rewards and penalties: the reward formula and its months, the
 *  year as the sum of its quarters to the fen, the quarter's average with
 *  months at or below the threshold counting 0, the grade table, the order
 *  in which penalties are taken, the fraud fine and overflow
 *  (services/billing/reward.c, penalty.c, grade.c). */
#include <stdint.h>

#include "../../services/billing/grade.h"
#include "../../services/billing/penalty.h"
#include "../../services/billing/reward.h"
#include "base/money.h"
#include "unit.h"

UNIT_TEST (provider_reward_year_is_the_domain_formula)
{
    /* 80,000 × 1.2 ÷ 12 × 12 = 96,000 yuan (DOMAIN.md §6) */
    reward_quarter_t q[4] = { { 1200, 3 }, { 1200, 3 }, { 1200, 3 }, { 1200, 3 } };
    int64_t year = 0, sum = 0;
    UNIT_ASSERT (reward_year_to_date (8000000, q, 4, &year));
    UNIT_ASSERT_INT_EQ (year, 9600000);
    for (int n = 1; n <= 4; n++) {
        int64_t one = 0;
        UNIT_ASSERT (reward_quarter (8000000, q, n, &one));
        UNIT_ASSERT_INT_EQ (one, 2400000);
        sum += one;
    }
    UNIT_ASSERT_INT_EQ (sum, year);
}

UNIT_TEST (provider_reward_quarters_sum_to_the_year_to_the_fen)
{
    /* bases and coefficients where rounding each quarter alone would drift */
    const int64_t bases[] = { 1, 7, 101, 333333, 8000001, 123456789, 999999999999 };
    const int32_t coefs[] = { 1, 333, 999, 1001, 1200, 1234, 1777 };
    for (size_t b = 0; b < sizeof bases / sizeof *bases; b++)
        for (size_t c = 0; c < sizeof coefs / sizeof *coefs; c++) {
            reward_quarter_t q[4] = { { coefs[c], 3 }, { coefs[c], 3 }, { coefs[c], 3 }, { coefs[c], 3 } };
            int64_t year = 0, yearly = 0, sum = 0, first3 = 0;
            UNIT_ASSERT (reward_year_to_date (bases[b], q, 4, &year));
            UNIT_ASSERT (money_muldiv (bases[b], (int64_t) coefs[c] * 12, 12000, &yearly));
            UNIT_ASSERT_INT_EQ (year, yearly);
            for (int n = 1; n <= 4; n++) {
                int64_t one = 0;
                UNIT_ASSERT (reward_quarter (bases[b], q, n, &one));
                UNIT_ASSERT (one >= 0);
                sum += one;
                if (n < 4)
                    first3 += one;
                else
                    UNIT_ASSERT_INT_EQ (one, yearly - first3);
            }
            UNIT_ASSERT_INT_EQ (sum, yearly);
        }
    /* 1 fen a year: a quarter alone would round 0.25 fen to 0 four times */
    reward_quarter_t q[4] = { { 1000, 3 }, { 1000, 3 }, { 1000, 3 }, { 1000, 3 } };
    int64_t q1 = -1, q2 = -1, q4 = -1;
    UNIT_ASSERT (reward_quarter (1, q, 1, &q1) && reward_quarter (1, q, 2, &q2) && reward_quarter (1, q, 4, &q4));
    UNIT_ASSERT_INT_EQ (q1, 0);
    UNIT_ASSERT_INT_EQ (q2, 1); /* 0.5 fen rounds up */
    UNIT_ASSERT_INT_EQ (q4, 0);
}

UNIT_TEST (provider_reward_differs_by_quarter_and_counts_months)
{
    /* base 80,000 yuan: Q1 grade A (1.2) over 2 months, Q2 ineligible, Q3 1.0 */
    reward_quarter_t q[3] = { { 1200, 2 }, { 0, 3 }, { 1000, 3 } };
    int64_t r1 = 0, r2 = -1, r3 = 0;
    UNIT_ASSERT (reward_quarter (8000000, q, 1, &r1));
    UNIT_ASSERT (reward_quarter (8000000, q, 2, &r2));
    UNIT_ASSERT (reward_quarter (8000000, q, 3, &r3));
    UNIT_ASSERT_INT_EQ (r1, 1600000); /* 80,000 × 1.2 ÷ 12 × 2 */
    UNIT_ASSERT_INT_EQ (r2, 0);
    UNIT_ASSERT_INT_EQ (r3, 2000000); /* 80,000 × 1.0 ÷ 12 × 3 */
}

UNIT_TEST (provider_reward_counts_whole_months_of_the_contract)
{
    UNIT_ASSERT_INT_EQ (reward_quarter_months (2026, 4, 20260101, 20261231), 3);
    UNIT_ASSERT_INT_EQ (reward_quarter_months (2026, 4, 20260101, 0), 3);
    /* from 1 November: October is not covered */
    UNIT_ASSERT_INT_EQ (reward_quarter_months (2026, 4, 20261101, 0), 2);
    /* from 2 November: a partial month counts 0 */
    UNIT_ASSERT_INT_EQ (reward_quarter_months (2026, 4, 20261102, 0), 1);
    /* ending 30 November covers it; ending 29 November does not */
    UNIT_ASSERT_INT_EQ (reward_quarter_months (2026, 4, 20260101, 20261130), 2);
    UNIT_ASSERT_INT_EQ (reward_quarter_months (2026, 4, 20260101, 20261129), 1);
    UNIT_ASSERT_INT_EQ (reward_quarter_months (2026, 4, 0, 0), 0);
    UNIT_ASSERT_INT_EQ (reward_quarter_months (2026, 5, 20260101, 0), -1);
    /* February of a leap year ends on the 29th */
    UNIT_ASSERT (reward_month_covered (2028, 2, 20280101, 20280229));
    UNIT_ASSERT (!reward_month_covered (2028, 2, 20280101, 20280228));
    UNIT_ASSERT (reward_month_covered (2026, 2, 20260101, 20260228));
    UNIT_ASSERT (reward_date_valid (20280229));
    UNIT_ASSERT (!reward_date_valid (20260229));
    UNIT_ASSERT (!reward_date_valid (20261301));
    UNIT_ASSERT (!reward_date_valid (0));
}

UNIT_TEST (provider_reward_month_at_or_below_threshold_counts_zero)
{
    int32_t avg = -1;
    int32_t scores[3] = { 9000, 8500, 9600 }; /* 85 is not above 85 */
    UNIT_ASSERT_INT_EQ (reward_quarter_average (scores, 3, 8500, &avg), 0);
    UNIT_ASSERT_INT_EQ (avg, 6200); /* (90 + 0 + 96) ÷ 3 = 62 */
    int32_t above[3] = { 8501, 9000, 9000 };
    UNIT_ASSERT_INT_EQ (reward_quarter_average (above, 3, 8500, &avg), 0);
    UNIT_ASSERT_INT_EQ (avg, 8834); /* 265.01 ÷ 3 = 88.336…, half up once */
    int32_t unscored[3] = { 9000, -1, 9000 };
    UNIT_ASSERT_INT_EQ (reward_quarter_average (unscored, 3, 8500, &avg), 0);
    UNIT_ASSERT_INT_EQ (avg, 6000);
    UNIT_ASSERT_INT_EQ (reward_quarter_average (scores, 2, 8500, &avg), 0);
    UNIT_ASSERT_INT_EQ (avg, 4500);
    UNIT_ASSERT_INT_EQ (reward_quarter_average (scores, 0, 8500, &avg), 0);
    UNIT_ASSERT_INT_EQ (avg, 0);
    int32_t bad[1] = { 10001 };
    UNIT_ASSERT_INT_EQ (reward_quarter_average (bad, 1, 8500, &avg), -1);
    UNIT_ASSERT_INT_EQ (reward_quarter_average (scores, 4, 8500, &avg), -1);
}

UNIT_TEST (provider_grade_table_turns_an_average_into_a_coefficient)
{
    const grade_band_t bands[] = { { "C", 8000, 1000 }, { "A", 9500, 1200 }, { "B", 9000, 1100 }, { "D", 0, 0 } };
    UNIT_ASSERT_STR_EQ (grade_for (bands, 4, 10000)->name, "A");
    UNIT_ASSERT_STR_EQ (grade_for (bands, 4, 9500)->name, "A");
    UNIT_ASSERT_STR_EQ (grade_for (bands, 4, 9499)->name, "B");
    UNIT_ASSERT_INT_EQ (grade_for (bands, 4, 9000)->coefficient, 1100);
    UNIT_ASSERT_STR_EQ (grade_for (bands, 4, 8999)->name, "C");
    UNIT_ASSERT_STR_EQ (grade_for (bands, 4, 0)->name, "D");
    UNIT_ASSERT (grade_for (bands, 3, 7999) == NULL);
}

UNIT_TEST (provider_penalty_taken_from_reward_then_deposit_then_receivables)
{
    int64_t reward = 1000, deposit = 500;
    penalty_split_t s;
    /* within the reward */
    UNIT_ASSERT_INT_EQ (penalty_take (400, &reward, &deposit, &s), 0);
    UNIT_ASSERT (s.from_reward == 400 && s.from_deposit == 0 && s.from_other == 0);
    UNIT_ASSERT (reward == 600 && deposit == 500);
    /* exactly the rest of the reward */
    UNIT_ASSERT_INT_EQ (penalty_take (600, &reward, &deposit, &s), 0);
    UNIT_ASSERT (s.from_reward == 600 && s.from_deposit == 0 && s.from_other == 0);
    /* the reward gone: the deposit, exactly */
    UNIT_ASSERT_INT_EQ (penalty_take (500, &reward, &deposit, &s), 0);
    UNIT_ASSERT (s.from_reward == 0 && s.from_deposit == 500 && s.from_other == 0);
    /* both gone: other receivables */
    UNIT_ASSERT_INT_EQ (penalty_take (1, &reward, &deposit, &s), 0);
    UNIT_ASSERT (s.from_reward == 0 && s.from_deposit == 0 && s.from_other == 1);
    /* one penalty across all three */
    reward = 300, deposit = 200;
    UNIT_ASSERT_INT_EQ (penalty_take (700, &reward, &deposit, &s), 0);
    UNIT_ASSERT_INT_EQ (s.from_reward, 300);
    UNIT_ASSERT_INT_EQ (s.from_deposit, 200);
    UNIT_ASSERT_INT_EQ (s.from_other, 200);
    UNIT_ASSERT (reward == 0 && deposit == 0);
    /* refused, nothing changed */
    reward = 10, deposit = 10;
    UNIT_ASSERT_INT_EQ (penalty_take (0, &reward, &deposit, &s), -1);
    UNIT_ASSERT_INT_EQ (penalty_take (-5, &reward, &deposit, &s), -1);
    UNIT_ASSERT (reward == 10 && deposit == 10);
    int64_t neg = -1;
    UNIT_ASSERT_INT_EQ (penalty_take (5, &neg, &deposit, &s), -1);
    /* at the int64 edge */
    reward = INT64_MAX, deposit = INT64_MAX;
    UNIT_ASSERT_INT_EQ (penalty_take (INT64_MAX, &reward, &deposit, &s), 0);
    UNIT_ASSERT (s.from_reward == INT64_MAX && s.from_deposit == 0 && deposit == INT64_MAX);
}

UNIT_TEST (provider_fraud_is_fined_ten_times_and_overflow_refused)
{
    int64_t fine = -1;
    UNIT_ASSERT (penalty_fraud_fine (50000, 10, &fine));
    UNIT_ASSERT_INT_EQ (fine, 500000);
    UNIT_ASSERT (penalty_fraud_fine (INT64_MAX / 10, 10, &fine));
    UNIT_ASSERT (!penalty_fraud_fine (INT64_MAX / 10 + 1, 10, &fine));
    UNIT_ASSERT (!penalty_fraud_fine (0, 10, &fine));
    UNIT_ASSERT (!penalty_fraud_fine (-1, 10, &fine));
    UNIT_ASSERT (!penalty_fraud_fine (1, 0, &fine));
    UNIT_ASSERT_INT_EQ (penalty_deposit_short (1000000, 400000), 600000);
    UNIT_ASSERT_INT_EQ (penalty_deposit_short (1000000, 1000000), 0);
    UNIT_ASSERT_INT_EQ (penalty_deposit_short (1000000, -1), -1);
    /* the reward refuses a base past what int64 can hold once multiplied */
    reward_quarter_t q[4] = { { 100000, 3 }, { 100000, 3 }, { 100000, 3 }, { 100000, 3 } };
    int64_t out = 0;
    UNIT_ASSERT (!reward_year_to_date (INT64_MAX, q, 4, &out));
    UNIT_ASSERT (reward_year_to_date (INT64_MAX / 100, q, 1, &out));
    UNIT_ASSERT (!reward_year_to_date (-1, q, 1, &out));
    reward_quarter_t bad[1] = { { 1200, 4 } };
    UNIT_ASSERT (!reward_year_to_date (100, bad, 1, &out));
    UNIT_ASSERT (!reward_year_to_date (100, q, 5, &out));
}
