/*  envelope — makes, encodes and decodes the one shape of every message on
 *  the bus (see envelope.h).
 *
 *  Decoding trusts nothing: the bytes must be UTF-8 and one JSON value; the
 *  value must match schemas/envelope.v1.json; "<type>.v<version>" must name a
 *  schema under schemas/messages/ (unknown types and versions are refused
 *  with the versions that are known); and the body must match that schema.
 *  Only then is an env_t filled in.
 */
#include "envelope.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/json.h"

#define S_MAX_MESSAGE (1024 * 1024) /* larger messages are refused before parsing */
#define S_MAX_VERSIONS 32           /* versions listed in "known: ..." */
#define S_MESSAGE_GROUP "messages"  /* folder of schemas/ whose files are message types */

/*  The origin stamped on every envelope this process makes. Until
 *  env_set_origin() is called it is empty, and the envelopes it makes are
 *  refused by every receiver (source.service must name a service). */
static char s_service[32];
static char s_instance[64];

/*  Copies text into out when it fits (including the terminator); -1 when not. */
static int s_copy (char *out, size_t size, const char *text)
{
    size_t len = strlen (text);
    if (len >= size)
        return -1;
    memcpy (out, text, len + 1);
    return 0;
}

void env_set_origin (const char *service, const char *instance)
{
    if (!service || s_copy (s_service, sizeof s_service, service) != 0)
        s_service[0] = '\0';
    if (!instance || s_copy (s_instance, sizeof s_instance, instance) != 0)
        s_instance[0] = '\0';
}

/*  Takes ownership of *body_p in every case: on failure the body is freed,
 *  so the caller never has to tell the two apart. A NULL body becomes {}. */
env_t *env_new (const char *type, const char *branch, const char *correlation_id,
                cJSON **body_p)
{
    cJSON *body = body_p ? *body_p : NULL;
    if (body_p)
        *body_p = NULL;
    env_t *self = calloc (1, sizeof *self);
    if (!self)
        goto failed;
    if (!body)
        body = cJSON_CreateObject ();
    if (!body || !type || s_copy (self->type, sizeof self->type, type) != 0
        || s_copy (self->branch, sizeof self->branch, branch ? branch : "") != 0
        || s_copy (self->correlation_id, sizeof self->correlation_id,
                   correlation_id ? correlation_id : "") != 0
        || kuuid_new (self->id) != 0)
        goto failed;
    self->version = 1;
    self->ts_us = clock_now_us ();
    memcpy (self->service, s_service, sizeof self->service);
    memcpy (self->instance, s_instance, sizeof self->instance);
    self->body = body;
    return self;
failed:
    cJSON_Delete (body);
    free (self);
    return NULL;
}

void env_destroy (env_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    cJSON_Delete ((*self_p)->body);
    free (*self_p);
    *self_p = NULL;
}

char *env_encode (const env_t *self)
{
    if (!self)
        return NULL;
    char *text = NULL;
    char ts[40];
    clock_format_us (self->ts_us, ts, sizeof ts);
    cJSON *root = cJSON_CreateObject ();
    if (!root || !cJSON_AddStringToObject (root, "id", self->id)
        || !cJSON_AddStringToObject (root, "type", self->type)
        || !cJSON_AddNumberToObject (root, "version", self->version)
        || !cJSON_AddStringToObject (root, "ts", ts))
        goto cleanup;
    cJSON *source = cJSON_AddObjectToObject (root, "source");
    if (!source || !cJSON_AddStringToObject (source, "service", self->service)
        || !cJSON_AddStringToObject (source, "instance", self->instance))
        goto cleanup;
    cJSON *branch = self->branch[0] ? cJSON_CreateString (self->branch) : cJSON_CreateNull ();
    if (!branch || !cJSON_AddItemToObject (root, "branch", branch)) {
        cJSON_Delete (branch);
        goto cleanup;
    }
    cJSON *corr = self->correlation_id[0] ? cJSON_CreateString (self->correlation_id)
                                          : cJSON_CreateNull ();
    if (!corr || !cJSON_AddItemToObject (root, "correlation_id", corr)) {
        cJSON_Delete (corr);
        goto cleanup;
    }
    /* The body is referenced, not copied: deleting root leaves it alone. */
    if (self->body) {
        if (!cJSON_AddItemReferenceToObject (root, "body", self->body))
            goto cleanup;
    }
    else if (!cJSON_AddObjectToObject (root, "body"))
        goto cleanup;
    text = json_print (root);
cleanup:
    cJSON_Delete (root);
    return text;
}

/*  Fills the "known: 1, 2" list for an unsupported version. */
static void s_known_versions (const int *versions, int count, char *out, size_t size)
{
    size_t used = 0;
    out[0] = '\0';
    for (int i = 0; i < count && used + 1 < size; i++) {
        int n = snprintf (out + used, size - used, "%s%d", i ? ", " : "", versions[i]);
        if (n < 0)
            break;
        used += (size_t) n;
    }
}

env_t *env_decode (const char *data, size_t len, const schema_set_t *schemas, char *id_out,
                   char *err, size_t errsize)
{
    env_t *self = NULL;
    cJSON *root = NULL;
    char why[512];
    if (id_out)
        id_out[0] = '\0';
    if (!data || len == 0) {
        snprintf (err, errsize, "empty message (expected one JSON envelope)");
        goto cleanup;
    }
    if (len > S_MAX_MESSAGE) {
        snprintf (err, errsize, "message of %zu bytes is larger than the limit of %d bytes",
                  len, S_MAX_MESSAGE);
        goto cleanup;
    }
    if (!schemas) {
        snprintf (err, errsize, "no schemas loaded to validate the message");
        goto cleanup;
    }
    root = json_parse_strict (data, len, why, sizeof why);
    if (!root) {
        snprintf (err, errsize, "%s", why);
        goto cleanup;
    }
    const char *id = json_str (root, "id", NULL);
    if (id_out && id && kuuid_valid (id))
        memcpy (id_out, id, KUUID_STR_LEN);
    if (!cJSON_IsObject (root)) {
        snprintf (err, errsize, "expected a JSON object (the envelope), got another JSON value");
        goto cleanup;
    }
    if (schema_validate (schemas, "envelope.v1", root, NULL, why, sizeof why) != 0) {
        snprintf (err, errsize, "envelope: %s", why);
        goto cleanup;
    }
    /* The envelope schema guarantees the fields below exist with their types. */
    const char *type = json_str (root, "type", "");
    int version = (int) json_int (root, "version", 0);
    int versions[S_MAX_VERSIONS];
    int known = schema_set_versions (schemas, S_MESSAGE_GROUP, type, versions, S_MAX_VERSIONS);
    bool found = false;
    for (int i = 0; i < known; i++)
        found = found || versions[i] == version;
    if (known == 0) {
        snprintf (err, errsize, "unknown message type \"%s\"", type);
        goto cleanup;
    }
    if (!found) {
        char list[160];
        s_known_versions (versions, known, list, sizeof list);
        snprintf (err, errsize, "unsupported version %d of %s (known: %s)", version, type, list);
        goto cleanup;
    }
    char name[80];
    snprintf (name, sizeof name, "%s.v%d", type, version);
    const cJSON *body = cJSON_GetObjectItemCaseSensitive (root, "body");
    if (schema_validate (schemas, name, body, "body", err, errsize) != 0)
        goto cleanup;

    self = calloc (1, sizeof *self);
    if (!self) {
        snprintf (err, errsize, "out of memory");
        goto cleanup;
    }
    const cJSON *source = cJSON_GetObjectItemCaseSensitive (root, "source");
    const char *branch = json_str (root, "branch", "");
    const char *corr = json_str (root, "correlation_id", "");
    const char *failed = NULL;
    if (s_copy (self->id, sizeof self->id, id) != 0)
        failed = "id";
    else if (s_copy (self->type, sizeof self->type, type) != 0)
        failed = "type";
    else if (s_copy (self->service, sizeof self->service, json_str (source, "service", "")) != 0)
        failed = "source.service";
    else if (s_copy (self->instance, sizeof self->instance, json_str (source, "instance", "")) != 0)
        failed = "source.instance";
    else if (s_copy (self->branch, sizeof self->branch, branch) != 0)
        failed = "branch";
    else if (s_copy (self->correlation_id, sizeof self->correlation_id, corr) != 0)
        failed = "correlation_id";
    if (failed) {
        /* maxLength counts characters; the fixed buffers count bytes. */
        snprintf (err, errsize, "envelope: %s: longer than its buffer allows in UTF-8 bytes", failed);
        env_destroy (&self);
        goto cleanup;
    }
    if (clock_parse_rfc3339 (json_str (root, "ts", ""), &self->ts_us) != 0) {
        snprintf (err, errsize, "envelope: ts: not a time that can be represented");
        env_destroy (&self);
        goto cleanup;
    }
    self->version = version;
    self->body = cJSON_DetachItemFromObjectCaseSensitive (root, "body");
cleanup:
    cJSON_Delete (root);
    return self;
}
