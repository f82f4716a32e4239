/*  grade — see grade.h. */
#include "grade.h"

#include <stddef.h>

const grade_band_t *grade_for (const grade_band_t *bands, int n, int32_t average)
{
    const grade_band_t *best = NULL;
    for (int i = 0; i < n; i++)
        if (bands[i].min_average <= average && (!best || bands[i].min_average > best->min_average))
            best = &bands[i];
    return best;
}
