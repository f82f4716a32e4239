/*  ticket_created — see ticket_created.h. */
#include "ticket_created.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/json.h"
#include "model/ticket.h"

/*  A required string member of 1 to max bytes, or -1 with the reason. */
static int s_text (const cJSON *obj, const char *path, const char *key, size_t max, const char **out,
                   char *err, size_t errsize)
{
    const char *v = json_str (obj, key, NULL);
    if (!v || !*v || strlen (v) > max) {
        snprintf (err, errsize, "%s.%s: expected a string of 1 to %zu bytes", path, key, max);
        return -1;
    }
    *out = v;
    return 0;
}

int ticket_created_decode (const env_t *msg, ticket_created_t *out, char *err, size_t errsize)
{
    assert (msg && out && err);
    const cJSON *body = msg->body;
    memset (out, 0, sizeof *out);
    const cJSON *tid = cJSON_GetObjectItemCaseSensitive (body, "ticket_id");
    if (!json_is_integer (tid) || tid->valuedouble < 1) {
        snprintf (err, errsize, "body.ticket_id: expected a positive integer");
        return -1;
    }
    out->ticket_id = (int64_t) tid->valuedouble;
    snprintf (out->ticket_id_text, sizeof out->ticket_id_text, "%" PRId64, out->ticket_id);
    const char *status = json_str (body, "status", NULL);
    if (!status || (strcmp (status, TICKET_S_OPEN) != 0 && strcmp (status, TICKET_S_CLOSED) != 0)) {
        snprintf (err, errsize, "body.status: expected open or closed");
        return -1;
    }
    out->closed = strcmp (status, TICKET_S_CLOSED) == 0;
    if (s_text (body, "body", "branch", 32, &out->branch, err, errsize) != 0
        || s_text (body, "body", "customer_id", 64, &out->customer_id, err, errsize) != 0
        || s_text (body, "body", "region", 64, &out->region, err, errsize) != 0
        || s_text (body, "body", "tier", 64, &out->tier, err, errsize) != 0
        || s_text (body, "body", "kind", 32, &out->kind, err, errsize) != 0
        || s_text (body, "body", "channel", 32, &out->channel, err, errsize) != 0
        || s_text (body, "body", "priority", 16, &out->priority, err, errsize) != 0
        || s_text (body, "body", "created_at", 40, &out->created_at, err, errsize) != 0)
        return -1;
    if (clock_parse_rfc3339 (out->created_at, &out->created_us) != 0) {
        snprintf (err, errsize, "body.created_at: expected an RFC 3339 instant");
        return -1;
    }
    out->customer_class = json_str (body, "customer_class", NULL);
    const cJSON *product = cJSON_GetObjectItemCaseSensitive (body, "product");
    if (product && !cJSON_IsNull (product)) {
        if (!cJSON_IsObject (product)) {
            snprintf (err, errsize, "body.product: expected an object or null");
            return -1;
        }
        out->has_product = true;
        out->product_code = json_str (product, "code", NULL);
        out->product_line = json_str (product, "line", NULL);
        out->premium = json_bool (product, "premium", false);
    }
    const cJSON *flags = cJSON_GetObjectItemCaseSensitive (body, "flags"), *item;
    if (flags && !cJSON_IsArray (flags)) {
        snprintf (err, errsize, "body.flags: expected a list of flags");
        return -1;
    }
    cJSON_ArrayForEach (item, flags) {
        if (!cJSON_IsString (item) || out->n_flags >= TICKET_CREATED_MAX_FLAGS) {
            snprintf (err, errsize, "body.flags: expected at most %d flag names", TICKET_CREATED_MAX_FLAGS);
            return -1;
        }
        out->flags[out->n_flags++] = item->valuestring;
    }
    return 0;
}
