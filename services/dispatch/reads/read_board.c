/*  read_board — sla.board: the open tickets of each branch the caller sees,
 *  counted once each by their worst running clock: green (on track), yellow
 *  (past the warning share) or red (breached); and the red and yellow
 *  tickets, most overdue first per branch. "Now" is the dispatcher's clock
 *  (clock_now_us), answered as `at`. A caller acting for every branch
 *  (head office) also gets `head_office`: the running clocks of no ticket
 *  (a provider's deposit), which belong to no branch.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/json.h"
#include "model/sla_clock.h"
#include "read_util.h"
#include "reads.h"
#include "svc/failure.h"

/* Per ticket: its worst running clock (2 red, 1 yellow, 0 green). */
static const char s_board_sql[] =
    "WITH c AS (SELECT ticket_id, branch_id, clock, level, due_at, "
    "  CASE WHEN due_at <= to_timestamp($1::bigint / 1e6) THEN 2 "
    "       WHEN warn_at <= to_timestamp($1::bigint / 1e6) THEN 1 ELSE 0 END AS colour "
    "  FROM dispatch.sla_clocks WHERE state = '" CLOCK_S_RUNNING "' AND ticket_id IS NOT NULL "
    "  AND ($2::text IS NULL OR branch_id = $2) "
    "  AND ($3::text[] IS NULL OR branch_id = ANY ($3::text[]))), "
    "t AS (SELECT DISTINCT ON (ticket_id) ticket_id, branch_id, clock, level, due_at, colour "
    "  FROM c ORDER BY ticket_id, colour DESC, due_at) "
    "SELECT branch_id, colour, ticket_id, clock, level, "
    "  ((extract(epoch FROM due_at) * 1e6)::bigint - $1::bigint) / 60000000 AS minutes_left "
    "FROM t ORDER BY branch_id, colour DESC, due_at";

enum { B_BRANCH, B_COLOUR, B_TICKET, B_CLOCK, B_LEVEL, B_LEFT };

static const char *const s_colours[] = { "green", "yellow", "red" };

/* The running clocks of no ticket (a provider's deposit): head office's,
 * asked for by a caller acting for every branch without --branch. */
static const char s_head_office_sql[] =
    "SELECT CASE WHEN due_at <= to_timestamp($1::bigint / 1e6) THEN 2 "
    "       WHEN warn_at <= to_timestamp($1::bigint / 1e6) THEN 1 ELSE 0 END, subject_kind, subject_id, clock, "
    "  level, ((extract(epoch FROM due_at) * 1e6)::bigint - $1::bigint) / 60000000 "
    "FROM dispatch.sla_clocks WHERE state = '" CLOCK_S_RUNNING "' AND ticket_id IS NULL ORDER BY due_at, id";

enum { H_COLOUR, H_KIND, H_ID, H_CLOCK, H_LEVEL, H_LEFT };

/*  A new object at the end of list; NULL when out of memory. */
static cJSON *s_item (cJSON *list)
{
    cJSON *o = cJSON_CreateObject ();
    if (!o || !cJSON_AddItemToArray (list, o)) {
        cJSON_Delete (o);
        return NULL;
    }
    return o;
}

/*  A board row's clock, level and minutes left, from the row's columns. */
static bool s_clock_part (cJSON *o, const PGresult *res, int r, int clock, int level, int left)
{
    return cJSON_AddStringToObject (o, "clock", PQgetvalue (res, r, clock))
           && rdu_add_text (o, "level", PQgetvalue (res, r, level), PQgetisnull (res, r, level))
           && rdu_add_int (o, "minutes_left", PQgetvalue (res, r, left), false);
}

/*  Adds "head_office": its running ticketless clocks, most overdue first.
 *  Returns false when out of memory. */
static bool s_add_head_office (cJSON *doc, const PGresult *res)
{
    cJSON *list = cJSON_AddArrayToObject (doc, "head_office");
    for (int r = 0; list && r < PQntuples (res); r++) {
        int colour = atoi (PQgetvalue (res, r, H_COLOUR));
        cJSON *o = s_item (list);
        if (!o || !cJSON_AddStringToObject (o, "colour", s_colours[colour >= 0 && colour <= 2 ? colour : 0])
            || !cJSON_AddStringToObject (o, "subject_kind", PQgetvalue (res, r, H_KIND))
            || !rdu_add_int (o, "subject_id", PQgetvalue (res, r, H_ID), false)
            || !s_clock_part (o, res, r, H_CLOCK, H_LEVEL, H_LEFT))
            return false;
    }
    return list != NULL;
}


/*  Appends {"branch", "green", "yellow", "red"}. Returns false when out of memory. */
static bool s_add_counts (cJSON *branches, const char *branch, const int counts[3])
{
    cJSON *o = cJSON_CreateObject ();
    if (!o || !cJSON_AddItemToArray (branches, o)) {
        cJSON_Delete (o);
        return false;
    }
    bool ok = cJSON_AddStringToObject (o, "branch", branch) != NULL;
    for (int c = 0; ok && c < 3; c++)
        ok = cJSON_AddNumberToObject (o, s_colours[c], counts[c]) != NULL;
    return ok;
}

/*  The result document of the rows. NULL when out of memory. */
static cJSON *s_board_doc (const PGresult *res, int64_t now)
{
    char at[40];
    cJSON *doc = cJSON_CreateObject ();
    cJSON *branches = doc ? cJSON_AddArrayToObject (doc, "branches") : NULL;
    cJSON *tickets = doc ? cJSON_AddArrayToObject (doc, "tickets") : NULL;
    if (!branches || !tickets || !cJSON_AddStringToObject (doc, "at", clock_format_us (now, at, sizeof at)))
        goto fail;
    int counts[3] = { 0, 0, 0 };
    int n = PQntuples (res);
    for (int r = 0; r < n; r++) {
        int colour = atoi (PQgetvalue (res, r, B_COLOUR));
        counts[colour >= 0 && colour <= 2 ? colour : 0]++;
        if (colour >= 1 && colour <= 2) {
            cJSON *t = s_item (tickets);
            if (!t || !cJSON_AddStringToObject (t, "colour", s_colours[colour])
                || !cJSON_AddStringToObject (t, "branch", PQgetvalue (res, r, B_BRANCH))
                || !rdu_add_int (t, "ticket_id", PQgetvalue (res, r, B_TICKET), false)
                || !s_clock_part (t, res, r, B_CLOCK, B_LEVEL, B_LEFT))
                goto fail;
        }
        /* a branch's counts are complete when the next row is another branch's */
        if (r + 1 == n || strcmp (PQgetvalue (res, r, B_BRANCH), PQgetvalue (res, r + 1, B_BRANCH)) != 0) {
            if (!s_add_counts (branches, PQgetvalue (res, r, B_BRANCH), counts))
                goto fail;
            counts[0] = counts[1] = counts[2] = 0;
        }
    }
    return doc;
fail:
    cJSON_Delete (doc);
    return NULL;
}

rpl_code_t rds_board (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err,
                      size_t errsize)
{
    db_t *db = app ? *(db_t *const *) app : NULL; /* reads.h: the connection comes first */
    const char *branch = json_str (body, "branch", NULL); /* the schema checked it */
    char *scope = NULL;
    rpl_code_t code = rdu_begin (db, &ctx->who, &scope, err, errsize);
    if (code != RPL_OK)
        return code;
    int64_t now = clock_now_us ();
    char now_text[32];
    snprintf (now_text, sizeof now_text, "%" PRId64, now);
    const char *params[] = { now_text, branch, scope };
    PGresult *res = db_exec (db, s_board_sql, 3, params), *ho = NULL;
    /* head office's own clocks, for a caller acting for every branch */
    bool head_office = res && !scope && !branch;
    if (!res || (head_office && !(ho = db_exec (db, s_head_office_sql, 1, params))))
        code = svc_db_request_failure (db, "reading the SLA board", err, errsize);
    else if (!(*result = s_board_doc (res, now)) || (ho && !s_add_head_office (*result, ho)))
        code = rdu_oom (err, errsize);
    if (code != RPL_OK) {
        cJSON_Delete (*result);
        *result = NULL;
    }
    PQclear (res);
    PQclear (ho);
    free (scope);
    return code;
}
