/*  log — structured logging: one JSON object per line, stderr by default.
 *
 *  A line is assembled in memory and written with one fwrite, so lines from
 *  one process never interleave. Every string is escaped here; bytes that
 *  are not valid UTF-8 are replaced by U+FFFD so a line is always valid
 *  JSON. A value longer than LOG_VALUE_MAX bytes is cut (at a character
 *  boundary) and marked with "…", so one huge payload cannot flood the log.
 *
 *  Masking is by key, case-insensitively, so it cannot be forgotten: a key
 *  containing "phone" or "mobile", or whose last word is "contact", is
 *  masked as a phone number ("customer_phone", "telephone" too); a key
 *  containing "address" keeps only the address's first characters.
 *
 *  Timestamps come from the real clock, never from the injectable business
 *  clock: a test that moves business time must not move the log's time.
 */
#include "log.h"

#include "json.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define LOG_VALUE_MAX 4096
#define LOG_NAME_MAX 128
#define ADDRESS_KEEP 6
#define LOG_FIELDS_MAX 32 /* caller fields on one line, the count of those left out included */
#define LOG_KEY_MAX 64    /* bytes of a caller's key, "_N" suffix included */

static char s_service[LOG_NAME_MAX];
static char s_instance[LOG_NAME_MAX];
static bool s_named;
static log_level_t s_level = LOG_INFO;
static FILE *s_stream;

static const char *const s_level_names[] = { "debug", "info", "warn", "error" };

void log_init (const char *service, const char *instance, log_level_t level)
{
    snprintf (s_service, sizeof s_service, "%s", service ? service : "");
    snprintf (s_instance, sizeof s_instance, "%s", instance ? instance : "");
    s_named = true;
    if (level >= LOG_DEBUG && level <= LOG_ERROR)
        s_level = level;
}

int log_level_parse (const char *text, log_level_t *out)
{
    if (!text || !out)
        return -1;
    for (int i = LOG_DEBUG; i <= LOG_ERROR; i++)
        if (strcmp (text, s_level_names[i]) == 0) {
            *out = (log_level_t) i;
            return 0;
        }
    return -1;
}

bool log_enabled (log_level_t level)
{
    return level >= s_level && level <= LOG_ERROR;
}

void log_set_stream (FILE *stream)
{
    s_stream = stream;
}

/* ---- a growable line buffer ---------------------------------------- */

typedef struct {
    char *data;
    size_t len, cap;
    bool failed; /* an allocation failed: the line is dropped */
} s_buf_t;

static void s_put (s_buf_t *b, const char *bytes, size_t n)
{
    if (b->failed)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *grown = realloc (b->data, cap);
        if (!grown) {
            b->failed = true;
            return;
        }
        b->data = grown;
        b->cap = cap;
    }
    memcpy (b->data + b->len, bytes, n);
    b->len += n;
    b->data[b->len] = '\0';
}

static void s_puts (s_buf_t *b, const char *s)
{
    s_put (b, s, strlen (s));
}

/*  Length of the valid UTF-8 character at p (1..4), or 0 when invalid. */
static size_t s_char_len (const unsigned char *p)
{
    size_t n = *p < 0x80 ? 1 : *p >= 0xF0 ? 4 : *p >= 0xE0 ? 3 : *p >= 0xC0 ? 2 : 0;
    if (n == 0)
        return 0;
    for (size_t i = 1; i < n; i++)
        if (p[i] == '\0')
            return 0; /* truncated: do not look past the terminator */
    return json_utf8_valid ((const char *) p, n, NULL) ? n : 0;
}

/*  Appends s as a JSON string, escaping, replacing invalid UTF-8, and
 *  cutting it after LOG_VALUE_MAX bytes. */
static void s_put_json_string (s_buf_t *b, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *) s;
    size_t used = 0;
    s_put (b, "\"", 1);
    while (*p) {
        size_t n = s_char_len (p);
        if (used + (n ? n : 1) > LOG_VALUE_MAX) {
            s_puts (b, "…");
            break;
        }
        if (n == 0) {
            s_puts (b, "\xEF\xBF\xBD"); /* U+FFFD */
            p++;
            used++;
            continue;
        }
        unsigned char c = *p;
        if (c == '"')
            s_puts (b, "\\\"");
        else if (c == '\\')
            s_puts (b, "\\\\");
        else if (c == '\n')
            s_puts (b, "\\n");
        else if (c == '\r')
            s_puts (b, "\\r");
        else if (c == '\t')
            s_puts (b, "\\t");
        else if (c < 0x20 || c == 0x7F) {
            char esc[7] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xF], 0 };
            s_puts (b, esc);
        }
        else
            s_put (b, (const char *) p, n);
        p += n;
        used += n;
    }
    s_put (b, "\"", 1);
}

/* ---- masking ------------------------------------------------------- */

typedef enum { S_PLAIN, S_PHONE, S_ADDRESS } s_kind_t;

/*  True when key is word, or ends with "_word" or ".word" (any case). */
static bool s_key_ends_with_word (const char *key, const char *word)
{
    size_t k = strlen (key), w = strlen (word);
    if (k < w || strcasecmp (key + k - w, word) != 0)
        return false;
    return k == w || key[k - w - 1] == '_' || key[k - w - 1] == '.';
}

/*  True when word occurs anywhere in key (any case). */
static bool s_key_contains (const char *key, const char *word)
{
    size_t w = strlen (word);
    for (const char *p = key; *p; p++)
        if (strncasecmp (p, word, w) == 0)
            return true;
    return false;
}

/*  "phone" and "mobile" anywhere (telephone, cellphone_number), "contact"
 *  only as the last word (so contact_count stays readable), "address"
 *  anywhere (address_line2, customer.address). Erring towards masking. */
static s_kind_t s_key_kind (const char *key)
{
    if (s_key_contains (key, "phone") || s_key_contains (key, "mobile")
        || s_key_ends_with_word (key, "contact"))
        return S_PHONE;
    if (s_key_contains (key, "address"))
        return S_ADDRESS;
    return S_PLAIN;
}

/*  Phone numbers keep the first 3 and last 4 digits when there are at least
 *  11 (138****5678); shorter numbers keep only the last 4 (or nothing below
 *  8 digits), so that no short number is ever shown whole. Non-digits are
 *  dropped, so an e-mail "contact" becomes "****". */
char *log_mask_phone (const char *phone, char *out, size_t size)
{
    if (!out || size == 0)
        return out;
    out[0] = '\0';
    if (!phone || !*phone)
        return out;
    char first[3], last[4];
    size_t total = 0;
    for (const char *p = phone; *p; p++) {
        if (*p < '0' || *p > '9')
            continue;
        if (total < sizeof first)
            first[total] = *p;
        memmove (last, last + 1, sizeof last - 1);
        last[sizeof last - 1] = *p;
        total++;
    }
    char tmp[16];
    if (total >= 11)
        snprintf (tmp, sizeof tmp, "%.3s****%.4s", first, last);
    else if (total >= 8)
        snprintf (tmp, sizeof tmp, "****%.4s", last);
    else
        snprintf (tmp, sizeof tmp, "****");
    snprintf (out, size, "%s", tmp);
    return out;
}

/*  Addresses keep their first ADDRESS_KEEP characters (a Chinese address's
 *  province and city) and end with "…"; an address of ADDRESS_KEEP or fewer
 *  characters keeps only half of them. Never cuts inside a character. */
char *log_mask_address (const char *address, char *out, size_t size)
{
    if (!out || size == 0)
        return out;
    out[0] = '\0';
    if (!address || !*address)
        return out;
    size_t chars = 0;
    for (const unsigned char *p = (const unsigned char *) address; *p;) {
        size_t n = s_char_len (p);
        p += n ? n : 1;
        chars++;
    }
    size_t keep = chars > ADDRESS_KEEP ? ADDRESS_KEEP : chars / 2;
    const char *ellipsis = "…";
    size_t elen = strlen (ellipsis), o = 0;
    const unsigned char *p = (const unsigned char *) address;
    for (size_t i = 0; i < keep; i++) {
        size_t n = s_char_len (p);
        const char *bytes = n ? (const char *) p : "?";
        size_t blen = n ? n : 1;
        if (o + blen + elen + 1 > size)
            break;
        memcpy (out + o, bytes, blen);
        o += blen;
        p += n ? n : 1;
    }
    if (o + elen + 1 <= size) {
        memcpy (out + o, ellipsis, elen);
        o += elen;
    }
    out[o] = '\0';
    return out;
}

/* ---- writing ------------------------------------------------------- */

static void s_put_pair (s_buf_t *b, const char *key, const char *value)
{
    s_put (b, ",", 1);
    s_put_json_string (b, key);
    s_put (b, ":", 1);
    if (!value) {
        s_puts (b, "null");
        return;
    }
    s_kind_t kind = s_key_kind (key);
    if (kind == S_PHONE) {
        char masked[32];
        s_put_json_string (b, log_mask_phone (value, masked, sizeof masked));
    }
    else if (kind == S_ADDRESS) {
        char masked[64];
        s_put_json_string (b, log_mask_address (value, masked, sizeof masked));
    }
    else
        s_put_json_string (b, value);
}

/*  Starts a line with the fixed fields. */
static void s_begin (s_buf_t *b, log_level_t level, const char *event)
{
    struct timespec ts;
    clock_gettime (CLOCK_REALTIME, &ts);
    struct tm tm;
    time_t secs = ts.tv_sec;
    gmtime_r (&secs, &tm);
    char stamp[128];
    snprintf (stamp, sizeof stamp, "{\"ts\":\"%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ\",\"level\":\"%s\"",
              tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
              (long) (ts.tv_nsec / 1000000), s_level_names[level]);
    s_puts (b, stamp);
    s_puts (b, ",\"service\":");
    if (s_named)
        s_put_json_string (b, s_service);
    else
        s_puts (b, "null");
    s_puts (b, ",\"instance\":");
    if (s_named)
        s_put_json_string (b, s_instance);
    else
        s_puts (b, "null");
    s_puts (b, ",\"event\":");
    s_put_json_string (b, event ? event : "unnamed");
}

static void s_finish (s_buf_t *b)
{
    s_put (b, "}\n", 2);
    if (!b->failed) {
        FILE *out = s_stream ? s_stream : stderr;
        fwrite (b->data, 1, b->len, out);
        fflush (out);
    }
    free (b->data);
}

/* ---- one name per key ---------------------------------------------- */

/*  The keys s_begin writes on every line. */
static const char *const s_fixed_keys[] = { "ts", "level", "service", "instance", "event" };

/*  The keys already on a line, so that no key appears twice in one object
 *  (a JSON parser keeps only one of them, usually the last). */
typedef struct {
    char names[LOG_FIELDS_MAX][LOG_KEY_MAX];
    int n;
} s_keys_t;

#define S_SUFFIX_MAX 12 /* "_" and an int, and the terminator */

static bool s_key_taken (const s_keys_t *keys, const char *key)
{
    for (size_t i = 0; i < sizeof s_fixed_keys / sizeof s_fixed_keys[0]; i++)
        if (strcmp (key, s_fixed_keys[i]) == 0)
            return true;
    for (int i = 0; i < keys->n; i++)
        if (strcmp (key, keys->names[i]) == 0)
            return true;
    return false;
}

/*  The name under which the caller's key is written: the key itself, or,
 *  when the line already has it, the key with "_2" (then "_3", …) appended.
 *  Keys longer than LOG_KEY_MAX - S_SUFFIX_MAX bytes are cut first. Returns NULL when
 *  the line has no room left: the last slot is kept for the count of
 *  fields left out, claimed with `last`. */
static const char *s_key_claim (s_keys_t *keys, const char *key, bool last)
{
    if (keys->n >= LOG_FIELDS_MAX - (last ? 0 : 1))
        return NULL;
    char *name = keys->names[keys->n];
    snprintf (name, LOG_KEY_MAX - S_SUFFIX_MAX, "%s", key);
    size_t len = strlen (name);
    for (int suffix = 2; s_key_taken (keys, name); suffix++)
        snprintf (name + len, S_SUFFIX_MAX, "_%d", suffix); /* at most LOG_FIELDS_MAX + 5 tries */
    keys->n++;
    return name;
}

void log_kv (log_level_t level, const char *event, ...)
{
    if (!log_enabled (level))
        return;
    s_buf_t b = { 0 };
    s_begin (&b, level, event);
    s_keys_t keys;
    keys.n = 0;
    int left_out = 0;
    va_list ap;
    va_start (ap, event);
    for (;;) {
        const char *key = va_arg (ap, const char *);
        if (!key)
            break;
        const char *value = va_arg (ap, const char *);
        const char *name = s_key_claim (&keys, key, false);
        if (name)
            s_put_pair (&b, name, value);
        else
            left_out++;
    }
    va_end (ap);
    if (left_out > 0) {
        char count[16];
        snprintf (count, sizeof count, "%d", left_out);
        s_put_pair (&b, s_key_claim (&keys, "fields_left_out", true), count);
    }
    s_finish (&b);
}

void log_kv_array (log_level_t level, const char *event, const char *const *pairs, size_t n_pairs)
{
    if (!log_enabled (level))
        return;
    s_buf_t b = { 0 };
    s_begin (&b, level, event);
    for (size_t i = 0; pairs && i < n_pairs; i++)
        if (pairs[2 * i])
            s_put_pair (&b, pairs[2 * i], pairs[2 * i + 1]);
    s_finish (&b);
}

void log_msg (log_level_t level, const char *event, const char *fmt, ...)
{
    if (!log_enabled (level))
        return;
    char small[512];
    char *text = small;
    va_list ap;
    va_start (ap, fmt);
    int n = fmt ? vsnprintf (small, sizeof small, fmt, ap) : 0;
    va_end (ap);
    if (!fmt)
        small[0] = '\0';
    if (n < 0) {
        snprintf (small, sizeof small, "(unformattable message)");
    }
    else if ((size_t) n >= sizeof small) {
        char *big = malloc ((size_t) n + 1);
        if (big) {
            va_start (ap, fmt);
            vsnprintf (big, (size_t) n + 1, fmt, ap);
            va_end (ap);
            text = big;
        }
    }
    s_buf_t b = { 0 };
    s_begin (&b, level, event);
    s_put_pair (&b, "msg", text);
    s_finish (&b);
    if (text != small)
        free (text);
}
