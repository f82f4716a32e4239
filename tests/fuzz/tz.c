/*  fuzz target "tz": a TZif file through tz_parse (input starting "TZif"),
 *  or else the input as a POSIX TZ rule through tz_from_posix; then the
 *  zone is asked about instants across its range.
 *
 *  Beyond "no crash, no leak": every offset is one RFC 8536 allows
 *  (-89999..93599 s: -24:59:59, and a POSIX rule's 24:59:59 plus an hour
 *  of daylight-saving time), and a wall time maps back to an instant whose
 *  wall time is not earlier (TZ_EARLIER, tz.h).
 */

#include "fuzz.h"
#include "time/tz.h"

static void fuzz_setup (void)
{
}

/*  Instants from 1900 to 2100 and the edges of the table's reach. */
static const int64_t s_instants_s[] = {
    -2208988800, -1000000000, -1, 0, 1, 1000000000, 1700000000, 1741500000,
    1762000000, 2000000000, 2208988800, 4102444800,
};

static void s_ask (const tz_t *tz)
{
    (void) tz_name (tz);
    for (size_t i = 0; i < sizeof s_instants_s / sizeof *s_instants_s; i++) {
        int64_t us = s_instants_s[i] * 1000000;
        int offset = tz_offset_at (tz, us);
        FUZZ_CHECK (offset >= -89999 && offset <= 93599, "offset %d", offset);
        (void) tz_is_dst_at (tz, us);
        FUZZ_CHECK (tz_abbr_at (tz, us), "no abbreviation");
        int64_t wall = tz_utc_to_wall (tz, us);
        int64_t back = 0;
        FUZZ_CHECK (tz_wall_to_utc (tz, wall, TZ_EARLIER, &back) == 0, "wall %lld",
                    (long long) wall);
        FUZZ_CHECK (tz_utc_to_wall (tz, back * 1000000) >= wall, "wall %lld maps back earlier",
                    (long long) wall);
        (void) tz_wall_to_utc (tz, wall, TZ_STRICT, &back);
        tz_civil_t local;
        tz_utc_to_local (tz, us, &local);
        int64_t again;
        (void) tz_local_to_utc (tz, &local, TZ_LATER, &again);
    }
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    char err[256] = "";
    tz_t *tz = NULL;
    if (size >= 4 && memcmp (data, "TZif", 4) == 0)
        tz = tz_parse ("fuzz", data, size, err, sizeof err);
    else {
        char *rule = fuzz_text (data, size);
        if (!rule)
            return 0;
        tz = tz_from_posix (rule, err, sizeof err);
        free (rule);
    }
    if (!tz) {
        FUZZ_CHECK (err[0], "refused without a reason");
        return 0;
    }
    s_ask (tz);
    tz_destroy (&tz);
    return 0;
}
