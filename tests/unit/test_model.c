/*  The tables of common/model/ held against the contract's other copies:
 *  the JSON Schema enums of the events people record, and the SQL CHECK on
 *  a ticket's status (the last migration that sets it wins). */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/ticket.h"
#include "model/sla_clock.h"
#include "model/work_order.h"
#include "unit.h"

static char *s_read (const char *relative)
{
    char path[512];
    FILE *f = fopen (unit_repo_file (relative, path, sizeof path), "rb");
    if (!f)
        return NULL;
    char *text = NULL;
    if (fseek (f, 0, SEEK_END) == 0) {
        long n = ftell (f);
        rewind (f);
        text = n >= 0 ? calloc (1, (size_t) n + 1) : NULL;
        if (text && fread (text, 1, (size_t) n, f) != (size_t) n) {
            free (text);
            text = NULL;
        }
    }
    fclose (f);
    return text;
}

/*  The schema's properties.event.enum as "a,b,c". Returns 0 or -1. */
static int s_schema_events (const char *relative, char *out, size_t size)
{
    char *text = s_read (relative);
    cJSON *doc = text ? cJSON_Parse (text) : NULL;
    free (text);
    const cJSON *list = cJSON_GetObjectItemCaseSensitive (
        cJSON_GetObjectItemCaseSensitive (cJSON_GetObjectItemCaseSensitive (doc, "properties"), "event"),
        "enum");
    int rc = cJSON_IsArray (list) ? 0 : -1;
    out[0] = '\0';
    const cJSON *item;
    cJSON_ArrayForEach (item, list) {
        size_t n = strlen (out);
        snprintf (out + n, size - n, "%s%s", n ? "," : "", cJSON_IsString (item) ? item->valuestring : "?");
    }
    cJSON_Delete (doc);
    return rc;
}

/*  The names in the last "<column> IN ('a', 'b')" of a migration, as "a,b". */
static int s_sql_check (const char *relative, const char *column, char *out, size_t size)
{
    char *text = s_read (relative), pattern[64];
    snprintf (pattern, sizeof pattern, "%s IN (", column);
    const char *at = NULL;
    for (const char *p = text; p && (p = strstr (p, pattern)); p++)
        at = p;
    out[0] = '\0';
    if (!at) {
        free (text);
        return -1;
    }
    for (const char *p = at + strlen (pattern); *p && *p != ')'; p++) {
        if (*p != '\'')
            continue;
        const char *end = strchr (p + 1, '\'');
        if (!end)
            break;
        size_t n = strlen (out);
        snprintf (out + n, size - n, "%s%.*s", n ? "," : "", (int) (end - p - 1), p + 1);
        p = end;
    }
    free (text);
    return 0;
}

static void s_join (const char *const *names, char *out, size_t size)
{
    out[0] = '\0';
    for (size_t i = 0; names[i]; i++) {
        size_t n = strlen (out);
        snprintf (out + n, size - n, "%s%s", n ? "," : "", names[i]);
    }
}

/*  The state names of a table are those of the SQL CHECK in a migration. */
static bool s_states_are_the_check (const char *const *names, const char *migration, const char *column)
{
    char table[256], sql[256];
    s_join (names, table, sizeof table);
    if (s_sql_check (migration, column, sql, sizeof sql) != 0 || strcmp (sql, table) != 0) {
        fprintf (stderr, "%s: CHECK (%s IN (%s)) but the table has %s\n", migration, column, sql, table);
        return false;
    }
    return true;
}

UNIT_TEST (ticket_events_people_record_are_the_schemas_enums)
{
    char table[1024], schema[1024];
    s_join (ticket_event_names (TICKET_EV_PERSON), table, sizeof table);
    UNIT_ASSERT (s_schema_events ("schemas/requests/ticket.event.v1.json", schema, sizeof schema) == 0);
    UNIT_ASSERT_STR_EQ (schema, table);
    UNIT_ASSERT (s_schema_events ("schemas/messages/ticket.updated.v1.json", schema, sizeof schema) == 0);
    UNIT_ASSERT_STR_EQ (schema, table);
}

UNIT_TEST (ticket_states_are_the_sql_check)
{
    UNIT_ASSERT (s_states_are_the_check (ticket_state_names, "schemas/sql/0009_ticket_events.sql", "status"));
}

UNIT_TEST (ticket_moves_follow_the_table)
{
    const states_t *t = &ticket_states;
    UNIT_ASSERT (states_can_move (t, TICKET_OPEN, TICKET_UNASSIGNED));
    UNIT_ASSERT (states_can_move (t, TICKET_ASSIGNED, TICKET_UNASSIGNED)); /* taken back by re-dispatch */
    UNIT_ASSERT (states_can_move (t, TICKET_CLOSED, TICKET_OPEN));         /* reopened */
    UNIT_ASSERT (!states_can_move (t, TICKET_CLOSED, TICKET_ASSIGNED));
    UNIT_ASSERT (!states_can_move (t, TICKET_RESOLVED, TICKET_UNASSIGNED));
    UNIT_ASSERT (!states_can_move (t, TICKET_OPEN, TICKET_OPEN));
    char sql[96];
    UNIT_ASSERT_STR_EQ (states_from_sql (t, TICKET_ASSIGNED, sql, sizeof sql), "{open,unassigned}");
    UNIT_ASSERT_STR_EQ (states_from_sql (t, TICKET_OPEN, sql, sizeof sql), "{resolved,closed}");
    UNIT_ASSERT_STR_EQ (states_from_sql (t, TICKET_CLOSED, sql, sizeof sql), "{open,unassigned,assigned,resolved}");
    int s;
    UNIT_ASSERT (states_parse (t, "resolved", &s) == 0 && s == TICKET_RESOLVED);
    UNIT_ASSERT (states_parse (t, "reopened", &s) == -1);
}

UNIT_TEST (work_order_states_are_the_sql_check_and_move_as_the_table_says)
{
    UNIT_ASSERT (s_states_are_the_check (work_order_state_names, "schemas/sql/0029_diagnoses.sql", "status"));
    const states_t *w = &work_order_states;
    UNIT_ASSERT (states_can_move (w, WO_UNASSIGNED, WO_ASSIGNED));
    UNIT_ASSERT (states_can_move (w, WO_ASSIGNED, WO_UNASSIGNED));
    UNIT_ASSERT (!states_can_move (w, WO_COMPLETED, WO_ASSIGNED));
    UNIT_ASSERT (!states_can_move (w, WO_UNASSIGNED, WO_COMPLETED));
    char from[96];
    UNIT_ASSERT_STR_EQ (states_from_sql (w, WO_ASSIGNED, from, sizeof from), "{unassigned,awaiting_approval}");
    UNIT_ASSERT_STR_EQ (states_from_sql (w, WO_COMPLETED, from, sizeof from), "{assigned}");
    UNIT_ASSERT_STR_EQ (states_from_sql (w, WO_ACCEPTED, from, sizeof from), "{completed}");
    UNIT_ASSERT_STR_EQ (states_from_sql (w, WO_REWORK, from, sizeof from), "{completed}");
    UNIT_ASSERT (!states_can_move (w, WO_ACCEPTED, WO_REWORK));
    /* an estimate waiting for the customer holds the work; approval gives it back */
    UNIT_ASSERT_STR_EQ (states_from_sql (w, WO_AWAITING_APPROVAL, from, sizeof from), "{assigned}");
    UNIT_ASSERT (states_can_move (w, WO_AWAITING_APPROVAL, WO_ASSIGNED));
    UNIT_ASSERT (!states_can_move (w, WO_AWAITING_APPROVAL, WO_COMPLETED));
    UNIT_ASSERT (!states_can_move (w, WO_AWAITING_APPROVAL, WO_UNASSIGNED));
}

UNIT_TEST (ticket_event_kinds)
{
    UNIT_ASSERT (ticket_event_is ("technician_arrived", TICKET_EV_PERSON | TICKET_EV_ONCE | TICKET_EV_WORK_ORDER));
    UNIT_ASSERT (!ticket_event_is ("ticket_created", TICKET_EV_PERSON));
    UNIT_ASSERT (ticket_event_is ("ticket_created", TICKET_EV_SLA));
    UNIT_ASSERT (!ticket_event_is ("paused", TICKET_EV_SLA));
    UNIT_ASSERT (!ticket_event_is ("no_such_event", 0));
    char sla[1024];
    s_join (ticket_event_names (TICKET_EV_SLA), sla, sizeof sla);
    UNIT_ASSERT_STR_EQ (sla, "ticket_created,first_reply,marked_complex,plan_sent,work_order_created,"
                             "work_order_assigned,work_order_arranged,call_centre_checked,technician_arrived,"
                             "work_order_completed,ticket_resolved,complaint_decided,callback_done,"
                             "ticket_reopened,ticket_closed");
}

UNIT_TEST (sla_clock_states_are_the_sql_check_and_move_as_the_table_says)
{
    UNIT_ASSERT (s_states_are_the_check (sla_clock_state_names, "schemas/sql/0008_sla.sql", "state"));
    const states_t *c = &sla_clock_states;
    UNIT_ASSERT (states_can_move (c, CLOCK_PENDING, CLOCK_RUNNING));
    UNIT_ASSERT (!states_can_move (c, CLOCK_PENDING, CLOCK_PAUSED));
    UNIT_ASSERT (!states_can_move (c, CLOCK_STOPPED, CLOCK_PAUSED));
    UNIT_ASSERT (states_can_move (c, CLOCK_RUNNING, CLOCK_PENDING)); /* re-dispatch */
    char from[96];
    UNIT_ASSERT_STR_EQ (states_from_sql (c, CLOCK_STOPPED, from, sizeof from), "{running,paused}");
    UNIT_ASSERT_STR_EQ (states_from_sql (c, CLOCK_PAUSED, from, sizeof from), "{running}");
    UNIT_ASSERT_STR_EQ (states_from_sql (c, CLOCK_PENDING, from, sizeof from), "{running}");
}
