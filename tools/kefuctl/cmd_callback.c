/*  cmd_callback — see cmd_callback.h. This file shows what the callback
 *  service answers; the service checks roles, states and windows. */
#include "cmd_callback.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "paging.h"
#include "table.h"

#define CB_MAX_ID INT64_C (9007199254740991)
#define CB_MAX_WORDS 20

static const char s_callbacks_usage[] =
    "usage: kefuctl callbacks [--upcoming] [--agent A | --all] [--limit N] [--cursor C] [--json]\n"
    "  Your callbacks to make now, earliest deadline first: callback, ticket,\n"
    "  customer, phone (for a call due now, to a caller who may read contact\n"
    "  data; each read is audited), purpose, attempts, deadline, next call.\n"
    "  --upcoming  the later ones too\n"
    "  --agent A   another agent's list; --all every agent's (team leads, managers)\n"
    "  --limit N   at most N (1..1000, default 200)\n" PAGING_USAGE;

static const char s_callback_usage[] =
    "usage: kefuctl callback attempt ID --reason R [--note TEXT] [--json]\n"
    "       kefuctl callback outcome ID satisfied|neutral|dissatisfied [--reasons a,b] [--note TEXT] [--json]\n"
    "       kefuctl callback rest-hours CUSTOMER WINDOWS [--json]\n"
    "       kefuctl callback coverage [--branch B] [--from D --to D] [--csv | --json]\n"
    "       kefuctl callback satisfaction --by branch|agent|technician [--branch B] [--from D --to D] [--csv | --json]\n"
    "  attempt     the customer was not reached; R is no_answer, busy, switched_off,\n"
    "              wrong_number or call_later; the next call follows the retry policy,\n"
    "              the last one closes the callback as unreachable\n"
    "  outcome     the customer was reached; a dissatisfied customer's --reasons are\n"
    "              required (words of a-z 0-9 _, separated by commas) and reopen the ticket\n"
    "  rest-hours  when the customer must not be called: HH:MM-HH:MM windows separated by\n"
    "              commas, +1 on an end past midnight (12:00-14:00,20:00-09:00+1); none;\n"
    "              default (back to the branch's)\n"
    "  coverage, satisfaction  reports (kefuctl callback coverage --help)\n";

static const char *const s_attempt_reasons[] = { "no_answer", "busy", "switched_off", "wrong_number", "call_later",
                                                 NULL };
static const char *const s_outcomes[] = { "satisfied", "neutral", "dissatisfied", NULL };

int cb_words_array (const char *cmd, const char *opt, const char *text, cJSON *body, const char *key)
{
    cJSON *list = cJSON_AddArrayToObject (body, key);
    if (!list)
        return -1;
    const char *p = text;
    for (int n = 0;; n++) {
        size_t len = strcspn (p, ",");
        if (len == 0 || len > 32 || strspn (p, "abcdefghijklmnopqrstuvwxyz0123456789_") != len) {
            fprintf (stderr, "kefuctl %s: %s: \"%.*s\" is not a word (expected 1 to 32 of a-z 0-9 _, "
                             "separated by commas: late,rude)\n", cmd, opt, (int) (len > 40 ? 40 : len), p);
            return -1;
        }
        if (n == CB_MAX_WORDS) {
            fprintf (stderr, "kefuctl %s: %s: at most %d words\n", cmd, opt, CB_MAX_WORDS);
            return -1;
        }
        const cJSON *w;
        cJSON_ArrayForEach (w, list) if (strlen (w->valuestring) == len && strncmp (w->valuestring, p, len) == 0)
        {
            fprintf (stderr, "kefuctl %s: %s: \"%.*s\" is given twice\n", cmd, opt, (int) len, p);
            return -1;
        }
        char word[33];
        snprintf (word, sizeof word, "%.*s", (int) len, p);
        if (!cJSON_AddItemToArray (list, cJSON_CreateString (word)))
            return -1;
        if (!p[len])
            return 0;
        p += len + 1;
    }
}

/* ---- kefuctl callbacks -------------------------------------------------------- */

/*  The work list for people. */
static void s_print_list (const cJSON *list, bool with_agent)
{
    static const char *const headers[] = { "callback", "ticket", "branch",  "customer", "name", "phone",
                                           "purpose",  "tries",  "due",     "next call", "agent" };
    tbl_t *tbl = tbl_new (with_agent ? 11 : 10, headers);
    if (!tbl)
        return;
    tbl_set_max_width (tbl, 4, 24);
    const cJSON *c;
    cJSON_ArrayForEach (c, list)
    {
        char id[24], ticket[24], tries[16], purpose[48];
        snprintf (id, sizeof id, "%" PRId64, json_int (c, "callback_id", 0));
        snprintf (ticket, sizeof ticket, "%" PRId64, json_int (c, "ticket_id", 0));
        snprintf (tries, sizeof tries, "%" PRId64, json_int (c, "attempts", 0));
        snprintf (purpose, sizeof purpose, "%s (%s)", json_str (c, "purpose", ""), json_str (c, "cause", ""));
        const char *row[] = { id,
                              ticket,
                              json_str (c, "branch", ""),
                              json_str (c, "customer_id", ""),
                              json_str (c, "customer_name", ""),
                              json_str (c, "phone", "-"),
                              purpose,
                              tries,
                              json_str (c, "due_at", ""),
                              json_str (c, "next_call_at", ""),
                              json_str (c, "agent", "") };
        tbl_add_row (tbl, row);
    }
    if (tbl_rows (tbl) == 0)
        printf ("no callbacks to make now\n");
    else
        tbl_print (tbl, stdout);
    tbl_destroy (&tbl);
}

int cmd_callbacks (kctl_t *k, int argc, char **argv)
{
    const char *agent = NULL, *limit = NULL, *cursor = NULL;
    bool upcoming = false, all = false;
    const args_spec_t spec[] = { { "agent", true, &agent, NULL },  { "limit", true, &limit, NULL },
                                 { "upcoming", false, NULL, &upcoming }, { "all", false, NULL, &all },
                                 { "cursor", true, &cursor, NULL }, { NULL, false, NULL, NULL } };
    int npos = 0;
    int64_t n = 200;
    if (args_parse ("callbacks", KCTL_SPECS (k, spec), argc, argv, NULL, 0, &npos) != 0)
        return KCTL_USAGE;
    if (k->help) {
        fputs (s_callbacks_usage, stdout);
        return KCTL_OK;
    }
    if (agent && all) {
        fputs ("kefuctl callbacks: --agent and --all exclude each other (one agent, or everyone)\n", stderr);
        return KCTL_USAGE;
    }
    if ((limit && args_int ("callbacks", "--limit", limit, 1, 1000, &n) != 0)
        || (agent && args_text ("callbacks", "--agent", agent, 64) != 0) || paging_check ("callbacks", cursor) != 0
        || kctl_setup (k, "callbacks") != 0)
        return KCTL_USAGE;
    int rc = KCTL_FAILED;
    cJSON *body = cJSON_CreateObject (), *result = NULL;
    if (!body || !cJSON_AddNumberToObject (body, "limit", (double) n)
        || (upcoming && !cJSON_AddTrueToObject (body, "upcoming")) || (all && !cJSON_AddTrueToObject (body, "all"))
        || (agent && !cJSON_AddStringToObject (body, "agent", agent)) || paging_add (body, cursor) != 0) {
        fputs ("kefuctl callbacks: out of memory\n", stderr);
        goto cleanup;
    }
    if (kctl_ask (k, "callbacks", CFG_SVC_CALLBACK, "callback.list", body, &result) != 0)
        goto cleanup;
    if (k->json)
        rc = kctl_print_json (result) == 0 ? KCTL_OK : KCTL_FAILED;
    else {
        s_print_list (cJSON_GetObjectItemCaseSensitive (result, "callbacks"), all || agent);
        paging_print_next (result);
        rc = KCTL_OK;
    }
cleanup:
    cJSON_Delete (body);
    cJSON_Delete (result);
    return rc;
}

/* ---- kefuctl callback attempt | outcome | rest-hours ---------------------------- */

/*  What the move did, in one line. */
static void s_print_move (const cJSON *r)
{
    const char *status = json_str (r, "status", "");
    printf ("callback %" PRId64 " (ticket %" PRId64 "): %s", json_int (r, "callback_id", 0),
            json_int (r, "ticket_id", 0), status);
    if (strcmp (status, "retrying") == 0)
        printf (" after %" PRId64 " attempt(s); next call at %s\n", json_int (r, "attempts", 0),
                json_str (r, "next_call_at", ""));
    else if (strcmp (status, "recorded") == 0)
        printf (" (%s)\n", json_str (r, "outcome", ""));
    else
        printf (" after %" PRId64 " attempt(s)\n", json_int (r, "attempts", 0));
}

/*  Sends a request built from the command line and prints its result. */
static int s_send (kctl_t *k, const char *request, cJSON *body, void (*print) (const cJSON *))
{
    cJSON *result = NULL;
    int rc = KCTL_FAILED;
    if (kctl_ask (k, "callback", CFG_SVC_CALLBACK, request, body, &result) == 0)
        rc = kctl_print_result (k, result, print);
    cJSON_Delete (body);
    cJSON_Delete (result);
    return rc;
}

static void s_print_rest (const cJSON *r)
{
    printf ("customer %s: rest hours %s (%s); %" PRId64 " open callback(s) moved\n", json_str (r, "customer_id", ""),
            json_str (r, "windows", ""), cJSON_IsTrue (cJSON_GetObjectItemCaseSensitive (r, "own"))
                                             ? "their own" : "the branch's",
            json_int (r, "replaced", 0));
}

int cmd_callback (kctl_t *k, int argc, char **argv)
{
    if (argc >= 1 && strcmp (argv[0], "coverage") == 0)
        return cmd_callback_coverage (k, argc - 1, argv + 1);
    if (argc >= 1 && strcmp (argv[0], "satisfaction") == 0)
        return cmd_callback_satisfaction (k, argc - 1, argv + 1);
    const char *reason = NULL, *reasons = NULL, *note = NULL, *pos[3] = { NULL };
    const args_spec_t spec[] = { { "reason", true, &reason, NULL }, { "reasons", true, &reasons, NULL },
                                 { "note", true, &note, NULL },     { NULL, false, NULL, NULL } };
    int npos = 0;
    if (args_parse ("callback", KCTL_SPECS (k, spec), argc, argv, pos, 3, &npos) != 0)
        return KCTL_USAGE;
    if (k->help) {
        fputs (s_callback_usage, stdout);
        return KCTL_OK;
    }
    const char *sub = npos ? pos[0] : "";
    bool attempt = strcmp (sub, "attempt") == 0 && npos == 2 && reason && !reasons;
    bool outcome = strcmp (sub, "outcome") == 0 && npos == 3 && !reason;
    bool rest = strcmp (sub, "rest-hours") == 0 && npos == 3 && !reason && !reasons && !note;
    if (!attempt && !outcome && !rest) {
        fputs ("kefuctl callback: expected `callback attempt ID --reason R`, `callback outcome ID "
               "satisfied|neutral|dissatisfied`, `callback rest-hours CUSTOMER WINDOWS`, `callback coverage` "
               "or `callback satisfaction` (kefuctl callback --help)\n", stderr);
        return KCTL_USAGE;
    }
    int64_t id = 0;
    if ((!rest && args_int ("callback", "callback id", pos[1], 1, CB_MAX_ID, &id) != 0)
        || (attempt && args_enum ("callback", "--reason", reason, s_attempt_reasons) < 0)
        || (outcome && args_enum ("callback", "outcome", pos[2], s_outcomes) < 0)
        || (note && args_text ("callback", "--note", note, 2000) != 0)
        || (rest && (args_text ("callback", "customer", pos[1], 64) != 0
                     || args_text ("callback", "rest hours", pos[2], 128) != 0)))
        return KCTL_USAGE;
    cJSON *body = cJSON_CreateObject ();
    if (!body)
        return KCTL_FAILED;
    bool ok = true;
    if (rest)
        ok = cJSON_AddStringToObject (body, "customer_id", pos[1]) && cJSON_AddStringToObject (body, "windows", pos[2]);
    else
        ok = cJSON_AddNumberToObject (body, "callback_id", (double) id)
             && (!reason || cJSON_AddStringToObject (body, "reason", reason))
             && (!outcome || cJSON_AddStringToObject (body, "outcome", pos[2]))
             && (!note || cJSON_AddStringToObject (body, "note", note));
    if (ok && reasons && cb_words_array ("callback", "--reasons", reasons, body, "reasons") != 0) {
        cJSON_Delete (body);
        return KCTL_USAGE;
    }
    if (!ok || kctl_setup (k, "callback") != 0) {
        cJSON_Delete (body);
        return ok ? KCTL_USAGE : KCTL_FAILED;
    }
    if (rest)
        return s_send (k, "callback.rest_hours", body, s_print_rest);
    return s_send (k, attempt ? "callback.attempt" : "callback.outcome", body, s_print_move);
}
