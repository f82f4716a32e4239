/*  reward — see reward.h. */
#include "reward.h"

#include "base/money.h"

#define COEFFICIENT_MAX 100000 /* 100× in thousandths: far past any real grade */

static bool s_leap (int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int reward_days_in_month (int year, int month)
{
    static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (month < 1 || month > 12)
        return 0;
    return month == 2 && s_leap (year) ? 29 : days[month - 1];
}

bool reward_date_valid (reward_date_t date)
{
    int y = date / 10000, m = date / 100 % 100, d = date % 100;
    return date > 0 && y >= 1 && y <= 9999 && d >= 1 && d <= reward_days_in_month (y, m);
}

bool reward_month_covered (int year, int month, reward_date_t start, reward_date_t end)
{
    if (start == 0 || month < 1 || month > 12)
        return false;
    reward_date_t first = year * 10000 + month * 100 + 1;
    reward_date_t last = year * 10000 + month * 100 + reward_days_in_month (year, month);
    return start <= first && (end == 0 || end >= last);
}

int reward_quarter_months (int year, int quarter, reward_date_t start, reward_date_t end)
{
    if (quarter < 1 || quarter > 4)
        return -1;
    int n = 0;
    for (int m = quarter * 3 - 2; m <= quarter * 3; m++)
        n += reward_month_covered (year, m, start, end);
    return n;
}

int reward_quarter_average (const int32_t *scores, int n, int32_t threshold, int32_t *average)
{
    if (n < 0 || n > 3)
        return -1;
    int64_t sum = 0;
    for (int i = 0; i < n; i++) {
        if (scores[i] > 10000)
            return -1;
        if (scores[i] > threshold)
            sum += scores[i];
    }
    int64_t avg = 0;
    if (n > 0 && !money_muldiv (sum, 1, n, &avg))
        return -1;
    *average = (int32_t) avg;
    return 0;
}

bool reward_year_to_date (int64_t base, const reward_quarter_t *quarters, int n, int64_t *out)
{
    if (base < 0 || n < 1 || n > 4)
        return false;
    int64_t weight = 0; /* Σ coefficient × months: at most 4 × 100000 × 3 */
    for (int i = 0; i < n; i++) {
        const reward_quarter_t *q = &quarters[i];
        if (q->coefficient < 0 || q->coefficient > COEFFICIENT_MAX || q->months < 0 || q->months > 3)
            return false;
        weight += (int64_t) q->coefficient * q->months;
    }
    return money_muldiv (base, weight, 12 * 1000, out);
}

bool reward_quarter (int64_t base, const reward_quarter_t *quarters, int n, int64_t *out)
{
    int64_t through = 0, before = 0;
    if (!reward_year_to_date (base, quarters, n, &through))
        return false;
    if (n > 1 && !reward_year_to_date (base, quarters, n - 1, &before))
        return false;
    return money_sub (through, before, out);
}
