/*  ticket_updated — see ticket_updated.h. */
#include "ticket_updated.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/json.h"

int ticket_updated_decode (const env_t *msg, ticket_updated_t *out, char *err, size_t errsize)
{
    assert (msg && out && err);
    const cJSON *body = msg->body;
    memset (out, 0, sizeof *out);
    const cJSON *tid = cJSON_GetObjectItemCaseSensitive (body, "ticket_id");
    out->branch = json_str (body, "branch", NULL);
    out->event = json_str (body, "event", NULL);
    out->actor = json_str (body, "actor", NULL);
    if (!json_is_integer (tid) || tid->valuedouble < 1 || !out->branch || !out->event || !out->actor) {
        snprintf (err, errsize, "body: expected ticket_id, branch, event and actor");
        return -1;
    }
    out->ticket_id = (int64_t) tid->valuedouble;
    snprintf (out->ticket_id_text, sizeof out->ticket_id_text, "%" PRId64, out->ticket_id);
    out->at = json_str (body, "at", NULL);
    if (!out->at || clock_parse_rfc3339 (out->at, &out->at_us) != 0) {
        snprintf (err, errsize, "body.at: expected an RFC 3339 date-time");
        return -1;
    }
    out->reason = json_str (body, "reason", NULL);
    if (strcmp (out->event, "escalation_acknowledged") == 0) {
        const cJSON *esc = cJSON_GetObjectItemCaseSensitive (body, "escalation_id");
        if (!json_is_integer (esc) || esc->valuedouble < 1) {
            snprintf (err, errsize, "body.escalation_id: expected an integer >= 1");
            return -1;
        }
        out->escalation_id = (int64_t) esc->valuedouble;
        snprintf (out->escalation_id_text, sizeof out->escalation_id_text, "%" PRId64, out->escalation_id);
    }
    return 0;
}
