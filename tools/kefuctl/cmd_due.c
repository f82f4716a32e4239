/*  cmd_due — `kefuctl due`: "a promise of N business hours made now (or at
 *  time T) for branch B — when is it due?", answered by the dispatcher
 *  (request sla.due on services.dispatch.api) from the branch's calendar
 *  as the database holds it (common/time/branch_cal.h): its time zone,
 *  weekly hours, public holidays and make-up working days — the same
 *  arithmetic its SLA engine computes deadlines with. "Now" is the
 *  dispatcher's clock. This file checks the options and shows the answer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/json.h"
#include "kctl.h"

#define DUE_US INT64_C (1000000)

static const char s_due_usage[] =
    "usage: kefuctl due --branch B (--hours N | --minutes N | --working-days N) [--at TIME] [--calendar-time]\n"
    "  When is a promise made now (or at --at) for branch B due, in the branch's business time?\n"
    "  --branch B          a branch id of the organisation (SH01)\n"
    "  --hours N           N hours (1 to 8760)\n"
    "  --minutes N         N minutes (1 to 525600)\n"
    "  --working-days N    the end of the N-th working day after the start day (1 to 365)\n"
    "  --at TIME           when the promise is made, RFC 3339 with an offset\n"
    "                      (2025-01-27T16:00:00+08:00); default now\n"
    "  --calendar-time     count --hours/--minutes around the clock instead of in working hours\n"
    "  --json              {\"branch\", \"start\", \"due\", \"due_local\", \"business_seconds\", ...}\n";

typedef enum { DUE_MINUTES, DUE_WORKING_DAYS } due_unit_t;

typedef struct {
    const char *branch, *hours, *minutes, *days, *at;
    bool calendar_time;
    due_unit_t unit;
    int64_t amount;     /* minutes, or working days */
    int64_t written;    /* the number as given (hours, minutes or days) */
    const char *word;   /* "hour", "minute", "working day" */
    int64_t start_us;
} due_args_t;

/*  "2025-02-05T02:00:00Z" (seconds, truncated). */
static void s_due_utc (int64_t us, char *out, size_t size)
{
    tz_civil_t c;
    int64_t s = us >= 0 ? us / DUE_US : -((-us + DUE_US - 1) / DUE_US);
    int64_t days = s >= 0 ? s / 86400 : -((-s + 86399) / 86400);
    int64_t rest = s - days * 86400;
    tz_civil_from_days (days, &c.year, &c.month, &c.day);
    snprintf (out, size, "%04d-%02d-%02dT%02d:%02d:%02dZ", c.year, c.month, c.day, (int) (rest / 3600),
              (int) (rest % 3600 / 60), (int) (rest % 60));
}

void kctl_local_time (const tz_t *tz, int64_t us, char *human, size_t hsize, char *iso, size_t isize)
{
    tz_civil_t c;
    tz_utc_to_local (tz, us, &c);
    char secs[8] = "";
    if (c.second)
        snprintf (secs, sizeof secs, ":%02d", c.second);
    snprintf (human, hsize, "%04d-%02d-%02d %02d:%02d%s %s", c.year, c.month, c.day, c.hour, c.minute, secs,
              tz_abbr_at (tz, us));
    int off = tz_offset_at (tz, us), a = off < 0 ? -off : off;
    snprintf (iso, isize, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", c.year, c.month, c.day, c.hour, c.minute,
              c.second, off < 0 ? '-' : '+', a / 3600, a % 3600 / 60);
}

/*  Checks the options. Returns 0, or -1 after printing the reason. */
static int s_due_check (due_args_t *a)
{
    if (!a->branch) {
        fputs ("kefuctl due: --branch is missing (the branch id, e.g. --branch SH01)\n", stderr);
        return -1;
    }
    if (args_text ("due", "--branch", a->branch, 64) != 0)
        return -1;
    int given = !!a->hours + !!a->minutes + !!a->days;
    if (given != 1) {
        fprintf (stderr, "kefuctl due: %s (expected exactly one of --hours N, --minutes N or --working-days N)\n",
                 given ? "more than one amount given" : "the amount is missing");
        return -1;
    }
    if (a->hours) {
        if (args_int ("due", "--hours", a->hours, 1, 8760, &a->written) != 0)
            return -1;
        a->unit = DUE_MINUTES, a->amount = a->written * 60, a->word = "hour";
    }
    else if (a->minutes) {
        if (args_int ("due", "--minutes", a->minutes, 1, 525600, &a->written) != 0)
            return -1;
        a->unit = DUE_MINUTES, a->amount = a->written, a->word = "minute";
    }
    else {
        if (args_int ("due", "--working-days", a->days, 1, 365, &a->written) != 0)
            return -1;
        a->unit = DUE_WORKING_DAYS, a->amount = a->written, a->word = "working day";
        if (a->calendar_time) {
            fputs ("kefuctl due: --calendar-time counts --hours or --minutes around the clock; --working-days "
                   "are business time by definition (use --hours 72 --calendar-time for 3 calendar days)\n",
                   stderr);
            return -1;
        }
    }
    if (a->at) {
        int64_t lo = tz_days_from_civil (1900, 1, 1) * 86400 * DUE_US;
        int64_t hi = tz_days_from_civil (2999, 1, 1) * 86400 * DUE_US;
        if (clock_parse_rfc3339 (a->at, &a->start_us) != 0) {
            fprintf (stderr, "kefuctl due: --at: \"%s\" is not an RFC 3339 time with an offset (expected e.g. "
                             "2025-01-27T16:00:00+08:00 or 2025-01-27T08:00:00Z)\n", a->at);
            return -1;
        }
        if (a->start_us < lo || a->start_us >= hi) {
            fprintf (stderr, "kefuctl due: --at: %s is outside the years 1900 to 2998\n", a->at);
            return -1;
        }
    }
    return 0;
}

/*  The sla.due body of the options. NULL when out of memory. */
static cJSON *s_due_body (const due_args_t *a)
{
    cJSON *body = cJSON_CreateObject ();
    char at[40];
    bool ok = body && cJSON_AddStringToObject (body, "branch", a->branch)
              && cJSON_AddNumberToObject (body, a->unit == DUE_WORKING_DAYS ? "working_days" : "minutes",
                                          (double) a->amount)
              && (!a->calendar_time || cJSON_AddTrueToObject (body, "calendar_time"))
              && (!a->at || cJSON_AddStringToObject (body, "at", clock_format_us (a->start_us, at, sizeof at)));
    if (!ok)
        cJSON_Delete (body);
    return ok ? body : NULL;
}

/*  Warns (stderr) about each year the branch's holiday calendar has no
 *  data for, as the reply lists them. */
static void s_due_warn_years (const cJSON *result)
{
    const cJSON *year;
    const char *calendar = json_str (result, "calendar", "");
    cJSON_ArrayForEach (year, cJSON_GetObjectItemCaseSensitive (result, "missing_holiday_years"))
    {
        int y = (int) year->valuedouble;
        fprintf (stderr,
                 "kefuctl due: warning: holiday calendar \"%s\" has no data for %d: the deadline is computed "
                 "without that year's public holidays and make-up working days (add %d.yaml to the calendar "
                 "and run kefuctl admin load)\n",
                 calendar, y, y);
    }
}

/*  Shows a sla.due result. Returns a KCTL_ exit code. */
static int s_due_show (const kctl_t *k, const due_args_t *a, const cJSON *result)
{
    char err[512] = "";
    int64_t start = 0, due = 0;
    const char *zone = json_str (result, "timezone", "");
    tz_t *tz = tz_load (zone, err, sizeof err);
    if (!tz || clock_parse_rfc3339 (json_str (result, "start", ""), &start) != 0
        || clock_parse_rfc3339 (json_str (result, "due", ""), &due) != 0) {
        fprintf (stderr, "kefuctl due: malformed reply from dispatch (time zone \"%s\": %s)\n", zone,
                 tz ? "start or due unreadable" : err);
        tz_destroy (&tz);
        return KCTL_FAILED;
    }
    s_due_warn_years (result);
    char promise[96], start_utc[40], due_utc[40], start_h[64], start_iso[40], due_h[64], due_iso[40];
    const char *name = json_str (result, "branch_name", "");
    snprintf (promise, sizeof promise, "%lld %s%s%s", (long long) a->written,
              a->unit == DUE_WORKING_DAYS ? "" : a->calendar_time ? "calendar " : "business ", a->word,
              a->written == 1 ? "" : "s");
    s_due_utc (start, start_utc, sizeof start_utc);
    s_due_utc (due, due_utc, sizeof due_utc);
    kctl_local_time (tz, start, start_h, sizeof start_h, start_iso, sizeof start_iso);
    kctl_local_time (tz, due, due_h, sizeof due_h, due_iso, sizeof due_iso);
    int rc = KCTL_FAILED;
    if (k->json) {
        cJSON *out = cJSON_CreateObject ();
        bool ok = out && cJSON_AddStringToObject (out, "branch", a->branch) && cJSON_AddStringToObject (out, "branch_name", name)
                  && cJSON_AddStringToObject (out, "timezone", zone)
                  && cJSON_AddStringToObject (out, "promise", promise)
                  && cJSON_AddStringToObject (out, "start", start_utc)
                  && cJSON_AddStringToObject (out, "start_local", start_iso)
                  && cJSON_AddStringToObject (out, "due", due_utc)
                  && cJSON_AddStringToObject (out, "due_local", due_iso)
                  && cJSON_AddNumberToObject (out, "business_seconds", (double) json_int (result, "business_seconds", 0))
                  && cJSON_AddItemToObject (out, "missing_holiday_years",
                                            cJSON_Duplicate (cJSON_GetObjectItemCaseSensitive (result, "missing_holiday_years"), true));
        if (ok && kctl_print_json (out) == 0)
            rc = KCTL_OK;
        cJSON_Delete (out);
    }
    else {
        printf ("due %s (%s): %s from %s at %s%s%s\n", due_h, due_utc, promise, start_h, a->branch, *name ? " " : "",
                name);
        rc = KCTL_OK;
    }
    tz_destroy (&tz);
    return rc;
}

int cmd_due (kctl_t *k, int argc, char **argv)
{
    due_args_t a = { 0 };
    const args_spec_t spec[] = {
        { "branch", true, &a.branch, NULL },   { "hours", true, &a.hours, NULL },
        { "minutes", true, &a.minutes, NULL }, { "working-days", true, &a.days, NULL },
        { "at", true, &a.at, NULL },           { "calendar-time", false, NULL, &a.calendar_time },
        { NULL, false, NULL, NULL },
    };
    int npos = 0;
    if (args_parse ("due", KCTL_SPECS (k, spec), argc, argv, NULL, 0, &npos) != 0)
        return KCTL_USAGE;
    if (k->help) {
        fputs (s_due_usage, stdout);
        return KCTL_OK;
    }
    if (s_due_check (&a) != 0 || kctl_setup (k, "due") != 0)
        return KCTL_USAGE;

    cJSON *body = s_due_body (&a), *result = NULL;
    int rc = KCTL_FAILED;
    char err[1024] = "";
    if (!body)
        fputs ("kefuctl due: out of memory\n", stderr);
    else {
        client_opts_t opts = kctl_dispatch_opts (k, "due");
        if (client_call (&opts, "sla.due", body, &result, err, sizeof err) == CLIENT_OK)
            rc = s_due_show (k, &a, result);
        else {
            const char *why = kctl_refusal (err, "not_found", "body.branch");
            fprintf (stderr, "kefuctl due: %s\n", why ? why : err);
        }
    }
    cJSON_Delete (body);
    cJSON_Delete (result);
    return rc;
}
