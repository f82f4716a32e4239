/*  cmd_callback_report — `kefuctl callback coverage` and `kefuctl callback
 *  satisfaction` (docs/callback.md "Reports"): the callback service counts,
 *  this file checks the options and lays out the answer as a table for
 *  people, --json (the request's result) for scripts, or --csv (RFC 4180,
 *  one header line) for reports.
 *
 *  The period [from, to) is given as dates (midnight UTC) or RFC 3339
 *  instants (midnight in the branch's zone: 2026-11-01T00:00:00+08:00);
 *  the default is the current calendar month in UTC, "now" being kefuctl's
 *  clock (KEFU_CLOCK_FILE when set).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/json.h"
#include "cmd_callback.h"
#include "report_fmt.h"
#include "table.h"
#include "time/tz.h"

static const char s_coverage_usage[] =
    "usage: kefuctl callback coverage [--branch B] [--from D --to D] [--csv | --json]\n"
    "  Every ticket resolved or closed in [from, to), per branch: finished, recorded,\n"
    "  unreachable, still due, cancelled, missing, recorded %, then each ticket without\n"
    "  a recorded callback and why (the 100 % rule).\n"
    "  --from, --to  YYYY-MM-DD (midnight UTC) or an RFC 3339 instant; both or neither\n"
    "                (default: the current month, UTC)\n"
    "  --csv         RFC 4180 CSV: one row per branch, then one per ticket without\n";

static const char s_satisfaction_usage[] =
    "usage: kefuctl callback satisfaction --by branch|agent|technician [--branch B] [--from D --to D]\n"
    "                                     [--csv | --json]\n"
    "  Customers reached by callbacks recorded in [from, to): satisfied, neutral,\n"
    "  dissatisfied, and satisfied % = satisfied / reached, per branch, per agent who\n"
    "  recorded them, or per technician whose work was called about.\n";

static const char *const s_by[] = { "branch", "agent", "technician", NULL };

typedef struct {
    const char *branch, *from, *to, *by;
    bool csv;
} cbr_args_t;

/*  A --from/--to value as RFC 3339 into out. Returns 0 or -1 (printed). */
static int s_instant (const char *cmd, const char *opt, const char *text, char *out, size_t size)
{
    int64_t days, us;
    if (rfmt_parse_date (text, &days) == 0) {
        snprintf (out, size, "%sT00:00:00Z", text);
        return 0;
    }
    if (strlen (text) < 40 && clock_parse_rfc3339 (text, &us) == 0) {
        snprintf (out, size, "%s", text);
        return 0;
    }
    fprintf (stderr, "kefuctl %s: %s: \"%s\" is not a date (expected YYYY-MM-DD, or an RFC 3339 instant such "
                     "as 2026-11-01T00:00:00+08:00)\n", cmd, opt, text);
    return -1;
}

/*  The request body: the period, the branch, the grouping. NULL after printing. */
static cJSON *s_body (kctl_t *k, const char *cmd, const cbr_args_t *a)
{
    char from[48], to[48];
    if (a->csv && k->json) {
        fprintf (stderr, "kefuctl %s: --csv and --json exclude each other (choose one output)\n", cmd);
        return NULL;
    }
    if (!a->from != !a->to) {
        fprintf (stderr, "kefuctl %s: %s without %s (give both ends of the period [from, to), or neither for the "
                         "current month)\n", cmd, a->from ? "--from" : "--to", a->from ? "--to" : "--from");
        return NULL;
    }
    if (a->from) {
        int64_t f, t;
        if (s_instant (cmd, "--from", a->from, from, sizeof from) != 0
            || s_instant (cmd, "--to", a->to, to, sizeof to) != 0)
            return NULL;
        if (clock_parse_rfc3339 (from, &f) != 0 || clock_parse_rfc3339 (to, &t) != 0 || f >= t) {
            fprintf (stderr, "kefuctl %s: --from %s is not before --to %s\n", cmd, a->from, a->to);
            return NULL;
        }
    }
    else {
        int64_t now = clock_now_us (), day_us = INT64_C (86400000000);
        int y, m, d;
        tz_civil_from_days (now / day_us - (now % day_us < 0), &y, &m, &d);
        snprintf (from, sizeof from, "%04d-%02d-01T00:00:00Z", y, m);
        snprintf (to, sizeof to, "%04d-%02d-01T00:00:00Z", m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1);
    }
    if ((a->branch && args_text (cmd, "--branch", a->branch, 64) != 0)
        || (a->by && args_enum (cmd, "--by", a->by, s_by) < 0))
        return NULL;
    cJSON *body = cJSON_CreateObject ();
    if (!body || !cJSON_AddStringToObject (body, "from", from) || !cJSON_AddStringToObject (body, "to", to)
        || (a->branch && !cJSON_AddStringToObject (body, "branch", a->branch))
        || (a->by && !cJSON_AddStringToObject (body, "by", a->by))) {
        fprintf (stderr, "kefuctl %s: out of memory\n", cmd);
        cJSON_Delete (body);
        return NULL;
    }
    return body;
}

/*  A number of a result object as text ("12", "87.5"). */
static const char *s_num (const cJSON *o, const char *key, char *out, size_t size)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive (o, key);
    if (!cJSON_IsNumber (v))
        snprintf (out, size, "%s", "");
    else if (v->valuedouble == (double) (int64_t) v->valuedouble)
        snprintf (out, size, "%" PRId64, (int64_t) v->valuedouble);
    else
        snprintf (out, size, "%.1f", v->valuedouble);
    return out;
}

/*  Rows of objects as a table (people) or CSV lines (reports): the listed
 *  keys, text as it is and numbers as s_num gives them. */
static void s_rows (const cJSON *list, int n, const char *const *keys, const char *const *headers, bool csv)
{
    tbl_t *tbl = csv ? NULL : tbl_new (n, headers);
    if (csv)
        rfmt_csv_row (stdout, n, keys);
    else if (!tbl)
        return;
    const cJSON *o;
    cJSON_ArrayForEach (o, list)
    {
        char cells[16][64];
        const char *row[16];
        for (int c = 0; c < n && c < 16; c++) {
            const cJSON *v = cJSON_GetObjectItemCaseSensitive (o, keys[c]);
            row[c] = cJSON_IsString (v) ? v->valuestring : s_num (o, keys[c], cells[c], sizeof cells[c]);
        }
        if (csv)
            rfmt_csv_row (stdout, n, row);
        else
            tbl_add_row (tbl, row);
    }
    if (tbl)
        tbl_print (tbl, stdout);
    tbl_destroy (&tbl);
}

/*  Asks, then prints as --json, --csv or tables. Returns the exit code. */
static int s_run (kctl_t *k, const char *cmd, const char *request, cJSON *body, bool csv,
                  void (*print) (const cJSON *, bool))
{
    cJSON *result = NULL;
    int rc = KCTL_FAILED;
    if (kctl_ask (k, cmd, CFG_SVC_CALLBACK, request, body, &result) == 0) {
        if (k->json)
            rc = kctl_print_json (result);
        else {
            print (result, csv);
            rc = KCTL_OK;
        }
        fflush (stdout);
        rc = rc == 0 && !ferror (stdout) ? KCTL_OK : KCTL_FAILED;
    }
    cJSON_Delete (body);
    cJSON_Delete (result);
    return rc;
}

static void s_print_coverage (const cJSON *r, bool csv)
{
    static const char *const keys[] = { "branch", "finished", "recorded", "unreachable", "due", "cancelled",
                                        "missing", "recorded_pct" };
    static const char *const heads[] = { "branch", "finished", "recorded", "unreachable", "still due",
                                         "cancelled", "missing", "recorded %" };
    static const char *const wkeys[] = { "branch", "ticket_id", "callback_id", "due_at", "reason" };
    static const char *const wheads[] = { "branch", "ticket", "callback", "due", "why no recorded callback" };
    const cJSON *branches = cJSON_GetObjectItemCaseSensitive (r, "branches");
    const cJSON *without = cJSON_GetObjectItemCaseSensitive (r, "without");
    if (csv) {
        s_rows (branches, 8, keys, keys, true);
        if (cJSON_GetArraySize (without) > 0) {
            fputs ("\r\n", stdout);
            s_rows (without, 5, wkeys, wkeys, true);
        }
        return;
    }
    printf ("callback coverage: tickets finished from %s to %s\n\n", json_str (r, "from", ""), json_str (r, "to", ""));
    if (cJSON_GetArraySize (branches) == 0) {
        printf ("no tickets finished in this period\n");
        return;
    }
    s_rows (branches, 8, keys, heads, false);
    if (cJSON_GetArraySize (without) > 0) {
        printf ("\n");
        s_rows (without, 5, wkeys, wheads, false);
    }
}

static void s_print_satisfaction (const cJSON *r, bool csv)
{
    static const char *const keys[] = { "branch", "key", "reached", "satisfied", "neutral", "dissatisfied",
                                        "rate_pct" };
    const char *by = json_str (r, "by", "branch");
    const char *heads[] = { "branch", by, "reached", "satisfied", "neutral", "dissatisfied", "satisfied %" };
    const cJSON *rows = cJSON_GetObjectItemCaseSensitive (r, "rows");
    if (csv) {
        s_rows (rows, 7, keys, keys, true);
        return;
    }
    printf ("callback satisfaction by %s: recorded from %s to %s\n\n", by, json_str (r, "from", ""),
            json_str (r, "to", ""));
    if (cJSON_GetArraySize (rows) == 0)
        printf ("no customer reached in this period\n");
    else
        s_rows (rows, 7, keys, heads, false);
}

/*  The options both reports take; by is satisfaction's. */
static int s_parse (kctl_t *k, const char *cmd, int argc, char **argv, cbr_args_t *a, bool with_by)
{
    const args_spec_t spec[] = { { "branch", true, &a->branch, NULL }, { "from", true, &a->from, NULL },
                                 { "to", true, &a->to, NULL },         { "csv", false, NULL, &a->csv },
                                 { with_by ? "by" : NULL, true, &a->by, NULL }, { NULL, false, NULL, NULL } };
    int npos = 0;
    return args_parse (cmd, KCTL_SPECS (k, spec), argc, argv, NULL, 0, &npos);
}

int cmd_callback_coverage (kctl_t *k, int argc, char **argv)
{
    const char *cmd = "callback coverage";
    cbr_args_t a = { 0 };
    if (s_parse (k, cmd, argc, argv, &a, false) != 0)
        return KCTL_USAGE;
    if (k->help) {
        fputs (s_coverage_usage, stdout);
        return KCTL_OK;
    }
    cJSON *body = s_body (k, cmd, &a);
    if (!body || kctl_setup (k, cmd) != 0) {
        cJSON_Delete (body);
        return KCTL_USAGE;
    }
    return s_run (k, cmd, "callback.coverage", body, a.csv, s_print_coverage);
}

int cmd_callback_satisfaction (kctl_t *k, int argc, char **argv)
{
    const char *cmd = "callback satisfaction";
    cbr_args_t a = { 0 };
    if (s_parse (k, cmd, argc, argv, &a, true) != 0)
        return KCTL_USAGE;
    if (k->help) {
        fputs (s_satisfaction_usage, stdout);
        return KCTL_OK;
    }
    if (!a.by) {
        fprintf (stderr, "kefuctl %s: --by is missing (branch, agent or technician)\n", cmd);
        return KCTL_USAGE;
    }
    cJSON *body = s_body (k, cmd, &a);
    if (!body || kctl_setup (k, cmd) != 0) {
        cJSON_Delete (body);
        return KCTL_USAGE;
    }
    return s_run (k, cmd, "callback.satisfaction", body, a.csv, s_print_satisfaction);
}
