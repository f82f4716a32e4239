/*  reply — the request API's codes, reply documents and frame split (see
 *  reply.h).
 */
#include "reply.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"

const char *rpl_code_name (rpl_code_t code)
{
    switch (code) {
    case RPL_OK: return "ok";
    case RPL_INVALID: return "invalid";
    case RPL_NOT_FOUND: return "not_found";
    case RPL_CONFLICT: return "conflict";
    case RPL_UNAVAILABLE: return "unavailable";
    case RPL_INTERNAL: return "internal";
    case RPL_UNAUTHENTICATED: return "unauthenticated";
    case RPL_FORBIDDEN: return "forbidden";
    }
    return "internal";
}

char *rpl_ok (cJSON **result_p)
{
    cJSON *result = result_p ? *result_p : NULL;
    if (result_p)
        *result_p = NULL;
    cJSON *doc = cJSON_CreateObject ();
    if (!doc) {
        cJSON_Delete (result);
        return NULL;
    }
    cJSON_AddBoolToObject (doc, "ok", 1);
    if (!result)
        result = cJSON_CreateObject ();
    if (result)
        cJSON_AddItemToObject (doc, "result", result);
    char *text = result ? json_print (doc) : NULL;
    cJSON_Delete (doc);
    return text;
}

char *rpl_error (rpl_code_t code, const char *message)
{
    cJSON *doc = cJSON_CreateObject ();
    cJSON *error = cJSON_CreateObject ();
    char *text = NULL;
    if (!doc || !error) {
        cJSON_Delete (error);
        goto cleanup;
    }
    cJSON_AddBoolToObject (doc, "ok", 0);
    cJSON_AddItemToObject (doc, "error", error);
    if (!cJSON_AddStringToObject (error, "code", rpl_code_name (code == RPL_OK ? RPL_INTERNAL : code))
        || !cJSON_AddStringToObject (error, "message", message ? message : ""))
        goto cleanup;
    text = json_print (doc);
cleanup:
    cJSON_Delete (doc);
    return text;
}

int rpl_envelope_frames (int n, const size_t *sizes)
{
    if (n < 2 || !sizes || sizes[0] == 0)
        return -1;
    return n - 1;
}

char *rpl_error_field (const char *message, char *out, size_t size)
{
    if (!out || size == 0)
        return out;
    out[0] = '\0';
    if (!message)
        return out;
    const char *colon = strstr (message, ": ");
    size_t len = colon ? (size_t) (colon - message) : strlen (message);
    if (len >= size) {
        len = size - 1;
        /* never cut a UTF-8 character in half */
        while (len > 0 && ((unsigned char) message[len] & 0xC0) == 0x80)
            len--;
    }
    memcpy (out, message, len);
    out[len] = '\0';
    return out;
}

int rpl_refuse (rpl_code_t *code, char *err, size_t errsize, rpl_code_t why, const char *fmt, ...)
{
    if (code)
        *code = why;
    if (err && errsize) {
        va_list ap;
        va_start (ap, fmt);
        vsnprintf (err, errsize, fmt, ap);
        va_end (ap);
    }
    return -1;
}
