/*  routes — the joined route table and its matching (routes.h). */
#include "routes.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "conf/config.h"
#include "textfile.h"

/*  The area tables, in the order their rows are tried (an exact path of
 *  one area never collides with another's: the patterns are checked). */
static const gw_route_t *const s_tables[] = {
    gw_routes_tickets, gw_routes_sla, gw_routes_work, gw_routes_money, NULL,
};

typedef struct {
    const gw_route_t *row;
    cJSON *schema; /* the whole request schema file */
} s_entry_t;

struct gw_routes_s {
    s_entry_t *entries;
    int n;
};

const char *gw_method_name (gw_method_t method)
{
    switch (method) {
    case GW_GET: return "GET";
    case GW_POST: return "POST";
    case GW_PUT: return "PUT";
    case GW_PATCH: return "PATCH";
    case GW_DELETE: return "DELETE";
    }
    return "?";
}

/*  A pattern is "/api/v1/" and segments of [a-z0-9-] or "{field}". */
static bool s_pattern_valid (const char *p)
{
    if (strncmp (p, "/api/v1/", 8) != 0)
        return false;
    int fields = 0;
    for (const char *seg = p + 8; *seg;) {
        size_t n = strcspn (seg, "/");
        if (n == 0)
            return false;
        if (seg[0] == '{') {
            if (n < 3 || n > 31 || seg[n - 1] != '}' || ++fields > GW_MAX_FIELDS)
                return false;
            for (size_t i = 1; i + 1 < n; i++)
                if (!((seg[i] >= 'a' && seg[i] <= 'z') || seg[i] == '_'))
                    return false;
        }
        else {
            for (size_t i = 0; i < n; i++)
                if (!((seg[i] >= 'a' && seg[i] <= 'z') || (seg[i] >= '0' && seg[i] <= '9') || seg[i] == '-'))
                    return false;
        }
        seg += n;
        if (*seg == '/' && !*++seg)
            return false; /* no trailing slash */
    }
    return true;
}

static int s_load_entry (s_entry_t *e, const gw_route_t *row, const char *dir, char *err, size_t errsize)
{
    e->row = row;
    if (!s_pattern_valid (row->path) || !row->service || cfg_service_index (row->service) < 0
        || !row->request || row->method < GW_GET || row->method > GW_DELETE) {
        snprintf (err, errsize, "route %s %s: expected /api/v1/ and segments of a-z 0-9 - or "
                  "{field}, a known service and a request name", gw_method_name (row->method), row->path);
        return -1;
    }
    char path[4200], perr[200] = "";
    snprintf (path, sizeof path, "%s/requests/%s.v1.json", dir, row->request);
    size_t len = 0;
    char *text = gw_textfile_read (path, 1u << 20, &len);
    e->schema = text ? json_parse_strict (text, len, perr, sizeof perr) : NULL;
    free (text);
    if (!cJSON_IsObject (e->schema)) {
        snprintf (err, errsize, "route %s %s: request schema %s: %s", gw_method_name (row->method),
                  row->path, path, text ? perr : "cannot read it");
        return -1;
    }
    return 0;
}

gw_routes_t *gw_routes_new (const char *schemas_dir, char *err, size_t errsize)
{
    gw_routes_t *self = calloc (1, sizeof *self);
    int total = 0;
    for (int t = 0; s_tables[t]; t++)
        for (const gw_route_t *r = s_tables[t]; r->path; r++)
            total++;
    if (!self || !(self->entries = calloc ((size_t) total + 1, sizeof *self->entries))) {
        snprintf (err, errsize, "out of memory");
        gw_routes_destroy (&self);
        return NULL;
    }
    for (int t = 0; s_tables[t]; t++)
        for (const gw_route_t *r = s_tables[t]; r->path; r++) {
            for (int i = 0; i < self->n; i++)
                if (self->entries[i].row->method == r->method && strcmp (self->entries[i].row->path, r->path) == 0) {
                    snprintf (err, errsize, "route %s %s: listed twice", gw_method_name (r->method), r->path);
                    gw_routes_destroy (&self);
                    return NULL;
                }
            if (s_load_entry (&self->entries[self->n++], r, schemas_dir, err, errsize) != 0) {
                gw_routes_destroy (&self);
                return NULL;
            }
        }
    return self;
}

void gw_routes_destroy (gw_routes_t **self_p)
{
    gw_routes_t *self = *self_p;
    if (!self)
        return;
    for (int i = 0; self->entries && i < self->n; i++)
        cJSON_Delete (self->entries[i].schema);
    free (self->entries);
    free (self);
    *self_p = NULL;
}

int gw_routes_count (const gw_routes_t *self)
{
    return self->n;
}

/*  Matches one pattern; fills out's fields. */
static bool s_match (const char *pattern, const char *path, gw_match_t *out)
{
    out->n_fields = 0;
    const char *p = pattern, *q = path;
    while (*p && *q) {
        if (*p != '/' || *q != '/')
            return false;
        p++, q++;
        size_t pn = strcspn (p, "/"), qn = strcspn (q, "/");
        if (*p == '{') {
            if (qn == 0 || qn >= GW_FIELD_VALUE_MAX)
                return false;
            int f = out->n_fields++;
            snprintf (out->fields[f].name, sizeof out->fields[f].name, "%.*s", (int) pn - 2, p + 1);
            memcpy (out->fields[f].value, q, qn);
            out->fields[f].value[qn] = '\0';
        }
        else if (pn != qn || memcmp (p, q, pn) != 0)
            return false;
        p += pn, q += qn;
    }
    return !*p && !*q;
}

int gw_routes_match (const gw_routes_t *self, const char *method, const char *path, gw_match_t *out)
{
    memset (out, 0, sizeof *out);
    bool other_method = false;
    gw_match_t probe;
    if (strcmp (method, "HEAD") == 0)
        method = "GET"; /* the same answer; libmicrohttpd sends no body */
    for (int i = 0; i < self->n; i++) {
        const s_entry_t *e = &self->entries[i];
        if (!s_match (e->row->path, path, &probe))
            continue;
        const char *name = gw_method_name (e->row->method);
        if (strcmp (name, method) == 0) {
            *out = probe;
            out->row = e->row;
            out->schema = e->schema;
            return 200;
        }
        if (!strstr (out->allow, name)) {
            size_t n = strlen (out->allow);
            snprintf (out->allow + n, sizeof out->allow - n, "%s%s%s", n ? ", " : "", name,
                      e->row->method == GW_GET ? ", HEAD" : "");
        }
        other_method = true;
    }
    return other_method ? 405 : 404;
}

/*  The schema a "$ref": "#/$defs/x" names inside root, or node itself. */
static const cJSON *s_deref (const cJSON *root, const cJSON *node)
{
    const char *ref = json_str (node, "$ref", NULL);
    if (ref && strncmp (ref, "#/$defs/", 8) == 0)
        return cJSON_GetObjectItemCaseSensitive (cJSON_GetObjectItemCaseSensitive (root, "$defs"), ref + 8);
    return node;
}

static gw_field_type_t s_type_named (const char *t)
{
    if (!t)
        return GW_FIELD_OTHER;
    if (strcmp (t, "string") == 0)
        return GW_FIELD_STRING;
    if (strcmp (t, "integer") == 0)
        return GW_FIELD_INTEGER;
    if (strcmp (t, "boolean") == 0)
        return GW_FIELD_BOOLEAN;
    return GW_FIELD_OTHER;
}

gw_field_type_t gw_routes_field_type (const gw_match_t *match, const char *name)
{
    const cJSON *root = match->schema;
    const cJSON *props = cJSON_GetObjectItemCaseSensitive (root, "properties");
    const cJSON *prop = s_deref (root, cJSON_GetObjectItemCaseSensitive (props, name));
    if (!cJSON_IsObject (prop))
        return GW_FIELD_UNKNOWN;
    const cJSON *type = cJSON_GetObjectItemCaseSensitive (prop, "type");
    if (cJSON_IsString (type))
        return s_type_named (type->valuestring);
    const cJSON *t;
    cJSON_ArrayForEach (t, type) /* ["integer", "null"]: the first that is not null */
        if (cJSON_IsString (t) && strcmp (t->valuestring, "null") != 0)
            return s_type_named (t->valuestring);
    const cJSON *en = cJSON_GetObjectItemCaseSensitive (prop, "enum");
    if (cJSON_IsArray (en) && cJSON_IsString (cJSON_GetArrayItem (en, 0)))
        return GW_FIELD_STRING; /* an enum of names without a type */
    return GW_FIELD_OTHER;
}
