/*  routes — the area tables of route.h joined into one, each row with the
 *  JSON Schema of its request (schemas/requests/<request>.v1.json, read
 *  once at start), and the match of a method and path against them.
 *
 *  A pattern's segment "{name}" matches any one non-empty segment and
 *  yields the field `name`; every other segment matches itself exactly.
 *  A path that matches no row is 404; one that matches a row of another
 *  method only is 405, with the methods it has (Allow). HEAD matches the
 *  GET rows (and Allow lists HEAD with GET).
 */
#ifndef KEFU_GATEWAY_ROUTES_H
#define KEFU_GATEWAY_ROUTES_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "route.h"

typedef struct gw_routes_s gw_routes_t;

/*  A value's type in a request's schema, as HTTP text is turned into it. */
typedef enum {
    GW_FIELD_UNKNOWN = 0, /* the request has no such field */
    GW_FIELD_STRING,
    GW_FIELD_INTEGER,
    GW_FIELD_BOOLEAN,
    GW_FIELD_OTHER,       /* an object, array or number: not from a query */
} gw_field_type_t;

#define GW_MAX_FIELDS 4
#define GW_FIELD_VALUE_MAX 256

typedef struct {
    const gw_route_t *row;
    const void *schema;  /* the request's schema (gw_routes_field_type) */
    int n_fields;
    struct {
        char name[32];
        char value[GW_FIELD_VALUE_MAX];
    } fields[GW_MAX_FIELDS];
    char allow[64];      /* on 405: "GET, POST" */
} gw_match_t;

/*  Joins the tables and reads each row's request schema from schemas_dir.
 *  Returns NULL with the reason in err (a row without a schema file, a
 *  malformed pattern, two rows of one method and path). */
gw_routes_t *gw_routes_new (const char *schemas_dir, char *err, size_t errsize);
void gw_routes_destroy (gw_routes_t **self_p);

/*  How many rows. */
int gw_routes_count (const gw_routes_t *self);

/*  Matches method ("GET") and path. Returns 200 with *out filled, 404 or
 *  405 (out->allow set). */
int gw_routes_match (const gw_routes_t *self, const char *method, const char *path, gw_match_t *out);

/*  The type of field `name` in the matched row's request schema. */
gw_field_type_t gw_routes_field_type (const gw_match_t *match, const char *name);

/*  "GET", "POST", … */
const char *gw_method_name (gw_method_t method);

#endif
