/*  cmd_clocks — `kefuctl clocks ID`: a ticket's SLA clocks as the dispatcher
 *  keeps them (dispatch.sla_clocks): policy, target, state, due instant in
 *  the branch's time zone, the business (or calendar) time remaining — or
 *  overdue — now, whether it is on track, at risk or breached, and the
 *  escalation level reached.
 *
 *  Reads as the dispatcher's role, like `due`; "now" is clock_now_us(), so
 *  KEFU_CLOCK_FILE moves it in tests.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "time/branch_cal.h"
#include "base/clock.h"
#include "base/json.h"
#include "kctl.h"
#include "table.h"
#include "model/sla_clock.h"

#define CLOCKS_US INT64_C (1000000)

static const char s_clocks_usage[] =
    "usage: kefuctl clocks TICKET_ID [--json]\n"
    "  The ticket's SLA clocks: clock, policy, target, state, due (branch time),\n"
    "  remaining (business or calendar time; negative = overdue), status\n"
    "  (on track / at risk / breached) and the escalation level reached.\n";

static const char s_clocks_sql[] =
    "SELECT clock, policy, target_kind, target_amount, time_kind, state, branch_id, "
    DB_EPOCH_US ("due_at") ", " DB_EPOCH_US ("warn_at") ", remaining_us, level, " DB_EPOCH_US ("stopped_at") ", "
    "breached_at IS NOT NULL "
    "FROM dispatch.sla_clocks WHERE ticket_id = $1::bigint ORDER BY id";

enum { C_CLOCK, C_POLICY, C_KIND, C_AMOUNT, C_TIME, C_STATE, C_BRANCH, C_DUE, C_WARN, C_REMAIN, C_LEVEL,
       C_STOPPED, C_BREACHED };

/*  "1 h business", "90 min calendar", "3 working days". */
static void s_target (const char *kind, const char *amount, const char *time, char *out, size_t size)
{
    long n = strtol (amount, NULL, 10);
    if (strcmp (kind, "working_days") == 0)
        snprintf (out, size, "%ld working day%s", n, n == 1 ? "" : "s");
    else if (n % 60 == 0)
        snprintf (out, size, "%ld h %s", n / 60, time);
    else
        snprintf (out, size, "%ld min %s", n, time);
}

/*  "2 h 05 min", "-0 h 12 min" (overdue). */
static void s_span (int64_t us, char *out, size_t size)
{
    int64_t m = (us < 0 ? -us : us) / (60 * CLOCKS_US);
    snprintf (out, size, "%s%" PRId64 " h %02" PRId64 " min", us < 0 ? "-" : "", m / 60, m % 60);
}

/*  Remaining time of a running clock from now to due, in its own kind of
 *  time. Returns 0, or -1 with the reason in err. */
static int s_remaining (const cal_t *cal, const char *time, int64_t now, int64_t due, int64_t *out, char *err,
                        size_t errsize)
{
    if (strcmp (time, "calendar") == 0) {
        *out = due - now;
        return 0;
    }
    return cal_business_us (cal, now, due, out, err, errsize);
}

/*  The ticket's warnings and escalations with their ids, for
 *  `kefuctl event ID escalation_acknowledged --escalation N`. Prints
 *  nothing when there are none. Returns 0, or -1 after printing why. */
static int s_print_escalations (db_t *db, const char *id, const cal_t *cal)
{
    const char *params[] = { id };
    PGresult *res = db_exec (db,
                             "SELECT e.id::text, c.clock, e.kind, e.level, e.recipient_name, "
                             DB_EPOCH_US ("e.at") ", COALESCE (e.acknowledged_by, ''), "
                             DB_EPOCH_US ("e.acknowledged_at") " FROM dispatch.escalations e "
                             "JOIN dispatch.sla_clocks c ON c.id = e.clock_id "
                             "WHERE e.ticket_id = $1::bigint ORDER BY e.id",
                             1, params);
    if (!res) {
        fprintf (stderr, "kefuctl clocks: escalations: %s\n", db_error (db));
        return -1;
    }
    static const char *const headers[] = { "escalation", "clock", "kind", "level", "to", "at",
                                           "acknowledged by", "acknowledged at" };
    tbl_t *tbl = PQntuples (res) > 0 ? tbl_new (8, headers) : NULL;
    for (int r = 0; tbl && r < PQntuples (res); r++) {
        char at[64] = "", ack_at[64] = "", iso[40];
        kctl_local_time (cal_tz (cal), strtoll (PQgetvalue (res, r, 5), NULL, 10), at, sizeof at, iso, sizeof iso);
        if (!PQgetisnull (res, r, 7))
            kctl_local_time (cal_tz (cal), strtoll (PQgetvalue (res, r, 7), NULL, 10), ack_at, sizeof ack_at, iso,
                             sizeof iso);
        const char *row[] = { PQgetvalue (res, r, 0), PQgetvalue (res, r, 1), PQgetvalue (res, r, 2),
                              PQgetvalue (res, r, 3), PQgetvalue (res, r, 4), at, PQgetvalue (res, r, 6), ack_at };
        tbl_add_row (tbl, row);
    }
    if (tbl) {
        printf ("\n");
        tbl_print (tbl, stdout);
    }
    tbl_destroy (&tbl);
    PQclear (res);
    return 0;
}

int cmd_clocks (kctl_t *k, int argc, char **argv)
{
    const args_spec_t spec[] = { { NULL, false, NULL, NULL } };
    const char *pos[1] = { NULL };
    int npos = 0;
    if (args_parse ("clocks", KCTL_SPECS (k, spec), argc, argv, pos, 1, &npos) != 0)
        return KCTL_USAGE;
    if (k->help) {
        fputs (s_clocks_usage, stdout);
        return KCTL_OK;
    }
    int64_t ticket;
    if (npos != 1) {
        fputs ("kefuctl clocks: expected one ticket id (kefuctl clocks 42)\n", stderr);
        return KCTL_USAGE;
    }
    if (args_int ("clocks", "ticket id", pos[0], 1, INT64_C (9007199254740991), &ticket) != 0
        || kctl_setup (k, "clocks") != 0)
        return KCTL_USAGE;
    char role[128], id[32];
    snprintf (role, sizeof role, "%sdispatch", k->cfg->db_role_prefix ? k->cfg->db_role_prefix : "kefu_");
    snprintf (id, sizeof id, "%" PRId64, ticket);
    db_t *db = kctl_db_connect (k, "clocks", role);
    if (!db)
        return KCTL_FAILED;
    int rc = KCTL_FAILED;
    cal_t *cal = NULL;
    cJSON *list = NULL;
    tbl_t *tbl = NULL;
    const char *params[] = { id };
    PGresult *res = db_exec (db, s_clocks_sql, 1, params);
    if (!res) {
        fprintf (stderr, "kefuctl clocks: %s\n", db_error (db));
        goto cleanup;
    }
    if (PQntuples (res) == 0) {
        fprintf (stderr, "kefuctl clocks: ticket %s has no SLA clocks (unknown ticket, closed at intake, "
                         "or no policy matched it)\n", id);
        goto cleanup;
    }
    char err[512] = "";
    if (!(cal = bcal_load (db, PQgetvalue (res, 0, C_BRANCH), err, sizeof err))) {
        fprintf (stderr, "kefuctl clocks: branch %s's calendar: %s\n", PQgetvalue (res, 0, C_BRANCH), err);
        goto cleanup;
    }
    static const char *const headers[] = { "clock", "policy", "target", "state", "due", "remaining", "status",
                                           "level" };
    list = cJSON_CreateArray ();
    tbl = tbl_new (8, headers);
    if (!list || !tbl)
        goto cleanup;
    int64_t now = clock_now_us ();
    for (int r = 0; r < PQntuples (res); r++) {
        const char *state = PQgetvalue (res, r, C_STATE), *time = PQgetvalue (res, r, C_TIME);
        char target[64], due_h[64] = "", due_iso[40] = "", remain[40] = "", status[16] = "";
        s_target (PQgetvalue (res, r, C_KIND), PQgetvalue (res, r, C_AMOUNT), time, target, sizeof target);
        bool has_due = !PQgetisnull (res, r, C_DUE);
        int64_t due = has_due ? strtoll (PQgetvalue (res, r, C_DUE), NULL, 10) : 0;
        int64_t left = 0;
        bool has_left = false;
        if (has_due)
            kctl_local_time (cal_tz (cal), due, due_h, sizeof due_h, due_iso, sizeof due_iso);
        if (strcmp (state, CLOCK_S_RUNNING) == 0 && has_due) {
            if (s_remaining (cal, time, now, due, &left, err, sizeof err) != 0) {
                fprintf (stderr, "kefuctl clocks: %s\n", err);
                goto cleanup;
            }
            has_left = true;
            int64_t warn = strtoll (PQgetvalue (res, r, C_WARN), NULL, 10);
            snprintf (status, sizeof status, "%s", now >= due ? "breached" : now >= warn ? "at risk" : "on track");
        }
        else if (strcmp (state, CLOCK_S_PAUSED) == 0 && !PQgetisnull (res, r, C_REMAIN)) {
            left = strtoll (PQgetvalue (res, r, C_REMAIN), NULL, 10);
            has_left = true;
            snprintf (status, sizeof status, "paused");
        }
        else if (strcmp (state, CLOCK_S_STOPPED) == 0)
            snprintf (status, sizeof status, "%s",
                      strcmp (PQgetvalue (res, r, C_BREACHED), "t") == 0 ? "breached" : "met");
        if (has_left)
            s_span (left, remain, sizeof remain);
        const char *level = PQgetisnull (res, r, C_LEVEL) ? "" : PQgetvalue (res, r, C_LEVEL);
        const char *row[] = { PQgetvalue (res, r, C_CLOCK), PQgetvalue (res, r, C_POLICY), target, state,
                              due_h, remain, status, level };
        tbl_add_row (tbl, row);
        cJSON *o = cJSON_CreateObject ();
        if (!o || !cJSON_AddItemToArray (list, o))
            goto cleanup;
        cJSON_AddStringToObject (o, "clock", row[0]);
        cJSON_AddStringToObject (o, "policy", row[1]);
        cJSON_AddStringToObject (o, "target", target);
        cJSON_AddStringToObject (o, "state", state);
        if (has_due)
            cJSON_AddStringToObject (o, "due", due_iso);
        else
            cJSON_AddNullToObject (o, "due");
        if (has_left)
            cJSON_AddNumberToObject (o, "remaining_seconds", (double) (left / CLOCKS_US));
        else
            cJSON_AddNullToObject (o, "remaining_seconds");
        cJSON_AddStringToObject (o, "status", status);
        if (*level)
            cJSON_AddStringToObject (o, "level", level);
        else
            cJSON_AddNullToObject (o, "level");
    }
    if (k->json) {
        char *text = json_print (list);
        if (!text)
            goto cleanup;
        printf ("%s\n", text);
        free (text);
    }
    else {
        tbl_print (tbl, stdout);
        if (s_print_escalations (db, id, cal) != 0)
            goto cleanup;
    }
    rc = KCTL_OK;
cleanup:
    if (res)
        PQclear (res);
    cJSON_Delete (list);
    tbl_destroy (&tbl);
    cal_destroy (&cal);
    db_destroy (&db);
    return rc;
}
