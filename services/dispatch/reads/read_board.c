/*  read_board — sla.board: the open tickets of each branch the caller sees,
 *  counted once each by their worst running clock: green (on track),
 *  yellow (past the warning share) or red (breached); and the red and yellow
 *  tickets, most overdue first per branch. "Now" is the dispatcher's clock
 *  (clock_now_us), answered as `at`. Beside them what a wallboard shows:
 *  the escalations nobody has acknowledged yet, oldest first, and per
 *  branch today's outcomes (clocks met and breached since the branch's
 *  local midnight). A caller acting for every branch (head office) also
 *  gets `head_office`: the running clocks of no ticket (a provider's
 *  deposit), which belong to no branch.
 *
 *  Two statements, one round trip each: the counts, then the rest.
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

/* A running clock's colour now ($1, µs): 2 red (due), 1 yellow (past its
 * warning share), 0 green. */
#define BOARD_COLOUR                                                                                         \
    "CASE WHEN due_at <= to_timestamp($1::bigint / 1e6) THEN 2 "                                             \
    "WHEN warn_at <= to_timestamp($1::bigint / 1e6) THEN 1 ELSE 0 END"

/* Whole minutes from now ($1) to the due instant; negative: overdue. */
#define BOARD_MINUTES_LEFT "((extract(epoch FROM due_at) * 1e6)::bigint - $1::bigint) / 60000000"

/* Per ticket: its worst running clock. */
static const char s_board_sql[] =
    "WITH c AS (SELECT ticket_id, branch_id, clock, level, due_at, " BOARD_COLOUR " AS colour "
    "  FROM dispatch.sla_clocks WHERE state = '" CLOCK_S_RUNNING "' AND ticket_id IS NOT NULL "
    "  AND ($2::text IS NULL OR branch_id = $2) "
    "  AND ($3::text[] IS NULL OR branch_id = ANY ($3::text[]))), "
    "t AS (SELECT DISTINCT ON (ticket_id) ticket_id, branch_id, clock, level, due_at, colour "
    "  FROM c ORDER BY ticket_id, colour DESC, due_at) "
    "SELECT branch_id, colour, ticket_id, clock, level, " BOARD_MINUTES_LEFT " AS minutes_left "
    "FROM t ORDER BY branch_id, colour DESC, due_at";

enum { B_BRANCH, B_COLOUR, B_TICKET, B_CLOCK, B_LEVEL, B_LEFT };

static const char *const s_colours[] = { "green", "yellow", "red" };

/* Beside the counts, one row per item, its part named first and its order
 * within the part second; each part fills its own columns:
 *  - escalation: the escalations of tickets not acknowledged yet, oldest
 *    first, at most BOARD_MAX_ESCALATIONS. Only those a person acknowledges
 *    (not a warning, which the ticket's colour shows, nor an `informed`
 *    copy), and only those on record with who may acknowledge them (rows
 *    older than 0017 nobody may: they would stay forever);
 *  - today: per branch seen, its ticket clocks whose outcome fell today in
 *    the branch's time zone (RDU_CLOCK_MET, RDU_CLOCK_BREACHED): a breach
 *    counts on the day it happened (breached_at), any other outcome on the
 *    day the clock stopped. So each clock counts once, and a breach shows
 *    the day it happens rather than when the ticket is closed;
 *  - head_office ($4 true: a caller acting for every branch without
 *    `branch`): the running clocks of no ticket, most urgent first.
 * $1 now (µs), $2 the branch asked for, $3 the caller's branches. */
#define BOARD_MAX_ESCALATIONS "200"
#define BOARD_AT_US DB_EPOCH_US ("at")
static const char s_side_sql[] =
    "WITH b AS (SELECT id, timezone, date_trunc('day', to_timestamp($1::bigint / 1e6) AT TIME ZONE timezone) "
    "  AS today FROM ref.branches WHERE ($2::text IS NULL OR id = $2) "
    "  AND ($3::text[] IS NULL OR id = ANY ($3::text[]))), "
    "e AS (SELECT e.id, e.ticket_id, e.branch_id, c.clock, e.level, e.at FROM dispatch.escalations e "
    "  JOIN dispatch.sla_clocks c ON c.id = e.clock_id "
    "  WHERE e.acknowledged_at IS NULL AND e.kind IN ('escalation', 'skip_level') "
    "  AND e.may_acknowledge IS NOT NULL AND e.ticket_id IS NOT NULL AND e.branch_id IN (SELECT id FROM b) "
    "  ORDER BY e.at, e.id LIMIT " BOARD_MAX_ESCALATIONS "), "
    "d AS (SELECT b.id, count(*) FILTER (WHERE " RDU_CLOCK_MET ") AS met, "
    "  count(*) FILTER (WHERE " RDU_CLOCK_BREACHED ") AS breached "
    "  FROM b LEFT JOIN dispatch.sla_clocks c ON c.branch_id = b.id AND c.ticket_id IS NOT NULL "
    "  AND coalesce(c.breached_at, c.stopped_at) >= (b.today AT TIME ZONE b.timezone) "
    "  AND coalesce(c.breached_at, c.stopped_at) < ((b.today + interval '1 day') AT TIME ZONE b.timezone) "
    "  GROUP BY b.id) "
    "SELECT 'escalation', row_number() OVER (ORDER BY at, id), branch_id, id, ticket_id, clock, level, "
    "  " BOARD_AT_US ", NULL::bigint, NULL::bigint, NULL::int, NULL::text, NULL::bigint FROM e "
    "UNION ALL SELECT 'today', row_number() OVER (ORDER BY id), id, NULL, NULL, NULL, NULL, NULL, "
    "  met, breached, NULL, NULL, NULL FROM d "
    "UNION ALL SELECT 'head_office', row_number() OVER (ORDER BY due_at, id), NULL, subject_id, NULL, "
    "  clock, level, NULL, NULL, NULL, " BOARD_COLOUR ", subject_kind, " BOARD_MINUTES_LEFT " "
    "  FROM dispatch.sla_clocks WHERE $4::boolean AND state = '" CLOCK_S_RUNNING "' AND ticket_id IS NULL "
    "ORDER BY 1, 2";

enum { S_PART, S_SEQ, S_BRANCH, S_ID, S_TICKET, S_CLOCK, S_LEVEL, S_AT, S_MET, S_BREACHED, S_COLOUR, S_KIND,
       S_LEFT };

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

/*  A head office row: a running clock of no ticket. */
static bool s_head_office_item (cJSON *o, const PGresult *res, int r)
{
    int colour = atoi (PQgetvalue (res, r, S_COLOUR));
    return cJSON_AddStringToObject (o, "colour", s_colours[colour >= 0 && colour <= 2 ? colour : 0])
           && cJSON_AddStringToObject (o, "subject_kind", PQgetvalue (res, r, S_KIND))
           && rdu_add_int (o, "subject_id", PQgetvalue (res, r, S_ID), false)
           && s_clock_part (o, res, r, S_CLOCK, S_LEVEL, S_LEFT);
}

/*  An escalation not acknowledged yet. */
static bool s_escalation_item (cJSON *o, const PGresult *res, int r)
{
    return rdu_add_int (o, "escalation_id", PQgetvalue (res, r, S_ID), false)
           && rdu_add_int (o, "ticket_id", PQgetvalue (res, r, S_TICKET), false)
           && cJSON_AddStringToObject (o, "branch", PQgetvalue (res, r, S_BRANCH))
           && cJSON_AddStringToObject (o, "clock", PQgetvalue (res, r, S_CLOCK))
           && cJSON_AddStringToObject (o, "level", PQgetvalue (res, r, S_LEVEL))
           && rdu_add_time (o, "at", PQgetvalue (res, r, S_AT), false);
}

/*  A branch's outcomes of today. */
static bool s_today_item (cJSON *o, const PGresult *res, int r)
{
    return cJSON_AddStringToObject (o, "branch", PQgetvalue (res, r, S_BRANCH))
           && rdu_add_int (o, "met", PQgetvalue (res, r, S_MET), false)
           && rdu_add_int (o, "breached", PQgetvalue (res, r, S_BREACHED), false);
}

/*  Adds "escalations", "today" and, for head office, "head_office", from
 *  the rows of s_side_sql. Returns false when out of memory. */
static bool s_add_side (cJSON *doc, const PGresult *res, bool head_office)
{
    cJSON *escalations = cJSON_AddArrayToObject (doc, "escalations");
    cJSON *today = cJSON_AddArrayToObject (doc, "today");
    cJSON *office = head_office ? cJSON_AddArrayToObject (doc, "head_office") : NULL;
    if (!escalations || !today || (head_office && !office))
        return false;
    for (int r = 0; r < PQntuples (res); r++) {
        const char *part = PQgetvalue (res, r, S_PART);
        bool ok;
        if (strcmp (part, "escalation") == 0) {
            cJSON *o = s_item (escalations);
            ok = o && s_escalation_item (o, res, r);
        }
        else if (strcmp (part, "today") == 0) {
            cJSON *o = s_item (today);
            ok = o && s_today_item (o, res, r);
        }
        else { /* head_office: the statement answers it only when asked ($4) */
            cJSON *o = office ? s_item (office) : NULL;
            ok = o && s_head_office_item (o, res, r);
        }
        if (!ok)
            return false;
    }
    return true;
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
    /* head office's own clocks, for a caller acting for every branch */
    bool head_office = !scope && !branch;
    const char *params[] = { now_text, branch, scope, head_office ? "true" : "false" };
    PGresult *res = db_exec (db, s_board_sql, 3, params), *side = NULL;
    if (!res || !(side = db_exec (db, s_side_sql, 4, params)))
        code = svc_db_request_failure (db, "reading the SLA board", err, errsize);
    else if (!(*result = s_board_doc (res, now)) || !s_add_side (*result, side, head_office))
        code = rdu_oom (err, errsize);
    if (code != RPL_OK) {
        cJSON_Delete (*result);
        *result = NULL;
    }
    PQclear (res);
    PQclear (side);
    free (scope);
    return code;
}
