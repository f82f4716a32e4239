/*  tz — reads compiled IANA zones (TZif, RFC 8536) and answers offset and
 *  local-time questions without touching the process's TZ or libc's
 *  localtime machinery. See tz.h for the contract.
 *
 *  A zone is a table of transitions (UTC seconds, each naming a local time
 *  type: offset, DST flag, abbreviation) followed by an optional POSIX TZ
 *  rule that holds after the last transition. Everything here reduces to
 *  one question, s_lookup(): "what offset holds at instant t, and when does
 *  the next change happen?" — local-to-UTC walks the few constant-offset
 *  segments that can contain the answer.
 */
#include "base/err.h"
#include "tz.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define S_FOREVER (INT64_C (1) << 62) /* "no further transition" */
#define S_MAX_OFFSET 93600            /* |UT offset| < 26 h (RFC 8536: -89999..93599) */
#define S_MIN_OFFSET -90000           /* so a type's offset lies in RFC 8536's range */
#define S_WALL_LIMIT INT64_C (10000000000000) /* ±317,000 years of seconds */
#define S_MAX_FILE (1024 * 1024)
#define S_MAX_NAME 255
#define S_ABBR_SIZE 16

typedef struct {
    int32_t off;   /* seconds east of UTC */
    bool dst;
    uint32_t abbr; /* index into chars */
} s_type_t;

/*  One date of a POSIX rule: Jn (1..365, no Feb 29), n (0..365) or Mm.w.d. */
typedef struct {
    char kind;           /* 'J', 'n' or 'M' */
    int n, month, week, wday;
    int32_t time;        /* local seconds after midnight, may be negative or > 24 h */
} s_rdate_t;

typedef struct {
    bool present, has_dst;
    int32_t std_off, dst_off; /* seconds east of UTC */
    s_rdate_t start, end;     /* DST starts (in standard time) / ends (in DST) */
    char std_name[S_ABBR_SIZE], dst_name[S_ABBR_SIZE];
} s_posix_t;

struct tz_s {
    char *name;
    int64_t *at;      /* transition instants, strictly increasing */
    uint8_t *idx;     /* type of each transition */
    size_t n_at;
    s_type_t *types;
    size_t n_types;
    char *chars;      /* abbreviations, NUL-separated, NUL-terminated */
    size_t n_chars;
    s_posix_t rule;   /* footer: holds after the last transition */
};

static int64_t s_floor_div (int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* ---------------------------------------------------------------- civil dates */

int64_t tz_days_from_civil (int year, int month, int day)
{
    int64_t y = (int64_t) year - (month <= 2);
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;                                        /* [0, 399] */
    int64_t doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1; /* [0, 365] */
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;                /* [0, 146096] */
    return era * 146097 + doe - 719468;
}

void tz_civil_from_days (int64_t days, int *year, int *month, int *day)
{
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;                                      /* [0, 146096] */
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* [0, 399] */
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);               /* [0, 365] */
    int64_t mp = (5 * doy + 2) / 153;                                    /* [0, 11] */
    int d = (int) (doy - (153 * mp + 2) / 5 + 1);
    int m = (int) (mp < 10 ? mp + 3 : mp - 9);
    if (year)
        *year = (int) (yoe + era * 400 + (m <= 2));
    if (month)
        *month = m;
    if (day)
        *day = d;
}

int tz_weekday (int64_t days)
{
    /* 1970-01-01 was a Thursday (3 when Monday is 0). */
    int64_t w = (days + 3) % 7;
    return (int) (w < 0 ? w + 7 : w);
}

static bool s_leap (int year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int tz_days_in_month (int year, int month)
{
    static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (month < 1 || month > 12)
        return 0;
    return mdays[month - 1] + (month == 2 && s_leap (year));
}

bool tz_date_valid (int year, int month, int day)
{
    return year >= -1000000 && year <= 1000000 && month >= 1 && month <= 12 && day >= 1
           && day <= tz_days_in_month (year, month);
}

/* ---------------------------------------------------------------- POSIX TZ rules */

/*  std/dst name: 3+ letters, or <...> of letters, digits, + and -. */
static const char *s_posix_name (const char *p, char *out)
{
    const char *start;
    size_t len;
    if (*p == '<') {
        start = ++p;
        while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')
               || *p == '+' || *p == '-')
            p++;
        if (*p != '>')
            return NULL;
        len = (size_t) (p - start);
        p++;
    }
    else {
        start = p;
        while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'))
            p++;
        len = (size_t) (p - start);
    }
    if (len < 3 || len >= S_ABBR_SIZE)
        return NULL;
    memcpy (out, start, len);
    out[len] = '\0';
    return p;
}

static const char *s_posix_number (const char *p, int max, int *out)
{
    if (*p < '0' || *p > '9')
        return NULL;
    int value = 0;
    while (*p >= '0' && *p <= '9') {
        value = value * 10 + (*p++ - '0');
        if (value > max)
            return NULL;
    }
    *out = value;
    return p;
}

/*  [+-]hh[:mm[:ss]] with hh up to max_hours. */
static const char *s_posix_hms (const char *p, int max_hours, int32_t *out)
{
    int sign = 1, h = 0, m = 0, s = 0;
    if (*p == '+' || *p == '-')
        sign = *p++ == '-' ? -1 : 1;
    if (!(p = s_posix_number (p, max_hours, &h)))
        return NULL;
    if (*p == ':' && !(p = s_posix_number (p + 1, 59, &m)))
        return NULL;
    if (*p == ':' && !(p = s_posix_number (p + 1, 59, &s)))
        return NULL;
    *out = sign * (h * 3600 + m * 60 + s);
    return p;
}

static const char *s_posix_date (const char *p, s_rdate_t *out)
{
    memset (out, 0, sizeof *out);
    if (*p == 'J') {
        out->kind = 'J';
        if (!(p = s_posix_number (p + 1, 365, &out->n)) || out->n < 1)
            return NULL;
    }
    else if (*p == 'M') {
        out->kind = 'M';
        if (!(p = s_posix_number (p + 1, 12, &out->month)) || out->month < 1 || *p != '.'
            || !(p = s_posix_number (p + 1, 5, &out->week)) || out->week < 1 || *p != '.'
            || !(p = s_posix_number (p + 1, 6, &out->wday)))
            return NULL;
    }
    else {
        out->kind = 'n';
        if (!(p = s_posix_number (p, 365, &out->n)))
            return NULL;
    }
    out->time = 7200; /* 02:00 unless given */
    if (*p == '/' && !(p = s_posix_hms (p + 1, 167, &out->time)))
        return NULL;
    return p;
}

static int s_posix_parse (const char *text, s_posix_t *out)
{
    memset (out, 0, sizeof *out);
    const char *p = s_posix_name (text, out->std_name);
    int32_t hms;
    if (!p || !(p = s_posix_hms (p, 24, &hms)))
        return -1;
    out->std_off = -hms; /* POSIX counts west of Greenwich as positive */
    out->present = true;
    if (*p == '\0')
        return 0;
    if (!(p = s_posix_name (p, out->dst_name)))
        return -1;
    out->has_dst = true;
    out->dst_off = out->std_off + 3600;
    if (*p != ',' && *p != '\0') {
        if (!(p = s_posix_hms (p, 24, &hms)))
            return -1;
        out->dst_off = -hms;
    }
    if (*p == '\0') /* no rule: POSIX leaves it to the implementation; use the US rule, like glibc */
        p = ",M3.2.0,M11.1.0";
    if (*p != ',' || !(p = s_posix_date (p + 1, &out->start)) || *p != ','
        || !(p = s_posix_date (p + 1, &out->end)) || *p != '\0')
        return -1;
    return 0;
}

/*  Local day number of a rule date in `year`. */
static int64_t s_rule_day (const s_rdate_t *r, int year)
{
    int64_t jan1 = tz_days_from_civil (year, 1, 1);
    if (r->kind == 'J')
        return jan1 + r->n - 1 + (s_leap (year) && r->n >= 60);
    if (r->kind == 'n')
        return jan1 + r->n;
    int64_t first = tz_days_from_civil (year, r->month, 1);
    int first_wday = (tz_weekday (first) + 1) % 7; /* POSIX: 0 = Sunday */
    int64_t day = first + (r->wday - first_wday + 7) % 7 + 7 * (r->week - 1);
    while (day >= first + tz_days_in_month (year, r->month))
        day -= 7;
    return day;
}

/*  Offset at t under the rule, and the next change after t. */
static void s_posix_lookup (const s_posix_t *r, int64_t t, int32_t *off, bool *dst, int64_t *next)
{
    if (!r->has_dst) {
        *off = r->std_off, *dst = false, *next = S_FOREVER;
        return;
    }
    struct { int64_t at; bool dst; } ev[8], tmp;
    int year, n = 0;
    tz_civil_from_days (s_floor_div (t + r->std_off, 86400), &year, NULL, NULL);
    for (int y = year - 1; y <= year + 2; y++) {
        ev[n].at = s_rule_day (&r->start, y) * 86400 + r->start.time - r->std_off;
        ev[n++].dst = true;
        ev[n].at = s_rule_day (&r->end, y) * 86400 + r->end.time - r->dst_off;
        ev[n++].dst = false;
    }
    for (int i = 1; i < n; i++) /* insertion sort; on a tie the change to DST comes last and wins */
        for (int j = i; j > 0 && (ev[j - 1].at > ev[j].at || (ev[j - 1].at == ev[j].at && ev[j - 1].dst && !ev[j].dst)); j--)
            tmp = ev[j], ev[j] = ev[j - 1], ev[j - 1] = tmp;
    bool in_dst = !ev[0].dst; /* before the first change: the opposite of it */
    *next = S_FOREVER;
    for (int i = 0; i < n; i++) {
        if (ev[i].at <= t)
            in_dst = ev[i].dst;
        else {
            *next = ev[i].at;
            break;
        }
    }
    *dst = in_dst;
    *off = in_dst ? r->dst_off : r->std_off;
}

/* ---------------------------------------------------------------- lookup */

/*  Offset, DST flag and abbreviation at UTC second t, and the first instant
 *  after t at which they may change (S_FOREVER when never). */
static void s_lookup (const tz_t *self, int64_t t, int32_t *off, bool *dst, const char **abbr, int64_t *next)
{
    size_t type;
    if (self->n_at == 0 || t >= self->at[self->n_at - 1]) {
        if (self->rule.present) {
            s_posix_lookup (&self->rule, t, off, dst, next);
            if (abbr)
                *abbr = *dst ? self->rule.dst_name : self->rule.std_name;
            return;
        }
        type = self->n_at ? self->idx[self->n_at - 1] : 0;
        *next = S_FOREVER;
    }
    else if (t < self->at[0]) {
        type = 0; /* RFC 8536: before the first transition, time type 0 */
        *next = self->at[0];
    }
    else {
        size_t lo = 0, hi = self->n_at - 1; /* at[lo] <= t < at[hi] */
        while (hi - lo > 1) {
            size_t mid = lo + (hi - lo) / 2;
            if (self->at[mid] <= t)
                lo = mid;
            else
                hi = mid;
        }
        type = self->idx[lo];
        *next = self->at[hi];
    }
    *off = self->types[type].off;
    *dst = self->types[type].dst;
    if (abbr)
        *abbr = self->chars + self->types[type].abbr;
}

static int64_t s_seconds (int64_t utc_us)
{
    return s_floor_div (utc_us, 1000000);
}

int tz_offset_at (const tz_t *self, int64_t utc_us)
{
    int32_t off;
    bool dst;
    int64_t next;
    s_lookup (self, s_seconds (utc_us), &off, &dst, NULL, &next);
    return off;
}

bool tz_is_dst_at (const tz_t *self, int64_t utc_us)
{
    int32_t off;
    bool dst;
    int64_t next;
    s_lookup (self, s_seconds (utc_us), &off, &dst, NULL, &next);
    return dst;
}

const char *tz_abbr_at (const tz_t *self, int64_t utc_us)
{
    int32_t off;
    bool dst;
    int64_t next;
    const char *abbr = "";
    s_lookup (self, s_seconds (utc_us), &off, &dst, &abbr, &next);
    return abbr;
}

int64_t tz_utc_to_wall (const tz_t *self, int64_t utc_us)
{
    int64_t t = s_seconds (utc_us);
    return t + tz_offset_at (self, utc_us);
}

int tz_wall_to_utc (const tz_t *self, int64_t wall_s, tz_rule_t rule, int64_t *utc_s)
{
    if (!self || !utc_s || wall_s < -S_WALL_LIMIT || wall_s > S_WALL_LIMIT)
        return -1;
    /* Any instant showing wall_s lies within S_MAX_OFFSET of it: walk the
     * constant-offset segments of that window in order. */
    int64_t t = wall_s - S_MAX_OFFSET, first = 0, last = 0;
    bool have_first = false;
    int exact = 0;
    while (t <= wall_s + S_MAX_OFFSET) {
        int32_t off;
        bool dst;
        int64_t next;
        s_lookup (self, t, &off, &dst, NULL, &next);
        int64_t candidate = wall_s - off;
        if (candidate >= t && candidate < next) { /* the wall clock shows wall_s in this segment */
            exact++;
            last = candidate;
        }
        if (!have_first && candidate < next) { /* first instant whose wall time is >= wall_s */
            first = candidate > t ? candidate : t;
            have_first = true;
        }
        t = next;
    }
    if (!have_first) /* cannot happen with offsets below S_MAX_OFFSET */
        return -1;
    if (rule == TZ_STRICT && exact != 1)
        return -1;
    *utc_s = rule == TZ_LATER && exact > 0 ? last : first;
    return 0;
}

int tz_local_to_utc (const tz_t *self, const tz_civil_t *local, tz_rule_t rule, int64_t *utc_us)
{
    if (!self || !local || !utc_us || !tz_date_valid (local->year, local->month, local->day)
        || local->hour < 0 || local->hour > 24 || local->minute < 0 || local->minute > 59
        || local->second < 0 || local->second > 59
        || (local->hour == 24 && (local->minute != 0 || local->second != 0)))
        return -1;
    int64_t wall = tz_days_from_civil (local->year, local->month, local->day) * 86400
                   + local->hour * 3600 + local->minute * 60 + local->second;
    int64_t utc;
    if (tz_wall_to_utc (self, wall, rule, &utc) != 0)
        return -1;
    *utc_us = utc * 1000000;
    return 0;
}

void tz_utc_to_local (const tz_t *self, int64_t utc_us, tz_civil_t *out)
{
    int64_t wall = tz_utc_to_wall (self, utc_us);
    int64_t days = s_floor_div (wall, 86400), secs = wall - days * 86400;
    tz_civil_from_days (days, &out->year, &out->month, &out->day);
    out->hour = (int) (secs / 3600);
    out->minute = (int) (secs / 60 % 60);
    out->second = (int) (secs % 60);
}

/* ---------------------------------------------------------------- TZif */

static uint32_t s_be32 (const unsigned char *p)
{
    return (uint32_t) p[0] << 24 | (uint32_t) p[1] << 16 | (uint32_t) p[2] << 8 | p[3];
}

static int64_t s_be64 (const unsigned char *p)
{
    return (int64_t) ((uint64_t) s_be32 (p) << 32 | s_be32 (p + 4));
}

typedef struct {
    uint32_t isut, isstd, leap, time, type, chars;
} s_counts_t;

static void s_read_counts (const unsigned char *header, s_counts_t *c)
{
    c->isut = s_be32 (header + 20), c->isstd = s_be32 (header + 24), c->leap = s_be32 (header + 28);
    c->time = s_be32 (header + 32), c->type = s_be32 (header + 36), c->chars = s_be32 (header + 40);
}

/*  Size of the data block after a header, for 4- or 8-byte times. */
static size_t s_block_size (const s_counts_t *c, size_t time_size)
{
    return (size_t) c->time * time_size + c->time + (size_t) c->type * 6 + c->chars
           + (size_t) c->leap * (time_size + 4) + c->isstd + c->isut;
}

/*  Reads the data block at p (already bounds-checked). Returns 0 or -1. */
static int s_read_block (tz_t *self, const unsigned char *p, const s_counts_t *c, size_t time_size,
                         char *err, size_t errsize)
{
    if (c->type < 1 || c->type > 256 || c->chars < 1 || c->time > 100000
        || (c->isstd && c->isstd != c->type) || (c->isut && c->isut != c->type)) {
        err_set (err, errsize, "%s: malformed TZif header", self->name);
        return -1;
    }
    if (c->leap) {
        err_set (err, errsize, "%s: zones with leap seconds (\"right/...\") are not supported", self->name);
        return -1;
    }
    self->n_at = c->time, self->n_types = c->type, self->n_chars = c->chars;
    self->at = calloc (c->time ? c->time : 1, sizeof *self->at);
    self->idx = calloc (c->time ? c->time : 1, 1);
    self->types = calloc (c->type, sizeof *self->types);
    self->chars = calloc ((size_t) c->chars + 1, 1);
    if (!self->at || !self->idx || !self->types || !self->chars) {
        err_set (err, errsize, "%s: out of memory", self->name);
        return -1;
    }
    for (size_t i = 0; i < c->time; i++, p += time_size) {
        self->at[i] = time_size == 8 ? s_be64 (p) : (int64_t) (int32_t) s_be32 (p);
        if (i > 0 && self->at[i] <= self->at[i - 1]) {
            err_set (err, errsize, "%s: transition times are not increasing", self->name);
            return -1;
        }
        if (self->at[i] < -S_WALL_LIMIT || self->at[i] > S_WALL_LIMIT) {
            err_set (err, errsize, "%s: transition time out of range", self->name);
            return -1;
        }
    }
    for (size_t i = 0; i < c->time; i++) {
        self->idx[i] = *p++;
        if (self->idx[i] >= c->type) {
            err_set (err, errsize, "%s: transition names a missing local time type", self->name);
            return -1;
        }
    }
    for (size_t i = 0; i < c->type; i++, p += 6) {
        int32_t off = (int32_t) s_be32 (p);
        if (off <= S_MIN_OFFSET || off >= S_MAX_OFFSET || p[4] > 1 || p[5] >= c->chars) {
            err_set (err, errsize, "%s: malformed local time type %zu", self->name, i);
            return -1;
        }
        self->types[i] = (s_type_t) { .off = off, .dst = p[4] == 1, .abbr = p[5] };
    }
    memcpy (self->chars, p, c->chars);
    return 0;
}

tz_t *tz_parse (const char *name, const void *data, size_t len, char *err, size_t errsize)
{
    const unsigned char *bytes = data, *end = bytes + len;
    tz_t *self = calloc (1, sizeof *self);
    if (!self || !(self->name = strdup (name ? name : "(zone)"))) {
        err_set (err, errsize, "%s: out of memory", name ? name : "(zone)");
        free (self);
        return NULL;
    }
    if (!data || len < 44 || memcmp (bytes, "TZif", 4) != 0) {
        err_set (err, errsize, "%s: not a TZif file", self->name);
        goto fail;
    }
    char version = (char) bytes[4];
    s_counts_t c;
    s_read_counts (bytes, &c);
    size_t v1 = s_block_size (&c, 4);
    if (v1 > len - 44) {
        err_set (err, errsize, "%s: truncated TZif file", self->name);
        goto fail;
    }
    if (version == 0) { /* version 1: 32-bit times, no footer */
        if (s_read_block (self, bytes + 44, &c, 4, err, errsize) != 0)
            goto fail;
        return self;
    }
    const unsigned char *h2 = bytes + 44 + v1;
    if ((size_t) (end - h2) < 44 || memcmp (h2, "TZif", 4) != 0) {
        err_set (err, errsize, "%s: version %c file without its 64-bit header", self->name, version);
        goto fail;
    }
    s_read_counts (h2, &c);
    size_t v2 = s_block_size (&c, 8);
    if (v2 > (size_t) (end - h2) - 44) {
        err_set (err, errsize, "%s: truncated TZif file", self->name);
        goto fail;
    }
    if (s_read_block (self, h2 + 44, &c, 8, err, errsize) != 0)
        goto fail;
    const unsigned char *footer = h2 + 44 + v2;
    if (footer < end) {
        const unsigned char *nl = footer + 1 < end ? memchr (footer + 1, '\n', (size_t) (end - footer - 1)) : NULL;
        if (*footer != '\n' || !nl || nl - footer - 1 > 200) {
            err_set (err, errsize, "%s: malformed TZif footer", self->name);
            goto fail;
        }
        char rule[256];
        size_t rule_len = (size_t) (nl - footer - 1);
        memcpy (rule, footer + 1, rule_len);
        rule[rule_len] = '\0';
        if (rule_len > 0 && s_posix_parse (rule, &self->rule) != 0) {
            err_set (err, errsize, "%s: cannot read the TZ rule \"%s\" in the footer", self->name, rule);
            goto fail;
        }
    }
    return self;
fail:
    tz_destroy (&self);
    return NULL;
}

tz_t *tz_from_posix (const char *rule, char *err, size_t errsize)
{
    tz_t *self = calloc (1, sizeof *self);
    if (!self || !rule || !(self->name = strdup (rule))) {
        err_set (err, errsize, "out of memory or no rule");
        free (self);
        return NULL;
    }
    if (strlen (rule) > 200 || s_posix_parse (rule, &self->rule) != 0) {
        err_set (err, errsize, "\"%.200s\": not a POSIX TZ rule (expected e.g. \"CST-8\" or \"EST5EDT,M3.2.0,M11.1.0\")", rule);
        tz_destroy (&self);
        return NULL;
    }
    return self;
}

static bool s_name_valid (const char *name)
{
    size_t len = strlen (name);
    if (len < 1 || len > S_MAX_NAME || name[0] == '/' || strstr (name, ".."))
        return false;
    for (const char *c = name; *c; c++)
        if (!((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9')
              || *c == '/' || *c == '_' || *c == '+' || *c == '-'))
            return false;
    return true;
}

tz_t *tz_load (const char *name, char *err, size_t errsize)
{
    if (!name || !s_name_valid (name)) {
        err_set (err, errsize, "\"%.64s\": not a time zone name (expected an IANA name such as Asia/Shanghai: "
               "letters, digits, _ + - and /, no leading / and no ..)", name ? name : "");
        return NULL;
    }
    const char *dir = getenv ("TZDIR");
    if (!dir || !*dir || strlen (dir) > 1024)
        dir = "/usr/share/zoneinfo";
    char path[1300];
    snprintf (path, sizeof path, "%s/%s", dir, name);
    tz_t *self = NULL;
    unsigned char *data = NULL;
    FILE *file = fopen (path, "rb");
    struct stat st;
    if (!file || fstat (fileno (file), &st) != 0) {
        err_set (err, errsize, "%s: unknown time zone (%s: %s)", name, path, strerror (errno));
        goto cleanup;
    }
    if (!S_ISREG (st.st_mode) || st.st_size > S_MAX_FILE) {
        err_set (err, errsize, "%s: unknown time zone (%s is not a zone file)", name, path);
        goto cleanup;
    }
    data = malloc ((size_t) st.st_size + 1);
    if (!data) {
        err_set (err, errsize, "%s: out of memory", name);
        goto cleanup;
    }
    size_t len = fread (data, 1, (size_t) st.st_size + 1, file);
    if (ferror (file) || len != (size_t) st.st_size) {
        err_set (err, errsize, "%s: cannot read %s", name, path);
        goto cleanup;
    }
    self = tz_parse (name, data, len, err, errsize);
cleanup:
    if (file)
        fclose (file);
    free (data);
    return self;
}

void tz_destroy (tz_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    tz_t *self = *self_p;
    free (self->name);
    free (self->at);
    free (self->idx);
    free (self->types);
    free (self->chars);
    free (self);
    *self_p = NULL;
}

const char *tz_name (const tz_t *self)
{
    return self ? self->name : NULL;
}
