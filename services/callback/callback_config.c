/*  callback_config — the callback: section's table (callback_config.h) and
 *  the rest-hours text form it checks (cb_rest.h): both here because the
 *  Makefile compiles this one file of the service into libkefu.a, where
 *  kefuctl admin check-config reaches the section's check.
 */
#include "callback_config.h"

#include <assert.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#define DAY_MIN 1440

/* ---- rest hours (cb_rest.h) ---------------------------------------------- */

/*  "HH:MM" at text, 00:00..24:00. Returns the minute of the day or -1. */
static int s_clock (const char *text)
{
    if (!isdigit ((unsigned char) text[0]) || !isdigit ((unsigned char) text[1]) || text[2] != ':'
        || !isdigit ((unsigned char) text[3]) || !isdigit ((unsigned char) text[4]))
        return -1;
    int h = (text[0] - '0') * 10 + (text[1] - '0');
    int m = (text[3] - '0') * 10 + (text[4] - '0');
    if (h > 24 || m > 59 || (h == 24 && m != 0))
        return -1;
    return h * 60 + m;
}

int cbr_window_parse (const char *text, cbr_window_t *out, char *err, size_t errsize)
{
    size_t len = text ? strlen (text) : 0;
    bool next_day = len == 13 && strcmp (text + 11, "+1") == 0;
    int start = len == 11 || next_day ? s_clock (text) : -1;
    int end = start >= 0 && text[5] == '-' ? s_clock (text + 6) : -1;
    if (start < 0 || end < 0) {
        snprintf (err, errsize, "\"%.40s\": expected HH:MM-HH:MM (or HH:MM-HH:MM+1 past midnight)",
                  text ? text : "");
        return -1;
    }
    if (start == DAY_MIN) {
        snprintf (err, errsize, "\"%s\": a window starts at 23:59 at the latest", text);
        return -1;
    }
    if (next_day) {
        if (end >= start) {
            snprintf (err, errsize, "\"%s\": +1 ends the next day, so the end must be before the start "
                                    "(a window is shorter than a day)", text);
            return -1;
        }
        if (end == 0)
            end = DAY_MIN, next_day = false; /* "22:00-00:00+1" is "22:00-24:00" */
    }
    else if (end < start) {
        snprintf (err, errsize, "\"%s\": inverted (ends before it starts; a window past midnight ends "
                                "in +1, e.g. 20:00-09:00+1)", text);
        return -1;
    }
    else if (end == start) {
        snprintf (err, errsize, "\"%s\": empty (starts where it ends)", text);
        return -1;
    }
    out->start_min = start;
    out->end_min = end;
    return 0;
}

/*  The window as one interval of [0, 2 days): past midnight, its end the next day. */
static void s_span (const cbr_window_t *w, int *lo, int *hi)
{
    *lo = w->start_min;
    *hi = w->end_min > w->start_min ? w->end_min : w->end_min + DAY_MIN;
}

/*  True when two windows share a minute, on the circle of the day. */
static bool s_overlap (const cbr_window_t *a, const cbr_window_t *b)
{
    int alo, ahi, blo, bhi;
    s_span (a, &alo, &ahi);
    s_span (b, &blo, &bhi);
    for (int shift = -DAY_MIN; shift <= DAY_MIN; shift += DAY_MIN)
        if (alo < bhi + shift && blo + shift < ahi)
            return true;
    return false;
}

static int s_length (const cbr_window_t *w)
{
    int lo, hi;
    s_span (w, &lo, &hi);
    return hi - lo;
}

int cbr_add (cbr_set_t *set, const cbr_window_t *w, const char *text, char *err, size_t errsize)
{
    if (set->n == CBR_MAX_WINDOWS) {
        snprintf (err, errsize, "at most %d windows", CBR_MAX_WINDOWS);
        return -1;
    }
    int total = s_length (w);
    for (int i = 0; i < set->n; i++) {
        if (s_overlap (&set->w[i], w)) {
            char other[CBR_TEXT_MAX];
            cbr_set_t one = { { set->w[i] }, 1 };
            snprintf (err, errsize, "\"%s\": overlaps %s", text, cbr_format (&one, other, sizeof other));
            return -1;
        }
        total += s_length (&set->w[i]);
    }
    if (total >= DAY_MIN) {
        snprintf (err, errsize, "\"%s\": the windows cover the whole day (no time left to call)", text);
        return -1;
    }
    set->w[set->n++] = *w;
    return 0;
}

int cbr_parse (const char *text, cbr_set_t *out, char *err, size_t errsize)
{
    cbr_set_t set = { .n = 0 };
    if (!text || !*text || strcmp (text, "none") == 0) {
        *out = set;
        return 0;
    }
    const char *p = text;
    while (*p) {
        while (*p == ' ')
            p++;
        size_t len = strcspn (p, ", ");
        char one[24];
        if (len == 0 || len >= sizeof one) {
            snprintf (err, errsize, "\"%.40s\": expected windows HH:MM-HH:MM separated by commas", text);
            return -1;
        }
        memcpy (one, p, len);
        one[len] = '\0';
        cbr_window_t w;
        if (cbr_window_parse (one, &w, err, errsize) != 0 || cbr_add (&set, &w, one, err, errsize) != 0)
            return -1;
        p += len;
        while (*p == ' ')
            p++;
        if (*p == ',' && *++p == '\0') {
            snprintf (err, errsize, "\"%.40s\": ends in a comma", text);
            return -1;
        }
    }
    *out = set;
    return 0;
}

bool cbr_resting (const cbr_set_t *set, int minute, int *minutes_left)
{
    for (int i = 0; set && i < set->n; i++) {
        const cbr_window_t *w = &set->w[i];
        int left = -1;
        if (w->end_min > w->start_min) {
            if (minute >= w->start_min && minute < w->end_min)
                left = w->end_min - minute;
        }
        else if (minute >= w->start_min)
            left = DAY_MIN - minute + w->end_min;
        else if (minute < w->end_min)
            left = w->end_min - minute;
        if (left > 0) {
            if (minutes_left)
                *minutes_left = left;
            return true;
        }
    }
    return false;
}

char *cbr_format (const cbr_set_t *set, char *out, size_t size)
{
    size_t used = 0;
    out[0] = '\0';
    if (!set || set->n == 0) {
        snprintf (out, size, "none");
        return out;
    }
    for (int i = 0; i < set->n && used < size; i++) {
        const cbr_window_t *w = &set->w[i];
        int end = w->end_min;
        used += (size_t) snprintf (out + used, size - used, "%s%02d:%02d-%02d:%02d%s", i ? "," : "",
                                   w->start_min / 60, w->start_min % 60, end / 60, end % 60,
                                   w->end_min < w->start_min ? "+1" : "");
    }
    return out;
}

/* ---- the callback: section ------------------------------------------------ */

#define T callback_config_t

static const char *const s_classes[] = { "regular", "important", "vip", NULL };
static const char *const s_important[] = { "important", "vip", NULL };

static const conf_key_t s_keys[] = {
    CONF_INT ("due.after_work_hours", T, after_work_hours, 72, 1, 24 * 90),
    CONF_INT ("due.installation_hours", T, installation_hours, 168, 1, 24 * 90),
    CONF_INT ("due.maintenance_hours", T, maintenance_hours, 24, 1, 24 * 90),
    CONF_STRING ("due.maintenance_lines", T, maintenance_lines, "", 512),
    CONF_STRING ("rest_hours.default", T, rest_default, "12:00-14:00,20:00-09:00+1", 128),
    CONF_STRING ("rest_hours.branches", T, rest_branches, "", 4096),
    CONF_INT ("retry.max_attempts", T, retry_max_attempts, 3, 1, 10),
    CONF_INT ("retry.min_gap_minutes", T, retry_min_gap_minutes, 120, 1, 7 * 1440),
    CONF_BOOL ("retry.vary_time_of_day", T, retry_vary_time, 1),
    CONF_LIST ("periodic.important_classes", T, important_classes, s_important, s_classes, 3),
    CONF_INT ("periodic.important_months", T, important_months, 6, 1, 120),
    CONF_INT ("periodic.long_term_after_months", T, long_term_after_months, 24, 1, 1200),
    CONF_INT ("periodic.long_term_months", T, long_term_months, 12, 1, 120),
    CONF_INT ("periodic.warranty_months", T, warranty_months, 3, 1, 120),
    CONF_STRING ("periodic.project_lines", T, project_lines, "renovation", 512),
    CONF_INT ("periodic.project_first_year_months", T, project_first_year_months, 1, 1, 12),
    CONF_INT ("periodic.project_after_months", T, project_after_months, 3, 1, 120),
    CONF_INT ("periodic.project_follow_months", T, project_follow_months, 36, 12, 1200),
    CONF_INT ("periodic.due_days", T, periodic_due_days, 14, 1, 365),
    CONF_INT ("tick_ms", T, tick_ms, 1000, 50, 3600000),
    CONF_END,
};

/*  A list of product lines: words of A-Z a-z 0-9 _ - separated by commas. */
static int s_check_lines (yt_doc_t *doc, yt_node_t *map, const char *key, const char *text)
{
    for (const char *p = text; p && *p; p++)
        if (!(isalnum ((unsigned char) *p) || *p == '_' || *p == '-' || *p == ',' || *p == ' '))
            return yt_fail (doc, conf_node (map, key),
                            "expected product lines separated by commas (A-Z a-z 0-9 _ -)");
    return 0;
}

/*  rest_hours.branches: "SH02=12:30-14:00,21:00-08:30+1; SZ01=none". */
static int s_branch_rest (T *self, yt_doc_t *doc, yt_node_t *map)
{
    const char *p = self->rest_branches ? self->rest_branches : "";
    yt_node_t *node = conf_node (map, "rest_hours.branches");
    self->n_branch_rest = 0;
    while (*p) {
        while (*p == ' ' || *p == ';')
            p++;
        if (!*p)
            break;
        size_t len = strcspn (p, ";");
        char part[256], err[200];
        if (len >= sizeof part)
            return yt_fail (doc, node, "an entry is too long");
        memcpy (part, p, len);
        part[len] = '\0';
        p += len;
        char *eq = strchr (part, '=');
        if (!eq || eq == part || eq - part > 32)
            return yt_fail (doc, node, "\"%.40s\": expected BRANCH=windows (e.g. SH02=12:00-13:30)", part);
        *eq = '\0';
        for (char *c = part; *c; c++)
            if (!(isalnum ((unsigned char) *c) || *c == '_' || *c == '-'))
                return yt_fail (doc, node, "\"%.40s\": a branch id is A-Z a-z 0-9 _ -", part);
        if (self->n_branch_rest == CBC_MAX_BRANCH_REST)
            return yt_fail (doc, node, "at most %d branches", CBC_MAX_BRANCH_REST);
        for (int i = 0; i < self->n_branch_rest; i++)
            if (strcmp (self->branch_rest[i].branch, part) == 0)
                return yt_fail (doc, node, "branch %s listed twice", part);
        cbc_branch_rest_t *b = &self->branch_rest[self->n_branch_rest];
        if (cbr_parse (eq + 1, &b->rest, err, sizeof err) != 0)
            return yt_fail (doc, node, "%s: %s", part, err);
        memcpy (b->branch, part, strlen (part) + 1); /* at most 32 bytes: checked above */
        self->n_branch_rest++;
    }
    return 0;
}

static int s_check (void *values, yt_doc_t *doc, yt_node_t *map)
{
    T *self = values;
    char err[200];
    cbr_set_t set;
    if (cbr_parse (self->rest_default, &set, err, sizeof err) != 0)
        return yt_fail (doc, conf_node (map, "rest_hours.default"), "%s", err);
    if (s_branch_rest (self, doc, map) != 0
        || s_check_lines (doc, map, "due.maintenance_lines", self->maintenance_lines) != 0
        || s_check_lines (doc, map, "periodic.project_lines", self->project_lines) != 0)
        return -1;
    return 0;
}

const conf_section_t callback_config_section = {
    .name = "callback",
    .service = "callback",
    .size = sizeof (T),
    .keys = s_keys,
    .check = s_check,
};

const callback_config_t *callback_config (const cfg_t *cfg)
{
    const T *self = cfg_section (cfg, &callback_config_section);
    assert (self); /* the caller loaded the configuration for callback */
    return self;
}

void callback_branch_rest (const callback_config_t *self, const char *branch, cbr_set_t *out)
{
    for (int i = 0; branch && i < self->n_branch_rest; i++)
        if (strcmp (self->branch_rest[i].branch, branch) == 0) {
            *out = self->branch_rest[i].rest;
            return;
        }
    /* checked at load when the section was present; the built-in default parses */
    char err[200];
    if (cbr_parse (self->rest_default, out, err, sizeof err) != 0)
        out->n = 0;
}

bool callback_line_listed (const char *list, const char *line)
{
    size_t len = line ? strlen (line) : 0;
    for (const char *p = list; len && p && *p;) {
        while (*p == ' ' || *p == ',')
            p++;
        size_t word = strcspn (p, ", ");
        if (word == len && strncmp (p, line, len) == 0)
            return true;
        p += word;
    }
    return false;
}
