/*  json — strict parsing and small typed helpers over cJSON.
 *
 *  cJSON is lenient: it skips any control byte as whitespace, accepts
 *  leading zeros ("01"), "1." and "-.5", raw control characters inside
 *  strings, an embedded \u0000 that silently truncates a string, a UTF-8
 *  byte-order mark, numbers that overflow to infinity, duplicate object keys
 *  (which a schema validator and our code might then read differently), and
 *  it never checks UTF-8. Everything that arrives from outside therefore
 *  goes through json_parse_strict(), which first checks the bytes against
 *  the RFC 8259 grammar itself (so every rejection names a byte offset and
 *  what was expected there) and only then lets cJSON build the tree.
 *
 *  Limits (chosen, not accidental): nesting at most JSON_MAX_DEPTH levels,
 *  numbers at most 63 characters (cJSON's own buffer size; a longer token
 *  would otherwise be split by cJSON), integers accepted only below 2^53 in magnitude.
 */
#include "json.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JSON_MAX_DEPTH 64
#define JSON_MAX_NUMBER_LEN 63
/* 2^53: every integer of smaller magnitude is exact in a double; 2^53 itself
   is also what 2^53 + 1 rounds to, so it is refused. */
#define JSON_MAX_SAFE_INT 9007199254740992.0

/*  Length of the well-formed UTF-8 sequence at p (at most avail bytes), or 0
 *  when the bytes there are not a well-formed, non-NUL sequence. */
static size_t s_utf8_seq (const unsigned char *p, size_t avail)
{
    if (avail == 0)
        return 0;
    unsigned char b = p[0];
    if (b == 0)
        return 0;
    if (b < 0x80)
        return 1;
    size_t need;
    unsigned char lo = 0x80, hi = 0xBF; /* allowed range of the 2nd byte */
    if (b >= 0xC2 && b <= 0xDF)
        need = 2;
    else if (b >= 0xE0 && b <= 0xEF) {
        need = 3;
        if (b == 0xE0)
            lo = 0xA0; /* overlong below U+0800 */
        else if (b == 0xED)
            hi = 0x9F; /* surrogates U+D800..U+DFFF */
    }
    else if (b >= 0xF0 && b <= 0xF4) {
        need = 4;
        if (b == 0xF0)
            lo = 0x90; /* overlong below U+10000 */
        else if (b == 0xF4)
            hi = 0x8F; /* above U+10FFFF */
    }
    else
        return 0; /* continuation byte, C0/C1 overlong lead, F5..FF */
    if (avail < need)
        return 0;
    if (p[1] < lo || p[1] > hi)
        return 0;
    for (size_t i = 2; i < need; i++)
        if (p[i] < 0x80 || p[i] > 0xBF)
            return 0;
    return need;
}

bool json_utf8_valid (const char *data, size_t len, size_t *bad_offset)
{
    if (!data) {
        if (len > 0 && bad_offset)
            *bad_offset = 0;
        return len == 0;
    }
    const unsigned char *p = (const unsigned char *) data;
    size_t i = 0;
    while (i < len) {
        /* fast path for ASCII */
        if (p[i] >= 0x01 && p[i] < 0x80) {
            i++;
            continue;
        }
        size_t n = s_utf8_seq (p + i, len - i);
        if (n == 0) {
            if (bad_offset)
                *bad_offset = i;
            return false;
        }
        i += n;
    }
    return true;
}

size_t json_utf8_length (const char *text)
{
    if (!text)
        return 0;
    size_t count = 0;
    for (const unsigned char *p = (const unsigned char *) text; *p; p++)
        if ((*p & 0xC0) != 0x80)
            count++;
    return count;
}

/* ---- strict grammar scanner ---------------------------------------- */

typedef struct {
    const char *text; /* NUL-terminated copy of the input */
    size_t len;
    size_t pos;
    char *err;
    size_t errsize;
} s_scan_t;

static int s_fail (s_scan_t *sc, size_t at, const char *what)
{
    if (sc->err && sc->errsize > 0)
        snprintf (sc->err, sc->errsize, "malformed JSON near byte %zu: %s", at, what);
    return -1;
}

static void s_skip_ws (s_scan_t *sc)
{
    while (sc->pos < sc->len) {
        char c = sc->text[sc->pos];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            break;
        sc->pos++;
    }
}

static int s_hex4 (const char *p, unsigned *out)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (unsigned) (c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (unsigned) (c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (unsigned) (c - 'A' + 10);
        else
            return -1;
    }
    *out = v;
    return 0;
}

static int s_scan_string (s_scan_t *sc)
{
    size_t start = sc->pos;
    sc->pos++; /* opening quote */
    while (sc->pos < sc->len) {
        unsigned char c = (unsigned char) sc->text[sc->pos];
        if (c == '"') {
            sc->pos++;
            return 0;
        }
        if (c < 0x20)
            return s_fail (sc, sc->pos, "control character in string (must be escaped)");
        if (c != '\\') {
            sc->pos++;
            continue;
        }
        size_t esc = sc->pos;
        if (sc->pos + 1 >= sc->len)
            break;
        char e = sc->text[sc->pos + 1];
        if (strchr ("\"\\/bfnrt", e) && e != '\0') {
            sc->pos += 2;
            continue;
        }
        if (e != 'u')
            return s_fail (sc, esc, "invalid escape in string (expected one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)");
        unsigned cp;
        if (sc->len - sc->pos < 6 || s_hex4 (sc->text + sc->pos + 2, &cp) != 0)
            return s_fail (sc, esc, "\\u must be followed by four hex digits");
        sc->pos += 6;
        if (cp == 0)
            return s_fail (sc, esc, "\\u0000 is not allowed in strings");
        if (cp >= 0xDC00 && cp <= 0xDFFF)
            return s_fail (sc, esc, "unpaired low surrogate escape");
        if (cp >= 0xD800 && cp <= 0xDBFF) {
            unsigned lo;
            if (sc->len - sc->pos < 6 || sc->text[sc->pos] != '\\' || sc->text[sc->pos + 1] != 'u'
                || s_hex4 (sc->text + sc->pos + 2, &lo) != 0 || lo < 0xDC00 || lo > 0xDFFF)
                return s_fail (sc, esc, "high surrogate escape not followed by a low surrogate escape");
            sc->pos += 6;
        }
    }
    return s_fail (sc, start, "unterminated string");
}

static bool s_digit (char c)
{
    return c >= '0' && c <= '9';
}

static int s_scan_number (s_scan_t *sc)
{
    size_t start = sc->pos;
    const char *t = sc->text;
    if (t[sc->pos] == '-')
        sc->pos++;
    if (sc->pos >= sc->len || !s_digit (t[sc->pos]))
        return s_fail (sc, sc->pos, "expected a digit in number");
    if (t[sc->pos] == '0') {
        sc->pos++;
        if (sc->pos < sc->len && s_digit (t[sc->pos]))
            return s_fail (sc, start, "leading zero in number");
    }
    else
        while (sc->pos < sc->len && s_digit (t[sc->pos]))
            sc->pos++;
    if (sc->pos < sc->len && t[sc->pos] == '.') {
        sc->pos++;
        if (sc->pos >= sc->len || !s_digit (t[sc->pos]))
            return s_fail (sc, sc->pos, "expected a digit after the decimal point");
        while (sc->pos < sc->len && s_digit (t[sc->pos]))
            sc->pos++;
    }
    if (sc->pos < sc->len && (t[sc->pos] == 'e' || t[sc->pos] == 'E')) {
        sc->pos++;
        if (sc->pos < sc->len && (t[sc->pos] == '+' || t[sc->pos] == '-'))
            sc->pos++;
        if (sc->pos >= sc->len || !s_digit (t[sc->pos]))
            return s_fail (sc, sc->pos, "expected a digit in the exponent");
        while (sc->pos < sc->len && s_digit (t[sc->pos]))
            sc->pos++;
    }
    if (sc->pos - start > JSON_MAX_NUMBER_LEN)
        return s_fail (sc, start, "number longer than 63 characters");
    /* The token is grammatical and followed by a non-number byte (or the
       terminator of the copy), so strtod reads exactly this token. */
    double d = strtod (t + start, NULL);
    if (isinf (d))
        return s_fail (sc, start, "number out of range (exceeds a double)");
    return 0;
}

static int s_scan_value (s_scan_t *sc, int depth);

static int s_scan_container (s_scan_t *sc, int depth, char close)
{
    if (depth >= JSON_MAX_DEPTH) {
        if (sc->err && sc->errsize > 0)
            snprintf (sc->err, sc->errsize, "JSON nested deeper than %d levels at byte %zu",
                      JSON_MAX_DEPTH, sc->pos);
        return -1;
    }
    bool object = close == '}';
    sc->pos++; /* [ or { */
    s_skip_ws (sc);
    if (sc->pos < sc->len && sc->text[sc->pos] == close) {
        sc->pos++;
        return 0;
    }
    for (;;) {
        if (object) {
            if (sc->pos >= sc->len || sc->text[sc->pos] != '"')
                return s_fail (sc, sc->pos, "expected a string key in object");
            if (s_scan_string (sc) != 0)
                return -1;
            s_skip_ws (sc);
            if (sc->pos >= sc->len || sc->text[sc->pos] != ':')
                return s_fail (sc, sc->pos, "expected ':' after object key");
            sc->pos++;
            s_skip_ws (sc);
        }
        if (s_scan_value (sc, depth + 1) != 0)
            return -1;
        s_skip_ws (sc);
        if (sc->pos >= sc->len)
            return s_fail (sc, sc->pos, object ? "unterminated object (expected ',' or '}')"
                                               : "unterminated array (expected ',' or ']')");
        char c = sc->text[sc->pos];
        if (c == close) {
            sc->pos++;
            return 0;
        }
        if (c != ',')
            return s_fail (sc, sc->pos, object ? "expected ',' or '}' in object"
                                               : "expected ',' or ']' in array");
        sc->pos++;
        s_skip_ws (sc);
    }
}

static int s_scan_literal (s_scan_t *sc, const char *word)
{
    size_t n = strlen (word);
    if (sc->len - sc->pos < n || memcmp (sc->text + sc->pos, word, n) != 0)
        return s_fail (sc, sc->pos, "expected a JSON value (object, array, string, number, true, false or null)");
    sc->pos += n;
    return 0;
}

static int s_scan_value (s_scan_t *sc, int depth)
{
    if (sc->pos >= sc->len)
        return s_fail (sc, sc->pos, "unexpected end of input (expected a JSON value)");
    char c = sc->text[sc->pos];
    switch (c) {
    case '{':
        return s_scan_container (sc, depth, '}');
    case '[':
        return s_scan_container (sc, depth, ']');
    case '"':
        return s_scan_string (sc);
    case 't':
        return s_scan_literal (sc, "true");
    case 'f':
        return s_scan_literal (sc, "false");
    case 'n':
        return s_scan_literal (sc, "null");
    default:
        if (c == '-' || s_digit (c))
            return s_scan_number (sc);
        return s_fail (sc, sc->pos, "expected a JSON value (object, array, string, number, true, false or null)");
    }
}

/* ---- duplicate keys ------------------------------------------------ */

static int s_cmp_str (const void *a, const void *b)
{
    return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/*  Writes "duplicate key "k" in object" with k cut at a character boundary. */
static void s_dup_error (const char *key, char *err, size_t errsize)
{
    if (!err || errsize == 0)
        return;
    size_t n = strlen (key), keep = n > 40 ? 40 : n;
    while (keep > 0 && keep < n && ((unsigned char) key[keep] & 0xC0) == 0x80)
        keep--;
    snprintf (err, errsize, "duplicate key \"%.*s%s\" in object", (int) keep, key,
              keep < n ? "…" : "");
}

/*  Returns 0 when no object in the tree repeats a key, -1 otherwise (and on
 *  allocation failure). */
static int s_check_duplicates (const cJSON *item, char *err, size_t errsize)
{
    if (!cJSON_IsObject (item) && !cJSON_IsArray (item))
        return 0;
    size_t count = 0;
    for (const cJSON *c = item->child; c; c = c->next) {
        count++;
        if (s_check_duplicates (c, err, errsize) != 0)
            return -1;
    }
    if (!cJSON_IsObject (item) || count < 2)
        return 0;
    const char **keys = malloc (count * sizeof *keys);
    if (!keys) {
        if (err && errsize > 0)
            snprintf (err, errsize, "out of memory while parsing JSON");
        return -1;
    }
    size_t i = 0;
    for (const cJSON *c = item->child; c; c = c->next)
        keys[i++] = c->string ? c->string : "";
    qsort (keys, count, sizeof *keys, s_cmp_str);
    int rc = 0;
    for (i = 1; i < count; i++)
        if (strcmp (keys[i - 1], keys[i]) == 0) {
            s_dup_error (keys[i], err, errsize);
            rc = -1;
            break;
        }
    free (keys);
    return rc;
}

cJSON *json_parse_strict (const char *data, size_t len, char *err, size_t errsize)
{
    if (err && errsize > 0)
        err[0] = '\0';
    if (!data && len > 0) {
        if (err && errsize > 0)
            snprintf (err, errsize, "no input");
        return NULL;
    }
    size_t bad;
    if (!json_utf8_valid (data, len, &bad)) {
        if (err && errsize > 0) {
            if (data[bad] == '\0')
                snprintf (err, errsize, "NUL byte at byte %zu (not allowed in JSON text)", bad);
            else
                snprintf (err, errsize, "invalid UTF-8 at byte %zu", bad);
        }
        return NULL;
    }
    /* The input need not be NUL-terminated: work on a terminated copy, and
       let cJSON require the terminator right after the value. */
    char *copy = malloc (len + 1);
    if (!copy) {
        if (err && errsize > 0)
            snprintf (err, errsize, "out of memory while parsing JSON");
        return NULL;
    }
    if (len > 0)
        memcpy (copy, data, len);
    copy[len] = '\0';

    cJSON *tree = NULL;
    s_scan_t sc = { copy, len, 0, err, errsize };
    s_skip_ws (&sc);
    if (sc.pos >= len) {
        if (err && errsize > 0)
            snprintf (err, errsize, "empty input (expected a JSON value)");
        goto cleanup;
    }
    if (s_scan_value (&sc, 0) != 0)
        goto cleanup;
    s_skip_ws (&sc);
    if (sc.pos < len) {
        if (err && errsize > 0)
            snprintf (err, errsize, "trailing data after JSON value at byte %zu", sc.pos);
        goto cleanup;
    }
    const char *end = NULL;
    tree = cJSON_ParseWithLengthOpts (copy, len + 1, &end, 1);
    if (!tree) {
        /* Only reachable on allocation failure: the grammar was checked. */
        if (err && errsize > 0) {
            size_t at = end && end >= copy ? (size_t) (end - copy) : 0;
            snprintf (err, errsize, "malformed JSON near byte %zu: rejected by parser (out of memory?)", at);
        }
        goto cleanup;
    }
    if (s_check_duplicates (tree, err, errsize) != 0) {
        cJSON_Delete (tree);
        tree = NULL;
    }
cleanup:
    free (copy);
    return tree;
}

/* ---- typed lookups ------------------------------------------------- */

const char *json_str (const cJSON *obj, const char *key, const char *fallback)
{
    if (!cJSON_IsObject (obj) || !key)
        return fallback;
    const cJSON *item = cJSON_GetObjectItemCaseSensitive (obj, key);
    if (!cJSON_IsString (item) || !item->valuestring)
        return fallback;
    return item->valuestring;
}

bool json_is_integer (const cJSON *item)
{
    if (!cJSON_IsNumber (item))
        return false;
    double d = item->valuedouble;
    if (!isfinite (d) || d != floor (d))
        return false;
    /* Beyond 2^53 a double no longer holds every integer, so the value may
       not be what the sender wrote: refuse rather than guess. */
    return d > -JSON_MAX_SAFE_INT && d < JSON_MAX_SAFE_INT;
}

int64_t json_int (const cJSON *obj, const char *key, int64_t fallback)
{
    if (!cJSON_IsObject (obj) || !key)
        return fallback;
    const cJSON *item = cJSON_GetObjectItemCaseSensitive (obj, key);
    if (!json_is_integer (item))
        return fallback;
    return (int64_t) item->valuedouble;
}

bool json_bool (const cJSON *obj, const char *key, bool fallback)
{
    if (!cJSON_IsObject (obj) || !key)
        return fallback;
    const cJSON *item = cJSON_GetObjectItemCaseSensitive (obj, key);
    if (!cJSON_IsBool (item))
        return fallback;
    return cJSON_IsTrue (item);
}

int json_add_id (cJSON *obj, const char *key, const char *decimal)
{
    assert (obj && key);
    if (!decimal || *decimal < '1' || *decimal > '9')
        return -1;
    char *end = NULL;
    errno = 0;
    long long v = strtoll (decimal, &end, 10);
    if (errno || !end || *end || v < 1 || v > 9007199254740991LL)
        return -1;
    return cJSON_AddNumberToObject (obj, key, (double) v) ? 0 : -1;
}

char *json_print (const cJSON *item)
{
    if (!item)
        return NULL;
    return cJSON_PrintUnformatted (item);
}
