/*  clock — the one source of business time ("now") for every service.
 *
 *  Three sources, in order of precedence:
 *    1. a frozen in-process value (clock_set / clock_advance);
 *    2. the file named by KEFU_CLOCK_FILE (one integer: microseconds since
 *       the Unix epoch), so a test moves time in every running process;
 *    3. the real clock (CLOCK_REALTIME).
 *
 *  The file is stat()ed on every call and re-read only when it may have
 *  changed: when its identity, size or mtime differ from the last read, or
 *  when its mtime is so recent that a rewrite within the same filesystem
 *  timestamp tick would be invisible to stat (the "racy" window, as in git's
 *  index). A file that cannot be read or does not hold a number logs one
 *  error per bad state, and time falls back to the real clock until the file
 *  is good again.
 *
 *  A mutex guards the state so threads (the benchmark's clients) may share it.
 */
#include "clock.h"

#include "log.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* A file modified less than this long before our last read is re-read. */
#define CLOCK_RACY_WINDOW_NS 100000000LL /* 100 ms */
#define CLOCK_FILE_MAX 64                /* bytes worth reading */

typedef struct {
    bool frozen;
    int64_t frozen_us;
    /* KEFU_CLOCK_FILE cache */
    char path[4096];
    bool have_stat;
    dev_t dev;
    ino_t ino;
    off_t size;
    int64_t mtime_ns;
    int64_t read_at_ns; /* real time of the last read */
    bool file_ok;
    int64_t file_us;
    bool error_logged;
} s_clock_t;

static s_clock_t s_clock;
static pthread_mutex_t s_lock = PTHREAD_MUTEX_INITIALIZER;

static int64_t s_real_ns (void)
{
    struct timespec ts;
    clock_gettime (CLOCK_REALTIME, &ts);
    return (int64_t) ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int64_t clock_mono_ms (void)
{
    struct timespec ts;
    clock_gettime (CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/*  Parses the file's content: optional '-', digits, optional trailing
 *  whitespace. Returns 0 or -1 with a reason. */
static int s_parse_file_value (const char *text, int64_t *us, const char **reason)
{
    const char *p = text;
    bool neg = false;
    if (*p == '-') {
        neg = true;
        p++;
    }
    if (*p < '0' || *p > '9') {
        *reason = "expected an integer count of microseconds since the epoch";
        return -1;
    }
    int64_t v = 0;
    while (*p >= '0' && *p <= '9') {
        int d = *p - '0';
        if (v > (INT64_MAX - d) / 10) {
            *reason = "number out of range";
            return -1;
        }
        v = v * 10 + d;
        p++;
    }
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        p++;
    if (*p != '\0') {
        *reason = "trailing characters after the number";
        return -1;
    }
    *us = neg ? -v : v;
    return 0;
}

/*  Records a bad file state; logs only the first time in a row. */
static void s_file_bad (s_clock_t *c, const char *path, const char *reason)
{
    c->file_ok = false;
    if (!c->error_logged) {
        c->error_logged = true;
        log_kv (LOG_ERROR, "clock_file_invalid", "path", path, "reason", reason, "fallback",
                "real time", NULL);
    }
}

/*  Re-reads the clock file when it may have changed. Called with the lock. */
static void s_refresh_file (s_clock_t *c, const char *path)
{
    if (strcmp (c->path, path) != 0) {
        /* a different file: forget everything about the old one */
        snprintf (c->path, sizeof c->path, "%s", path);
        c->have_stat = false;
        c->file_ok = false;
        c->error_logged = false;
    }
    struct stat st;
    if (stat (path, &st) != 0) {
        c->have_stat = false;
        s_file_bad (c, path, strerror (errno));
        return;
    }
    int64_t mtime_ns = (int64_t) st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
    bool same = c->have_stat && c->dev == st.st_dev && c->ino == st.st_ino
                && c->size == st.st_size && c->mtime_ns == mtime_ns;
    bool racy = mtime_ns >= c->read_at_ns - CLOCK_RACY_WINDOW_NS;
    if (same && !racy)
        return;

    c->have_stat = true;
    c->dev = st.st_dev;
    c->ino = st.st_ino;
    c->size = st.st_size;
    c->mtime_ns = mtime_ns;
    c->read_at_ns = s_real_ns ();

    FILE *f = fopen (path, "r");
    if (!f) {
        s_file_bad (c, path, strerror (errno));
        return;
    }
    char buf[CLOCK_FILE_MAX + 1];
    size_t n = fread (buf, 1, CLOCK_FILE_MAX, f);
    bool too_long = n == CLOCK_FILE_MAX && fgetc (f) != EOF;
    bool read_error = ferror (f) != 0;
    fclose (f);
    if (read_error) {
        s_file_bad (c, path, "read error");
        return;
    }
    if (too_long) {
        s_file_bad (c, path, "file longer than 64 bytes (expected one integer)");
        return;
    }
    buf[n] = '\0';
    if (memchr (buf, '\0', n)) {
        s_file_bad (c, path, "NUL byte in file (expected one integer)");
        return;
    }
    const char *reason = NULL;
    int64_t us;
    if (s_parse_file_value (buf, &us, &reason) != 0) {
        s_file_bad (c, path, reason);
        return;
    }
    c->file_ok = true;
    c->file_us = us;
    c->error_logged = false;
}

/*  Current time without the frozen override. Called with the lock. */
static int64_t s_now_unfrozen (s_clock_t *c)
{
    const char *path = getenv ("KEFU_CLOCK_FILE");
    if (path && *path) {
        s_refresh_file (c, path);
        if (c->file_ok)
            return c->file_us;
    }
    return s_real_ns () / 1000;
}

int64_t clock_now_us (void)
{
    pthread_mutex_lock (&s_lock);
    int64_t us = s_clock.frozen ? s_clock.frozen_us : s_now_unfrozen (&s_clock);
    pthread_mutex_unlock (&s_lock);
    return us;
}

void clock_set (int64_t us)
{
    pthread_mutex_lock (&s_lock);
    s_clock.frozen = true;
    s_clock.frozen_us = us;
    pthread_mutex_unlock (&s_lock);
}

void clock_advance (int64_t delta_us)
{
    pthread_mutex_lock (&s_lock);
    if (!s_clock.frozen) {
        s_clock.frozen_us = s_now_unfrozen (&s_clock);
        s_clock.frozen = true;
    }
    s_clock.frozen_us += delta_us;
    pthread_mutex_unlock (&s_lock);
}

void clock_use_real (void)
{
    pthread_mutex_lock (&s_lock);
    s_clock.frozen = false;
    pthread_mutex_unlock (&s_lock);
}

char *clock_format_us (int64_t us, char *out, size_t size)
{
    if (!out || size == 0)
        return out;
    /* floor division so that times before 1970 format correctly */
    int64_t secs = us / 1000000, frac = us % 1000000;
    if (frac < 0) {
        frac += 1000000;
        secs -= 1;
    }
    time_t t = (time_t) secs;
    struct tm tm;
    if (!gmtime_r (&t, &tm)) {
        snprintf (out, size, "invalid-time");
        return out;
    }
    snprintf (out, size, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", tm.tm_year + 1900,
              tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int) frac);
    return out;
}

/*  The UTC instants RFC 3339's four-digit years hold: from
 *  0000-01-01T00:00:00Z up to, not including, 10000-01-01T00:00:00Z. */
#define S_RFC3339_FIRST_S INT64_C (-62167219200)
#define S_RFC3339_END_S INT64_C (253402300800)

/*  Reads exactly n digits at *p into *out and advances. */
static int s_digits (const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        char c = (*p)[i];
        if (c < '0' || c > '9')
            return -1;
        v = v * 10 + (c - '0');
    }
    *p += n;
    *out = v;
    return 0;
}

static int s_days_in_month (int year, int month)
{
    static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (month == 2) {
        bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        return leap ? 29 : 28;
    }
    return days[month - 1];
}

/*  RFC 3339 date-time: YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM). Also the
 *  forms RFC 3339 §5.6 permits by note (lower-case t/z, a space instead of
 *  T) and PostgreSQL's text output offset "±HH", so timestamps read back
 *  from the database parse too. Fractions beyond microseconds are
 *  truncated; leap seconds (:60) are refused. */
int clock_parse_rfc3339 (const char *text, int64_t *us)
{
    if (!text || !us)
        return -1;
    const char *p = text;
    int year, month, day, hour, minute, second;
    if (s_digits (&p, 4, &year) != 0 || *p++ != '-' || s_digits (&p, 2, &month) != 0
        || *p++ != '-' || s_digits (&p, 2, &day) != 0)
        return -1;
    if (*p != 'T' && *p != 't' && *p != ' ')
        return -1;
    p++;
    if (s_digits (&p, 2, &hour) != 0 || *p++ != ':' || s_digits (&p, 2, &minute) != 0
        || *p++ != ':' || s_digits (&p, 2, &second) != 0)
        return -1;
    if (month < 1 || month > 12 || day < 1 || day > s_days_in_month (year, month) || hour > 23
        || minute > 59 || second > 59)
        return -1;
    int64_t micros = 0;
    if (*p == '.') {
        p++;
        if (*p < '0' || *p > '9')
            return -1;
        int n = 0;
        while (*p >= '0' && *p <= '9') {
            if (n < 6)
                micros = micros * 10 + (*p - '0');
            n++;
            p++;
        }
        for (; n < 6; n++)
            micros *= 10;
    }
    int offset_s = 0;
    if (*p == 'Z' || *p == 'z')
        p++;
    else if (*p == '+' || *p == '-') {
        int sign = *p == '-' ? -1 : 1, oh, om = 0;
        p++;
        if (s_digits (&p, 2, &oh) != 0)
            return -1;
        if (*p == ':') {
            p++;
            if (s_digits (&p, 2, &om) != 0)
                return -1;
        }
        else if (*p != '\0')
            return -1;
        if (oh > 23 || om > 59)
            return -1;
        offset_s = sign * (oh * 3600 + om * 60);
    }
    else
        return -1;
    if (*p != '\0')
        return -1;

    struct tm tm = { 0 };
    tm.tm_year = year - 1900;
    tm.tm_mon = month - 1;
    tm.tm_mday = day;
    tm.tm_hour = hour;
    tm.tm_min = minute;
    tm.tm_sec = second;
    errno = 0;
    time_t t = timegm (&tm);
    if (t == (time_t) -1 && errno != 0)
        return -1;
    /* An offset can move a year-0000 or year-9999 time out of the four-digit
     * years: such an instant could never be written back (clock_format_us). */
    int64_t utc_s = (int64_t) t - offset_s;
    if (utc_s < S_RFC3339_FIRST_S || utc_s >= S_RFC3339_END_S)
        return -1;
    *us = utc_s * 1000000LL + micros;
    return 0;
}

void clock_deadline (clockid_t clock_id, int ms, struct timespec *out)
{
    clock_gettime (clock_id, out);
    out->tv_sec += ms / 1000;
    out->tv_nsec += (long) (ms % 1000) * 1000000L;
    if (out->tv_nsec >= 1000000000L) {
        out->tv_sec++;
        out->tv_nsec -= 1000000000L;
    }
}
