/*  lookup_request — see lookup_request.h. */
#include "lookup_request.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/json.h"

/*  An optional string member: 0 with *out (NULL when absent), -1 when it
 *  has another type. */
static int s_str (const cJSON *body, const char *key, const char **out, char *err, size_t errsize)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive (body, key);
    *out = NULL;
    if (!item)
        return 0;
    if (!cJSON_IsString (item) || !item->valuestring) {
        snprintf (err, errsize, "body.%s: expected a string", key);
        return -1;
    }
    *out = item->valuestring;
    return 0;
}

static int s_object (const cJSON *body, char *err, size_t errsize)
{
    if (cJSON_IsObject (body))
        return 0;
    snprintf (err, errsize, "body: expected an object");
    return -1;
}

/*  A name to look for: 1..ILR_NAME_MAX bytes, not only spaces, no control
 *  characters (they would only ever match by mistake). */
static int s_name (const char *name, char *err, size_t errsize)
{
    size_t len = strlen (name);
    if (len == 0 || strspn (name, " ") == len) {
        snprintf (err, errsize, "body.name: must not be empty (a name or its first characters: 张, 张伟)");
        return -1;
    }
    if (len > ILR_NAME_MAX) {
        snprintf (err, errsize, "body.name: longer than 64 characters");
        return -1;
    }
    for (const unsigned char *c = (const unsigned char *) name; *c; c++)
        if (*c < 0x20 || *c == 0x7f) {
            snprintf (err, errsize, "body.name: holds a control character (expected a name as people write it)");
            return -1;
        }
    return 0;
}

int ilr_parse_find (const cJSON *body, ilr_find_t *out, char *err, size_t errsize)
{
    memset (out, 0, sizeof *out);
    out->limit = ILR_FIND_DEFAULT;
    const char *phone, *name;
    if (s_object (body, err, errsize) != 0 || s_str (body, "phone", &phone, err, errsize) != 0
        || s_str (body, "name", &name, err, errsize) != 0)
        return -1;
    if (phone && name) {
        snprintf (err, errsize, "body: give \"phone\" or \"name\", not both");
        return -1;
    }
    if (!phone && !name) {
        snprintf (err, errsize, "body: missing \"phone\" or \"name\" (what to look for)");
        return -1;
    }
    const cJSON *limit = cJSON_GetObjectItemCaseSensitive (body, "limit");
    if (limit) {
        if (!json_is_integer (limit) || limit->valuedouble < 1 || limit->valuedouble > ILR_FIND_MAX) {
            snprintf (err, errsize, "body.limit: expected an integer from 1 to %d", ILR_FIND_MAX);
            return -1;
        }
        out->limit = (int) limit->valuedouble;
    }
    if (name) {
        out->name = name;
        return s_name (name, err, errsize);
    }
    return iph_parse ("body.phone", phone, out->phone_key, sizeof out->phone_key, err, errsize);
}

int ilr_parse_open (const cJSON *body, char *phone_key, size_t keysize, char *err, size_t errsize)
{
    const char *phone;
    if (s_object (body, err, errsize) != 0 || s_str (body, "phone", &phone, err, errsize) != 0)
        return -1;
    if (!phone) {
        snprintf (err, errsize, "body: missing required field \"phone\" (the caller's number)");
        return -1;
    }
    return iph_parse ("body.phone", phone, phone_key, keysize, err, errsize);
}

int ilr_parse_get (const cJSON *body, const char **id, char *err, size_t errsize)
{
    if (s_object (body, err, errsize) != 0 || s_str (body, "id", id, err, errsize) != 0)
        return -1;
    if (!*id) {
        snprintf (err, errsize, "body: missing required field \"id\" (the screen pop's id)");
        return -1;
    }
    size_t len = strlen (*id);
    if (len != ILR_POP_ID_LEN
        || strspn (*id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") != len) {
        snprintf (err, errsize, "body.id: expected a screen pop's id (%d characters of A-Z a-z 0-9 _ -)",
                  ILR_POP_ID_LEN);
        return -1;
    }
    return 0;
}
