/*  schema_check — the validating half of the schema module (schema.h):
 *  walks a document against a compiled schema (schema_int.h) and stops at
 *  the first problem, reported as "<json path>: <what was wrong and what was
 *  expected>". Also the checks behind "format".
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "schema.h"
#include "schema_int.h"
#include "base/uuid.h"

#define S_PATH_MAX 512 /* JSON path in error messages */
#define S_MSG_MAX 768


/*  Validation context: the first error's path and message. */
typedef struct {
    char path[S_PATH_MAX];
    size_t path_len;
    char err_path[S_PATH_MAX];
    char err_msg[S_MSG_MAX];
    int depth;
} s_checker_t;

/* ------------------------------------------------------------------------ */
/* Small helpers                                                              */

/*  Copies at most `max` bytes of text into out (size outsize), stopping at a
 *  UTF-8 boundary and replacing control characters with '?', so that what
 *  comes from a document can be quoted in an error safely. */
static void s_quote_text (const char *text, size_t max, char *out, size_t outsize)
{
    size_t len = strlen (text), o = 0;
    if (max > outsize - 4)
        max = outsize - 4;
    bool cut = len > max;
    if (cut) {
        len = max;
        while (len > 0 && ((unsigned char) text[len] & 0xC0) == 0x80)
            len--;
    }
    for (size_t i = 0; i < len && o + 1 < outsize; i++) {
        unsigned char c = (unsigned char) text[i];
        out[o++] = (c < 0x20 || c == 0x7f) ? '?' : (char) c;
    }
    if (cut && o + 3 < outsize) {
        memcpy (out + o, "...", 3);
        o += 3;
    }
    out[o] = '\0';
}

/*  Renders a JSON value briefly for an error: strings quoted, the rest as JSON. */
static void s_show_value (const cJSON *item, char *out, size_t outsize)
{
    if (cJSON_IsString (item)) {
        char quoted[80];
        s_quote_text (item->valuestring, 40, quoted, sizeof quoted);
        snprintf (out, outsize, "\"%s\"", quoted);
        return;
    }
    if (cJSON_IsObject (item)) {
        snprintf (out, outsize, "an object");
        return;
    }
    if (cJSON_IsArray (item)) {
        snprintf (out, outsize, "an array");
        return;
    }
    char *printed = cJSON_PrintUnformatted (item);
    if (!printed) {
        snprintf (out, outsize, "a value");
        return;
    }
    s_quote_text (printed, 40, out, outsize);
    free (printed);
}

static const char *s_type_of (const cJSON *item)
{
    if (cJSON_IsNull (item))
        return "null";
    if (cJSON_IsBool (item))
        return "boolean";
    if (cJSON_IsObject (item))
        return "object";
    if (cJSON_IsArray (item))
        return "array";
    if (cJSON_IsNumber (item))
        return json_is_integer (item) ? "integer" : "number";
    if (cJSON_IsString (item))
        return "string";
    return "invalid value";
}

static bool s_type_matches (unsigned types, const cJSON *item)
{
    if (types == 0)
        return true;
    if ((types & SCHEMA_T_NULL) && cJSON_IsNull (item))
        return true;
    if ((types & SCHEMA_T_BOOLEAN) && cJSON_IsBool (item))
        return true;
    if ((types & SCHEMA_T_OBJECT) && cJSON_IsObject (item))
        return true;
    if ((types & SCHEMA_T_ARRAY) && cJSON_IsArray (item))
        return true;
    if ((types & SCHEMA_T_NUMBER) && cJSON_IsNumber (item))
        return true;
    if ((types & SCHEMA_T_STRING) && cJSON_IsString (item))
        return true;
    if ((types & SCHEMA_T_INTEGER) && schema_is_integral (item))
        return true;
    return false;
}

/* ------------------------------------------------------------------------ */
/* Formats                                                                   */

static bool s_digits (const char *text, int count)
{
    for (int i = 0; i < count; i++)
        if (text[i] < '0' || text[i] > '9')
            return false;
    return true;
}

static int s_num (const char *text, int count)
{
    int value = 0;
    for (int i = 0; i < count; i++)
        value = value * 10 + (text[i] - '0');
    return value;
}

static bool s_valid_date (const char *text)
{
    if (!s_digits (text, 4) || text[4] != '-' || !s_digits (text + 5, 2) || text[7] != '-'
        || !s_digits (text + 8, 2))
        return false;
    int year = s_num (text, 4), month = s_num (text + 5, 2), day = s_num (text + 8, 2);
    static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (month < 1 || month > 12 || day < 1)
        return false;
    int max = days[month - 1];
    if (month == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0))
        max = 29;
    return day <= max;
}

/*  RFC 3339 date-time: 2026-11-22T06:48:42[.frac](Z|+hh:mm|-hh:mm). */
static bool s_valid_date_time (const char *text)
{
    if (strlen (text) < 20 || !s_valid_date (text))
        return false;
    if (text[10] != 'T' && text[10] != 't')
        return false;
    const char *t = text + 11;
    if (!s_digits (t, 2) || t[2] != ':' || !s_digits (t + 3, 2) || t[5] != ':'
        || !s_digits (t + 6, 2))
        return false;
    if (s_num (t, 2) > 23 || s_num (t + 3, 2) > 59 || s_num (t + 6, 2) > 60)
        return false;
    t += 8;
    if (*t == '.') {
        t++;
        if (*t < '0' || *t > '9')
            return false;
        while (*t >= '0' && *t <= '9')
            t++;
    }
    if ((*t == 'Z' || *t == 'z') && t[1] == '\0')
        return true;
    if (*t != '+' && *t != '-')
        return false;
    t++;
    return s_digits (t, 2) && t[2] == ':' && s_digits (t + 3, 2) && t[5] == '\0'
           && s_num (t, 2) <= 23 && s_num (t + 3, 2) <= 59;
}

/*  A pragmatic address check: local@domain, one '@', no spaces or control
 *  characters, a dot inside the domain. */
static bool s_valid_email (const char *text)
{
    const char *at = strchr (text, '@');
    if (!at || at == text || strchr (at + 1, '@'))
        return false;
    const char *dot = strchr (at + 1, '.');
    if (!dot || dot == at + 1 || dot[1] == '\0')
        return false;
    for (const char *p = text; *p; p++)
        if ((unsigned char) *p <= 0x20 || *p == 0x7f)
            return false;
    return text[strlen (text) - 1] != '.';
}

static bool s_format_ok (schema_format_t format, const char *text)
{
    switch (format) {
    case SCHEMA_FMT_DATE: return strlen (text) == 10 && s_valid_date (text);
    case SCHEMA_FMT_DATE_TIME: return s_valid_date_time (text);
    case SCHEMA_FMT_UUID: return strlen (text) == 36 && kuuid_valid (text);
    case SCHEMA_FMT_EMAIL: return s_valid_email (text);
    case SCHEMA_FMT_NONE: break;
    }
    return true;
}

/* ------------------------------------------------------------------------ */
/* Validating                                                                */

static int s_error (s_checker_t *k, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));

static int s_error (s_checker_t *k, const char *fmt, ...)
{
    memcpy (k->err_path, k->path, k->path_len + 1);
    va_list ap;
    va_start (ap, fmt);
    vsnprintf (k->err_msg, sizeof k->err_msg, fmt, ap);
    va_end (ap);
    return -1;
}

/*  Appends ".key" or "[index]" to the path; returns the length to pop back to. */
static size_t s_push (s_checker_t *k, const char *key, int index)
{
    size_t saved = k->path_len, room = S_PATH_MAX - k->path_len;
    int n;
    if (key) {
        char quoted[72];
        s_quote_text (key, 64, quoted, sizeof quoted);
        n = snprintf (k->path + k->path_len, room, "%s%s", k->path_len ? "." : "", quoted);
    }
    else
        n = snprintf (k->path + k->path_len, room, "[%d]", index);
    if (n > 0)
        k->path_len += (size_t) n < room ? (size_t) n : room - 1;
    return saved;
}

static void s_pop (s_checker_t *k, size_t saved)
{
    k->path_len = saved;
    k->path[saved] = '\0';
}

static int s_check (s_checker_t *k, const schema_node_t *node, const cJSON *item);

static void s_append (char *out, size_t size, const char *text)
{
    size_t used = strlen (out);
    if (used + 1 < size)
        snprintf (out + used, size - used, "%s", text);
}

static int s_check_type (s_checker_t *k, const schema_node_t *node, const cJSON *item)
{
    if (s_type_matches (node->types, item))
        return 0;
    char expected[128] = "";
    for (int i = 0; i < SCHEMA_TYPE_COUNT; i++)
        if (node->types & (1u << i)) {
            if (expected[0])
                s_append (expected, sizeof expected, " or ");
            s_append (expected, sizeof expected, schema_type_names[i]);
        }
    return s_error (k, "expected %s, got %s", expected, s_type_of (item));
}

static int s_check_enum (s_checker_t *k, const schema_node_t *node, const cJSON *item)
{
    const cJSON *value;
    cJSON_ArrayForEach (value, node->enum_values) {
        if (cJSON_Compare (item, value, true))
            return 0;
    }
    char shown[96], list[320] = "";
    s_show_value (item, shown, sizeof shown);
    cJSON_ArrayForEach (value, node->enum_values) {
        char one[96];
        if (cJSON_IsString (value))
            s_quote_text (value->valuestring, 40, one, sizeof one);
        else
            s_show_value (value, one, sizeof one);
        if (list[0])
            s_append (list, sizeof list, ", ");
        s_append (list, sizeof list, one);
    }
    return s_error (k, "%s is not one of %s", shown, list);
}

static int s_check_string (s_checker_t *k, const schema_node_t *node, const char *text)
{
    size_t bytes = strlen (text);
    if (!json_utf8_valid (text, bytes, NULL))
        return s_error (k, "not valid UTF-8");
    size_t length = json_utf8_length (text);
    if (node->min_length >= 0 && length < (size_t) node->min_length)
        return node->min_length == 1 ? s_error (k, "must not be empty")
                                     : s_error (k, "shorter than %ld characters", node->min_length);
    if (node->max_length >= 0 && length > (size_t) node->max_length)
        return s_error (k, "longer than %ld characters", node->max_length);
    if (node->has_pattern && regexec (&node->pattern, text, 0, NULL, 0) != 0) {
        /* The value is not echoed: it may be a phone number or an address. */
        char shown[256] = "";
        for (const char *p = node->pattern_src; *p && strlen (shown) + 8 < sizeof shown; p++) {
            char one[8] = { *p, '\0' };
            if ((unsigned char) *p < 0x20 || *p == 0x7f)
                snprintf (one, sizeof one, "\\u%04x", (unsigned) (unsigned char) *p);
            s_append (shown, sizeof shown, one);
        }
        return s_error (k, "does not match the pattern %s", shown);
    }
    if (node->format != SCHEMA_FMT_NONE && !s_format_ok (node->format, text)) {
        static const char *const hints[] = {
            "", " (YYYY-MM-DD)", " (RFC 3339, e.g. 2026-11-22T06:48:42Z)",
            " (8-4-4-4-12 hexadecimal digits)", " (name@domain)"
        };
        char shown[96];
        s_quote_text (text, 40, shown, sizeof shown);
        return s_error (k, "\"%s\" is not a valid %s%s", shown, schema_format_names[node->format],
                        hints[node->format]);
    }
    return 0;
}

static int s_check_object (s_checker_t *k, const schema_node_t *node, const cJSON *item)
{
    const cJSON *member;
    cJSON_ArrayForEach (member, item) {
        const schema_node_t *prop = NULL;
        for (size_t i = 0; i < node->prop_count && !prop; i++)
            if (strcmp (node->props[i].name, member->string) == 0)
                prop = node->props[i].node;
        if (!prop && node->additional == 0) {
            char quoted[72];
            s_quote_text (member->string, 64, quoted, sizeof quoted);
            return s_error (k, "unknown field \"%s\"", quoted);
        }
    }
    for (size_t i = 0; i < node->required_count; i++)
        if (!cJSON_GetObjectItemCaseSensitive (item, node->required[i]))
            return s_error (k, "missing required field \"%s\"", node->required[i]);
    cJSON_ArrayForEach (member, item) {
        for (size_t i = 0; i < node->prop_count; i++) {
            if (strcmp (node->props[i].name, member->string) != 0)
                continue;
            size_t saved = s_push (k, member->string, 0);
            int rc = s_check (k, node->props[i].node, member);
            s_pop (k, saved);
            if (rc != 0)
                return -1;
        }
    }
    return 0;
}

static int s_check_array (s_checker_t *k, const schema_node_t *node, const cJSON *item)
{
    int size = cJSON_GetArraySize (item);
    if (node->min_items >= 0 && size < node->min_items)
        return s_error (k, "fewer than %ld items", node->min_items);
    if (node->max_items >= 0 && size > node->max_items)
        return s_error (k, "more than %ld items", node->max_items);
    int index = 0;
    const cJSON *element;
    cJSON_ArrayForEach (element, item) {
        if (node->items) {
            size_t saved = s_push (k, NULL, index);
            int rc = s_check (k, node->items, element);
            s_pop (k, saved);
            if (rc != 0)
                return -1;
        }
        if (node->unique_items) {
            int other = 0;
            for (const cJSON *before = item->child; before != element; before = before->next, other++)
                if (cJSON_Compare (before, element, true))
                    return s_error (k, "items [%d] and [%d] are equal; items must be unique",
                                    other, index);
        }
        index++;
    }
    return 0;
}

static int s_path_depth (const char *path)
{
    int depth = 0;
    for (; *path; path++)
        depth += *path == '.' || *path == '[';
    return depth;
}

/*  oneOf (exactly one) and anyOf (at least one). On failure the error is the
 *  branch that got furthest into the value when one did, else all branches. */
static int s_check_alternatives (s_checker_t *k, schema_node_t *const *list, size_t count,
                                 bool exactly_one, const cJSON *item)
{
    char summary[S_MSG_MAX] = "", best_path[S_PATH_MAX] = "", best_msg[S_MSG_MAX] = "";
    int best_depth = -1, best_ties = 0, matched = 0, first_match = -1;
    bool all_same = true;
    for (size_t i = 0; i < count; i++) {
        if (s_check (k, list[i], item) == 0) {
            if (!exactly_one)
                return 0;
            if (++matched == 2)
                return s_error (k, "matches more than one of the %zu alternatives (%d and %zu); "
                                   "exactly one must match", count, first_match + 1, i + 1);
            first_match = (int) i;
            continue;
        }
        int depth = s_path_depth (k->err_path);
        if (i > 0 && (strcmp (k->err_path, best_path) != 0 || strcmp (k->err_msg, best_msg) != 0))
            all_same = false;
        if (depth > best_depth) {
            best_depth = depth;
            best_ties = 1;
            snprintf (best_path, sizeof best_path, "%s", k->err_path);
            snprintf (best_msg, sizeof best_msg, "%s", k->err_msg);
        }
        else if (depth == best_depth)
            best_ties++;
        char one[S_MSG_MAX];
        const char *rel = k->err_path;
        if (strncmp (rel, k->path, k->path_len) == 0)
            rel += k->path_len;
        if (*rel == '.')
            rel++;
        char label[48];
        if (list[i]->title)
            s_quote_text (list[i]->title, 40, label, sizeof label);
        else if (snprintf (label, sizeof label, "alternative %zu", i + 1) >= (int) sizeof label)
            label[0] = '\0';
        if (snprintf (one, sizeof one, "%s%s%s%s: %s", summary[0] ? "; " : "", label,
                      *rel ? " " : "", rel, k->err_msg) >= (int) sizeof one)
            snprintf (one + sizeof one - 4, 4, "...");
        s_append (summary, sizeof summary, one);
    }
    if (matched == 1)
        return 0;
    if (all_same || (best_ties == 1 && best_depth > s_path_depth (k->path))) {
        memcpy (k->err_path, best_path, sizeof best_path);
        memcpy (k->err_msg, best_msg, sizeof best_msg);
        return -1;
    }
    return s_error (k, "matches none of the %zu alternatives: %s", count, summary);
}

static int s_check (s_checker_t *k, const schema_node_t *node, const cJSON *item)
{
    if (k->depth >= SCHEMA_MAX_DEPTH)
        return s_error (k, "nested deeper than %d levels", SCHEMA_MAX_DEPTH);
    k->depth++;
    int rc = -1;
    if (node->bool_schema >= 0) {
        rc = node->bool_schema ? 0 : s_error (k, "no value is allowed here");
        goto cleanup;
    }
    if (s_check_type (k, node, item) != 0)
        goto cleanup;
    if (node->enum_values && s_check_enum (k, node, item) != 0)
        goto cleanup;
    if (node->const_value && !cJSON_Compare (item, node->const_value, true)) {
        char want[96], got[96];
        s_show_value (node->const_value, want, sizeof want);
        s_show_value (item, got, sizeof got);
        s_error (k, "must be %s, got %s", want, got);
        goto cleanup;
    }
    if (cJSON_IsString (item) && s_check_string (k, node, item->valuestring) != 0)
        goto cleanup;
    if (cJSON_IsNumber (item)) {
        double v = item->valuedouble;
        if (node->has_min && v < node->minimum) {
            s_error (k, "%.17g is less than the minimum %.17g", v, node->minimum);
            goto cleanup;
        }
        if (node->has_max && v > node->maximum) {
            s_error (k, "%.17g is greater than the maximum %.17g", v, node->maximum);
            goto cleanup;
        }
    }
    if (cJSON_IsObject (item) && s_check_object (k, node, item) != 0)
        goto cleanup;
    if (cJSON_IsArray (item) && s_check_array (k, node, item) != 0)
        goto cleanup;
    if (node->one_of && s_check_alternatives (k, node->one_of, node->one_of_count, true, item) != 0)
        goto cleanup;
    if (node->any_of && s_check_alternatives (k, node->any_of, node->any_of_count, false, item) != 0)
        goto cleanup;
    if (node->ref && s_check (k, node->ref, item) != 0)
        goto cleanup;
    rc = 0;
cleanup:
    k->depth--;
    return rc;
}

int schema_validate (const schema_set_t *self, const char *name, const cJSON *doc,
                     const char *path_prefix, char *err, size_t errsize)
{
    const schema_node_t *root = schema_root (self, name);
    if (!root) {
        snprintf (err, errsize, "no schema named \"%s\" is loaded", name ? name : "(null)");
        return -1;
    }
    if (!doc) {
        snprintf (err, errsize, "%s: no document", path_prefix ? path_prefix : "(document)");
        return -1;
    }
    s_checker_t *k = calloc (1, sizeof *k);
    if (!k) {
        snprintf (err, errsize, "out of memory");
        return -1;
    }
    snprintf (k->path, sizeof k->path, "%s", path_prefix ? path_prefix : "");
    k->path_len = strlen (k->path);
    int rc = s_check (k, root, doc);
    if (rc != 0) {
        if (k->err_path[0])
            snprintf (err, errsize, "%s: %s", k->err_path, k->err_msg);
        else
            snprintf (err, errsize, "%s", k->err_msg);
    }
    free (k);
    return rc;
}
