/*  ledger_rows — see ledger_rows.h. */
#include "ledger_rows.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"

/*  PostgreSQL's type oids (pg_type.h), of the columns billing reads. */
#define S_OID_BOOL 16
#define S_OID_INT8 20
#define S_OID_INT4 23

static bool s_ends_with (const char *text, const char *end)
{
    size_t n = strlen (text), m = strlen (end);
    return n >= m && strcmp (text + n - m, end) == 0;
}

static cJSON *s_value (const PGresult *res, int row, int col)
{
    if (PQgetisnull (res, row, col))
        return cJSON_CreateNull ();
    const char *text = PQgetvalue (res, row, col);
    Oid type = PQftype (res, col);
    if (s_ends_with (PQfname (res, col), "_at") || strcmp (PQfname (res, col), "at") == 0) {
        char at[40];
        return cJSON_CreateString (clock_format_us (strtoll (text, NULL, 10), at, sizeof at));
    }
    if (type == S_OID_INT8 || type == S_OID_INT4)
        return cJSON_CreateNumber ((double) strtoll (text, NULL, 10));
    if (type == S_OID_BOOL)
        return cJSON_CreateBool (text[0] == 't');
    return cJSON_CreateString (text);
}

cJSON *ledger_row_json (const PGresult *res, int row)
{
    cJSON *obj = cJSON_CreateObject ();
    for (int col = 0; obj && col < PQnfields (res); col++) {
        cJSON *v = s_value (res, row, col);
        if (!v || !cJSON_AddItemToObject (obj, PQfname (res, col), v)) {
            cJSON_Delete (v);
            cJSON_Delete (obj);
            return NULL;
        }
    }
    return obj;
}

cJSON *ledger_rows_add (cJSON *obj, const char *key, const PGresult *res)
{
    cJSON *list = cJSON_AddArrayToObject (obj, key);
    for (int i = 0; list && i < PQntuples (res); i++) {
        cJSON *r = ledger_row_json (res, i);
        if (!r || !cJSON_AddItemToArray (list, r)) {
            cJSON_Delete (r);
            return NULL;
        }
    }
    return list;
}
