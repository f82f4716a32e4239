/*  grade — the grade table of the providers file (docs/providers.md
 *  "Grades"): a quarter's average score falls in a band, the band names a
 *  grade and its coefficient.
 */
#ifndef KEFU_BILLING_GRADE_H
#define KEFU_BILLING_GRADE_H

#include <stdint.h>

#define GRADE_NAME_MAX 16

typedef struct {
    char name[GRADE_NAME_MAX + 1]; /* "A" */
    int32_t min_average;           /* hundredths: an average at or above it has this grade */
    int32_t coefficient;           /* thousandths (1.2 → 1200) */
} grade_band_t;

/*  The band an average (hundredths) falls in: the one with the highest
 *  min_average at or below it; NULL when none does. Borrowed. */
const grade_band_t *grade_for (const grade_band_t *bands, int n, int32_t average);

#endif
