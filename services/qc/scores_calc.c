/*  scores_calc — see scores_calc.h. */
#include "scores_calc.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

int64_t sc_part_cp (int weight, int64_t num, int64_t den)
{
    if (den <= 0)
        return (int64_t) weight * 100;
    if (num < 0)
        num = 0;
    if (num > den)
        num = den;
    /* round half up: (2 × w × 100 × num + den) / (2 × den) */
    return (2 * (int64_t) weight * 100 * num + den) / (2 * den);
}

int64_t sc_average_cp (int64_t sum, int64_t n)
{
    return n > 0 ? (2 * sum + n) / (2 * n) : 0;
}

int64_t sc_clamp_cp (int64_t cp)
{
    return cp < 0 ? 0 : cp > SC_MAX_CP ? SC_MAX_CP : cp;
}

int64_t sc_counted_cp (int64_t score_cp, int threshold)
{
    return score_cp <= (int64_t) threshold * 100 ? 0 : score_cp;
}

void sc_format_cp (int64_t cp, char *out, size_t size)
{
    int64_t a = cp < 0 ? -cp : cp;
    snprintf (out, size, "%s%" PRId64 ".%02" PRId64, cp < 0 ? "-" : "", a / 100, a % 100);
}

int sc_month_bounds (const tz_t *tz, const char *month, int64_t *from_us, int64_t *to_us)
{
    if (!month || strlen (month) != 7 || month[4] != '-')
        return -1;
    for (int i = 0; i < 7; i++)
        if (i != 4 && (month[i] < '0' || month[i] > '9'))
            return -1;
    int y = (month[0] - '0') * 1000 + (month[1] - '0') * 100 + (month[2] - '0') * 10 + (month[3] - '0');
    int m = (month[5] - '0') * 10 + (month[6] - '0');
    if (y < 1900 || y > 2999 || m < 1 || m > 12)
        return -1;
    tz_civil_t first = { y, m, 1, 0, 0, 0 }, next = { m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1, 0, 0, 0 };
    if (tz_local_to_utc (tz, &first, TZ_EARLIER, from_us) != 0 || tz_local_to_utc (tz, &next, TZ_EARLIER, to_us) != 0)
        return -1;
    return 0;
}

void sc_month_of (const tz_t *tz, int64_t us, char *out, size_t size)
{
    tz_civil_t c;
    tz_utc_to_local (tz, us, &c);
    snprintf (out, size, "%04d-%02d", c.year, c.month);
}
