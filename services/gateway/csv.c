/*  csv — a reply's list as CSV (csv.h). */
#include "csv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"

typedef struct {
    char *data;
    size_t len, cap;
    int failed;
} s_buf_t;

static void s_put (s_buf_t *b, const char *text, size_t n)
{
    if (b->failed)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = (b->cap + n + 1) * 2;
        char *grown = realloc (b->data, cap);
        if (!grown) {
            b->failed = 1;
            return;
        }
        b->data = grown, b->cap = cap;
    }
    memcpy (b->data + b->len, text, n);
    b->len += n;
    b->data[b->len] = '\0';
}

static void s_field (s_buf_t *b, const char *text)
{
    if (!strpbrk (text, ",\"\r\n")) {
        s_put (b, text, strlen (text));
        return;
    }
    s_put (b, "\"", 1);
    for (const char *p = text; *p; p++)
        s_put (b, *p == '"' ? "\"\"" : p, *p == '"' ? 2 : 1);
    s_put (b, "\"", 1);
}

static void s_value (s_buf_t *b, const cJSON *v)
{
    char num[40];
    if (!v || cJSON_IsNull (v))
        return;
    if (cJSON_IsString (v))
        s_field (b, v->valuestring);
    else if (cJSON_IsBool (v))
        s_put (b, cJSON_IsTrue (v) ? "true" : "false", cJSON_IsTrue (v) ? 4 : 5);
    else if (json_is_integer (v)) {
        snprintf (num, sizeof num, "%lld", (long long) v->valuedouble);
        s_put (b, num, strlen (num));
    }
    else {
        char *text = json_print (v);
        if (text)
            s_field (b, text);
        else
            b->failed = 1;
        free (text);
    }
}

int gw_csv_of (const gw_csv_t *csv, const cJSON *result, gw_response_t *resp)
{
    const cJSON *list = cJSON_GetObjectItemCaseSensitive (result, csv->list);
    if (!cJSON_IsArray (list))
        return -1;
    s_buf_t b = { 0 };
    s_put (&b, csv->columns, strlen (csv->columns));
    s_put (&b, "\r\n", 2);
    const cJSON *row;
    cJSON_ArrayForEach (row, list) {
        for (const char *c = csv->columns; *c;) {
            size_t n = strcspn (c, ",");
            char key[64];
            snprintf (key, sizeof key, "%.*s", (int) n, c);
            s_value (&b, cJSON_GetObjectItemCaseSensitive (row, key));
            c += n;
            if (*c == ',') {
                s_put (&b, ",", 1);
                c++;
            }
        }
        s_put (&b, "\r\n", 2);
    }
    if (b.failed) {
        free (b.data);
        return -1;
    }
    free (resp->body);
    resp->body = b.data;
    resp->body_len = b.len;
    resp->content_type = "text/csv; charset=utf-8";
    return 0;
}
