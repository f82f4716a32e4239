/*  cmd_report — `kefuctl report`: SLA compliance per branch and clock over a
 *  period — how many clocks started, how many were met, breached or are
 *  still open, the compliance share, and the median and 90th percentile of
 *  the time from start to stop. "Time to respond" is the first_response
 *  clock, "time to resolve" the resolution clock; they lead the table.
 *
 *  The period is a range of calendar dates [from, to) read in each
 *  branch's own time zone (ref.branches.timezone), so "November" means
 *  November at every branch; the default is the current month, "now" being
 *  clock_now_us() (KEFU_CLOCK_FILE moves it in tests). One query does the
 *  counting and the percentiles (percentile_cont) in PostgreSQL, as the
 *  dispatcher's role, like `board` and `clocks`.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "db/db.h"
#include "base/json.h"
#include "kctl.h"
#include "report_fmt.h"
#include "model/sla_names.h"
#include "table.h"
#include "model/sla_clock.h"

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

/*  Every started clock of the period, per branch and clock. A clock is
 *  breached when the engine marked it so, or when it stopped after its due
 *  instant (a stop recorded before the timer noticed the breach); met when
 *  it stopped otherwise; open while running or paused and not breached.
 *  Branches without clocks come back once with a NULL clock, so that every
 *  selected branch appears in the summary. */
static const char s_report_sql[] =
    "WITH b AS (SELECT id, name, timezone, "
    "  coalesce($2::date, date_trunc('month', to_timestamp($1::bigint / 1e6) AT TIME ZONE timezone)::date) "
    "AS d_from, "
    "  coalesce($3::date, (date_trunc('month', to_timestamp($1::bigint / 1e6) AT TIME ZONE timezone) "
    "                      + interval '1 month')::date) AS d_to "
    "  FROM ref.branches WHERE $4::text[] IS NULL OR id = ANY ($4::text[])), "
    "c AS (SELECT c.branch_id, c.clock, c.state, extract(epoch FROM c.stopped_at - c.started_at) AS secs, "
    "  (c.breached_at IS NOT NULL OR (c.state = '" CLOCK_S_STOPPED "' AND c.stopped_at > c.due_at)) AS breached "
    "  FROM b JOIN dispatch.sla_clocks c ON c.branch_id = b.id "
    "  WHERE c.started_at >= (b.d_from::timestamp AT TIME ZONE b.timezone) "
    "    AND c.started_at < (b.d_to::timestamp AT TIME ZONE b.timezone) "
    "    AND ($5::text[] IS NULL OR c.clock = ANY ($5::text[]))), "
    "a AS (SELECT branch_id, clock, count(*) AS n, "
    "  count(*) FILTER (WHERE state = '" CLOCK_S_STOPPED "' AND NOT breached) AS met, "
    "  count(*) FILTER (WHERE breached) AS breached, "
    "  count(*) FILTER (WHERE state IN ('" CLOCK_S_RUNNING "', '" CLOCK_S_PAUSED "') AND NOT breached) AS open, "
    "  round((percentile_cont(0.5) WITHIN GROUP (ORDER BY secs) FILTER (WHERE state = '" CLOCK_S_STOPPED "'))::numeric) "
    "AS p50, "
    "  round((percentile_cont(0.9) WITHIN GROUP (ORDER BY secs) FILTER (WHERE state = '" CLOCK_S_STOPPED "'))::numeric) "
    "AS p90 "
    "  FROM c GROUP BY branch_id, clock) "
    "SELECT b.id, b.name, to_char(b.d_from, 'YYYY-MM-DD'), to_char(b.d_to, 'YYYY-MM-DD'), "
    "  a.clock, a.n, a.met, a.breached, a.open, a.p50, a.p90 "
    "FROM b LEFT JOIN a ON a.branch_id = b.id "
    "ORDER BY b.id, array_position ($6::text[], a.clock), a.clock";

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

/*  A PostgreSQL text[] literal of the names ("{\"SH01\",\"SH02\"}"), or NULL
 *  for none. Caller frees; *oom is set when allocation failed. */
static char *s_report_pg_array (const char *const *items, int n, bool *oom)
{
    if (n == 0)
        return NULL;
    size_t size = 3;
    for (int i = 0; i < n; i++)
        size += 2 * strlen (items[i]) + 3;
    char *out = malloc (size), *o = out;
    if (!out) {
        *oom = true;
        return NULL;
    }
    *o++ = '{';
    for (int i = 0; i < n; i++) {
        if (i > 0)
            *o++ = ',';
        *o++ = '"';
        for (const char *p = items[i]; *p; p++) {
            if (*p == '"' || *p == '\\')
                *o++ = '\\';
            *o++ = *p;
        }
        *o++ = '"';
    }
    *o++ = '}';
    *o = '\0';
    return out;
}

/*  Runs a query that returns the first unknown name of a list (or no row).
 *  Returns 1 with the name in out, 0 when every name is known, -1 on a
 *  database error (printed). */
static int s_report_first_unknown (db_t *db, const char *sql, int nparams, const char *const *params,
                                   char *out, size_t size)
{
    PGresult *res = db_exec (db, sql, nparams, params);
    if (!res) {
        fprintf (stderr, "kefuctl report: %s\n", db_error (db));
        return -1;
    }
    int rc = PQntuples (res) > 0;
    if (rc)
        snprintf (out, size, "%s", PQgetvalue (res, 0, 0));
    PQclear (res);
    return rc;
}

/*  Checks --branch and --clock against the database: an unknown branch, or
 *  a clock that is neither built in nor has ever run (a deployment's own
 *  clock of sla.yaml), is a usage error. Returns a KCTL_ exit code. */
static int s_report_check_names (db_t *db, const char *branches, const char *clocks, const char *builtin)
{
    char name[256];
    int u = 0;
    if (branches) {
        u = s_report_first_unknown (db,
                                    "SELECT u FROM unnest ($1::text[]) WITH ORDINALITY AS x (u, i) "
                                    "WHERE u NOT IN (SELECT id FROM ref.branches) ORDER BY i LIMIT 1",
                                    1, (const char *const[]){ branches }, name, sizeof name);
        if (u > 0) {
            PGresult *known = db_exec (db,
                                       "SELECT coalesce (string_agg (id, ', ' ORDER BY id), 'none loaded') "
                                       "FROM ref.branches",
                                       0, NULL);
            fprintf (stderr, "kefuctl report: --branch: unknown branch \"%s\" (expected one of: %s)\n", name,
                     known && PQntuples (known) ? PQgetvalue (known, 0, 0) : "?");
            PQclear (known);
        }
    }
    if (u == 0 && clocks) {
        u = s_report_first_unknown (
            db,
            "SELECT u FROM unnest ($1::text[]) WITH ORDINALITY AS x (u, i) "
            "WHERE u <> ALL ($2::text[]) AND NOT EXISTS "
            "(SELECT 1 FROM dispatch.sla_clocks c WHERE c.clock = u) ORDER BY i LIMIT 1",
            2, (const char *const[]){ clocks, builtin }, name, sizeof name);
        if (u > 0) {
            fprintf (stderr, "kefuctl report: --clock: unknown clock \"%s\" (expected one of:", name);
            for (int i = 0; sla_builtin_clocks[i]; i++)
                fprintf (stderr, "%s %s", i ? "," : "", sla_builtin_clocks[i]);
            fputs (", or a clock of your own in sla.yaml that has started at least once)\n", stderr);
        }
    }
    return u == 0 ? KCTL_OK : u > 0 ? KCTL_USAGE : KCTL_FAILED;
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
static void s_report_span_cell (const PGresult *res, int r, int col, char *out, size_t size)
{
    if (PQgetisnull (res, r, col))
        snprintf (out, size, "-");
    else
        rfmt_span (strtoll (PQgetvalue (res, r, col), NULL, 10), out, size);
}

/*  The row of clock `clock` for the branch whose rows start at `first`, or -1. */
static int s_report_find (const PGresult *res, int first, const char *clock)
{
    for (int r = first; r < PQntuples (res)
                        && strcmp (PQgetvalue (res, r, R_BRANCH), PQgetvalue (res, first, R_BRANCH)) == 0;
         r++)
        if (!PQgetisnull (res, r, R_CLOCK) && strcmp (PQgetvalue (res, r, R_CLOCK), clock) == 0)
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
static void s_report_headline (const report_args_t *a, const PGresult *res)
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
    for (int r = 0; r < PQntuples (res); r++) {
        if (r > 0 && strcmp (PQgetvalue (res, r, R_BRANCH), PQgetvalue (res, r - 1, R_BRANCH)) == 0)
            continue;
        char cells[6][48];
        const char *row[8] = { PQgetvalue (res, r, R_BRANCH), PQgetvalue (res, r, R_NAME) };
        for (int i = 0; i < nwhich; i++) {
            int f = s_report_find (res, r, clocks[which[i]]);
            if (f < 0) {
                for (int j = 0; j < 3; j++)
                    snprintf (cells[i * 3 + j], sizeof cells[0], "-");
            }
            else {
                s_report_share_cell (PQgetvalue (res, f, R_MET), PQgetvalue (res, f, R_BREACHED),
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
static int s_report_table (const report_args_t *a, const PGresult *res, bool uniform, bool any)
{
    /* the default month can differ between time zones (on the 1st, east of the date line first) */
    if (a->from || (uniform && PQntuples (res) > 0))
        printf ("SLA compliance: clocks started from %s 00:00 to %s 00:00, each branch's local time\n\n",
                a->from ? a->from : PQgetvalue (res, 0, R_FROM), a->to ? a->to : PQgetvalue (res, 0, R_TO));
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
    for (int r = 0; r < PQntuples (res); r++) {
        if (PQgetisnull (res, r, R_CLOCK))
            continue;
        char share[16], p50[48], p90[48];
        s_report_share_cell (PQgetvalue (res, r, R_MET), PQgetvalue (res, r, R_BREACHED), share,
                             sizeof share);
        s_report_span_cell (res, r, R_P50, p50, sizeof p50);
        s_report_span_cell (res, r, R_P90, p90, sizeof p90);
        const char *row[] = { PQgetvalue (res, r, R_BRANCH),
                              PQgetvalue (res, r, R_CLOCK),
                              PQgetvalue (res, r, R_N),
                              PQgetvalue (res, r, R_MET),
                              PQgetvalue (res, r, R_BREACHED),
                              PQgetvalue (res, r, R_OPEN),
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
static int s_report_csv (const PGresult *res)
{
    static const char *const header[] = { "branch",         "branch_name", "clock",    "from", "to",
                                          "clocks",         "met",         "breached", "open", "met_percent",
                                          "median_seconds", "p90_seconds" };
    rfmt_csv_row (stdout, 12, header);
    for (int r = 0; r < PQntuples (res); r++) {
        if (PQgetisnull (res, r, R_CLOCK))
            continue;
        char share[16];
        s_report_share (PQgetvalue (res, r, R_MET), PQgetvalue (res, r, R_BREACHED), share, sizeof share);
        static const int cols[] = { R_BRANCH, R_NAME, R_CLOCK, R_FROM, R_TO, R_N, R_MET, R_BREACHED, R_OPEN };
        const char *row[12];
        for (int c = 0; c < 9; c++)
            row[c] = PQgetvalue (res, r, cols[c]);
        row[9] = share;
        row[10] = PQgetvalue (res, r, R_P50); /* "" when NULL */
        row[11] = PQgetvalue (res, r, R_P90);
        rfmt_csv_row (stdout, 12, row);
    }
    return ferror (stdout) ? -1 : 0;
}

/*  The rows as a JSON array of objects. Returns 0 or -1. */
static int s_report_json (const PGresult *res)
{
    cJSON *list = cJSON_CreateArray ();
    if (!list)
        return -1;
    int rc = -1;
    for (int r = 0; r < PQntuples (res); r++) {
        if (PQgetisnull (res, r, R_CLOCK))
            continue;
        cJSON *o = cJSON_CreateObject ();
        if (!o || !cJSON_AddItemToArray (list, o))
            goto cleanup;
        static const char *const text_keys[] = { "branch", "branch_name", "from", "to", "clock" };
        for (int c = R_BRANCH; c <= R_CLOCK; c++)
            cJSON_AddStringToObject (o, text_keys[c], PQgetvalue (res, r, c));
        static const char *const count_keys[] = { "clocks", "met", "breached", "open" };
        for (int c = R_N; c <= R_OPEN; c++)
            cJSON_AddNumberToObject (o, count_keys[c - R_N],
                                     (double) strtoll (PQgetvalue (res, r, c), NULL, 10));
        char share[16];
        s_report_share (PQgetvalue (res, r, R_MET), PQgetvalue (res, r, R_BREACHED), share, sizeof share);
        if (*share)
            cJSON_AddNumberToObject (o, "met_percent", strtod (share, NULL));
        else
            cJSON_AddNullToObject (o, "met_percent");
        static const char *const span_keys[] = { "median_seconds", "p90_seconds" };
        for (int c = R_P50; c <= R_P90; c++)
            if (PQgetisnull (res, r, c))
                cJSON_AddNullToObject (o, span_keys[c - R_P50]);
            else
                cJSON_AddNumberToObject (o, span_keys[c - R_P50],
                                         (double) strtoll (PQgetvalue (res, r, c), NULL, 10));
    }
    rc = kctl_print_json (list);
cleanup:
    cJSON_Delete (list);
    return rc;
}

/*  Validates the names against the database and runs the report. Returns
 *  a KCTL_ exit code. */
static int s_report_run (kctl_t *k, db_t *db, const report_args_t *a)
{
    bool oom = false;
    char *branches = s_report_pg_array (a->branches, a->n_branches, &oom);
    char *clocks = s_report_pg_array (a->clocks, a->n_clocks, &oom);
    int n_builtin = 0;
    while (sla_builtin_clocks[n_builtin])
        n_builtin++;
    char *builtin = s_report_pg_array (sla_builtin_clocks, n_builtin, &oom);
    PGresult *res = NULL;
    int rc = KCTL_FAILED;
    if (oom) {
        fputs ("kefuctl report: out of memory\n", stderr);
        goto cleanup;
    }
    if ((rc = s_report_check_names (db, branches, clocks, builtin)) != KCTL_OK)
        goto cleanup;
    rc = KCTL_FAILED;
    char now[32];
    snprintf (now, sizeof now, "%" PRId64, clock_now_us ());
    const char *params[] = { now, a->from, a->to, branches, clocks, builtin };
    if (!(res = db_exec (db, s_report_sql, 6, params))) {
        fprintf (stderr, "kefuctl report: %s\n", db_error (db));
        goto cleanup;
    }
    bool uniform = true, any = false;
    for (int r = 0; r < PQntuples (res); r++) {
        uniform = uniform && strcmp (PQgetvalue (res, r, R_FROM), PQgetvalue (res, 0, R_FROM)) == 0
                  && strcmp (PQgetvalue (res, r, R_TO), PQgetvalue (res, 0, R_TO)) == 0;
        any = any || !PQgetisnull (res, r, R_CLOCK);
    }
    int out = k->json  ? s_report_json (res)
              : a->csv ? s_report_csv (res)
                       : s_report_table (a, res, uniform, any);
    fflush (stdout);
    rc = out == 0 && !ferror (stdout) ? KCTL_OK : KCTL_FAILED;
cleanup:
    PQclear (res);
    free (branches);
    free (clocks);
    free (builtin);
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
    char role[128];
    snprintf (role, sizeof role, "%sdispatch", k->cfg->db_role_prefix ? k->cfg->db_role_prefix : "kefu_");
    db_t *db = kctl_db_connect (k, "report", role);
    if (!db) {
        rc = KCTL_FAILED;
        goto cleanup;
    }
    rc = s_report_run (k, db, &a);
    db_destroy (&db);
cleanup:
    s_report_args_free (&a);
    free (rest);
    return rc;
}
