/*  cmd_event — `kefuctl event TICKET EVENT ...`: records what the caller
 *  (the holder of kefuctl's token) did to a ticket (request ticket.event): a reply, a pause, the
 *  technician's arrival, the resolution, a reopening, an escalation
 *  acknowledged. The request carries a fresh request_id, so kefuctl's own
 *  retries never record an event twice. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "model/ticket.h"
#include "base/json.h"
#include "kctl.h"
#include "base/uuid.h"

static const char s_event_usage[] =
    "usage: kefuctl event TICKET_ID EVENT [--by STAFF_ID] [--note TEXT] [--reason R] [--escalation ID]\n"
    "  EVENT: first_reply, marked_complex, plan_sent, work_order_arranged, call_centre_checked,\n"
    "         technician_arrived, work_order_completed, ticket_resolved, complaint_decided,\n"
    "         callback_done, ticket_reopened, ticket_closed, paused, resumed,\n"
    "         escalation_acknowledged\n"
    "  --by STAFF_ID     who did it: must be you, the token's holder (the history records\n"
    "                    the caller; left out, it is you anyway)\n"
    "  --note TEXT       the reply given, the resolution, the appointment booked ...\n"
    "  --reason R        paused only: waiting_customer or waiting_parts\n"
    "  --escalation ID   escalation_acknowledged only: the escalation (kefuctl clocks TICKET_ID)\n"
    "examples:\n"
    "  kefuctl event 12 paused --reason waiting_parts --note \"compressor ordered\"\n"
    "  kefuctl event 12 escalation_acknowledged --escalation 3\n";

static const char *const s_reasons[] = {"waiting_customer", "waiting_parts", NULL};

int cmd_event (kctl_t *k, int argc, char **argv)
{
    const char *by = NULL, *note = NULL, *reason = NULL, *escalation = NULL;
    const args_spec_t spec[] = {
        {"by", true, &by, NULL},         {"note", true, &note, NULL},
        {"reason", true, &reason, NULL}, {"escalation", true, &escalation, NULL},
        {NULL, false, NULL, NULL},
    };
    const char *pos[2];
    int npos = 0;
    if (args_parse ("event", KCTL_SPECS (k, spec), argc, argv, pos, 2, &npos) != 0)
        return KCTL_USAGE;
    if (k->help) {
        fputs (s_event_usage, stdout);
        return KCTL_OK;
    }
    if (npos != 2) {
        fprintf (stderr, "kefuctl event: expected TICKET_ID EVENT (kefuctl event --help)\n");
        return KCTL_USAGE;
    }
    int64_t id, esc = 0;
    if (args_int ("event", "ticket id", pos[0], 1, 9007199254740991LL, &id) != 0
        || args_enum ("event", "event", pos[1], ticket_event_names (TICKET_EV_PERSON)) < 0)
        return KCTL_USAGE;
    if ((by && args_text ("event", "--by", by, 200)) || (note && args_text ("event", "--note", note, 2000))
        || (reason && args_enum ("event", "--reason", reason, s_reasons) < 0)
        || (escalation && args_int ("event", "--escalation", escalation, 1, 9007199254740991LL, &esc)))
        return KCTL_USAGE;
    if (kctl_setup (k, "event") != 0)
        return KCTL_USAGE;

    int rc = KCTL_FAILED;
    cJSON *result = NULL;
    char request_id[KUUID_STR_LEN];
    if (kuuid_new (request_id) != 0) {
        fprintf (stderr, "kefuctl event: no random numbers for the request id\n");
        return KCTL_FAILED;
    }
    cJSON *body = cJSON_CreateObject ();
    if (!body || !cJSON_AddNumberToObject (body, "ticket_id", (double) id)
        || !cJSON_AddStringToObject (body, "event", pos[1]) || (by && !cJSON_AddStringToObject (body, "actor", by))
        || (note && !cJSON_AddStringToObject (body, "note", note))
        || (reason && !cJSON_AddStringToObject (body, "reason", reason))
        || (esc && !cJSON_AddNumberToObject (body, "escalation_id", (double) esc))
        || !cJSON_AddStringToObject (body, "request_id", request_id))
        goto cleanup;
    client_opts_t opts = kctl_client_opts (k, "event");
    char err[1024] = "";
    if (client_call (&opts, "ticket.event", body, &result, err, sizeof err) != CLIENT_OK) {
        fprintf (stderr, "kefuctl event: %s\n", err);
        goto cleanup;
    }
    if (k->json)
        rc = kctl_print_json (result) == 0 ? KCTL_OK : KCTL_FAILED;
    else {
        printf ("ticket %lld: %s recorded at %s", (long long) id, pos[1], json_str (result, "at", "?"));
        const char *status = json_str (result, "status", NULL);
        if (status)
            printf (" (ticket %s)", status);
        printf ("\n");
        rc = KCTL_OK;
    }
cleanup:
    cJSON_Delete (body);
    cJSON_Delete (result);
    return rc;
}
