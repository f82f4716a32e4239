/*  fuzz target "rest_hours": text through the rest-hours parser
 *  (services/callback/cb_rest.h, implemented in callback_config.c), the
 *  form customers and kefu.yaml give ("12:00-14:00,20:00-09:00+1").
 *  A refusal comes with its reason and leaves the output untouched; a
 *  parsed set keeps its promises (at most CBR_MAX_WINDOWS windows, none
 *  empty, no overlap, never the whole day), survives its own text form
 *  unchanged, and answers cbr_resting for every minute of the day.
 */

#include "../../services/callback/cb_rest.h"
#include "fuzz.h"

static void fuzz_setup (void)
{
}

/*  Minutes of the day the set rests, counted minute by minute. */
static int s_resting_minutes (const cbr_set_t *set)
{
    int n = 0;
    for (int m = 0; m < 1440; m++) {
        int left = -1;
        if (cbr_resting (set, m, &left)) {
            FUZZ_CHECK (left > 0 && left < 1440, "minute %d rests for %d more minutes", m, left);
            n++;
        }
    }
    return n;
}

static void s_parse (const char *text)
{
    char err[256] = "";
    cbr_set_t set = { .n = -7 };
    if (cbr_parse (text, &set, err, sizeof err) != 0) {
        FUZZ_CHECK (err[0], "refused without a reason");
        FUZZ_CHECK (set.n == -7, "the output was changed by a refusal");
        return;
    }
    FUZZ_CHECK (set.n >= 0 && set.n <= CBR_MAX_WINDOWS, "%d windows", set.n);
    int total = 0;
    for (int i = 0; i < set.n; i++) {
        const cbr_window_t *w = &set.w[i];
        FUZZ_CHECK (w->start_min >= 0 && w->start_min < 1440 && w->end_min > 0 && w->end_min <= 1440
                        && w->end_min != w->start_min,
                    "window %d is %d..%d", i, w->start_min, w->end_min);
        total += w->end_min > w->start_min ? w->end_min - w->start_min : 1440 - w->start_min + w->end_min;
    }
    FUZZ_CHECK (total < 1440, "the windows cover %d minutes", total);
    /* no overlap: the minutes resting are exactly the windows' lengths */
    FUZZ_CHECK (s_resting_minutes (&set) == total, "overlapping windows (%d minutes in %d)",
                s_resting_minutes (&set), total);
    char form[CBR_TEXT_MAX], again[CBR_TEXT_MAX];
    cbr_format (&set, form, sizeof form);
    cbr_set_t back;
    FUZZ_CHECK (cbr_parse (form, &back, err, sizeof err) == 0, "its own form \"%s\" is refused: %s", form, err);
    FUZZ_CHECK (strcmp (cbr_format (&back, again, sizeof again), form) == 0, "\"%s\" became \"%s\"", form, again);
}

FUZZ_TEXT_TARGET (s_parse)
