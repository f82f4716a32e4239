/*  cursor — see cursor.h. */
#include "db/cursor.h"

#include <errno.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"

#define S_VERSION "1"
#define S_CHECK 6       /* bytes of BLAKE2b after the text */
#define S_LIST_MAX 32   /* bytes of a list's name */
#define S_TEXT_MAX 96   /* "1|" list "|" key "|" id, and room */
#define S_EXPECTED "(expected a next_cursor this list answered, unchanged)"

/*  The text of a position: "1|<list>|<key>|<id>". Returns its length, or
 *  -1 when it does not fit. */
static int s_text (const char *list, int64_t key, int64_t id, char *out, size_t size)
{
    int n = snprintf (out, size, S_VERSION "|%s|%" PRId64 "|%" PRId64, list, key, id);
    return n < 0 || (size_t) n >= size ? -1 : n;
}

static void s_check (const unsigned char *text, size_t len, unsigned char check[S_CHECK])
{
    crypto_generichash (check, S_CHECK, text, len, NULL, 0);
}

int cur_make (const char *list, int64_t key, int64_t id, char *out, size_t size)
{
    if (!list || strlen (list) > S_LIST_MAX || size < CUR_MAX + 1)
        return -1;
    if (sodium_init () < 0)
        return -1;
    unsigned char bin[S_TEXT_MAX + S_CHECK];
    int n = s_text (list, key, id, (char *) bin, S_TEXT_MAX);
    if (n < 0)
        return -1;
    s_check (bin, (size_t) n, bin + n);
    sodium_bin2base64 (out, size, bin, (size_t) n + S_CHECK, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    return 0;
}

/*  A decimal int64 that is exactly the text (no sign but "-", no spaces).
 *  Returns 0 or -1. */
static int s_int (const char *text, int64_t *out)
{
    if (!*text || (*text != '-' && (*text < '0' || *text > '9')))
        return -1;
    errno = 0;
    char *end = NULL;
    long long v = strtoll (text, &end, 10);
    if (errno || *end)
        return -1;
    *out = (int64_t) v;
    return 0;
}

/*  Splits "1|list|key|id" and reads its fields. Returns 0, or -1 with the
 *  reason in err. */
static int s_fields (const char *expected_list, char *text, int64_t *key, int64_t *id, char *err,
                     size_t errsize)
{
    char *field[4];
    int n = 0;
    for (char *p = text; n < 4; n++) {
        field[n] = p;
        char *bar = strchr (p, '|');
        if (!bar)
            break;
        *bar = '\0';
        p = bar + 1;
    }
    if (n != 3) {
        err_set (err, errsize, "body.cursor: not a cursor of kefu " S_EXPECTED);
        return -1;
    }
    if (strcmp (field[0], S_VERSION) != 0) {
        err_set (err, errsize, "body.cursor: a cursor of another version " S_EXPECTED);
        return -1;
    }
    if (strcmp (field[1], expected_list) != 0) {
        /* a checked text of ours: the name is one kefu wrote */
        err_set (err, errsize, "body.cursor: a cursor of %.32s, not of %.32s " S_EXPECTED, field[1],
                 expected_list);
        return -1;
    }
    if (s_int (field[2], key) != 0 || s_int (field[3], id) != 0 || *id < 1) {
        err_set (err, errsize, "body.cursor: its position is not a row's " S_EXPECTED);
        return -1;
    }
    return 0;
}

int cur_read (const char *list, const char *cursor, int64_t *key, int64_t *id, char *err, size_t errsize)
{
    size_t len = cursor ? strlen (cursor) : 0;
    if (len == 0 || len > CUR_MAX) {
        err_set (err, errsize, "body.cursor: %s " S_EXPECTED, len ? "too long" : "empty");
        return -1;
    }
    if (sodium_init () < 0) {
        err_set (err, errsize, "body.cursor: cannot be checked now (libsodium did not start)");
        return -1;
    }
    unsigned char bin[CUR_MAX];
    size_t n = 0;
    const char *end = NULL;
    if (sodium_base642bin (bin, sizeof bin, cursor, len, NULL, &n, &end,
                           sodium_base64_VARIANT_URLSAFE_NO_PADDING)
            != 0
        || end != cursor + len) {
        err_set (err, errsize, "body.cursor: not URL-safe base64 " S_EXPECTED);
        return -1;
    }
    unsigned char check[S_CHECK];
    if (n <= S_CHECK || n - S_CHECK >= S_TEXT_MAX) {
        err_set (err, errsize, "body.cursor: not a cursor of kefu " S_EXPECTED);
        return -1;
    }
    n -= S_CHECK;
    s_check (bin, n, check);
    if (sodium_memcmp (check, bin + n, S_CHECK) != 0 || memchr (bin, '\0', n)) {
        err_set (err, errsize, "body.cursor: changed or cut " S_EXPECTED);
        return -1;
    }
    char text[S_TEXT_MAX];
    memcpy (text, bin, n);
    text[n] = '\0';
    int64_t k = 0, i = 0;
    if (s_fields (list, text, &k, &i, err, errsize) != 0)
        return -1;
    *key = k;
    *id = i;
    return 0;
}

int cur_page_start (cur_page_t *page, const char *list, const cJSON *body, int64_t limit, char *err,
                    size_t errsize)
{
    memset (page, 0, sizeof *page);
    page->list = list;
    page->limit = limit > 0 ? limit : 0;
    if (page->limit)
        snprintf (page->fetch_text, sizeof page->fetch_text, "%" PRId64, page->limit + 1);
    const cJSON *c = cJSON_GetObjectItemCaseSensitive (body, "cursor");
    if (!c)
        return 0;
    if (!cJSON_IsString (c)) {
        err_set (err, errsize, "body.cursor: not a string " S_EXPECTED);
        return -1;
    }
    if (cur_read (list, c->valuestring, &page->key, &page->id, err, errsize) != 0)
        return -1;
    page->after = true;
    snprintf (page->key_text, sizeof page->key_text, "%" PRId64, page->key);
    snprintf (page->id_text, sizeof page->id_text, "%" PRId64, page->id);
    return 0;
}

const char *cur_page_key (const cur_page_t *page)
{
    return page->after ? page->key_text : NULL;
}

const char *cur_page_id (const cur_page_t *page)
{
    return page->after ? page->id_text : NULL;
}

const char *cur_page_fetch (const cur_page_t *page)
{
    return page->limit ? page->fetch_text : NULL;
}

int cur_page_rows (const cur_page_t *page, int fetched)
{
    return page->limit && fetched > page->limit ? (int) page->limit : fetched;
}

int cur_page_next (const cur_page_t *page, cJSON *doc, int fetched, int64_t key, int64_t id)
{
    if (!page->limit || fetched <= page->limit)
        return 0;
    char cursor[CUR_MAX + 1];
    if (cur_make (page->list, key, id, cursor, sizeof cursor) != 0)
        return -1;
    return cJSON_AddStringToObject (doc, "next_cursor", cursor) ? 0 : -1;
}

int cur_page_next_row (const cur_page_t *page, cJSON *doc, const PGresult *res, int key_col, int id_col)
{
    int fetched = PQntuples (res);
    if (!page->limit || fetched <= page->limit)
        return 0;
    int last = (int) page->limit - 1;
    int64_t key = strtoll (PQgetvalue (res, last, key_col), NULL, 10);
    int64_t id = strtoll (PQgetvalue (res, last, id_col), NULL, 10);
    return cur_page_next (page, doc, fetched, key, id);
}
