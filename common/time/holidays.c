/*  holidays — loads holiday files (one calendar year each) into an
 *  immutable set of special dates and applies the set to business
 *  calendars. See holidays.h for the file format and the contract;
 *  docs/calendars.md for the story.
 *
 *  Each file is validated completely with yamltree before its dates join
 *  the set; errors carry the file, line and key path of the first problem.
 */
#include "base/ident.h"
#include "base/err.h"
#include "holidays.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tz.h"
#include "conf/yamltree.h"

#define HOL_MAX_ID 32
#define HOL_MAX_NAME 200
#define HOL_MIN_YEAR 1900
#define HOL_MAX_YEAR 2999

static const char *const s_weekdays[] = { "mon", "tue", "wed", "thu", "fri", "sat", "sun", NULL };

struct hol_s {
    char *calendar;
    hol_date_t *dates;
    size_t n_dates, cap_dates;
    char **strings; /* names and file names the dates point to */
    size_t n_strings, cap_strings;
    int *years;
    size_t n_years;
};

/*  What one file has said about each day of its year, for duplicates. */
typedef struct {
    int line;     /* 0: not listed yet */
    bool workday;
} s_seen_t;

/* ---------------------------------------------------------------- the set */

static hol_t *s_new (void)
{
    return calloc (1, sizeof (hol_t));
}

void hol_destroy (hol_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    hol_t *self = *self_p;
    for (size_t i = 0; i < self->n_strings; i++)
        free (self->strings[i]);
    free (self->strings);
    free (self->dates);
    free (self->years);
    free (self->calendar);
    free (self);
    *self_p = NULL;
}

/*  Keeps a copy of text for the set's lifetime. Returns it or NULL. */
static const char *s_keep (hol_t *self, const char *text)
{
    if (self->n_strings == self->cap_strings) {
        size_t cap = self->cap_strings ? self->cap_strings * 2 : 16;
        char **grown = realloc (self->strings, cap * sizeof *grown);
        if (!grown)
            return NULL;
        self->strings = grown, self->cap_strings = cap;
    }
    char *copy = strdup (text);
    if (copy)
        self->strings[self->n_strings++] = copy;
    return copy;
}

static int s_push (hol_t *self, const hol_date_t *date)
{
    if (self->n_dates == self->cap_dates) {
        size_t cap = self->cap_dates ? self->cap_dates * 2 : 64;
        hol_date_t *grown = realloc (self->dates, cap * sizeof *grown);
        if (!grown)
            return -1;
        self->dates = grown, self->cap_dates = cap;
    }
    self->dates[self->n_dates++] = *date;
    return 0;
}

static int s_date_cmp (const void *a, const void *b)
{
    const hol_date_t *x = a, *y = b;
    int64_t dx = tz_days_from_civil (x->year, x->month, x->day);
    int64_t dy = tz_days_from_civil (y->year, y->month, y->day);
    return (dx > dy) - (dx < dy);
}

/* ---------------------------------------------------------------- one file */

/*  Strict "YYYY-MM-DD", a real date. Returns 0 or -1. */
static int s_parse_date (const char *text, int *year, int *month, int *day)
{
    if (!text || strlen (text) != 10 || text[4] != '-' || text[7] != '-')
        return -1;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (text[i] < '0' || text[i] > '9'))
            return -1;
    *year = atoi (text), *month = atoi (text + 5), *day = atoi (text + 8);
    return *year >= HOL_MIN_YEAR && *year <= HOL_MAX_YEAR && tz_date_valid (*year, *month, *day) ? 0 : -1;
}

/*  Reads the date under `key` of `map`, which must lie in `file_year`.
 *  Sets *days (day number) and *node. Returns 0 or -1 (error in doc). */
static int s_date (yt_doc_t *doc, yt_node_t *map, const char *key, int file_year, int64_t *days,
                   yt_node_t **node)
{
    *node = yt_get (map, key);
    if (!*node)
        return yt_missing (doc, map, key, "a date \"YYYY-MM-DD\"");
    const char *text = yt_text (*node);
    int y, m, d;
    if (s_parse_date (text, &y, &m, &d) != 0)
        return yt_fail (doc, *node, "%s%s%s is not a calendar date (expected \"YYYY-MM-DD\", a real day, year %d to %d)",
                        text ? "\"" : "", text ? text : "a list or mapping", text ? "\"" : "", HOL_MIN_YEAR,
                        HOL_MAX_YEAR);
    if (y != file_year)
        return yt_fail (doc, *node, "%s is not in %d: holiday file for the wrong year (each file holds one year)",
                        text, file_year);
    *days = tz_days_from_civil (y, m, d);
    return 0;
}

static int s_name (yt_doc_t *doc, yt_node_t *map, char **name)
{
    if (yt_str (doc, map, "name", true, HOL_MAX_NAME, name) != 0)
        return -1;
    if (!**name)
        return yt_fail (doc, yt_get (map, "name"), "must not be empty (say which holiday it is)");
    for (const unsigned char *c = (const unsigned char *) *name; *c; c++)
        if (*c < 0x20 || *c == 0x7f)
            return yt_fail (doc, yt_get (map, "name"), "control characters are not allowed in a name");
    return 0;
}

/*  Records one date of the file: refuses one already listed. */
static int s_add (hol_t *self, yt_doc_t *doc, const yt_node_t *node, s_seen_t *seen, int64_t jan1,
                  int64_t days, hol_date_t *date)
{
    s_seen_t *s = &seen[days - jan1];
    tz_civil_from_days (days, &date->year, &date->month, &date->day);
    if (s->line) {
        if (s->workday != date->workday)
            return yt_fail (doc, node, "%04d-%02d-%02d is both a holiday and a make-up working day (line %d)",
                            date->year, date->month, date->day, s->line);
        return yt_fail (doc, node, "%04d-%02d-%02d is listed twice (first at line %d)", date->year,
                        date->month, date->day, s->line);
    }
    s->line = date->line, s->workday = date->workday;
    if (s_push (self, date) != 0)
        return yt_fail (doc, node, "out of memory");
    return 0;
}

static int s_holidays (hol_t *self, yt_doc_t *doc, yt_node_t *list, int year, s_seen_t *seen,
                       const char *file)
{
    static const char *const known[] = { "date", "from", "to", "name", NULL };
    int64_t jan1 = tz_days_from_civil (year, 1, 1);
    for (size_t i = 0; i < yt_size (list); i++) {
        yt_node_t *item = yt_item (list, i), *from_node, *to_node;
        if (yt_expect (doc, item, YT_MAP) != 0)
            return -1;
        /* Ask for the known keys first, so a misspelt name is not taken for one of them. */
        bool has_date = yt_get (item, "date") != NULL;
        bool has_from = yt_get (item, "from") != NULL, has_to = yt_get (item, "to") != NULL;
        bool has_range = has_from || has_to; /* both asked for: neither may pass for a typo */
        char *name = NULL;
        int rc = s_name (doc, item, &name);
        const char *kept = rc == 0 ? s_keep (self, name) : NULL;
        free (name);
        if (rc != 0)
            return -1;
        if (!kept)
            return yt_fail (doc, item, "out of memory");
        int64_t first, last;
        if (has_date && has_range)
            return yt_fail (doc, item, "give either date or from and to, not both");
        if (!has_date && !has_range)
            return yt_missing (doc, item, "date", "a date \"YYYY-MM-DD\", or from and to for a range");
        if (has_date) {
            if (s_date (doc, item, "date", year, &first, &from_node) != 0)
                return -1;
            last = first;
        }
        else {
            if (s_date (doc, item, "from", year, &first, &from_node) != 0
                || s_date (doc, item, "to", year, &last, &to_node) != 0)
                return -1;
            if (last < first)
                return yt_fail (doc, to_node, "the range ends (%s) before it starts (%s)", yt_text (to_node),
                                yt_text (from_node));
        }
        if (yt_check_unknown (doc, item, known) != 0)
            return -1;
        for (int64_t days = first; days <= last; days++) {
            hol_date_t date = { .workday = false, .as_weekday = -1, .name = kept, .file = file,
                                .line = yt_line (from_node) };
            if (s_add (self, doc, from_node, seen, jan1, days, &date) != 0)
                return -1;
        }
    }
    return 0;
}

/*  hours: ["HH:MM-HH:MM", ...], increasing, not overlapping, 1..8. */
static int s_hours (yt_doc_t *doc, yt_node_t *node, hol_date_t *date)
{
    if (yt_expect (doc, node, YT_SEQ) != 0)
        return -1;
    if (yt_size (node) < 1 || yt_size (node) > HOURS_MAX_INTERVALS)
        return yt_fail (doc, node, "expected 1 to %d intervals \"HH:MM-HH:MM\"", HOURS_MAX_INTERVALS);
    for (size_t i = 0; i < yt_size (node); i++) {
        yt_node_t *item = yt_item (node, i);
        const char *text = yt_text (item);
        hours_interval_t iv;
        if (hours_interval_parse (text, &iv) != 0)
            return yt_fail (doc, item, "expected \"HH:MM-HH:MM\" (00:00 to 24:00, end after start), found %s%s%s",
                            text ? "\"" : "", text ? text : "a list or mapping", text ? "\"" : "");
        if (date->n > 0 && iv.start_min < date->iv[date->n - 1].end_min)
            return yt_fail (doc, item, "\"%s\" overlaps or comes before the previous interval; intervals "
                            "must be increasing and must not overlap", text);
        date->iv[date->n++] = iv;
    }
    return 0;
}

static int s_workdays (hol_t *self, yt_doc_t *doc, yt_node_t *list, int year, s_seen_t *seen,
                       const char *file)
{
    static const char *const known[] = { "date", "name", "as", "hours", NULL };
    int64_t jan1 = tz_days_from_civil (year, 1, 1);
    for (size_t i = 0; i < yt_size (list); i++) {
        yt_node_t *item = yt_item (list, i), *date_node;
        if (yt_expect (doc, item, YT_MAP) != 0)
            return -1;
        int64_t days;
        yt_node_t *hours = yt_get (item, "hours"), *as = yt_get (item, "as");
        if (s_date (doc, item, "date", year, &days, &date_node) != 0)
            return -1;
        char *name = NULL;
        int rc = s_name (doc, item, &name);
        const char *kept = rc == 0 ? s_keep (self, name) : NULL;
        free (name);
        if (rc != 0)
            return -1;
        if (!kept)
            return yt_fail (doc, item, "out of memory");
        hol_date_t date = { .workday = true, .as_weekday = 0, .name = kept, .file = file,
                            .line = yt_line (date_node) };
        if (hours && as)
            return yt_fail (doc, hours, "give either as (a weekday whose hours apply) or hours, not both");
        if (hours) {
            date.as_weekday = -1;
            if (s_hours (doc, hours, &date) != 0)
                return -1;
        }
        else if (yt_enum (doc, item, "as", false, s_weekdays, &date.as_weekday) != 0)
            return -1;
        if (yt_check_unknown (doc, item, known) != 0 || s_add (self, doc, date_node, seen, jan1, days, &date) != 0)
            return -1;
    }
    return 0;
}

/*  Loads one parsed file into the set. `want_calendar` (or NULL) and
 *  `want_year` (or 0) are what the file's place says it must hold. */
static int s_load_doc (hol_t *self, yt_doc_t *doc, const char *path, const char *want_calendar, int want_year)
{
    static const char *const known[] = { "calendar", "year", "holidays", "workdays", NULL };
    yt_node_t *root = yt_root (doc);
    if (!root)
        return yt_fail (doc, NULL, "empty file (expected calendar, year, holidays and workdays)");
    if (yt_expect (doc, root, YT_MAP) != 0)
        return -1;
    char *calendar = NULL;
    int64_t year = 0;
    int rc = -1;
    const char *file = s_keep (self, path);
    if (!file)
        return yt_fail (doc, root, "out of memory");
    if (yt_str (doc, root, "calendar", true, HOL_MAX_ID, &calendar) != 0)
        goto cleanup;
    if (!ident_valid (calendar, HOL_MAX_ID)) {
        yt_fail (doc, yt_get (root, "calendar"), "expected an identifier (1-%d of A-Z a-z 0-9 _ -)", HOL_MAX_ID);
        goto cleanup;
    }
    const char *expected = want_calendar ? want_calendar : self->calendar;
    if (expected && strcmp (calendar, expected) != 0) {
        yt_fail (doc, yt_get (root, "calendar"), "\"%s\" where calendar \"%s\" was expected (the directory's name)",
                 calendar, expected);
        goto cleanup;
    }
    if (yt_int (doc, root, "year", true, HOL_MIN_YEAR, HOL_MAX_YEAR, &year) != 0)
        goto cleanup;
    if (want_year && year != want_year) {
        yt_fail (doc, yt_get (root, "year"), "%d in the file for %d: holiday file for the wrong year", (int) year,
                 want_year);
        goto cleanup;
    }
    if (hol_has_year (self, (int) year)) {
        yt_fail (doc, yt_get (root, "year"), "%d is loaded already", (int) year);
        goto cleanup;
    }
    yt_node_t *holidays = yt_get (root, "holidays"), *workdays = yt_get (root, "workdays");
    if (!holidays) {
        yt_missing (doc, root, "holidays", "a list of {date, name} or {from, to, name}; [] for none");
        goto cleanup;
    }
    if (yt_check_unknown (doc, root, known) != 0 || yt_expect (doc, holidays, YT_SEQ) != 0
        || (workdays && yt_expect (doc, workdays, YT_SEQ) != 0))
        goto cleanup;
    s_seen_t seen[366] = { { 0 } };
    if (s_holidays (self, doc, holidays, (int) year, seen, file) != 0
        || (workdays && s_workdays (self, doc, workdays, (int) year, seen, file) != 0))
        goto cleanup;
    int *years = realloc (self->years, (self->n_years + 1) * sizeof *years);
    if (!years) {
        yt_fail (doc, root, "out of memory");
        goto cleanup;
    }
    self->years = years;
    self->years[self->n_years++] = (int) year;
    if (!self->calendar) {
        self->calendar = calendar;
        calendar = NULL;
    }
    rc = 0;
cleanup:
    free (calendar);
    return rc;
}

/*  The year in a file name "<dir>/2025.yaml", or 0 when it has another shape. */
static int s_year_of_name (const char *path)
{
    const char *base = strrchr (path, '/');
    base = base ? base + 1 : path;
    if (strlen (base) != 9 || strcmp (base + 4, ".yaml") != 0)
        return 0;
    for (int i = 0; i < 4; i++)
        if (base[i] < '0' || base[i] > '9')
            return 0;
    return atoi (base);
}

static hol_t *s_load (hol_t *self, yt_doc_t *doc, const char *path, const char *calendar, int year,
                      char *err, size_t errsize)
{
    if (!doc) {
        hol_destroy (&self);
        return NULL;
    }
    if (s_load_doc (self, doc, path, calendar, year) != 0) {
        err_set (err, errsize, "%s", yt_error (doc));
        hol_destroy (&self);
    }
    else
        qsort (self->dates, self->n_dates, sizeof *self->dates, s_date_cmp);
    yt_destroy (&doc);
    return self;
}

hol_t *hol_load_file (const char *path, char *err, size_t errsize)
{
    hol_t *self = s_new ();
    if (!self || !path) {
        err_set (err, errsize, "%s: out of memory or no file", path ? path : "(no file)");
        free (self);
        return NULL;
    }
    yt_doc_t *doc = yt_load_file (path, err, errsize);
    return s_load (self, doc, path, NULL, s_year_of_name (path), err, errsize);
}

hol_t *hol_load_string (const char *name, const char *text, char *err, size_t errsize)
{
    hol_t *self = s_new ();
    if (!self) {
        err_set (err, errsize, "out of memory");
        return NULL;
    }
    const char *file = name ? name : "<string>";
    yt_doc_t *doc = yt_load_string (file, text, err, errsize);
    return s_load (self, doc, file, NULL, s_year_of_name (file), err, errsize);
}

static int s_int_cmp (const void *a, const void *b)
{
    int x = *(const int *) a, y = *(const int *) b;
    return (x > y) - (x < y);
}

/*  Lists the years of <dir>/<year>.yaml; refuses other *.yaml / *.yml
 *  names. Returns the count (years malloc'd) or -1 with a reason. */
static int s_list_years (const char *dir, int **years_out, char *err, size_t errsize)
{
    DIR *d = opendir (dir);
    if (!d) {
        err_set (err, errsize, "%s: cannot open the holiday calendar: %s", dir, strerror (errno));
        return -1;
    }
    int *years = NULL, n = 0, rc = -1;
    struct dirent *entry;
    while ((entry = readdir (d))) {
        const char *name = entry->d_name;
        size_t len = strlen (name);
        if (name[0] == '.')
            continue;
        bool yaml = (len > 5 && strcmp (name + len - 5, ".yaml") == 0) || (len > 4 && strcmp (name + len - 4, ".yml") == 0);
        if (!yaml)
            continue; /* README and the like */
        int year = s_year_of_name (name);
        if (year < HOL_MIN_YEAR || year > HOL_MAX_YEAR) {
            err_set (err, errsize, "%s/%s: holiday files are named <year>.yaml (%d to %d)", dir, name, HOL_MIN_YEAR,
                   HOL_MAX_YEAR);
            goto cleanup;
        }
        int *grown = realloc (years, (size_t) (n + 1) * sizeof *years);
        if (!grown) {
            err_set (err, errsize, "%s: out of memory", dir);
            goto cleanup;
        }
        years = grown;
        years[n++] = year;
    }
    if (n == 0) {
        err_set (err, errsize, "%s: no holiday files (expected <year>.yaml, e.g. 2025.yaml)", dir);
        goto cleanup;
    }
    qsort (years, (size_t) n, sizeof *years, s_int_cmp);
    *years_out = years;
    years = NULL;
    rc = n;
cleanup:
    closedir (d);
    free (years);
    return rc;
}

hol_t *hol_load_dir (const char *root, const char *calendar, char *err, size_t errsize)
{
    if (!root || !ident_valid (calendar, HOL_MAX_ID)) {
        err_set (err, errsize, "\"%.40s\": not a holiday calendar name (1-%d of A-Z a-z 0-9 _ -)",
               calendar ? calendar : "", HOL_MAX_ID);
        return NULL;
    }
    char dir[4200];
    if (strlen (root) > 4096) {
        err_set (err, errsize, "holiday calendar directory name too long");
        return NULL;
    }
    snprintf (dir, sizeof dir, "%s/%s", root, calendar);
    int *years = NULL;
    int n = s_list_years (dir, &years, err, errsize);
    if (n < 0)
        return NULL;
    hol_t *self = s_new ();
    if (!self)
        err_set (err, errsize, "%s: out of memory", dir);
    for (int i = 0; self && i < n; i++) {
        char path[4300];
        snprintf (path, sizeof path, "%s/%d.yaml", dir, years[i]);
        yt_doc_t *doc = yt_load_file (path, err, errsize);
        if (!doc) {
            hol_destroy (&self);
            break;
        }
        if (s_load_doc (self, doc, path, calendar, years[i]) != 0) {
            err_set (err, errsize, "%s", yt_error (doc));
            hol_destroy (&self);
        }
        yt_destroy (&doc);
    }
    free (years);
    if (self)
        qsort (self->dates, self->n_dates, sizeof *self->dates, s_date_cmp);
    return self;
}

/* ---------------------------------------------------------------- queries */

const char *hol_calendar (const hol_t *self)
{
    return self ? self->calendar : NULL;
}

size_t hol_count (const hol_t *self)
{
    return self ? self->n_dates : 0;
}

const hol_date_t *hol_date (const hol_t *self, size_t i)
{
    return self && i < self->n_dates ? &self->dates[i] : NULL;
}

bool hol_has_year (const hol_t *self, int year)
{
    for (size_t i = 0; self && i < self->n_years; i++)
        if (self->years[i] == year)
            return true;
    return false;
}

int hol_apply (const hol_t *self, cal_t *cal, char *err, size_t errsize)
{
    if (!self || !cal) {
        err_set (err, errsize, "no holiday set or calendar");
        return -1;
    }
    for (size_t i = 0; i < self->n_dates; i++) { /* conflicts first: a refused set changes nothing */
        const hol_date_t *h = &self->dates[i];
        cal_day_t day;
        if (cal_day (cal, h->year, h->month, h->day, &day) != 0) {
            err_set (err, errsize, "%s:%d: %04d-%02d-%02d: not a date the calendar holds", h->file, h->line, h->year,
                   h->month, h->day);
            return -1;
        }
        if (day.kind == CAL_DAY_WORKDAY || (day.kind == CAL_DAY_HOLIDAY && h->workday)) {
            err_set (err, errsize, "%s:%d: %04d-%02d-%02d (%s): the calendar has it as a %s already", h->file, h->line,
                   h->year, h->month, h->day, h->name,
                   day.kind == CAL_DAY_HOLIDAY ? "holiday" : "make-up working day");
            return -1;
        }
    }
    for (size_t i = 0; i < self->n_dates; i++) {
        const hol_date_t *h = &self->dates[i];
        char why[256];
        int rc = !h->workday ? cal_add_holiday (cal, h->year, h->month, h->day, why, sizeof why)
                 : h->as_weekday >= 0
                     ? cal_add_workday_as (cal, h->year, h->month, h->day, h->as_weekday, why, sizeof why)
                     : cal_add_workday (cal, h->year, h->month, h->day, h->iv, h->n, why, sizeof why);
        if (rc != 0) {
            err_set (err, errsize, "%s:%d: %s", h->file, h->line, why);
            return -1;
        }
    }
    return 0;
}
