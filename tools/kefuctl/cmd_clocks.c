/*  cmd_clocks — `kefuctl clocks ID`: a ticket's SLA clocks as the dispatcher
 *  keeps them: policy, target, state, due instant in the branch's time zone,
 *  the business (or calendar) time remaining — or overdue — now, whether it
 *  is on track, at risk or breached, and the escalation level reached; then
 *  its warnings and escalations.
 *
 *  Asks dispatch's request endpoint (sla.clocks), which works out the time
 *  left with the branch's calendar at the dispatcher's "now"; this file
 *  only shows the answer, instants in the branch's zone (tz_load).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/json.h"
#include "kctl.h"
#include "table.h"
#include "time/tz.h"

#define CLOCKS_US INT64_C (1000000)

static const char s_clocks_usage[] =
    "usage: kefuctl clocks TICKET_ID [--json]\n"
    "       kefuctl clocks --deposit DEPOSIT_ID [--json]\n"
    "  The ticket's SLA clocks: clock, policy, target, state, due (branch time),\n"
    "  remaining (business or calendar time; negative = overdue), status\n"
    "  (on track / at risk / breached) and the escalation level reached.\n"
    "  --deposit: a provider's deposit top-up clock (head office's; times in\n"
    "  UTC), with its escalations and history.\n";

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

/*  An instant of the reply (RFC 3339) in the branch's zone, for people and
 *  for machines; both "" when it is null or unreadable. */
static void s_local (const tz_t *tz, const cJSON *obj, const char *key, char *human, size_t hsize, char *iso,
                     size_t isize)
{
    int64_t us;
    const char *at = json_str (obj, key, NULL);
    human[0] = iso[0] = '\0';
    if (at && clock_parse_rfc3339 (at, &us) == 0)
        kctl_local_time (tz, us, human, hsize, iso, isize);
}

/*  One item of a list of the reply as a table row. */
typedef void (*s_row_of) (const cJSON *item, const tz_t *tz, tbl_t *tbl);

/*  A list of the reply as a table below the clocks; nothing when it is
 *  empty. Returns 0, or -1 when out of memory. */
static int s_print_section (const cJSON *items, int ncols, const char *const *headers, s_row_of row_of,
                            const tz_t *tz)
{
    if (cJSON_GetArraySize (items) == 0)
        return 0;
    tbl_t *tbl = tbl_new (ncols, headers);
    if (!tbl)
        return -1;
    const cJSON *e;
    cJSON_ArrayForEach (e, items)
        row_of (e, tz, tbl);
    printf ("\n");
    tbl_print (tbl, stdout);
    tbl_destroy (&tbl);
    return 0;
}

/*  A warning or escalation with its id, for `kefuctl event ID
 *  escalation_acknowledged --escalation N`. */
static void s_escalation_row (const cJSON *e, const tz_t *tz, tbl_t *tbl)
{
    char id[24], at[64], ack_at[64], iso[40];
    snprintf (id, sizeof id, "%lld", (long long) json_int (e, "id", 0));
    s_local (tz, e, "at", at, sizeof at, iso, sizeof iso);
    s_local (tz, e, "acknowledged_at", ack_at, sizeof ack_at, iso, sizeof iso);
    const char *row[] = { id, json_str (e, "clock", ""), json_str (e, "kind", ""), json_str (e, "level", ""),
                          json_str (e, "recipient", ""), at, json_str (e, "acknowledged_by", ""), ack_at };
    tbl_add_row (tbl, row);
}

/*  A ticketless subject's history entry (started, stopped, restarted). */
static void s_history_row (const cJSON *e, const tz_t *tz, tbl_t *tbl)
{
    char at[64], due[64], iso[40];
    const cJSON *detail = cJSON_GetObjectItemCaseSensitive (e, "detail");
    s_local (tz, e, "at", at, sizeof at, iso, sizeof iso);
    s_local (tz, detail, "due_at", due, sizeof due, iso, sizeof iso);
    const char *row[] = { at, json_str (e, "event", ""), json_str (e, "clock", ""), due,
                          json_str (detail, "subject_event", "") };
    tbl_add_row (tbl, row);
}

/*  The clocks as a table (tbl) and as the --json array (list). Returns 0,
 *  or -1 when out of memory. */
static int s_clocks_rows (const cJSON *clocks, const tz_t *tz, tbl_t *tbl, cJSON *list)
{
    const cJSON *c;
    cJSON_ArrayForEach (c, clocks)
    {
        const char *time = json_str (c, "time_kind", ""), *state = json_str (c, "state", "");
        char target[64], amount[24], due_h[64], due_iso[40], remain[40] = "";
        snprintf (amount, sizeof amount, "%lld", (long long) json_int (c, "target_amount", 0));
        s_target (json_str (c, "target_kind", ""), amount, time, target, sizeof target);
        s_local (tz, c, "due_at", due_h, sizeof due_h, due_iso, sizeof due_iso);
        const cJSON *left = cJSON_GetObjectItemCaseSensitive (c, "remaining_seconds");
        bool has_left = cJSON_IsNumber (left);
        if (has_left)
            s_span ((int64_t) left->valuedouble * CLOCKS_US, remain, sizeof remain);
        const char *level = json_str (c, "level", "");
        /* "ticket", or the subject with its id: "inspection 57" */
        const char *kind = json_str (c, "subject_kind", "ticket");
        char subject[48];
        const cJSON *sid = cJSON_GetObjectItemCaseSensitive (c, "subject_id");
        if (cJSON_IsNumber (sid))
            snprintf (subject, sizeof subject, "%s %lld", kind, (long long) sid->valuedouble);
        else
            snprintf (subject, sizeof subject, "%s", kind);
        const char *row[] = { json_str (c, "clock", ""), subject, json_str (c, "policy", ""), target, state,
                              due_h, remain, json_str (c, "status", ""), level };
        tbl_add_row (tbl, row);
        cJSON *o = cJSON_CreateObject ();
        if (!o || !cJSON_AddItemToArray (list, o))
            return -1;
        bool ok = cJSON_AddStringToObject (o, "clock", row[0]) && cJSON_AddStringToObject (o, "subject_kind", kind)
                  && (cJSON_IsNumber (sid) ? cJSON_AddNumberToObject (o, "subject_id", sid->valuedouble) != NULL
                                           : cJSON_AddNullToObject (o, "subject_id") != NULL)
                  && cJSON_AddStringToObject (o, "policy", row[2])
                  && cJSON_AddStringToObject (o, "target", target) && cJSON_AddStringToObject (o, "state", state)
                  && (*due_iso ? cJSON_AddStringToObject (o, "due", due_iso) : cJSON_AddNullToObject (o, "due"))
                  && (has_left ? cJSON_AddNumberToObject (o, "remaining_seconds", left->valuedouble)
                               : cJSON_AddNullToObject (o, "remaining_seconds"))
                  && cJSON_AddStringToObject (o, "status", row[7])
                  && (*level ? cJSON_AddStringToObject (o, "level", level) : cJSON_AddNullToObject (o, "level"));
        if (!ok)
            return -1;
    }
    return 0;
}

int cmd_clocks (kctl_t *k, int argc, char **argv)
{
    const char *deposit_text = NULL;
    const args_spec_t spec[] = { { "deposit", true, &deposit_text, NULL }, { NULL, false, NULL, NULL } };
    const char *pos[1] = { NULL };
    int npos = 0;
    if (args_parse ("clocks", KCTL_SPECS (k, spec), argc, argv, pos, 1, &npos) != 0)
        return KCTL_USAGE;
    if (k->help) {
        fputs (s_clocks_usage, stdout);
        return KCTL_OK;
    }
    int64_t ticket = 0, deposit = 0;
    if ((npos == 1) == (deposit_text != NULL)) {
        fputs ("kefuctl clocks: expected one ticket id or --deposit ID (kefuctl clocks 42, kefuctl clocks "
               "--deposit 3)\n", stderr);
        return KCTL_USAGE;
    }
    if ((deposit_text ? args_int ("clocks", "--deposit", deposit_text, 1, INT64_C (9007199254740991), &deposit)
                      : args_int ("clocks", "ticket id", pos[0], 1, INT64_C (9007199254740991), &ticket))
            != 0
        || kctl_setup (k, "clocks") != 0)
        return KCTL_USAGE;
    int rc = KCTL_FAILED;
    tz_t *tz = NULL;
    cJSON *body = cJSON_CreateObject (), *result = NULL, *list = cJSON_CreateArray ();
    static const char *const headers[] = { "clock", "subject", "policy", "target", "state", "due", "remaining",
                                           "status", "level" };
    tbl_t *tbl = tbl_new (9, headers);
    char err[1024] = "";
    cJSON *subject = deposit && body ? cJSON_AddObjectToObject (body, "subject") : NULL;
    bool asked = deposit ? subject && cJSON_AddStringToObject (subject, "kind", "deposit")
                               && cJSON_AddNumberToObject (subject, "id", (double) deposit)
                         : body && cJSON_AddNumberToObject (body, "ticket_id", (double) ticket);
    if (!body || !list || !tbl || !asked) {
        fputs ("kefuctl clocks: out of memory\n", stderr);
        goto cleanup;
    }
    client_opts_t opts = kctl_dispatch_opts (k, "clocks");
    if (client_call (&opts, "sla.clocks", body, &result, err, sizeof err) != CLIENT_OK) {
        if (kctl_refusal (err, "not_found", "body.subject"))
            fprintf (stderr, "kefuctl clocks: deposit %" PRId64 " has no SLA clocks (never short, or you do not "
                             "act for head office)\n", deposit);
        else if (kctl_refusal (err, "not_found", "body.ticket_id"))
            fprintf (stderr, "kefuctl clocks: ticket %" PRId64 " has no SLA clocks (unknown ticket, closed at "
                             "intake, or no policy matched it)\n", ticket);
        else
            fprintf (stderr, "kefuctl clocks: %s\n", err);
        goto cleanup;
    }
    const char *zone = json_str (result, "timezone", "");
    if (!(tz = tz_load (zone, err, sizeof err))) {
        fprintf (stderr, "kefuctl clocks: time zone \"%s\" of branch %s: %s\n", zone,
                 json_str (result, "branch", ""), err);
        goto cleanup;
    }
    if (s_clocks_rows (cJSON_GetObjectItemCaseSensitive (result, "clocks"), tz, tbl, list) != 0) {
        fputs ("kefuctl clocks: out of memory\n", stderr);
        goto cleanup;
    }
    if (k->json) {
        if (kctl_print_json (list) != 0)
            goto cleanup;
    }
    else {
        tbl_print (tbl, stdout);
        static const char *const esc_h[] = { "escalation", "clock", "kind", "level", "to", "at",
                                             "acknowledged by", "acknowledged at" };
        static const char *const hist_h[] = { "at", "event", "clock", "due", "because of" };
        if (s_print_section (cJSON_GetObjectItemCaseSensitive (result, "escalations"), 8, esc_h, s_escalation_row,
                             tz) != 0
            || s_print_section (cJSON_GetObjectItemCaseSensitive (result, "history"), 5, hist_h, s_history_row, tz)
                   != 0)
            goto cleanup;
    }
    rc = KCTL_OK;
cleanup:
    cJSON_Delete (body);
    cJSON_Delete (result);
    cJSON_Delete (list);
    tbl_destroy (&tbl);
    tz_destroy (&tz);
    return rc;
}
