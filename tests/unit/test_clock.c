/*  test_clock — the injectable clock: freezing and advancing, the
 *  KEFU_CLOCK_FILE injection across processes, RFC 3339 formatting and
 *  parsing (offsets, fractions, calendar checks). */
#include "base/clock.h"
#include "base/log.h"
#include "unit.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define SEC 1000000LL
#define DAY (86400LL * SEC)

/*  Puts the clock back to real time with no file (each test starts clean). */
static void s_reset (void)
{
    unsetenv ("KEFU_CLOCK_FILE");
    clock_use_real ();
}

static int64_t s_real_us (void)
{
    struct timespec ts;
    clock_gettime (CLOCK_REALTIME, &ts);
    return (int64_t) ts.tv_sec * SEC + ts.tv_nsec / 1000;
}

/*  Counts lines containing `needle` in a captured log. */
static int s_count_lines (const char *log, const char *needle)
{
    int n = 0;
    for (const char *p = log; p && (p = strstr (p, needle)); p += strlen (needle))
        n++;
    return n;
}

UNIT_TEST (clock_real_time_by_default)
{
    s_reset ();
    int64_t before = s_real_us ();
    int64_t now = clock_now_us ();
    int64_t after = s_real_us ();
    UNIT_ASSERT (now >= before && now <= after);
    int64_t m1 = clock_mono_ms ();
    int64_t m2 = clock_mono_ms ();
    UNIT_ASSERT (m1 > 0 && m2 >= m1);
}

UNIT_TEST (clock_set_advance_and_back_to_real)
{
    s_reset ();
    clock_set (1700000000 * SEC);
    UNIT_ASSERT_INT_EQ (clock_now_us (), 1700000000 * SEC);
    UNIT_ASSERT_INT_EQ (clock_now_us (), 1700000000 * SEC); /* frozen */
    clock_advance (3 * DAY + 7);
    UNIT_ASSERT_INT_EQ (clock_now_us (), 1700000000 * SEC + 3 * DAY + 7);
    clock_advance (-DAY);
    UNIT_ASSERT_INT_EQ (clock_now_us (), 1700000000 * SEC + 2 * DAY + 7);
    clock_use_real ();
    int64_t real = s_real_us ();
    UNIT_ASSERT (llabs (clock_now_us () - real) < 5 * SEC);
}

UNIT_TEST (clock_advance_from_real_freezes_at_now)
{
    s_reset ();
    int64_t before = s_real_us ();
    clock_advance (DAY);
    int64_t after = s_real_us ();
    int64_t t1 = clock_now_us ();
    UNIT_ASSERT (t1 >= before + DAY && t1 <= after + DAY);
    usleep (2000);
    UNIT_ASSERT_INT_EQ (clock_now_us (), t1); /* frozen, not running */
    s_reset ();
}

UNIT_TEST (clock_file_injects_time_and_follows_rewrites)
{
    s_reset ();
    char path[] = "/tmp/kefu-clock-XXXXXX";
    int fd = mkstemp (path);
    UNIT_ASSERT (fd >= 0);
    close (fd);
    UNIT_ASSERT_INT_EQ (unit_write_file (NULL, path, "1800000000000000\n"), 0);
    setenv ("KEFU_CLOCK_FILE", path, 1);
    UNIT_ASSERT_INT_EQ (clock_now_us (), 1800000000000000LL);
    UNIT_ASSERT_INT_EQ (clock_now_us (), 1800000000000000LL);
    /* same size and, as when both writes fall in one filesystem timestamp
       tick, the same mtime: only the racy-window rule can notice it */
    struct stat st;
    UNIT_ASSERT_INT_EQ (stat (path, &st), 0);
    UNIT_ASSERT_INT_EQ (unit_write_file (NULL, path, "1800000086400000\n"), 0);
    struct timespec times[2] = { st.st_atim, st.st_mtim };
    UNIT_ASSERT_INT_EQ (utimensat (AT_FDCWD, path, times, 0), 0);
    UNIT_ASSERT_INT_EQ (clock_now_us (), 1800000086400000LL);
    UNIT_ASSERT_INT_EQ (unit_write_file (NULL, path, "1800000172800000"), 0);
    UNIT_ASSERT_INT_EQ (clock_now_us (), 1800000172800000LL);
    /* in-process freezing wins over the file, clock_use_real returns to it */
    clock_set (5 * SEC);
    UNIT_ASSERT_INT_EQ (clock_now_us (), 5 * SEC);
    clock_use_real ();
    UNIT_ASSERT_INT_EQ (clock_now_us (), 1800000172800000LL);
    /* advancing a file clock freezes at the file's time */
    clock_advance (SEC);
    UNIT_ASSERT_INT_EQ (clock_now_us (), 1800000173800000LL);
    clock_use_real ();
    /* negative values (before 1970) are allowed */
    UNIT_ASSERT_INT_EQ (unit_write_file (NULL, path, "-1000000  \n"), 0);
    UNIT_ASSERT_INT_EQ (clock_now_us (), -SEC);
    unlink (path);
    s_reset ();
}

UNIT_TEST (clock_file_reread_after_it_settles)
{
    s_reset ();
    char path[] = "/tmp/kefu-clock-XXXXXX";
    int fd = mkstemp (path);
    UNIT_ASSERT (fd >= 0);
    close (fd);
    UNIT_ASSERT_INT_EQ (unit_write_file (NULL, path, "1000"), 0);
    setenv ("KEFU_CLOCK_FILE", path, 1);
    UNIT_ASSERT_INT_EQ (clock_now_us (), 1000);
    usleep (250000); /* past the racy window: now only stat decides */
    UNIT_ASSERT_INT_EQ (clock_now_us (), 1000);
    UNIT_ASSERT_INT_EQ (unit_write_file (NULL, path, "20000"), 0);
    UNIT_ASSERT_INT_EQ (clock_now_us (), 20000);
    unlink (path);
    s_reset ();
}

UNIT_TEST (clock_bad_file_logs_once_and_falls_back)
{
    s_reset ();
    char *captured = NULL;
    size_t captured_len = 0;
    FILE *mem = open_memstream (&captured, &captured_len);
    UNIT_ASSERT (mem != NULL);
    log_init ("test", "clock", LOG_INFO);
    log_set_stream (mem);

    char path[] = "/tmp/kefu-clock-XXXXXX";
    int fd = mkstemp (path);
    close (fd);
    bool ok = fd >= 0 && unit_write_file (NULL, path, "tomorrow\n") == 0;
    setenv ("KEFU_CLOCK_FILE", path, 1);
    int64_t before = s_real_us ();
    int64_t t1 = clock_now_us ();
    int64_t t2 = clock_now_us ();
    int64_t t3 = clock_now_us ();
    int64_t after = s_real_us ();
    fflush (mem);
    int errors_bad = s_count_lines (captured, "clock_file_invalid");
    bool mentions = captured && strstr (captured, "expected an integer") != NULL;

    /* fixed: time comes from the file again, no new error */
    ok = ok && unit_write_file (NULL, path, "42000000\n") == 0;
    int64_t t4 = clock_now_us ();
    /* broken again (trailing junk): one more error */
    ok = ok && unit_write_file (NULL, path, "42000000 tomorrow\n") == 0;
    int64_t t5 = clock_now_us ();
    clock_now_us ();
    /* gone: still real time, no extra error while it stays bad */
    unlink (path);
    int64_t t6 = clock_now_us ();
    fflush (mem);
    int errors_total = s_count_lines (captured, "clock_file_invalid");
    bool trailing = captured && strstr (captured, "trailing characters") != NULL;

    log_set_stream (NULL);
    fclose (mem);
    free (captured);
    s_reset ();

    UNIT_ASSERT (ok);
    UNIT_ASSERT (t1 >= before && t3 <= after && t2 >= t1 && t3 >= t2);
    UNIT_ASSERT_INT_EQ (errors_bad, 1);
    UNIT_ASSERT (mentions);
    UNIT_ASSERT_INT_EQ (t4, 42000000);
    UNIT_ASSERT (t5 >= after);
    UNIT_ASSERT (t6 >= t5);
    UNIT_ASSERT_INT_EQ (errors_total, 2);
    UNIT_ASSERT (trailing);
}

UNIT_TEST (clock_missing_or_oversized_file_falls_back)
{
    s_reset ();
    FILE *devnull = fopen ("/dev/null", "w");
    UNIT_ASSERT (devnull != NULL);
    log_set_stream (devnull);
    setenv ("KEFU_CLOCK_FILE", "/nonexistent/kefu/clock", 1);
    int64_t real = s_real_us ();
    int64_t t = clock_now_us ();
    char path[] = "/tmp/kefu-clock-XXXXXX";
    int fd = mkstemp (path);
    bool ok = fd >= 0;
    if (ok) {
        char big[200];
        memset (big, '1', sizeof big);
        ok = write (fd, big, sizeof big) == (ssize_t) sizeof big;
        close (fd);
    }
    setenv ("KEFU_CLOCK_FILE", path, 1);
    int64_t t2 = clock_now_us (); /* 200 digits: too long, real time */
    unlink (path);
    log_set_stream (NULL);
    fclose (devnull);
    s_reset ();
    UNIT_ASSERT (ok);
    UNIT_ASSERT (llabs (t - real) < 5 * SEC);
    UNIT_ASSERT (llabs (t2 - real) < 5 * SEC);
}

UNIT_TEST (clock_format_us_rfc3339_utc)
{
    char buf[32];
    UNIT_ASSERT_STR_EQ (clock_format_us (0, buf, sizeof buf), "1970-01-01T00:00:00.000000Z");
    UNIT_ASSERT_STR_EQ (clock_format_us (1700000000123456LL, buf, sizeof buf),
                        "2023-11-14T22:13:20.123456Z");
    UNIT_ASSERT_STR_EQ (clock_format_us (-1, buf, sizeof buf), "1969-12-31T23:59:59.999999Z");
    UNIT_ASSERT_STR_EQ (clock_format_us (951782400000000LL, buf, sizeof buf),
                        "2000-02-29T00:00:00.000000Z");
    char small[11];
    UNIT_ASSERT_STR_EQ (clock_format_us (0, small, sizeof small), "1970-01-01");
}

UNIT_TEST (clock_parse_rfc3339_accepts_valid_forms)
{
    int64_t us = 0;
    UNIT_ASSERT_INT_EQ (clock_parse_rfc3339 ("2023-11-14T22:13:20.123456Z", &us), 0);
    UNIT_ASSERT_INT_EQ (us, 1700000000123456LL);
    UNIT_ASSERT_INT_EQ (clock_parse_rfc3339 ("2023-11-14T22:13:20Z", &us), 0);
    UNIT_ASSERT_INT_EQ (us, 1700000000 * SEC);
    /* offsets: Beijing time is 8 hours ahead of UTC */
    UNIT_ASSERT_INT_EQ (clock_parse_rfc3339 ("2023-11-15T06:13:20+08:00", &us), 0);
    UNIT_ASSERT_INT_EQ (us, 1700000000 * SEC);
    UNIT_ASSERT_INT_EQ (clock_parse_rfc3339 ("2023-11-14T17:43:20.5-04:30", &us), 0);
    UNIT_ASSERT_INT_EQ (us, 1700000000 * SEC + 500000);
    /* an offset that crosses a date and a year */
    UNIT_ASSERT_INT_EQ (clock_parse_rfc3339 ("2024-01-01T01:00:00+08:00", &us), 0);
    UNIT_ASSERT_INT_EQ (us, 1704042000 * SEC);
    /* fractions: 1 digit, 6 digits, more than 6 digits truncated */
    UNIT_ASSERT_INT_EQ (clock_parse_rfc3339 ("1970-01-01T00:00:00.1Z", &us), 0);
    UNIT_ASSERT_INT_EQ (us, 100000);
    UNIT_ASSERT_INT_EQ (clock_parse_rfc3339 ("1970-01-01T00:00:00.123456789Z", &us), 0);
    UNIT_ASSERT_INT_EQ (us, 123456);
    /* lower case and a space (RFC 3339 §5.6 note), PostgreSQL's "+08" */
    UNIT_ASSERT_INT_EQ (clock_parse_rfc3339 ("2023-11-14t22:13:20z", &us), 0);
    UNIT_ASSERT_INT_EQ (us, 1700000000 * SEC);
    UNIT_ASSERT_INT_EQ (clock_parse_rfc3339 ("2023-11-15 06:13:20.25+08", &us), 0);
    UNIT_ASSERT_INT_EQ (us, 1700000000 * SEC + 250000);
    /* before the epoch, leap days */
    UNIT_ASSERT_INT_EQ (clock_parse_rfc3339 ("1969-12-31T23:59:59.999999Z", &us), 0);
    UNIT_ASSERT_INT_EQ (us, -1);
    UNIT_ASSERT_INT_EQ (clock_parse_rfc3339 ("2000-02-29T00:00:00Z", &us), 0);
    UNIT_ASSERT_INT_EQ (us, 951782400 * SEC);
    UNIT_ASSERT_INT_EQ (clock_parse_rfc3339 ("2024-02-29T12:00:00+00:00", &us), 0);
    UNIT_ASSERT_INT_EQ (clock_parse_rfc3339 ("-0000-01-01T00:00:00Z", &us), -1);
}

/*  Every instant parsed can be written back as RFC 3339: an offset that
 *  pushes a year-0000 or year-9999 time out of four digits is refused
 *  (the envelope fuzz target's round-trip check caught it:
 *  "0000-01-01T00:00:00+01:00" was read, and written back as
 *  "-001-12-31T23:00:00.000000Z"). */
UNIT_TEST (clock_parse_rfc3339_only_times_it_can_write)
{
    int64_t us = 0;
    char buf[40];
    UNIT_ASSERT_INT_EQ (clock_parse_rfc3339 ("0000-01-01T00:00:00Z", &us), 0);
    UNIT_ASSERT_STR_EQ (clock_format_us (us, buf, sizeof buf), "0000-01-01T00:00:00.000000Z");
    UNIT_ASSERT_INT_EQ (clock_parse_rfc3339 ("0000-01-01T00:59:59-01:00", &us), 0);
    UNIT_ASSERT_STR_EQ (clock_format_us (us, buf, sizeof buf), "0000-01-01T01:59:59.000000Z");
    UNIT_ASSERT_INT_EQ (clock_parse_rfc3339 ("9999-12-31T23:59:59.999999Z", &us), 0);
    UNIT_ASSERT_STR_EQ (clock_format_us (us, buf, sizeof buf), "9999-12-31T23:59:59.999999Z");
    UNIT_ASSERT_INT_EQ (clock_parse_rfc3339 ("0000-01-01T00:00:00+01:00", &us), -1);
    UNIT_ASSERT_INT_EQ (clock_parse_rfc3339 ("0000-01-01T00:59:59.999999+01:00", &us), -1);
    UNIT_ASSERT_INT_EQ (clock_parse_rfc3339 ("9999-12-31T23:59:59-00:01", &us), -1);
    UNIT_ASSERT_INT_EQ (clock_parse_rfc3339 ("9999-12-31T23:59:59.9999999-23:59", &us), -1);
}

UNIT_TEST (clock_parse_rfc3339_rejects_garbage)
{
    const char *bad[] = {
        "",
        "2023",
        "2023-11-14",
        "2023-11-14T22:13Z",
        "2023-11-14T22:13:20",          /* no offset */
        "2023-13-01T00:00:00Z",         /* month 13 */
        "2023-00-01T00:00:00Z",         /* month 0 */
        "2023-02-30T00:00:00Z",         /* Feb 30 */
        "2023-02-29T00:00:00Z",         /* not a leap year */
        "2100-02-29T00:00:00Z",         /* century, not a leap year */
        "2023-04-31T00:00:00Z",         /* April has 30 days */
        "2023-01-00T00:00:00Z",
        "2023-01-32T00:00:00Z",
        "2023-01-01T24:00:00Z",
        "2023-01-01T23:60:00Z",
        "2023-01-01T23:59:60Z",         /* leap seconds refused */
        "2023-01-01T00:00:00.Z",        /* empty fraction */
        "2023-01-01T00:00:00ZZ",        /* trailing junk */
        "2023-01-01T00:00:00Z ",
        "2023-01-01T00:00:00+08:00x",
        "2023-01-01T00:00:00+0800",
        "2023-01-01T00:00:00+8:00",
        "2023-01-01T00:00:00+24:00",
        "2023-01-01T00:00:00+08:60",
        "2023-01-01T00:00:00+08:",
        "2023-01-01X00:00:00Z",
        "2023-1-01T00:00:00Z",
        "2023/01/01T00:00:00Z",
        " 2023-01-01T00:00:00Z",
        "2023-01-01T00:00:00.12a4Z",
        "２０２３-01-01T00:00:00Z",      /* full-width digits */
        "yesterday",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int64_t us = 77;
        if (clock_parse_rfc3339 (bad[i], &us) != -1) {
            unit_fail (__FILE__, __LINE__, "accepted \"%s\"", bad[i]);
            return;
        }
        UNIT_ASSERT_INT_EQ (us, 77); /* untouched on failure */
    }
    int64_t us;
    UNIT_ASSERT_INT_EQ (clock_parse_rfc3339 (NULL, &us), -1);
    UNIT_ASSERT_INT_EQ (clock_parse_rfc3339 ("2023-01-01T00:00:00Z", NULL), -1);
}

UNIT_TEST (clock_format_then_parse_round_trips)
{
    const int64_t samples[] = { 0, 1, 999999, 1700000000123456LL, -86400000001LL,
                                253402300799999999LL /* 9999-12-31T23:59:59.999999Z */ };
    for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
        char buf[32];
        int64_t back = 0;
        clock_format_us (samples[i], buf, sizeof buf);
        UNIT_ASSERT_INT_EQ (clock_parse_rfc3339 (buf, &back), 0);
        UNIT_ASSERT_INT_EQ (back, samples[i]);
    }
}
