/*  schema — loads the JSON Schema files of schemas/ and validates documents
 *  against them (see schema.h for the keyword subset).
 *
 *  Each file is compiled once into a tree of schema_node_t: keyword values are
 *  checked, regexes compiled, "$ref" resolved against the file's root
 *  "$defs". Any keyword outside the supported subset refuses the whole set,
 *  so a rule written in a schema is never silently ignored. Validation walks
 *  the tree and stops at the first problem, reported as "<json path>: <what
 *  was wrong and what was expected>".
 */
#include "schema.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/json.h"
#include "schema_int.h"

#define S_MAX_FILE (1024 * 1024)   /* a schema file larger than this is refused */
#define S_PATH_MAX 512             /* schema locations in errors */

typedef struct {
    char *name;       /* "ticket.created.v1" */
    char *group;      /* folder below the set's root: "messages", "" */
    char *file;       /* path as loaded, for errors */
    cJSON *doc;
    schema_node_t *root;
    schema_node_t *all;    /* list of every node */
    schema_prop_t *defs;
    size_t def_count;
} s_schema_t;

struct schema_set_s {
    s_schema_t *items;
    size_t count, alloc;
};

/*  Compile-time context of one file. */
typedef struct {
    s_schema_t *schema;
    char *err;
    size_t errsize;
} s_compiler_t;


/* ------------------------------------------------------------------------ */
/* Small helpers                                                              */

static bool s_is_nonneg_int (const cJSON *item)
{
    return schema_is_integral (item) && item->valuedouble >= 0 && item->valuedouble <= 1e9;
}

/* ------------------------------------------------------------------------ */
/* Compiling                                                                 */

static int s_fail (s_compiler_t *c, const char *where, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));

static int s_fail (s_compiler_t *c, const char *where, const char *fmt, ...)
{
    char reason[384];
    va_list ap;
    va_start (ap, fmt);
    vsnprintf (reason, sizeof reason, fmt, ap);
    va_end (ap);
    snprintf (c->err, c->errsize, "%s: at %s: %s", c->schema->file, *where ? where : "/", reason);
    return -1;
}

static schema_node_t *s_node_alloc (s_compiler_t *c)
{
    schema_node_t *node = calloc (1, sizeof *node);
    if (!node)
        return NULL;
    node->bool_schema = -1;
    node->additional = -1;
    node->min_length = node->max_length = -1;
    node->min_items = node->max_items = -1;
    node->next = c->schema->all;
    c->schema->all = node;
    return node;
}

static schema_node_t *s_compile (s_compiler_t *c, const cJSON *json, const char *where, int depth);

static int s_compile_list (s_compiler_t *c, const cJSON *value, const char *where,
                           const char *key, int depth, schema_node_t ***list_p, size_t *count_p)
{
    if (!cJSON_IsArray (value) || cJSON_GetArraySize (value) == 0)
        return s_fail (c, where, "\"%s\" must be a non-empty array of schemas", key);
    size_t count = (size_t) cJSON_GetArraySize (value);
    schema_node_t **list = calloc (count, sizeof *list);
    if (!list)
        return s_fail (c, where, "out of memory");
    *list_p = list;
    *count_p = count;
    size_t i = 0;
    const cJSON *item;
    cJSON_ArrayForEach (item, value) {
        char sub[S_PATH_MAX];
        snprintf (sub, sizeof sub, "%s/%s/%zu", where, key, i);
        list[i] = s_compile (c, item, sub, depth + 1);
        if (!list[i])
            return -1;
        i++;
    }
    return 0;
}

static int s_compile_type (s_compiler_t *c, schema_node_t *node, const cJSON *value, const char *where)
{
    bool single = cJSON_IsString (value);
    if (!single && !(cJSON_IsArray (value) && cJSON_GetArraySize (value) > 0))
        return s_fail (c, where, "\"type\" must be a type name or a non-empty array of them");
    for (const cJSON *item = single ? value : value->child; item; item = single ? NULL : item->next) {
        int found = -1;
        for (int i = 0; cJSON_IsString (item) && i < SCHEMA_TYPE_COUNT; i++)
            if (strcmp (item->valuestring, schema_type_names[i]) == 0)
                found = i;
        if (found < 0)
            return s_fail (c, where, "unknown name in \"type\" (expected null, boolean, object, "
                                     "array, number, string or integer)");
        node->types |= 1u << found;
    }
    return 0;
}

static int s_compile_keyword (s_compiler_t *c, schema_node_t *node, const cJSON *kw,
                              const char *where, int depth)
{
    const char *key = kw->string;
    char sub[S_PATH_MAX];

    if (strcmp (key, "type") == 0)
        return s_compile_type (c, node, kw, where);
    if (strcmp (key, "properties") == 0) {
        if (!cJSON_IsObject (kw))
            return s_fail (c, where, "\"properties\" must be an object");
        size_t count = (size_t) cJSON_GetArraySize (kw);
        node->props = calloc (count ? count : 1, sizeof *node->props);
        if (!node->props)
            return s_fail (c, where, "out of memory");
        const cJSON *prop;
        cJSON_ArrayForEach (prop, kw) {
            snprintf (sub, sizeof sub, "%s/properties/%s", where, prop->string);
            schema_prop_t *slot = &node->props[node->prop_count];
            slot->name = prop->string;
            slot->node = s_compile (c, prop, sub, depth + 1);
            if (!slot->node)
                return -1;
            node->prop_count++;
        }
        return 0;
    }
    if (strcmp (key, "required") == 0) {
        if (!cJSON_IsArray (kw))
            return s_fail (c, where, "\"required\" must be an array of field names");
        size_t count = (size_t) cJSON_GetArraySize (kw);
        node->required = calloc (count ? count : 1, sizeof *node->required);
        if (!node->required)
            return s_fail (c, where, "out of memory");
        const cJSON *name;
        cJSON_ArrayForEach (name, kw) {
            if (!cJSON_IsString (name))
                return s_fail (c, where, "\"required\" must hold only strings");
            for (size_t i = 0; i < node->required_count; i++)
                if (strcmp (node->required[i], name->valuestring) == 0)
                    return s_fail (c, where, "\"required\" names \"%s\" twice", name->valuestring);
            node->required[node->required_count++] = name->valuestring;
        }
        return 0;
    }
    if (strcmp (key, "additionalProperties") == 0) {
        if (!cJSON_IsBool (kw))
            return s_fail (c, where, "\"additionalProperties\" must be true or false "
                                     "(schemas are not supported here)");
        node->additional = cJSON_IsTrue (kw) ? 1 : 0;
        return 0;
    }
    if (strcmp (key, "enum") == 0) {
        if (!cJSON_IsArray (kw) || cJSON_GetArraySize (kw) == 0)
            return s_fail (c, where, "\"enum\" must be a non-empty array");
        node->enum_values = kw;
        return 0;
    }
    if (strcmp (key, "const") == 0) {
        node->const_value = kw;
        return 0;
    }
    if (strcmp (key, "minLength") == 0 || strcmp (key, "maxLength") == 0
        || strcmp (key, "minItems") == 0 || strcmp (key, "maxItems") == 0) {
        if (!s_is_nonneg_int (kw))
            return s_fail (c, where, "\"%s\" must be a non-negative integer", key);
        long value = (long) kw->valuedouble;
        if (strcmp (key, "minLength") == 0)
            node->min_length = value;
        else if (strcmp (key, "maxLength") == 0)
            node->max_length = value;
        else if (strcmp (key, "minItems") == 0)
            node->min_items = value;
        else
            node->max_items = value;
        return 0;
    }
    if (strcmp (key, "pattern") == 0) {
        if (!cJSON_IsString (kw))
            return s_fail (c, where, "\"pattern\" must be a string");
        int rc = regcomp (&node->pattern, kw->valuestring, REG_EXTENDED | REG_NOSUB);
        if (rc != 0) {
            char why[128];
            regerror (rc, &node->pattern, why, sizeof why);
            regfree (&node->pattern);
            return s_fail (c, where, "\"pattern\" does not compile as a POSIX extended "
                                     "regular expression: %s", why);
        }
        node->has_pattern = true;
        node->pattern_src = kw->valuestring;
        return 0;
    }
    if (strcmp (key, "format") == 0) {
        for (int i = 1; cJSON_IsString (kw) && i <= SCHEMA_FMT_EMAIL; i++)
            if (strcmp (kw->valuestring, schema_format_names[i]) == 0)
                node->format = (schema_format_t) i;
        if (node->format == SCHEMA_FMT_NONE)
            return s_fail (c, where, "unsupported \"format\" (expected date, date-time, uuid or email)");
        return 0;
    }
    if (strcmp (key, "minimum") == 0 || strcmp (key, "maximum") == 0) {
        if (!cJSON_IsNumber (kw))
            return s_fail (c, where, "\"%s\" must be a number", key);
        if (key[1] == 'i') {
            node->has_min = true;
            node->minimum = kw->valuedouble;
        }
        else {
            node->has_max = true;
            node->maximum = kw->valuedouble;
        }
        return 0;
    }
    if (strcmp (key, "items") == 0) {
        snprintf (sub, sizeof sub, "%s/items", where);
        node->items = s_compile (c, kw, sub, depth + 1);
        return node->items ? 0 : -1;
    }
    if (strcmp (key, "uniqueItems") == 0) {
        if (!cJSON_IsBool (kw))
            return s_fail (c, where, "\"uniqueItems\" must be true or false");
        node->unique_items = cJSON_IsTrue (kw);
        return 0;
    }
    if (strcmp (key, "oneOf") == 0)
        return s_compile_list (c, kw, where, key, depth, &node->one_of, &node->one_of_count);
    if (strcmp (key, "anyOf") == 0)
        return s_compile_list (c, kw, where, key, depth, &node->any_of, &node->any_of_count);
    if (strcmp (key, "$ref") == 0) {
        const char *prefix = "#/$defs/";
        if (!cJSON_IsString (kw) || strncmp (kw->valuestring, prefix, strlen (prefix)) != 0
            || kw->valuestring[strlen (prefix)] == '\0')
            return s_fail (c, where, "\"$ref\" must be \"#/$defs/<name>\" (only references "
                                     "within the same file are supported)");
        node->ref_name = kw->valuestring + strlen (prefix);
        return 0;
    }
    if (strcmp (key, "$defs") == 0) {
        if (depth != 0)
            return s_fail (c, where, "\"$defs\" is supported only at the top of a file");
        return 0; /* compiled by s_compile_file */
    }
    if (strcmp (key, "$schema") == 0) {
        if (depth != 0 || !cJSON_IsString (kw)
            || strcmp (kw->valuestring, "https://json-schema.org/draft/2020-12/schema") != 0)
            return s_fail (c, where, "\"$schema\" must be "
                                     "\"https://json-schema.org/draft/2020-12/schema\", at the top");
        return 0;
    }
    if (strcmp (key, "title") == 0 && cJSON_IsString (kw))
        node->title = kw->valuestring;
    if (strcmp (key, "$id") == 0 || strcmp (key, "title") == 0
        || strcmp (key, "description") == 0 || strcmp (key, "$comment") == 0) {
        if (!cJSON_IsString (kw))
            return s_fail (c, where, "\"%s\" must be a string", key);
        return 0;
    }
    if (strcmp (key, "examples") == 0) {
        if (!cJSON_IsArray (kw))
            return s_fail (c, where, "\"examples\" must be an array");
        return 0;
    }
    if (strcmp (key, "default") == 0)
        return 0;
    return s_fail (c, where, "unsupported keyword \"%s\" (see common/msg/schema.h for the "
                             "supported subset)", key);
}

static schema_node_t *s_compile (s_compiler_t *c, const cJSON *json, const char *where, int depth)
{
    if (depth > SCHEMA_MAX_DEPTH) {
        s_fail (c, where, "schema nested deeper than %d levels", SCHEMA_MAX_DEPTH);
        return NULL;
    }
    schema_node_t *node = s_node_alloc (c);
    if (!node) {
        s_fail (c, where, "out of memory");
        return NULL;
    }
    if (cJSON_IsBool (json)) {
        node->bool_schema = cJSON_IsTrue (json) ? 1 : 0;
        return node;
    }
    if (!cJSON_IsObject (json)) {
        s_fail (c, where, "a schema must be an object or a boolean");
        return NULL;
    }
    const cJSON *kw;
    cJSON_ArrayForEach (kw, json) {
        if (s_compile_keyword (c, node, kw, where, depth) != 0)
            return NULL;
    }
    if (node->min_length >= 0 && node->max_length >= 0 && node->min_length > node->max_length) {
        s_fail (c, where, "\"minLength\" is greater than \"maxLength\"");
        return NULL;
    }
    if (node->has_min && node->has_max && node->minimum > node->maximum) {
        s_fail (c, where, "\"minimum\" is greater than \"maximum\"");
        return NULL;
    }
    return node;
}

static schema_node_t *s_find_def (const s_schema_t *schema, const char *name)
{
    for (size_t i = 0; i < schema->def_count; i++)
        if (strcmp (schema->defs[i].name, name) == 0)
            return schema->defs[i].node;
    return NULL;
}

/*  Compiles the file's $defs and root, then resolves every $ref. */
static int s_compile_file (s_compiler_t *c)
{
    s_schema_t *schema = c->schema;
    if (!cJSON_IsObject (schema->doc))
        return s_fail (c, "", "the top of a schema file must be an object");
    if (!cJSON_GetObjectItemCaseSensitive (schema->doc, "$schema"))
        return s_fail (c, "", "missing \"$schema\": "
                              "\"https://json-schema.org/draft/2020-12/schema\"");
    const cJSON *defs = cJSON_GetObjectItemCaseSensitive (schema->doc, "$defs");
    if (defs) {
        if (!cJSON_IsObject (defs))
            return s_fail (c, "/$defs", "\"$defs\" must be an object of schemas");
        size_t count = (size_t) cJSON_GetArraySize (defs);
        schema->defs = calloc (count ? count : 1, sizeof *schema->defs);
        if (!schema->defs)
            return s_fail (c, "/$defs", "out of memory");
        const cJSON *def;
        cJSON_ArrayForEach (def, defs) {
            char sub[S_PATH_MAX];
            snprintf (sub, sizeof sub, "/$defs/%s", def->string);
            schema_prop_t *slot = &schema->defs[schema->def_count];
            slot->name = def->string;
            slot->node = s_compile (c, def, sub, 1);
            if (!slot->node)
                return -1;
            schema->def_count++;
        }
    }
    schema->root = s_compile (c, schema->doc, "", 0);
    if (!schema->root)
        return -1;
    for (schema_node_t *node = schema->all; node; node = node->next) {
        if (!node->ref_name)
            continue;
        node->ref = s_find_def (schema, node->ref_name);
        if (!node->ref)
            return s_fail (c, "", "\"$ref\" names \"#/$defs/%s\", which is not defined",
                           node->ref_name);
    }
    return 0;
}

static void s_schema_free (s_schema_t *schema)
{
    schema_node_t *node = schema->all;
    while (node) {
        schema_node_t *next = node->next;
        if (node->has_pattern)
            regfree (&node->pattern);
        free (node->props);
        free (node->required);
        free (node->one_of);
        free (node->any_of);
        free (node);
        node = next;
    }
    free (schema->defs);
    cJSON_Delete (schema->doc);
    free (schema->name);
    free (schema->group);
    free (schema->file);
    memset (schema, 0, sizeof *schema);
}

/* ------------------------------------------------------------------------ */
/* Loading                                                                   */

static char *s_read_file (const char *path, size_t *len, char *err, size_t errsize)
{
    FILE *file = fopen (path, "rb");
    if (!file) {
        snprintf (err, errsize, "%s: cannot open: %s", path, strerror (errno));
        return NULL;
    }
    char *data = malloc (S_MAX_FILE + 1);
    size_t got = data ? fread (data, 1, S_MAX_FILE + 1, file) : 0;
    bool failed = ferror (file) != 0;
    fclose (file);
    if (!data || failed || got > S_MAX_FILE) {
        snprintf (err, errsize, "%s: %s", path,
                  !data ? "out of memory" : failed ? "read error" : "larger than 1 MiB");
        free (data);
        return NULL;
    }
    *len = got;
    return data;
}

static int s_add_file (schema_set_t *self, const char *path, const char *group,
                       const char *base, char *err, size_t errsize)
{
    size_t base_len = strlen (base) - strlen (".json");
    if (base_len == 0) {
        snprintf (err, errsize, "%s: a schema file needs a name before .json", path);
        return -1;
    }
    for (size_t i = 0; i < self->count; i++)
        if (strlen (self->items[i].name) == base_len
            && strncmp (self->items[i].name, base, base_len) == 0) {
            snprintf (err, errsize, "%s: schema name \"%.*s\" is already used by %s", path,
                      (int) base_len, base, self->items[i].file);
            return -1;
        }
    if (self->count == self->alloc) {
        size_t alloc = self->alloc ? self->alloc * 2 : 16;
        s_schema_t *items = realloc (self->items, alloc * sizeof *items);
        if (!items) {
            snprintf (err, errsize, "%s: out of memory", path);
            return -1;
        }
        self->items = items;
        self->alloc = alloc;
    }
    s_schema_t *schema = &self->items[self->count];
    memset (schema, 0, sizeof *schema);
    schema->file = strdup (path);
    schema->group = strdup (group);
    schema->name = malloc (base_len + 1);
    if (!schema->file || !schema->group || !schema->name) {
        snprintf (err, errsize, "%s: out of memory", path);
        s_schema_free (schema);
        return -1;
    }
    memcpy (schema->name, base, base_len);
    schema->name[base_len] = '\0';

    size_t len = 0;
    char *data = s_read_file (path, &len, err, errsize);
    if (!data) {
        s_schema_free (schema);
        return -1;
    }
    char why[256];
    schema->doc = json_parse_strict (data, len, why, sizeof why);
    free (data);
    if (!schema->doc) {
        snprintf (err, errsize, "%s: %s", path, why);
        s_schema_free (schema);
        return -1;
    }
    s_compiler_t compiler = { schema, err, errsize };
    if (s_compile_file (&compiler) != 0) {
        s_schema_free (schema);
        return -1;
    }
    self->count++;
    return 0;
}

static int s_name_cmp (const void *a, const void *b)
{
    return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/*  Loads dir/group recursively; entries are visited in name order so that
 *  errors (e.g. a duplicate name) are reported the same way every time. */
static int s_load_dir (schema_set_t *self, const char *root, const char *group, int depth,
                       char *err, size_t errsize)
{
    char dir_path[4096];
    snprintf (dir_path, sizeof dir_path, "%s%s%s", root, *group ? "/" : "", group);
    if (depth > SCHEMA_MAX_DEPTH) {
        snprintf (err, errsize, "%s: directories nested too deep", dir_path);
        return -1;
    }
    DIR *dir = opendir (dir_path);
    if (!dir) {
        snprintf (err, errsize, "%s: cannot open directory: %s", dir_path, strerror (errno));
        return -1;
    }
    char **names = NULL;
    size_t count = 0, alloc = 0;
    int rc = 0;
    struct dirent *entry;
    while ((entry = readdir (dir)) != NULL) {
        if (entry->d_name[0] == '.')
            continue;
        if (count == alloc) {
            alloc = alloc ? alloc * 2 : 32;
            char **grown = realloc (names, alloc * sizeof *names);
            if (!grown) {
                rc = -1;
                break;
            }
            names = grown;
        }
        names[count] = strdup (entry->d_name);
        if (!names[count]) {
            rc = -1;
            break;
        }
        count++;
    }
    closedir (dir);
    if (rc != 0) {
        snprintf (err, errsize, "%s: out of memory", dir_path);
        goto cleanup;
    }
    if (count > 1)
        qsort (names, count, sizeof *names, s_name_cmp);
    for (size_t i = 0; i < count && rc == 0; i++) {
        char path[4096], sub_group[1024];
        struct stat st;
        if (snprintf (path, sizeof path, "%s/%s", dir_path, names[i]) >= (int) sizeof path) {
            snprintf (err, errsize, "%s: path too long", dir_path);
            rc = -1;
        }
        else if (stat (path, &st) != 0) {
            snprintf (err, errsize, "%s: %s", path, strerror (errno));
            rc = -1;
        }
        else if (S_ISDIR (st.st_mode)) {
            if (snprintf (sub_group, sizeof sub_group, "%s%s%s", group, *group ? "/" : "",
                          names[i]) >= (int) sizeof sub_group) {
                snprintf (err, errsize, "%s: path too long", path);
                rc = -1;
            }
            else
                rc = s_load_dir (self, root, sub_group, depth + 1, err, errsize);
        }
        else if (S_ISREG (st.st_mode)) {
            size_t len = strlen (names[i]);
            if (len > 5 && strcmp (names[i] + len - 5, ".json") == 0)
                rc = s_add_file (self, path, group, names[i], err, errsize);
        }
    }
cleanup:
    for (size_t i = 0; i < count; i++)
        free (names[i]);
    free (names);
    return rc;
}

schema_set_t *schema_set_load (const char *dir, char *err, size_t errsize)
{
    if (!dir || !*dir) {
        snprintf (err, errsize, "no schema directory given");
        return NULL;
    }
    schema_set_t *self = calloc (1, sizeof *self);
    if (!self) {
        snprintf (err, errsize, "%s: out of memory", dir);
        return NULL;
    }
    if (s_load_dir (self, dir, "", 0, err, errsize) != 0) {
        schema_set_destroy (&self);
        return NULL;
    }
    if (self->count == 0) {
        snprintf (err, errsize, "%s: no *.json schema files found", dir);
        schema_set_destroy (&self);
        return NULL;
    }
    return self;
}

void schema_set_destroy (schema_set_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    schema_set_t *self = *self_p;
    for (size_t i = 0; i < self->count; i++)
        s_schema_free (&self->items[i]);
    free (self->items);
    free (self);
    *self_p = NULL;
}

static const s_schema_t *s_lookup (const schema_set_t *self, const char *name)
{
    if (!self || !name)
        return NULL;
    for (size_t i = 0; i < self->count; i++)
        if (strcmp (self->items[i].name, name) == 0)
            return &self->items[i];
    return NULL;
}

bool schema_set_has (const schema_set_t *self, const char *name)
{
    return s_lookup (self, name) != NULL;
}

const schema_node_t *schema_root (const schema_set_t *self, const char *name)
{
    const s_schema_t *schema = s_lookup (self, name);
    return schema ? schema->root : NULL;
}

const char *schema_set_group (const schema_set_t *self, const char *name)
{
    const s_schema_t *schema = s_lookup (self, name);
    return schema ? schema->group : NULL;
}

static int s_int_cmp (const void *a, const void *b)
{
    int x = *(const int *) a, y = *(const int *) b;
    return (x > y) - (x < y);
}

int schema_set_versions (const schema_set_t *self, const char *group, const char *base,
                         int *versions, int max)
{
    if (!self || !group || !base || !versions || max <= 0)
        return 0;
    size_t base_len = strlen (base);
    int found = 0;
    for (size_t i = 0; i < self->count && found < max; i++) {
        const s_schema_t *schema = &self->items[i];
        if (strcmp (schema->group, group) != 0 || strncmp (schema->name, base, base_len) != 0
            || strncmp (schema->name + base_len, ".v", 2) != 0)
            continue;
        const char *digits = schema->name + base_len + 2;
        char *end = NULL;
        long version = strtol (digits, &end, 10);
        if (digits[0] >= '1' && digits[0] <= '9' && *end == '\0' && version <= 1000000)
            versions[found++] = (int) version;
    }
    qsort (versions, (size_t) found, sizeof *versions, s_int_cmp);
    return found;
}

