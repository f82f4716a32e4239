/*  claim_filing — see claim_filing.h. */
#include "claim_filing.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/json.h"
#include "base/money.h"

/*  The list of problems being written into err. */
typedef struct {
    char *err;
    size_t size, used;
    int count;
} s_list_t;

static void s_add (s_list_t *l, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));
static void s_add (s_list_t *l, const char *fmt, ...)
{
    l->count++;
    if (l->used + 3 >= l->size)
        return;
    if (l->count > 1) {
        memcpy (l->err + l->used, "; ", 3);
        l->used += 2;
    }
    va_list ap;
    va_start (ap, fmt);
    int n = vsnprintf (l->err + l->used, l->size - l->used, fmt, ap);
    va_end (ap);
    if (n > 0)
        l->used = l->used + (size_t) n < l->size ? l->used + (size_t) n : l->size - 1;
}

/*  A text field that must be given and not blank. */
static const char *s_text (s_list_t *l, const cJSON *body, const char *key)
{
    const char *v = json_str (body, key, NULL);
    if (!v || !v[0] || strspn (v, " \t\r\n") == strlen (v)) {
        s_add (l, "body.%s: missing", key);
        return NULL;
    }
    return v;
}

bool clf_date_valid (const char *t)
{
    static const int days[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (!t || strlen (t) != 10 || t[4] != '-' || t[7] != '-')
        return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && !isdigit ((unsigned char) t[i]))
            return false;
    int y = (t[0] - '0') * 1000 + (t[1] - '0') * 100 + (t[2] - '0') * 10 + (t[3] - '0');
    int m = (t[5] - '0') * 10 + (t[6] - '0'), d = (t[8] - '0') * 10 + (t[9] - '0');
    if (y < 1900 || m < 1 || m > 12 || d < 1 || d > days[m - 1])
        return false;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return !(m == 2 && d == 29 && !leap);
}

static bool s_hex64 (const char *s)
{
    if (!s || strlen (s) != 64)
        return false;
    for (int i = 0; i < 64; i++)
        if (!isxdigit ((unsigned char) s[i]))
            return false;
    return true;
}

/*  Is photo i a valid one whose hash no valid photo before it has? */
static bool s_photo_ok (const cJSON *p)
{
    const char *name = json_str (p, "name", NULL);
    const cJSON *size = cJSON_GetObjectItemCaseSensitive (p, "size");
    return name && name[0] && json_is_integer (size) && size->valuedouble > 0
           && s_hex64 (json_str (p, "sha256", NULL));
}

static bool s_seen_before (const cJSON *photos, int upto, const char *hash)
{
    for (int j = 0; j < upto; j++) {
        const cJSON *q = cJSON_GetArrayItem (photos, j);
        if (s_photo_ok (q) && strcasecmp (json_str (q, "sha256", ""), hash) == 0)
            return true;
    }
    return false;
}

static int s_photos (s_list_t *l, const cJSON *body, int photos_min)
{
    const cJSON *photos = cJSON_GetObjectItemCaseSensitive (body, "photos");
    if (!cJSON_IsArray (photos) || cJSON_GetArraySize (photos) == 0) {
        s_add (l, "body.photos: missing (at least %d photos are needed)", photos_min);
        return 0;
    }
    int n = cJSON_GetArraySize (photos), distinct = 0;
    for (int i = 0; i < n && i < CLF_MAX_PHOTOS; i++) {
        const cJSON *p = cJSON_GetArrayItem (photos, i);
        const cJSON *size = cJSON_GetObjectItemCaseSensitive (p, "size");
        const char *name = json_str (p, "name", NULL);
        if (!name || !name[0])
            s_add (l, "body.photos[%d].name: missing", i);
        if (!json_is_integer (size) || size->valuedouble <= 0)
            s_add (l, "body.photos[%d].size: expected a size in bytes greater than 0", i);
        if (!s_hex64 (json_str (p, "sha256", NULL)))
            s_add (l, "body.photos[%d].sha256: expected the SHA-256 as 64 hex digits", i);
        if (s_photo_ok (p) && !s_seen_before (photos, i, json_str (p, "sha256", "")))
            distinct++;
    }
    if (distinct < photos_min)
        s_add (l, "body.photos: %d distinct photo%s, at least %d are needed (photos with the same SHA-256 count once)",
               distinct, distinct == 1 ? "" : "s", photos_min);
    return distinct;
}

int clf_parse (const cJSON *body, int photos_min, clf_cause_known_fn cause_known, const void *arg,
               clf_claim_t *out, char *err, size_t errsize)
{
    memset (out, 0, sizeof *out);
    if (errsize)
        err[0] = '\0';
    s_list_t l = { err, errsize, 0, 0 };
    const cJSON *wo = cJSON_GetObjectItemCaseSensitive (body, "work_order_id");
    if (!json_is_integer (wo) || wo->valuedouble < 1)
        s_add (&l, "body.work_order_id: missing (the work order claimed for)");
    else
        out->work_order_id = json_int (body, "work_order_id", 0);
    out->dealer_id = json_str (body, "dealer_id", NULL);
    out->product_code = s_text (&l, body, "product_code");
    out->spec = s_text (&l, body, "spec");
    const cJSON *q = cJSON_GetObjectItemCaseSensitive (body, "quantity");
    if (!json_is_integer (q) || q->valuedouble < 1)
        s_add (&l, "body.quantity: missing (a whole number of at least 1)");
    else
        out->quantity = json_int (body, "quantity", 0);
    out->purchase_proof = s_text (&l, body, "purchase_proof");
    const char *date = s_text (&l, body, "install_date");
    if (date && !clf_date_valid (date))
        s_add (&l, "body.install_date: \"%.10s\" is not a date YYYY-MM-DD", date);
    else if (date)
        memcpy (out->install_date, date, 11);
    out->description = s_text (&l, body, "description");
    out->cause = s_text (&l, body, "cause");
    if (out->cause && cause_known && !cause_known (arg, out->cause))
        s_add (&l, "body.cause: \"%.32s\" is not a fault code of dispatch.fault_codes", out->cause);
    out->n_photos = s_photos (&l, body, photos_min);
    const cJSON *amount = cJSON_GetObjectItemCaseSensitive (body, "amount");
    if (!amount)
        s_add (&l, "body.amount: missing (the amount claimed, in minor units: fen)");
    else if (!json_is_integer (amount) || amount->valuedouble < 1)
        s_add (&l, "body.amount: expected a whole number of minor units greater than 0");
    else
        out->amount = json_int (body, "amount", 0);
    const char *cur = s_text (&l, body, "currency");
    if (cur && !money_currency_known (cur))
        s_add (&l, "body.currency: \"%.8s\" is not a known ISO 4217 currency code", cur);
    else if (cur)
        snprintf (out->currency, sizeof out->currency, "%s", cur);
    out->unrepairable_on_site = json_bool (body, "unrepairable_on_site", false);
    return l.count ? -1 : 0;
}

cJSON *clf_photos (const cJSON *body)
{
    const cJSON *photos = cJSON_GetObjectItemCaseSensitive (body, "photos");
    cJSON *list = cJSON_CreateArray ();
    int n = cJSON_GetArraySize (photos);
    for (int i = 0; list && i < n && i < CLF_MAX_PHOTOS; i++) {
        const cJSON *p = cJSON_GetArrayItem (photos, i);
        if (!s_photo_ok (p) || s_seen_before (photos, i, json_str (p, "sha256", "")))
            continue;
        char hash[65];
        const char *h = json_str (p, "sha256", "");
        for (int k = 0; k < 64; k++)
            hash[k] = (char) tolower ((unsigned char) h[k]);
        hash[64] = '\0';
        cJSON *o = cJSON_CreateObject ();
        if (!o || !cJSON_AddItemToArray (list, o) || !cJSON_AddStringToObject (o, "name", json_str (p, "name", ""))
            || !cJSON_AddNumberToObject (o, "size", cJSON_GetObjectItemCaseSensitive (p, "size")->valuedouble)
            || !cJSON_AddStringToObject (o, "sha256", hash)) {
            cJSON_Delete (list);
            return NULL;
        }
    }
    return list;
}
