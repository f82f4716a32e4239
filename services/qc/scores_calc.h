/*  scores_calc — the arithmetic of a month's score (docs/scores.md "The
 *  scale"), with no database and no clock: points in hundredths of a point
 *  (centipoints, 100.00 points = 10000), so every sum is exact and the
 *  worked example of the docs comes out to the hundredth.
 *
 *    a measured part   weight × measured / measured-over, rounded half up;
 *                      a part with nothing to measure scores its whole weight
 *    the score         the parts + the events, kept within 0 and 100
 *    in the quarter    a month at or below the threshold counts 0
 *    a month           the branch's calendar month in its time zone
 */
#ifndef KEFU_QC_SCORES_CALC_H
#define KEFU_QC_SCORES_CALC_H

#include <stddef.h>
#include <stdint.h>

#include "time/tz.h"

#define SC_MAX_CP 10000

/*  weight (whole points) × num / den in centipoints, rounded half up;
 *  den 0 (nothing measured): the whole weight. num is clamped to 0..den. */
int64_t sc_part_cp (int weight, int64_t num, int64_t den);
/*  sum / n rounded half up (n > 0; sum >= 0). */
int64_t sc_average_cp (int64_t sum, int64_t n);
/*  cp kept within 0 and 100 points. */
int64_t sc_clamp_cp (int64_t cp);
/*  What the month counts in the quarterly average: 0 at or below the
 *  threshold (whole points), else the score. */
int64_t sc_counted_cp (int64_t score_cp, int threshold);
/*  "87.50", "-2.00", "100.00". */
void sc_format_cp (int64_t cp, char *out, size_t size);

/*  The instants [from, to) of month "YYYY-MM" in the zone: its first
 *  midnight and the next month's. Returns 0, or -1 when month is not
 *  YYYY-MM (1900..2999, 01..12). */
int sc_month_bounds (const tz_t *tz, const char *month, int64_t *from_us, int64_t *to_us);
/*  The month ("YYYY-MM", out of at least 8 bytes) in which the instant
 *  falls in the zone. */
void sc_month_of (const tz_t *tz, int64_t us, char *out, size_t size);

#endif
