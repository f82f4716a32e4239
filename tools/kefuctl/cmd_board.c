/*  cmd_board — `kefuctl board`: the SLA board of open tickets per branch.
 *  Each ticket counts once, by its worst running clock: green (on track),
 *  yellow (at risk: past the warning share) or red (breached). Below the
 *  counts, the red and yellow tickets, most overdue first. `--watch N`
 *  redraws it every N seconds until Ctrl-C.
 *
 *  Reads dispatch.sla_clocks as the dispatcher's role; "now" is
 *  clock_now_us(), so KEFU_CLOCK_FILE moves it in tests.
 */
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "db/db.h"
#include "base/json.h"
#include "kctl.h"
#include "table.h"
#include "model/sla_clock.h"

static const char s_board_usage[] =
    "usage: kefuctl board [--branch B] [--watch SECONDS] [--json]\n"
    "  Open tickets per branch by their worst running SLA clock: green (on track),\n"
    "  yellow (at risk), red (breached), then the red and yellow tickets.\n"
    "  --watch N  redraw every N seconds (1 to 3600) until Ctrl-C\n";

/* Per ticket: its worst running clock (2 red, 1 yellow, 0 green). */
static const char s_board_sql[] =
    "WITH c AS (SELECT ticket_id, branch_id, clock, level, due_at, "
    "  CASE WHEN due_at <= to_timestamp($1::bigint / 1e6) THEN 2 "
    "       WHEN warn_at <= to_timestamp($1::bigint / 1e6) THEN 1 ELSE 0 END AS colour "
    "  FROM dispatch.sla_clocks WHERE state = '" CLOCK_S_RUNNING "' AND ($2::text IS NULL OR branch_id = $2)), "
    "t AS (SELECT DISTINCT ON (ticket_id) ticket_id, branch_id, clock, level, due_at, colour "
    "  FROM c ORDER BY ticket_id, colour DESC, due_at) "
    "SELECT branch_id, colour, ticket_id, clock, coalesce(level, ''), "
    "  ((extract(epoch FROM due_at) * 1e6)::bigint - $1::bigint) / 60000000 AS minutes_left "
    "FROM t ORDER BY branch_id, colour DESC, due_at";

static volatile sig_atomic_t s_board_stop;
static void s_board_on_signal (int sig)
{
    (void) sig;
    s_board_stop = 1;
}

static const char *const s_colour_names[] = { "green", "yellow", "red" };

/*  Draws the board once. Returns 0 or -1 (reason printed). */
static int s_board_draw (kctl_t *k, db_t *db, const char *branch)
{
    char now[32];
    snprintf (now, sizeof now, "%" PRId64, clock_now_us ());
    const char *params[] = { now, branch };
    PGresult *res = db_exec (db, s_board_sql, 2, params);
    if (!res) {
        fprintf (stderr, "kefuctl board: %s\n", db_error (db));
        return -1;
    }
    int rc = -1;
    static const char *const sum_h[] = { "branch", "green", "yellow", "red" };
    static const char *const list_h[] = { "colour", "branch", "ticket", "worst clock", "overdue / left", "level" };
    tbl_t *sums = tbl_new (4, sum_h), *list = tbl_new (6, list_h);
    cJSON *json = cJSON_CreateObject (), *branches = json ? cJSON_AddObjectToObject (json, "branches") : NULL;
    cJSON *tickets = json ? cJSON_AddArrayToObject (json, "tickets") : NULL;
    if (!sums || !list || !branches || !tickets)
        goto cleanup;
    int counts[3] = { 0, 0, 0 };
    for (int r = 0; r <= PQntuples (res); r++) {
        bool last = r == PQntuples (res);
        /* flush a branch's counts when the branch changes */
        if (r > 0 && (last || strcmp (PQgetvalue (res, r, 0), PQgetvalue (res, r - 1, 0)) != 0)) {
            const char *b = PQgetvalue (res, r - 1, 0);
            char g[16], y[16], d[16];
            snprintf (g, sizeof g, "%d", counts[0]);
            snprintf (y, sizeof y, "%d", counts[1]);
            snprintf (d, sizeof d, "%d", counts[2]);
            const char *row[] = { b, g, y, d };
            tbl_add_row (sums, row);
            cJSON *o = cJSON_AddObjectToObject (branches, b);
            if (o) {
                cJSON_AddNumberToObject (o, "green", counts[0]);
                cJSON_AddNumberToObject (o, "yellow", counts[1]);
                cJSON_AddNumberToObject (o, "red", counts[2]);
            }
            counts[0] = counts[1] = counts[2] = 0;
        }
        if (last)
            break;
        int colour = atoi (PQgetvalue (res, r, 1));
        if (colour < 0 || colour > 2)
            colour = 0;
        counts[colour]++;
        if (colour == 0)
            continue;
        long long left = strtoll (PQgetvalue (res, r, 5), NULL, 10);
        char span[48];
        snprintf (span, sizeof span, "%s%lld h %02lld min", left < 0 ? "overdue " : "", (left < 0 ? -left : left) / 60,
                  (left < 0 ? -left : left) % 60);
        const char *row[] = { s_colour_names[colour], PQgetvalue (res, r, 0), PQgetvalue (res, r, 2),
                              PQgetvalue (res, r, 3), span, PQgetvalue (res, r, 4) };
        tbl_add_row (list, row);
        cJSON *t = cJSON_CreateObject ();
        if (t && cJSON_AddItemToArray (tickets, t)) {
            cJSON_AddStringToObject (t, "colour", row[0]);
            cJSON_AddStringToObject (t, "branch", row[1]);
            cJSON_AddNumberToObject (t, "ticket_id", (double) strtoll (row[2], NULL, 10));
            cJSON_AddStringToObject (t, "clock", row[3]);
            cJSON_AddNumberToObject (t, "minutes_left", (double) left);
        }
    }
    if (k->json) {
        char *text = json_print (json);
        if (!text)
            goto cleanup;
        printf ("%s\n", text);
        free (text);
    }
    else {
        char stamp[40];
        printf ("SLA board at %s (UTC)\n\n", clock_format_us (clock_now_us (), stamp, sizeof stamp));
        if (tbl_rows (sums) == 0)
            printf ("no open ticket has a running SLA clock\n");
        else {
            tbl_print (sums, stdout);
            if (tbl_rows (list) > 0) {
                printf ("\n");
                tbl_print (list, stdout);
            }
        }
    }
    fflush (stdout);
    rc = 0;
cleanup:
    PQclear (res);
    tbl_destroy (&sums);
    tbl_destroy (&list);
    cJSON_Delete (json);
    return rc;
}

int cmd_board (kctl_t *k, int argc, char **argv)
{
    const char *branch = NULL, *watch = NULL;
    const args_spec_t spec[] = { { "branch", true, &branch, NULL }, { "watch", true, &watch, NULL },
                                 { NULL, false, NULL, NULL } };
    int npos = 0;
    if (args_parse ("board", KCTL_SPECS (k, spec), argc, argv, NULL, 0, &npos) != 0)
        return KCTL_USAGE;
    if (k->help) {
        fputs (s_board_usage, stdout);
        return KCTL_OK;
    }
    int64_t every = 0;
    if ((branch && args_text ("board", "--branch", branch, 64) != 0)
        || (watch && args_int ("board", "--watch", watch, 1, 3600, &every) != 0) || kctl_setup (k, "board") != 0)
        return KCTL_USAGE;
    char role[128];
    snprintf (role, sizeof role, "%sdispatch", k->cfg->db_role_prefix ? k->cfg->db_role_prefix : "kefu_");
    db_t *db = kctl_db_connect (k, "board", role);
    if (!db)
        return KCTL_FAILED;
    int rc = KCTL_OK;
    if (!every)
        rc = s_board_draw (k, db, branch) == 0 ? KCTL_OK : KCTL_FAILED;
    else {
        signal (SIGINT, s_board_on_signal);
        signal (SIGTERM, s_board_on_signal);
        while (!s_board_stop) {
            if (!k->json)
                printf ("\033[H\033[2J"); /* home and clear: redraw in place */
            if (s_board_draw (k, db, branch) != 0)
                db_ensure (db); /* the database may be restarting: try again next time */
            for (int64_t i = 0; i < every * 10 && !s_board_stop; i++)
                nanosleep (&(struct timespec) { 0, 100000000L }, NULL);
        }
    }
    db_destroy (&db);
    return rc;
}
