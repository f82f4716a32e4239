/*  schema_words — the JSON Schema vocabulary kefu understands (type and
 *  format names) and the one JSON test both schema halves need: read when
 *  schema.c compiles a file and when schema_check.c validates a document
 *  (schema_int.h declares them). */
#include <math.h>

#include "schema_int.h"

const char *const schema_type_names[SCHEMA_TYPE_COUNT] = {
    "null", "boolean", "object", "array", "number", "string", "integer"
};
const char *const schema_format_names[SCHEMA_FMT_COUNT] = { "", "date", "date-time", "uuid", "email" };

bool schema_is_integral (const cJSON *item)
{
    if (!cJSON_IsNumber (item))
        return false;
    double v = item->valuedouble;
    return isfinite (v) && floor (v) == v;
}
