/*  request — typed reading of intake request bodies, the cross-field rules
 *  JSON Schema cannot express, and the reply documents (see request.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "request.h"
#include "base/uuid.h"

/*  Reads an optional string member. Returns 0 (out set, or NULL when the
 *  member is absent or null), -1 when present with another type or empty. */
static int s_opt_str (const cJSON *obj, const char *path, const char *key,
                      const char **out, char *err, size_t errsize)
{
    *out = NULL;
    const cJSON *item = cJSON_GetObjectItemCaseSensitive (obj, key);
    if (!item || cJSON_IsNull (item))
        return 0;
    if (!cJSON_IsString (item) || !item->valuestring) {
        snprintf (err, errsize, "%s.%s: expected a string", path, key);
        return -1;
    }
    if (item->valuestring[0] == '\0') {
        snprintf (err, errsize, "%s.%s: must not be empty", path, key);
        return -1;
    }
    *out = item->valuestring;
    return 0;
}

static int s_req_str (const cJSON *obj, const char *path, const char *key,
                      const char **out, char *err, size_t errsize)
{
    if (s_opt_str (obj, path, key, out, err, errsize) != 0)
        return -1;
    if (!*out) {
        snprintf (err, errsize, "%s: missing required field \"%s\"", path, key);
        return -1;
    }
    return 0;
}

/*  The customer: {"id"} or {"name","phone","address","region"}, not both. */
static int s_parse_customer (const cJSON *body, irq_submit_t *out, char *err, size_t errsize)
{
    const cJSON *c = cJSON_GetObjectItemCaseSensitive (body, "customer");
    if (!c) {
        snprintf (err, errsize, "body: missing required field \"customer\"");
        return -1;
    }
    if (!cJSON_IsObject (c)) {
        snprintf (err, errsize, "body.customer: expected an object with \"id\" "
                                "or with \"name\", \"phone\", \"address\", \"region\"");
        return -1;
    }
    const char *p = "body.customer";
    if (s_opt_str (c, p, "id", &out->customer_id, err, errsize) != 0
        || s_opt_str (c, p, "name", &out->name, err, errsize) != 0
        || s_opt_str (c, p, "phone", &out->phone, err, errsize) != 0
        || s_opt_str (c, p, "address", &out->address, err, errsize) != 0
        || s_opt_str (c, p, "region", &out->region, err, errsize) != 0)
        return -1;
    bool any_inline = out->name || out->phone || out->address || out->region;
    if (out->customer_id && any_inline) {
        snprintf (err, errsize, "body.customer: give either \"id\" of a known customer "
                                "or \"name\", \"phone\", \"address\", \"region\", not both");
        return -1;
    }
    if (out->customer_id)
        return 0;
    static const char *const inline_keys[] = { "name", "phone", "address", "region" };
    const char *values[] = { out->name, out->phone, out->address, out->region };
    for (int i = 0; i < 4; i++)
        if (!values[i]) {
            snprintf (err, errsize, "body.customer: missing required field \"%s\" "
                                    "(a new customer needs name, phone, address, region; "
                                    "a known one needs only \"id\")", inline_keys[i]);
            return -1;
        }
    return 0;
}

static int s_parse_product (const cJSON *body, irq_submit_t *out, char *err, size_t errsize)
{
    const cJSON *pr = cJSON_GetObjectItemCaseSensitive (body, "product");
    if (!pr || cJSON_IsNull (pr))
        return 0;
    if (!cJSON_IsObject (pr)) {
        snprintf (err, errsize, "body.product: expected an object {\"code\", \"serial\"?, "
                                "\"warranty_card\"?}");
        return -1;
    }
    const char *p = "body.product";
    if (s_req_str (pr, p, "code", &out->product_code, err, errsize) != 0
        || s_opt_str (pr, p, "serial", &out->serial, err, errsize) != 0
        || s_opt_str (pr, p, "warranty_card", &out->warranty_card, err, errsize) != 0)
        return -1;
    return 0;
}

int irq_parse_submit (const cJSON *body, irq_submit_t *out, char *err, size_t errsize)
{
    memset (out, 0, sizeof *out);
    if (!cJSON_IsObject (body)) {
        snprintf (err, errsize, "body: expected an object");
        return -1;
    }
    const char *p = "body";
    if (s_req_str (body, p, "channel", &out->channel, err, errsize) != 0
        || s_req_str (body, p, "kind", &out->kind, err, errsize) != 0
        || s_opt_str (body, p, "priority", &out->priority, err, errsize) != 0
        || s_req_str (body, p, "description", &out->description, err, errsize) != 0
        || s_opt_str (body, p, "branch", &out->branch, err, errsize) != 0
        || s_opt_str (body, p, "resolution", &out->resolution, err, errsize) != 0
        || s_opt_str (body, p, "request_id", &out->request_id, err, errsize) != 0
        || s_opt_str (body, p, "complained_staff_id", &out->complained_staff_id, err, errsize) != 0
        || s_parse_customer (body, out, err, errsize) != 0
        || s_parse_product (body, out, err, errsize) != 0)
        return -1;
    if (!out->priority)
        out->priority = "normal";

    const cJSON *answered = cJSON_GetObjectItemCaseSensitive (body, "answered");
    if (answered && !cJSON_IsNull (answered)) {
        if (!cJSON_IsBool (answered)) {
            snprintf (err, errsize, "body.answered: expected true or false");
            return -1;
        }
        out->answered = cJSON_IsTrue (answered);
    }
    if (out->answered && strcmp (out->kind, "consultation") != 0) {
        snprintf (err, errsize, "body.answered: only a consultation can be answered at "
                                "intake (kind is \"%.40s\")", out->kind);
        return -1;
    }
    if (out->complained_staff_id && strcmp (out->kind, "complaint") != 0) {
        snprintf (err, errsize, "body.complained_staff_id: only a complaint names the staff member complained "
                                "about (kind is \"%.40s\")", out->kind);
        return -1;
    }
    if (out->resolution && !out->answered) {
        snprintf (err, errsize, "body.resolution: only allowed with \"answered\": true "
                                "(a consultation closed at intake)");
        return -1;
    }
    const cJSON *flags = cJSON_GetObjectItemCaseSensitive (body, "flags");
    if (flags && !cJSON_IsNull (flags)) {
        const cJSON *flag;
        if (!cJSON_IsArray (flags)) {
            snprintf (err, errsize, "body.flags: expected an array of flag names");
            return -1;
        }
        cJSON_ArrayForEach (flag, flags)
            if (!cJSON_IsString (flag)) {
                snprintf (err, errsize, "body.flags: expected flag names (strings)");
                return -1;
            }
        out->flags = cJSON_GetArraySize (flags) > 0 ? flags : NULL;
    }
    if (out->request_id && !kuuid_valid (out->request_id)) {
        snprintf (err, errsize, "body.request_id: expected a UUID such as "
                                "\"6f1c2a3b-0d4e-4f5a-8b6c-7d8e9f0a1b2c\"");
        return -1;
    }
    if (out->warranty_card && !out->product_code) {
        snprintf (err, errsize, "body.product: missing required field \"code\"");
        return -1;
    }
    return 0;
}

int irq_parse_get (const cJSON *body, int64_t *ticket_id, char *err, size_t errsize)
{
    *ticket_id = 0;
    if (!cJSON_IsObject (body)) {
        snprintf (err, errsize, "body: expected an object");
        return -1;
    }
    const cJSON *id = cJSON_GetObjectItemCaseSensitive (body, "ticket_id");
    if (!id) {
        snprintf (err, errsize, "body: missing required field \"ticket_id\"");
        return -1;
    }
    if (!json_is_integer (id) || id->valuedouble < 1) {
        snprintf (err, errsize, "body.ticket_id: expected an integer ticket id >= 1");
        return -1;
    }
    *ticket_id = (int64_t) id->valuedouble;
    return 0;
}

int irq_parse_list (const cJSON *body, irq_list_t *out, char *err, size_t errsize)
{
    memset (out, 0, sizeof *out);
    out->limit = IRQ_LIST_DEFAULT;
    if (!body || cJSON_IsNull (body))
        return cur_page_start (&out->page, "ticket.list", NULL, out->limit, err, errsize);
    if (!cJSON_IsObject (body)) {
        snprintf (err, errsize, "body: expected an object");
        return -1;
    }
    const char *p = "body";
    if (s_opt_str (body, p, "branch", &out->branch, err, errsize) != 0
        || s_opt_str (body, p, "status", &out->status, err, errsize) != 0
        || s_opt_str (body, p, "kind", &out->kind, err, errsize) != 0
        || s_opt_str (body, p, "customer_id", &out->customer_id, err, errsize) != 0)
        return -1;
    const cJSON *limit = cJSON_GetObjectItemCaseSensitive (body, "limit");
    if (limit && !cJSON_IsNull (limit)) {
        if (!json_is_integer (limit) || limit->valuedouble < 1
            || limit->valuedouble > IRQ_LIST_MAX) {
            snprintf (err, errsize, "body.limit: expected an integer from 1 to %d",
                      IRQ_LIST_MAX);
            return -1;
        }
        out->limit = (int) limit->valuedouble;
    }
    return cur_page_start (&out->page, "ticket.list", body, out->limit, err, errsize);
}

int irq_parse_event (const cJSON *body, const char *caller, irq_event_t *rq, char *err,
                     size_t errsize)
{
    memset (rq, 0, sizeof *rq);
    const cJSON *id = cJSON_GetObjectItemCaseSensitive (body, "ticket_id");
    const cJSON *esc = cJSON_GetObjectItemCaseSensitive (body, "escalation_id");
    rq->event = json_str (body, "event", NULL);
    rq->actor = json_str (body, "actor", NULL);
    rq->note = json_str (body, "note", NULL);
    rq->reason = json_str (body, "reason", NULL);
    rq->request_id = json_str (body, "request_id", NULL);
    if (!json_is_integer (id) || id->valuedouble < 1) {
        snprintf (err, errsize, "body.ticket_id: expected an integer ticket id >= 1");
        return -1;
    }
    rq->ticket_id = (int64_t) id->valuedouble;
    /* the history names the authenticated caller; a different actor is refused */
    if (rq->actor && caller && strcmp (rq->actor, caller) != 0) {
        snprintf (err, errsize, "body.actor: must be you (%s) or left out: the history records "
                                "who made the request", caller);
        return -1;
    }
    if (caller)
        rq->actor = caller;
    if (!rq->event || !rq->actor || !*rq->actor) {
        snprintf (err, errsize, "body: expected \"event\" and a non-empty \"actor\"");
        return -1;
    }
    bool pause = strcmp (rq->event, "paused") == 0;
    if (pause && !rq->reason) {
        snprintf (err, errsize, "body.reason: required with paused (waiting_customer or waiting_parts)");
        return -1;
    }
    if (!pause && rq->reason) {
        snprintf (err, errsize, "body.reason: only with the event paused (this is %s)", rq->event);
        return -1;
    }
    bool ack = strcmp (rq->event, "escalation_acknowledged") == 0;
    if (ack && !json_is_integer (esc)) {
        snprintf (err, errsize,
                  "body.escalation_id: required with escalation_acknowledged "
                  "(kefuctl clocks TICKET lists the escalations)");
        return -1;
    }
    if (!ack && esc) {
        snprintf (err, errsize,
                  "body.escalation_id: only with the event escalation_acknowledged "
                  "(this is %s)",
                  rq->event);
        return -1;
    }
    rq->escalation_id = ack ? (int64_t) esc->valuedouble : 0;
    return 0;
}
