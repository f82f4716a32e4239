/*  cmd_board — `kefuctl board`: the SLA board of open tickets per branch.
 *  Each ticket counts once, by its worst running clock: green (on track),
 *  yellow (at risk: past the warning share) or red (breached). Below the
 *  counts, the red and yellow tickets, most overdue first; then today's
 *  clocks met and breached per branch, and the escalations nobody has
 *  acknowledged yet, oldest first. `--watch N` redraws it every N seconds
 *  until Ctrl-C.
 *
 *  Asks dispatch's request endpoint (sla.board, services.dispatch.api);
 *  "now" is the dispatcher's clock, answered with the board.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/json.h"
#include "kctl.h"
#include "table.h"

static const char s_board_usage[] =
    "usage: kefuctl board [--branch B] [--watch SECONDS] [--json]\n"
    "  Open tickets per branch by their worst running SLA clock: green (on track),\n"
    "  yellow (at risk), red (breached), then the red and yellow tickets, today's\n"
    "  clocks met and breached per branch, and the escalations not acknowledged.\n"
    "  --watch N  redraw every N seconds (1 to 3600) until Ctrl-C\n";

static volatile sig_atomic_t s_board_stop;
static void s_board_on_signal (int sig)
{
    (void) sig;
    s_board_stop = 1;
}

/*  The --json document of a sla.board result: {"branches": {B: {green,
 *  yellow, red}}, "tickets": [{colour, branch, ticket_id, clock,
 *  minutes_left}], "escalations", "today" and "head_office"? (the
 *  reply's)}. NULL when out of memory. */
static cJSON *s_board_json (const cJSON *result)
{
    cJSON *json = cJSON_CreateObject (), *branches = json ? cJSON_AddObjectToObject (json, "branches") : NULL;
    cJSON *tickets = json ? cJSON_AddArrayToObject (json, "tickets") : NULL;
    if (!branches || !tickets)
        goto fail;
    static const char *const colours[] = { "green", "yellow", "red" };
    const cJSON *b, *t;
    cJSON_ArrayForEach (b, cJSON_GetObjectItemCaseSensitive (result, "branches"))
    {
        cJSON *o = cJSON_AddObjectToObject (branches, json_str (b, "branch", ""));
        for (int c = 0; o && c < 3; c++)
            if (!cJSON_AddNumberToObject (o, colours[c], (double) json_int (b, colours[c], 0)))
                o = NULL;
        if (!o)
            goto fail;
    }
    cJSON_ArrayForEach (t, cJSON_GetObjectItemCaseSensitive (result, "tickets"))
    {
        cJSON *o = cJSON_CreateObject ();
        if (!o || !cJSON_AddItemToArray (tickets, o) || !cJSON_AddStringToObject (o, "colour", json_str (t, "colour", ""))
            || !cJSON_AddStringToObject (o, "branch", json_str (t, "branch", ""))
            || !cJSON_AddNumberToObject (o, "ticket_id", (double) json_int (t, "ticket_id", 0))
            || !cJSON_AddStringToObject (o, "clock", json_str (t, "clock", ""))
            || !cJSON_AddNumberToObject (o, "minutes_left", (double) json_int (t, "minutes_left", 0)))
            goto fail;
    }
    /* the escalations, today's outcomes and head office's clocks of no
     * ticket, as the dispatcher gives them */
    static const char *const as_given[] = { "escalations", "today", "head_office" };
    for (size_t i = 0; i < sizeof as_given / sizeof as_given[0]; i++) {
        const cJSON *part = cJSON_GetObjectItemCaseSensitive (result, as_given[i]);
        if (part && !cJSON_AddItemToObject (json, as_given[i], cJSON_Duplicate (part, true)))
            goto fail;
    }
    return json;
fail:
    cJSON_Delete (json);
    return NULL;
}

/*  "2 h 05 min", "overdue 0 h 12 min". */
static void s_board_span (long long left, char *span, size_t size)
{
    long long abs_left = left < 0 ? -left : left;
    snprintf (span, size, "%s%lld h %02lld min", left < 0 ? "overdue " : "", abs_left / 60, abs_left % 60);
}

/*  Head office's running clocks of no ticket (a provider's deposit) as a
 *  table in *office; none when the result has none. Returns 0 or -1. */
static int s_board_head_office (const cJSON *result, tbl_t **office)
{
    static const char *const head[] = { "colour", "subject", "clock", "overdue / left", "level" };
    const cJSON *clocks = cJSON_GetObjectItemCaseSensitive (result, "head_office"), *c;
    if (cJSON_GetArraySize (clocks) == 0)
        return 0;
    if (!(*office = tbl_new (5, head)))
        return -1;
    cJSON_ArrayForEach (c, clocks)
    {
        char span[48], subject[48];
        s_board_span ((long long) json_int (c, "minutes_left", 0), span, sizeof span);
        snprintf (subject, sizeof subject, "%s %lld", json_str (c, "subject_kind", ""),
                  (long long) json_int (c, "subject_id", 0));
        const char *row[] = { json_str (c, "colour", ""), subject, json_str (c, "clock", ""), span,
                              json_str (c, "level", "") };
        if (tbl_add_row (*office, row) != 0)
            return -1;
    }
    return 0;
}

/*  Today's clocks met and breached per branch as a table in *today.
 *  Returns 0 or -1. */
static int s_board_today (const cJSON *result, tbl_t **today)
{
    static const char *const head[] = { "branch", "met today", "breached today" };
    const cJSON *b;
    if (!(*today = tbl_new (3, head)))
        return -1;
    cJSON_ArrayForEach (b, cJSON_GetObjectItemCaseSensitive (result, "today"))
    {
        char met[24], breached[24];
        snprintf (met, sizeof met, "%lld", (long long) json_int (b, "met", 0));
        snprintf (breached, sizeof breached, "%lld", (long long) json_int (b, "breached", 0));
        const char *row[] = { json_str (b, "branch", ""), met, breached };
        if (tbl_add_row (*today, row) != 0)
            return -1;
    }
    return 0;
}

/*  The escalations not acknowledged yet as a table in *open. Returns 0 or -1. */
static int s_board_escalations (const cJSON *result, tbl_t **open)
{
    static const char *const head[] = { "escalation", "ticket", "branch", "clock", "level", "raised (UTC)" };
    const cJSON *e;
    if (!(*open = tbl_new (6, head)))
        return -1;
    cJSON_ArrayForEach (e, cJSON_GetObjectItemCaseSensitive (result, "escalations"))
    {
        char id[24], ticket[24];
        snprintf (id, sizeof id, "%lld", (long long) json_int (e, "escalation_id", 0));
        snprintf (ticket, sizeof ticket, "%lld", (long long) json_int (e, "ticket_id", 0));
        const char *row[] = { id, ticket, json_str (e, "branch", ""), json_str (e, "clock", ""),
                              json_str (e, "level", ""), json_str (e, "at", "") };
        if (tbl_add_row (*open, row) != 0)
            return -1;
    }
    return 0;
}

/*  The board as tables for people. Returns 0 or -1. */
static int s_board_tables (const cJSON *result)
{
    static const char *const sum_h[] = { "branch", "green", "yellow", "red" };
    static const char *const list_h[] = { "colour", "branch", "ticket", "worst clock", "overdue / left", "level" };
    tbl_t *sums = tbl_new (4, sum_h), *list = tbl_new (6, list_h);
    tbl_t *office = NULL, *today = NULL, *open = NULL;
    int rc = -1;
    if (!sums || !list)
        goto cleanup;
    const cJSON *b, *t;
    cJSON_ArrayForEach (b, cJSON_GetObjectItemCaseSensitive (result, "branches"))
    {
        char g[24], y[24], r[24];
        snprintf (g, sizeof g, "%lld", (long long) json_int (b, "green", 0));
        snprintf (y, sizeof y, "%lld", (long long) json_int (b, "yellow", 0));
        snprintf (r, sizeof r, "%lld", (long long) json_int (b, "red", 0));
        const char *row[] = { json_str (b, "branch", ""), g, y, r };
        if (tbl_add_row (sums, row) != 0)
            goto cleanup;
    }
    cJSON_ArrayForEach (t, cJSON_GetObjectItemCaseSensitive (result, "tickets"))
    {
        char span[48], ticket[24];
        s_board_span ((long long) json_int (t, "minutes_left", 0), span, sizeof span);
        snprintf (ticket, sizeof ticket, "%lld", (long long) json_int (t, "ticket_id", 0));
        const char *row[] = { json_str (t, "colour", ""), json_str (t, "branch", ""), ticket,
                              json_str (t, "clock", ""),  span,                       json_str (t, "level", "") };
        if (tbl_add_row (list, row) != 0)
            goto cleanup;
    }
    if (s_board_head_office (result, &office) != 0 || s_board_today (result, &today) != 0
        || s_board_escalations (result, &open) != 0)
        goto cleanup;
    printf ("SLA board at %s (UTC)\n\n", json_str (result, "at", ""));
    if (tbl_rows (sums) == 0)
        printf ("no open ticket has a running SLA clock\n");
    else {
        tbl_print (sums, stdout);
        if (tbl_rows (list) > 0) {
            printf ("\n");
            tbl_print (list, stdout);
        }
    }
    if (office && tbl_rows (office) > 0) {
        printf ("\nhead office\n");
        tbl_print (office, stdout);
    }
    if (tbl_rows (today) > 0) {
        printf ("\ntoday (each branch's own date)\n");
        tbl_print (today, stdout);
    }
    if (tbl_rows (open) == 0)
        printf ("\nno escalation waits for an acknowledgement\n");
    else {
        printf ("\nescalations not acknowledged, oldest first\n");
        tbl_print (open, stdout);
    }
    rc = 0;
cleanup:
    tbl_destroy (&sums);
    tbl_destroy (&list);
    tbl_destroy (&office);
    tbl_destroy (&today);
    tbl_destroy (&open);
    return rc;
}

/*  Asks for the board and draws it once. Returns 0 or -1 (reason printed). */
static int s_board_draw (kctl_t *k, const char *branch)
{
    cJSON *body = cJSON_CreateObject (), *result = NULL, *json = NULL;
    int rc = -1;
    char err[1024] = "";
    if (!body || (branch && !cJSON_AddStringToObject (body, "branch", branch))) {
        fputs ("kefuctl board: out of memory\n", stderr);
        goto cleanup;
    }
    client_opts_t opts = kctl_dispatch_opts (k, "board");
    if (client_call (&opts, "sla.board", body, &result, err, sizeof err) != CLIENT_OK) {
        fprintf (stderr, "kefuctl board: %s\n", err);
        goto cleanup;
    }
    if (k->json) {
        if (!(json = s_board_json (result)) || kctl_print_json (json) != 0)
            goto cleanup;
    }
    else if (s_board_tables (result) != 0)
        goto cleanup;
    fflush (stdout);
    rc = 0;
cleanup:
    cJSON_Delete (body);
    cJSON_Delete (result);
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
    int rc = KCTL_OK;
    if (!every)
        rc = s_board_draw (k, branch) == 0 ? KCTL_OK : KCTL_FAILED;
    else {
        signal (SIGINT, s_board_on_signal);
        signal (SIGTERM, s_board_on_signal);
        while (!s_board_stop) {
            if (!k->json)
                printf ("\033[H\033[2J"); /* home and clear: redraw in place */
            s_board_draw (k, branch); /* a failed draw says why; the next one tries again */
            for (int64_t i = 0; i < every * 10 && !s_board_stop; i++)
                nanosleep (&(struct timespec) { 0, 100000000L }, NULL);
        }
    }
    return rc;
}
