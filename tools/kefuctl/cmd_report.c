/*  cmd_report — `kefuctl report`: SLA compliance per branch and clock over a
 *  period — how many clocks started, how many were met, breached or are
 *  still open, the compliance share, and the median and 90th percentile of
 *  the time from start to stop. "Time to respond" is the first_response
 *  clock, "time to resolve" the resolution clock; they lead the table.
 *
 *  The period is a range of calendar dates [from, to) read in each
 *  branch's own time zone (ref.branches.timezone), so "November" means
 *  November at every branch; the default is the current month, "now" being
 *  the dispatcher's clock. The dispatcher counts (request sla.report on
 *  services.dispatch.api, one statement with percentile_cont in
 *  PostgreSQL); this file checks the options and lays out the rows.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "kctl.h"
#include "report_fmt.h"
#include "table.h"

#define REPORT_MAX_ITEMS 256

static const char s_report_usage[] =
    "usage: kefuctl report [--branch B]... [--clock C]... [--from DATE --to DATE] [--csv | --json]\n"
    "  SLA compliance per branch and clock for the clocks started in [from, to):\n"
    "  clocks, met, breached, still open, met % = met / (met + breached), and the\n"
    "  median and 90th percentile of the time from start to stop (stopped clocks).\n"
    "  --branch B   only these branches (repeat it, or B1,B2; default all)\n"
    "  --clock C    only these clocks (repeat it, or C1,C2; default all)\n"
    "  --from DATE  first day of the period, YYYY-MM-DD in each branch's time zone\n"
    "  --to DATE    the day after the period (exclusive); both or neither,\n"
    "               default the current month\n"
    "  --csv        RFC 4180 CSV, one row per branch and clock, durations in seconds\n";

enum { R_BRANCH, R_NAME, R_FROM, R_TO, R_CLOCK, R_N, R_MET, R_BREACHED, R_OPEN, R_P50, R_P90 };

typedef struct {
    const char *branches[REPORT_MAX_ITEMS]; /* point into owned[] */
    const char *clocks[REPORT_MAX_ITEMS];
    int n_branches, n_clocks;
    char *owned[2 * REPORT_MAX_ITEMS]; /* copies of the option values, split at commas */
    int n_owned;
    const char *from, *to;
    bool csv;
} report_args_t;

static void s_report_args_free (report_args_t *a)
{
    for (int i = 0; i < a->n_owned; i++)
        free (a->owned[i]);
    a->n_owned = a->n_branches = a->n_clocks = 0;
}

/*  Adds the comma-separated names of text to list. Returns 0 or -1 (printed). */
static int s_report_add_items (report_args_t *a, const char *opt, const char *text, const char **list, int *n)
{
    char *copy = a->n_owned < 2 * REPORT_MAX_ITEMS ? strdup (text) : NULL;
    if (!copy) {
        fprintf (stderr, "kefuctl report: --%s: %s\n", opt,
                 a->n_owned < 2 * REPORT_MAX_ITEMS ? "out of memory" : "given too often");
        return -1;
    }
    a->owned[a->n_owned++] = copy;
    for (char *p = copy;;) {
        char *comma = strchr (p, ',');
        if (comma)
            *comma = '\0';
        if (*p == '\0') {
            fprintf (stderr,
                     "kefuctl report: --%s: empty name in \"%s\" (expected a name, or names separated "
                     "by commas)\n",
                     opt, text);
            return -1;
        }
        if (*n >= REPORT_MAX_ITEMS) {
            fprintf (stderr, "kefuctl report: --%s: more than %d names\n", opt, REPORT_MAX_ITEMS);
            return -1;
        }
        list[(*n)++] = p;
        if (!comma)
            return 0;
        p = comma + 1;
    }
}

/*  args_parse refuses an option given twice, but --branch and --clock may be
 *  repeated: take them out of argv first (into a), leaving the rest in
 *  rest[] (borrowed) for args_parse. Returns 0 or -1 (printed). */
static int s_report_take_lists (int argc, char **argv, report_args_t *a, char **rest, int *n_rest)
{
    static const char *const names[] = { "branch", "clock" };
    *n_rest = 0;
    for (int i = 0; i < argc; i++) {
        if (strcmp (argv[i], "--") == 0) {
            while (i < argc)
                rest[(*n_rest)++] = argv[i++];
            break;
        }
        int which = -1;
        const char *value = NULL;
        for (int k = 0; k < 2 && which < 0; k++) {
            size_t len = strlen (names[k]);
            if (strncmp (argv[i], "--", 2) != 0 || strncmp (argv[i] + 2, names[k], len) != 0)
                continue;
            if (argv[i][2 + len] == '=')
                which = k, value = argv[i] + 3 + len;
            else if (argv[i][2 + len] == '\0') {
                which = k;
                if (i + 1 < argc && strncmp (argv[i + 1], "--", 2) != 0)
                    value = argv[++i];
            }
        }
        if (which < 0) {
            rest[(*n_rest)++] = argv[i];
            continue;
        }
        if (!value) {
            fprintf (stderr, "kefuctl report: option --%s needs a value\n", names[which]);
            return -1;
        }
        if (which == 0 ? s_report_add_items (a, "branch", value, a->branches, &a->n_branches)
                       : s_report_add_items (a, "clock", value, a->clocks, &a->n_clocks))
            return -1;
    }
    return 0;
}

/*  Checks names, dates and the period. Returns 0 or -1 (printed). */
static int s_report_check (const report_args_t *a, const kctl_t *k)
{
    for (int i = 0; i < a->n_branches; i++)
        if (args_text ("report", "--branch", a->branches[i], 64) != 0)
            return -1;
    for (int i = 0; i < a->n_clocks; i++) {
        const char *c = a->clocks[i];
        size_t len = strlen (c);
        if (len > 32 || strspn (c, "abcdefghijklmnopqrstuvwxyz_") != len) {
            fprintf (stderr,
                     "kefuctl report: --clock: \"%s\" is not a clock name (expected 1 to 32 of a-z "
                     "and _, e.g. first_response)\n",
                     c);
            return -1;
        }
    }
    if (a->csv && k->json) {
        fputs ("kefuctl report: --csv and --json exclude each other (choose one output)\n", stderr);
        return -1;
    }
    if (!a->from != !a->to) {
        fprintf (stderr,
                 "kefuctl report: %s without %s (give both dates of the period [from, to), or "
                 "neither for the current month)\n",
                 a->from ? "--from" : "--to", a->from ? "--to" : "--from");
        return -1;
    }
    if (!a->from)
        return 0;
    int64_t from, to;
    const char *bad = rfmt_parse_date (a->from, &from) != 0 ? "--from"
                      : rfmt_parse_date (a->to, &to) != 0   ? "--to"
                                                            : NULL;
    if (bad) {
        fprintf (stderr,
                 "kefuctl report: %s: \"%s\" is not a date (expected YYYY-MM-DD, a real day of the years "
                 "1900 to 2999, e.g. 2026-11-01)\n",
                 bad, strcmp (bad, "--from") == 0 ? a->from : a->to);
        return -1;
    }
    if (from >= to) {
        fprintf (stderr,
                 "kefuctl report: --from %s is not before --to %s (the period is [from, to): clocks started "
                 "on or after from and before to)\n",
                 a->from, a->to);
        return -1;
    }
    return 0;
}

/*  The rows of a sla.report result as text, the columns of the enum above
 *  (NULL for null), so that the layouts below read them like a table. */
typedef struct {
    int n;
    char **cells; /* n * R_COLS */
} report_rows_t;

#define R_COLS (R_P90 + 1)

static void s_report_rows_free (report_rows_t *rows)
{
    for (int i = 0; rows->cells && i < rows->n * R_COLS; i++)
        free (rows->cells[i]);
    free (rows->cells);
    rows->cells = NULL;
    rows->n = 0;
}

/*  Reads result.rows. Returns 0, or -1 when out of memory. */
static int s_report_rows (const cJSON *result, report_rows_t *rows)
{
    static const char *const keys[R_COLS] = { "branch", "branch_name", "from",     "to",   "clock",          "clocks",
                                              "met",    "breached",    "open", "median_seconds", "p90_seconds" };
    const cJSON *list = cJSON_GetObjectItemCaseSensitive (result, "rows"), *row;
    rows->n = 0;
    rows->cells = calloc ((size_t) cJSON_GetArraySize (list) * R_COLS + 1, sizeof (char *));
    if (!rows->cells)
        return -1;
    cJSON_ArrayForEach (row, list)
    {
        for (int c = 0; c < R_COLS; c++) {
            const cJSON *v = cJSON_GetObjectItemCaseSensitive (row, keys[c]);
            if (v && !cJSON_IsNull (v) && !(rows->cells[rows->n * R_COLS + c] = kctl_value_text (v)))
                return -1;
        }
        rows->n++;
    }
    return 0;
}

/*  A cell as PQgetvalue would give it ("" for null), and whether it is null. */
static const char *s_val (const report_rows_t *rows, int r, int c)
{
    const char *v = rows->cells[r * R_COLS + c];
    return v ? v : "";
}

static bool s_null (const report_rows_t *rows, int r, int c)
{
    return rows->cells[r * R_COLS + c] == NULL;
}

/*  Compliance share "75.0" (or "" when nothing was met or breached). */
static void s_report_share (const char *met, const char *breached, char *out, size_t size)
{
    long m = strtol (met, NULL, 10), b = strtol (breached, NULL, 10);
    out[0] = '\0';
    if (m + b > 0)
        snprintf (out, size, "%.1f", 100.0 * (double) m / (double) (m + b));
}

/*  The share as a table cell: "75.0 %", or "-". */
static void s_report_share_cell (const char *met, const char *breached, char *out, size_t size)
{
    char share[16];
    s_report_share (met, breached, share, sizeof share);
    if (!*share)
        snprintf (out, size, "-");
    else if (size > 0) {
        size_t n = strlen (share); /* "100.0" at most: room for " %" */
        snprintf (out, size, "%.*s %%", (int) (n < size ? n : size - 1), share);
    }
}

/*  A percentile cell for people ("1h 05m", "-" when no clock stopped). */
static void s_report_span_cell (const report_rows_t *res, int r, int col, char *out, size_t size)
{
    if (s_null (res, r, col))
        snprintf (out, size, "-");
    else
        rfmt_span (strtoll (s_val (res, r, col), NULL, 10), out, size);
}

/*  The row of clock `clock` for the branch whose rows start at `first`, or -1. */
static int s_report_find (const report_rows_t *res, int first, const char *clock)
{
    for (int r = first; r < res->n
                        && strcmp (s_val (res, r, R_BRANCH), s_val (res, first, R_BRANCH)) == 0;
         r++)
        if (!s_null (res, r, R_CLOCK) && strcmp (s_val (res, r, R_CLOCK), clock) == 0)
            return r;
    return -1;
}

static bool s_report_selected (const report_args_t *a, const char *clock)
{
    if (a->n_clocks == 0)
        return true;
    for (int i = 0; i < a->n_clocks; i++)
        if (strcmp (a->clocks[i], clock) == 0)
            return true;
    return false;
}

/*  The headline: per branch, met % and median / p90 of first_response
 *  ("respond") and resolution ("resolve"), when those clocks are selected. */
static void s_report_headline (const report_args_t *a, const report_rows_t *res)
{
    static const char *const clocks[] = { "first_response", "resolution" };
    static const char *const heads[2][3] = { { "respond met", "respond median", "respond p90" },
                                             { "resolve met", "resolve median", "resolve p90" } };
    const char *headers[8] = { "branch", "name" };
    int ncols = 2, which[2], nwhich = 0;
    for (int w = 0; w < 2; w++)
        if (s_report_selected (a, clocks[w])) {
            which[nwhich++] = w;
            for (int j = 0; j < 3; j++)
                headers[ncols++] = heads[w][j];
        }
    if (nwhich == 0)
        return;
    tbl_t *t = tbl_new (ncols, headers);
    if (!t)
        return;
    for (int r = 0; r < res->n; r++) {
        if (r > 0 && strcmp (s_val (res, r, R_BRANCH), s_val (res, r - 1, R_BRANCH)) == 0)
            continue;
        char cells[6][48];
        const char *row[8] = { s_val (res, r, R_BRANCH), s_val (res, r, R_NAME) };
        for (int i = 0; i < nwhich; i++) {
            int f = s_report_find (res, r, clocks[which[i]]);
            if (f < 0) {
                for (int j = 0; j < 3; j++)
                    snprintf (cells[i * 3 + j], sizeof cells[0], "-");
            }
            else {
                s_report_share_cell (s_val (res, f, R_MET), s_val (res, f, R_BREACHED),
                                     cells[i * 3], sizeof cells[0]);
                s_report_span_cell (res, f, R_P50, cells[i * 3 + 1], sizeof cells[0]);
                s_report_span_cell (res, f, R_P90, cells[i * 3 + 2], sizeof cells[0]);
            }
            for (int j = 0; j < 3; j++)
                row[2 + i * 3 + j] = cells[i * 3 + j];
        }
        tbl_add_row (t, row);
    }
    tbl_print (t, stdout);
    printf ("\n");
    tbl_destroy (&t);
}

/*  The whole report as tables for people. Returns 0 or -1. */
static int s_report_table (const report_args_t *a, const report_rows_t *res, bool uniform, bool any)
{
    /* the default month can differ between time zones (on the 1st, east of the date line first) */
    if (a->from || (uniform && res->n > 0))
        printf ("SLA compliance: clocks started from %s 00:00 to %s 00:00, each branch's local time\n\n",
                a->from ? a->from : s_val (res, 0, R_FROM), a->to ? a->to : s_val (res, 0, R_TO));
    else
        printf ("SLA compliance: clocks started in the current month of each branch's time zone\n\n");
    if (!any) {
        printf ("no clocks started in this period");
        if (a->n_branches || a->n_clocks) {
            printf (" (");
            for (int i = 0; i < a->n_branches; i++)
                printf ("%s%s", i ? ", " : "branches ", a->branches[i]);
            for (int i = 0; i < a->n_clocks; i++)
                printf ("%s%s", i ? ", " : a->n_branches ? "; clocks " : "clocks ", a->clocks[i]);
            printf (")");
        }
        printf ("\n");
        return 0;
    }
    s_report_headline (a, res);
    static const char *const headers[] = { "branch", "clock", "clocks", "met", "breached",
                                           "open",   "met %", "median", "p90" };
    tbl_t *t = tbl_new (9, headers);
    if (!t)
        return -1;
    for (int r = 0; r < res->n; r++) {
        if (s_null (res, r, R_CLOCK))
            continue;
        char share[16], p50[48], p90[48];
        s_report_share_cell (s_val (res, r, R_MET), s_val (res, r, R_BREACHED), share,
                             sizeof share);
        s_report_span_cell (res, r, R_P50, p50, sizeof p50);
        s_report_span_cell (res, r, R_P90, p90, sizeof p90);
        const char *row[] = { s_val (res, r, R_BRANCH),
                              s_val (res, r, R_CLOCK),
                              s_val (res, r, R_N),
                              s_val (res, r, R_MET),
                              s_val (res, r, R_BREACHED),
                              s_val (res, r, R_OPEN),
                              share,
                              p50,
                              p90 };
        tbl_add_row (t, row);
    }
    int rc = tbl_print (t, stdout);
    tbl_destroy (&t);
    return rc;
}

/*  One CSV row per branch and clock, durations in whole seconds. */
static int s_report_csv (const report_rows_t *res)
{
    static const char *const header[] = { "branch",         "branch_name", "clock",    "from", "to",
                                          "clocks",         "met",         "breached", "open", "met_percent",
                                          "median_seconds", "p90_seconds" };
    rfmt_csv_row (stdout, 12, header);
    for (int r = 0; r < res->n; r++) {
        if (s_null (res, r, R_CLOCK))
            continue;
        char share[16];
        s_report_share (s_val (res, r, R_MET), s_val (res, r, R_BREACHED), share, sizeof share);
        static const int cols[] = { R_BRANCH, R_NAME, R_CLOCK, R_FROM, R_TO, R_N, R_MET, R_BREACHED, R_OPEN };
        const char *row[12];
        for (int c = 0; c < 9; c++)
            row[c] = s_val (res, r, cols[c]);
        row[9] = share;
        row[10] = s_val (res, r, R_P50); /* "" when NULL */
        row[11] = s_val (res, r, R_P90);
        rfmt_csv_row (stdout, 12, row);
    }
    return ferror (stdout) ? -1 : 0;
}

/*  The rows as a JSON array of objects. Returns 0 or -1. */
static int s_report_json (const report_rows_t *res)
{
    cJSON *list = cJSON_CreateArray ();
    if (!list)
        return -1;
    int rc = -1;
    for (int r = 0; r < res->n; r++) {
        if (s_null (res, r, R_CLOCK))
            continue;
        cJSON *o = cJSON_CreateObject ();
        if (!o || !cJSON_AddItemToArray (list, o))
            goto cleanup;
        static const char *const text_keys[] = { "branch", "branch_name", "from", "to", "clock" };
        for (int c = R_BRANCH; c <= R_CLOCK; c++)
            cJSON_AddStringToObject (o, text_keys[c], s_val (res, r, c));
        static const char *const count_keys[] = { "clocks", "met", "breached", "open" };
        for (int c = R_N; c <= R_OPEN; c++)
            cJSON_AddNumberToObject (o, count_keys[c - R_N],
                                     (double) strtoll (s_val (res, r, c), NULL, 10));
        char share[16];
        s_report_share (s_val (res, r, R_MET), s_val (res, r, R_BREACHED), share, sizeof share);
        if (*share)
            cJSON_AddNumberToObject (o, "met_percent", strtod (share, NULL));
        else
            cJSON_AddNullToObject (o, "met_percent");
        static const char *const span_keys[] = { "median_seconds", "p90_seconds" };
        for (int c = R_P50; c <= R_P90; c++)
            if (s_null (res, r, c))
                cJSON_AddNullToObject (o, span_keys[c - R_P50]);
            else
                cJSON_AddNumberToObject (o, span_keys[c - R_P50],
                                         (double) strtoll (s_val (res, r, c), NULL, 10));
    }
    rc = kctl_print_json (list);
cleanup:
    cJSON_Delete (list);
    return rc;
}

/*  The sla.report body of the options. NULL when out of memory. */
static cJSON *s_report_body (const report_args_t *a)
{
    cJSON *body = cJSON_CreateObject ();
    bool ok = body != NULL;
    if (ok && a->n_branches)
        ok = cJSON_AddItemToObject (body, "branches", cJSON_CreateStringArray (a->branches, a->n_branches));
    if (ok && a->n_clocks)
        ok = cJSON_AddItemToObject (body, "clocks", cJSON_CreateStringArray (a->clocks, a->n_clocks));
    if (ok && a->from)
        ok = cJSON_AddStringToObject (body, "from", a->from) && cJSON_AddStringToObject (body, "to", a->to);
    if (!ok)
        cJSON_Delete (body);
    return ok ? body : NULL;
}

/*  Says why the dispatcher refused: an unknown --branch or --clock is a
 *  usage error (exit 2), anything else a failure. Returns the exit code. */
static int s_report_refused (const char *err)
{
    const char *branch = kctl_refusal (err, "invalid", "body.branches");
    const char *clock = kctl_refusal (err, "invalid", "body.clocks");
    if (branch || clock) {
        fprintf (stderr, "kefuctl report: %s: %s\n", branch ? "--branch" : "--clock", branch ? branch : clock);
        return KCTL_USAGE;
    }
    fprintf (stderr, "kefuctl report: %s\n", err);
    return KCTL_FAILED;
}

/*  Asks the dispatcher for the report and lays it out. Returns a KCTL_
 *  exit code. */
static int s_report_run (kctl_t *k, const report_args_t *a)
{
    cJSON *body = s_report_body (a), *result = NULL;
    report_rows_t rows = { 0, NULL };
    const report_rows_t *res = &rows;
    int rc = KCTL_FAILED;
    char err[1024] = "";
    if (!body) {
        fputs ("kefuctl report: out of memory\n", stderr);
        goto cleanup;
    }
    client_opts_t opts = kctl_dispatch_opts (k, "report");
    if (client_call (&opts, "sla.report", body, &result, err, sizeof err) != CLIENT_OK) {
        rc = s_report_refused (err);
        goto cleanup;
    }
    if (s_report_rows (result, &rows) != 0) {
        fputs ("kefuctl report: out of memory\n", stderr);
        goto cleanup;
    }
    bool uniform = true, any = false;
    for (int r = 0; r < res->n; r++) {
        uniform = uniform && strcmp (s_val (res, r, R_FROM), s_val (res, 0, R_FROM)) == 0
                  && strcmp (s_val (res, r, R_TO), s_val (res, 0, R_TO)) == 0;
        any = any || !s_null (res, r, R_CLOCK);
    }
    int out = k->json  ? s_report_json (res)
              : a->csv ? s_report_csv (res)
                       : s_report_table (a, res, uniform, any);
    fflush (stdout);
    rc = out == 0 && !ferror (stdout) ? KCTL_OK : KCTL_FAILED;
cleanup:
    s_report_rows_free (&rows);
    cJSON_Delete (body);
    cJSON_Delete (result);
    return rc;
}

int cmd_report (kctl_t *k, int argc, char **argv)
{
    report_args_t a = { 0 };
    const char *unused = NULL;
    /* branch and clock are taken out beforehand; listed so errors name them */
    const args_spec_t spec[] = { { "branch", true, &unused, NULL }, { "clock", true, &unused, NULL },
                                 { "from", true, &a.from, NULL },   { "to", true, &a.to, NULL },
                                 { "csv", false, NULL, &a.csv },    { NULL, false, NULL, NULL } };
    char **rest = calloc ((size_t) argc + 1, sizeof (char *));
    int n_rest = 0, npos = 0, rc = KCTL_USAGE;
    if (!rest) {
        fputs ("kefuctl report: out of memory\n", stderr);
        return KCTL_FAILED;
    }
    if (s_report_take_lists (argc, argv, &a, rest, &n_rest) != 0
        || args_parse ("report", KCTL_SPECS (k, spec), n_rest, rest, NULL, 0, &npos) != 0)
        goto cleanup;
    if (k->help) {
        fputs (s_report_usage, stdout);
        rc = KCTL_OK;
        goto cleanup;
    }
    if (s_report_check (&a, k) != 0 || kctl_setup (k, "report") != 0)
        goto cleanup;
    rc = s_report_run (k, &a);
cleanup:
    s_report_args_free (&a);
    free (rest);
    return rc;
}
