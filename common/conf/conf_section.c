/*  conf_section — the table-driven loader of configuration sections (see
 *  conf_section.h): defaults, reading and range checks, required and
 *  unknown keys, environment overrides, freeing and logging, all from the
 *  owner's table of rows.
 */
#include "conf_section.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/ident.h"
#include "base/log.h"

#define S_KEY_MAX 128   /* longest dotted key */
#define S_NAMES_MAX 64  /* most keys in one mapping of a section */

/* ---------------------------------------------------------------- helpers */

bool conf_is_empty (const yt_node_t *node)
{
    const char *text = yt_text (node);
    return !node || (text && (!*text || strcmp (text, "~") == 0 || strcasecmp (text, "null") == 0));
}

bool conf_has_control (const char *text)
{
    for (const unsigned char *c = (const unsigned char *) text; c && *c; c++)
        if (*c < 0x20 || *c == 0x7f)
            return true;
    return false;
}

bool conf_host_valid (const char *host)
{
    if (!host || !*host)
        return false;
    for (const char *c = host; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '-'
              || *c == '.' || *c == ':'))
            return false;
    return true;
}

static void *s_field (void *values, const conf_key_t *row)
{
    return (char *) values + row->offset;
}

static const void *s_cfield (const void *values, const conf_key_t *row)
{
    return (const char *) values + row->offset;
}

static bool s_is_string (conf_type_t type)
{
    return type == CONF_TYPE_STRING || type == CONF_TYPE_TEXT || type == CONF_TYPE_PATH
           || type == CONF_TYPE_HOST;
}

/*  The mapping that holds the last part of a dotted key, walking `map`
 *  through the earlier parts: *parent is NULL when one of them is absent or
 *  empty. With doc, a part that is not a mapping is an error (-1);
 *  without, it counts as absent. *leaf points into key. */
static int s_parent (yt_doc_t *doc, yt_node_t *map, const char *key, yt_node_t **parent, const char **leaf)
{
    *parent = map;
    *leaf = key;
    const char *dot;
    while (*parent && (dot = strchr (*leaf, '.'))) {
        char part[S_KEY_MAX];
        size_t n = (size_t) (dot - *leaf);
        assert (n < sizeof part); /* the table's keys are short */
        memcpy (part, *leaf, n);
        part[n] = '\0';
        yt_node_t *child = yt_get (*parent, part);
        *leaf = dot + 1;
        if (conf_is_empty (child))
            child = NULL;
        else if (yt_kind (child) != YT_MAP) {
            if (doc)
                return yt_expect (doc, child, YT_MAP);
            child = NULL;
        }
        *parent = child;
    }
    return 0;
}

yt_node_t *conf_node (yt_node_t *map, const char *dotted)
{
    yt_node_t *parent;
    const char *leaf;
    s_parent (NULL, map, dotted, &parent, &leaf);
    return parent ? yt_get (parent, leaf) : NULL;
}

static void s_list_free (conf_list_t *list)
{
    for (int i = 0; list->items && i < list->n; i++)
        free (list->items[i]);
    free (list->items);
    list->items = NULL;
    list->n = 0;
}

/* ---------------------------------------------------------------- lookup */

const conf_section_t *conf_section_find (const char *name)
{
    for (int i = 0; name && conf_sections[i]; i++)
        if (strcmp (conf_sections[i]->name, name) == 0)
            return conf_sections[i];
    return NULL;
}

bool conf_section_read_by (const conf_section_t *self, const char *service)
{
    if (!service)
        return true;
    if (self->service && strcmp (self->service, service) == 0)
        return true;
    for (int i = 0; conf_sections[i]; i++) {
        const conf_section_t *owner = conf_sections[i];
        if (!owner->service || strcmp (owner->service, service) != 0)
            continue;
        for (int u = 0; owner->uses && owner->uses[u]; u++)
            if (strcmp (owner->uses[u], self->name) == 0)
                return true;
    }
    return false;
}

/* ---------------------------------------------------------------- life */

void *conf_section_new (const conf_section_t *self)
{
    assert (self);
    void *values = calloc (1, self->size);
    if (!values)
        return NULL;
    for (const conf_key_t *row = self->keys; row->key; row++) {
        void *field = s_field (values, row);
        if (row->type == CONF_TYPE_INT || row->type == CONF_TYPE_ENUM)
            *(int *) field = (int) row->def;
        else if (row->type == CONF_TYPE_BOOL)
            *(bool *) field = row->def != 0;
        else if (s_is_string (row->type)) {
            if (row->def_text && !(*(char **) field = strdup (row->def_text)))
                goto fail;
        }
        else if (row->type == CONF_TYPE_LIST) {
            conf_list_t *list = field;
            int n = 0;
            while (row->def_list && row->def_list[n])
                n++;
            if (!(list->items = calloc ((size_t) n + 1, sizeof *list->items)))
                goto fail;
            for (; list->n < n; list->n++)
                if (!(list->items[list->n] = strdup (row->def_list[list->n])))
                    goto fail;
        }
    }
    return values;
fail:
    conf_section_destroy (self, &values);
    return NULL;
}

void conf_section_destroy (const conf_section_t *self, void **values_p)
{
    if (!self || !values_p || !*values_p)
        return;
    void *values = *values_p;
    for (const conf_key_t *row = self->keys; row->key; row++) {
        if (s_is_string (row->type)) {
            char **field = s_field (values, row);
            free (*field);
            *field = NULL;
        }
        else if (row->type == CONF_TYPE_LIST)
            s_list_free (s_field (values, row));
    }
    free (values);
    *values_p = NULL;
}

/* ---------------------------------------------------------------- loading */

/*  Reads a list of names: each one of row->names, each once. */
static int s_load_list (const conf_key_t *row, conf_list_t *list, yt_doc_t *doc, yt_node_t *node)
{
    if (yt_expect (doc, node, YT_SEQ) != 0)
        return -1;
    size_t n = yt_size (node);
    if (n > (size_t) row->max)
        return yt_fail (doc, node, "at most %lld items (each once)", (long long) row->max);
    conf_list_t fresh = { calloc (n + 1, sizeof (char *)), 0 };
    if (!fresh.items)
        return yt_fail (doc, node, "out of memory");
    for (size_t i = 0; i < n; i++) {
        yt_node_t *item = yt_item (node, i);
        const char *text = yt_text (item);
        bool known = false;
        if (!row->names) {
            /* a list of the deployment's own codes: identifiers */
            if (!text || !ident_valid (text, CONF_LIST_IDENT_MAX)) {
                s_list_free (&fresh);
                return yt_fail (doc, item, "expected a code of 1 to %d letters, digits, _ or -",
                                CONF_LIST_IDENT_MAX);
            }
            known = true;
        }
        for (int k = 0; text && row->names && row->names[k]; k++)
            known = known || strcmp (text, row->names[k]) == 0;
        if (!known) {
            char choices[400] = "";
            size_t used = 0;
            for (int k = 0; row->names[k] && used < sizeof choices; k++)
                used += (size_t) snprintf (choices + used, sizeof choices - used, "%s%s", k ? ", " : "",
                                           row->names[k]);
            s_list_free (&fresh);
            return yt_fail (doc, item, "expected one of: %s", choices);
        }
        for (int k = 0; k < fresh.n; k++)
            if (strcmp (fresh.items[k], text) == 0) {
                s_list_free (&fresh);
                return yt_fail (doc, item, "\"%s\" listed twice", text);
            }
        if (!(fresh.items[fresh.n] = strdup (text))) {
            s_list_free (&fresh);
            return yt_fail (doc, item, "out of memory");
        }
        fresh.n++;
    }
    s_list_free (list);
    *list = fresh;
    return 0;
}

/*  Step 1 for one row: its value when present, checked against type and range. */
static int s_load_row (const conf_key_t *row, void *values, yt_doc_t *doc, yt_node_t *map)
{
    yt_node_t *parent;
    const char *leaf;
    if (s_parent (doc, map, row->key, &parent, &leaf) != 0)
        return -1;
    if (!parent)
        return 0; /* its mapping is absent: the default stands */
    void *field = s_field (values, row);
    switch (row->type) {
    case CONF_TYPE_INT: {
        int64_t value = *(int *) field;
        if (yt_int (doc, parent, leaf, false, row->min, row->max, &value) != 0)
            return -1;
        *(int *) field = (int) value;
        return 0;
    }
    case CONF_TYPE_ENUM:
        return yt_enum (doc, parent, leaf, false, row->names, field);
    case CONF_TYPE_BOOL:
        return yt_bool (doc, parent, leaf, false, field);
    case CONF_TYPE_TEXT:
        return yt_free_text (doc, parent, leaf, false, (size_t) row->max, field);
    case CONF_TYPE_STRING:
        return yt_str (doc, parent, leaf, false, (size_t) row->max, field);
    case CONF_TYPE_PATH:
    case CONF_TYPE_HOST: {
        char **text = field;
        char *before = *text;
        if (yt_str (doc, parent, leaf, false, (size_t) row->max, text) != 0)
            return -1;
        if (*text == before)
            return 0; /* absent */
        if (row->type == CONF_TYPE_PATH && (!**text || conf_has_control (*text)))
            return yt_fail (doc, yt_get (parent, leaf), "expected a file path");
        if (row->type == CONF_TYPE_HOST && !conf_host_valid (*text))
            return yt_fail (doc, yt_get (parent, leaf), "\"%s\": expected a host name or an IP address",
                            *text);
        return 0;
    }
    case CONF_TYPE_LIST: {
        yt_node_t *node = yt_get (parent, leaf);
        return conf_is_empty (node) ? 0 : s_load_list (row, field, doc, node);
    }
    }
    return yt_fail (doc, map, "%s: unknown type in the section's table", row->key);
}

/*  Step 3: a required key whose mapping is present but which is not. */
static int s_required (const conf_key_t *row, yt_doc_t *doc, yt_node_t *map)
{
    yt_node_t *parent;
    const char *leaf;
    if (!(row->flags & CONF_REQUIRED) || s_parent (doc, map, row->key, &parent, &leaf) != 0 || !parent)
        return 0;
    yt_node_t *node = yt_get (parent, leaf);
    if (!node)
        return yt_missing (doc, parent, leaf, NULL);
    if (yt_kind (node) == YT_SCALAR && conf_is_empty (node) && row->type != CONF_TYPE_STRING)
        return yt_fail (doc, node, "a value is required");
    return 0;
}

/*  The names of the keys directly under `prefix` ("" for the section itself,
 *  "smtp" for smtp.*), in table order, each once. Returns their number. */
static int s_names_under (const conf_section_t *self, const char *prefix, char names[][S_KEY_MAX], int most)
{
    size_t len = strlen (prefix);
    int n = 0;
    for (const conf_key_t *row = self->keys; row->key; row++) {
        const char *rest = row->key;
        if (len) {
            if (strncmp (rest, prefix, len) != 0 || rest[len] != '.')
                continue;
            rest += len + 1;
        }
        size_t part = strcspn (rest, ".");
        bool seen = false;
        for (int i = 0; i < n; i++)
            seen = seen || (strlen (names[i]) == part && strncmp (names[i], rest, part) == 0);
        if (seen || n == most || part >= S_KEY_MAX)
            continue;
        memcpy (names[n], rest, part);
        names[n][part] = '\0';
        n++;
    }
    return n;
}

/*  Step 4 for the mapping at `prefix` (absent: nothing to check). */
static int s_unknown (const conf_section_t *self, yt_doc_t *doc, yt_node_t *map, const char *prefix)
{
    yt_node_t *node = *prefix ? conf_node (map, prefix) : map;
    if (!node || yt_kind (node) != YT_MAP)
        return 0;
    char names[S_NAMES_MAX][S_KEY_MAX];
    const char *known[S_NAMES_MAX + 1];
    int n = s_names_under (self, prefix, names, S_NAMES_MAX);
    for (int i = 0; i < n; i++)
        known[i] = names[i];
    known[n] = NULL;
    return yt_check_unknown (doc, node, known);
}

/*  Step 4 for every nested mapping (each prefix of a dotted key, deepest
 *  first as the keys list them), then for the section itself. */
static int s_unknown_all (const conf_section_t *self, yt_doc_t *doc, yt_node_t *map)
{
    for (const conf_key_t *row = self->keys; row->key; row++) {
        char prefix[S_KEY_MAX];
        snprintf (prefix, sizeof prefix, "%s", row->key);
        char *dot;
        while ((dot = strrchr (prefix, '.'))) {
            *dot = '\0';
            if (s_unknown (self, doc, map, prefix) != 0)
                return -1;
        }
    }
    return s_unknown (self, doc, map, "");
}

int conf_section_load (const conf_section_t *self, void *values, yt_doc_t *doc, yt_node_t *map)
{
    assert (self && values && doc);
    if (!map)
        return 0;
    if (yt_expect (doc, map, YT_MAP) != 0)
        return -1;
    for (const conf_key_t *row = self->keys; row->key; row++)
        if (s_load_row (row, values, doc, map) != 0)
            return -1;
    if (self->check && self->check (values, doc, map) != 0)
        return -1;
    for (const conf_key_t *row = self->keys; row->key; row++)
        if (s_required (row, doc, map) != 0)
            return -1;
    return s_unknown_all (self, doc, map);
}

int conf_section_env (const conf_section_t *self, void *values, char *err, size_t errsize)
{
    for (const conf_key_t *row = self->keys; row->key; row++) {
        const char *value = row->env ? getenv (row->env) : NULL;
        if (!value || !*value)
            continue;
        if (!s_is_string (row->type)) {
            snprintf (err, errsize, "environment %s: only a text value can come from the environment",
                      row->env);
            return -1;
        }
        if (strlen (value) > (size_t) row->max) {
            snprintf (err, errsize, "environment %s: longer than %lld bytes", row->env, (long long) row->max);
            return -1;
        }
        if (conf_has_control (value)) {
            snprintf (err, errsize, "environment %s: must not contain control characters", row->env);
            return -1;
        }
        char *copy = strdup (value);
        if (!copy) {
            snprintf (err, errsize, "environment %s: out of memory", row->env);
            return -1;
        }
        char **field = s_field (values, row);
        free (*field);
        *field = copy;
    }
    return 0;
}

/* ---------------------------------------------------------------- logging */

void conf_section_log (const conf_section_t *self, const void *values)
{
    if (!self || !values || !log_enabled (LOG_INFO))
        return;
    size_t rows = 0;
    while (self->keys[rows].key)
        rows++;
    const char **pairs = calloc (2 * rows + 2, sizeof *pairs);
    char **owned = calloc (rows + 1, sizeof *owned);
    if (!pairs || !owned)
        goto cleanup;
    size_t n = 0;
    pairs[n++] = "section";
    pairs[n++] = self->name;
    for (size_t r = 0; r < rows; r++) {
        const conf_key_t *row = &self->keys[r];
        const void *field = s_cfield (values, row);
        const char *text = NULL;
        if (row->type == CONF_TYPE_INT) {
            if ((owned[r] = malloc (24)))
                snprintf (owned[r], 24, "%d", *(const int *) field);
            text = owned[r];
        }
        else if (row->type == CONF_TYPE_BOOL)
            text = *(const bool *) field ? "true" : "false";
        else if (row->type == CONF_TYPE_ENUM) {
            int index = *(const int *) field;
            int count = 0;
            while (row->names[count])
                count++;
            text = index >= 0 && index < count ? row->names[index] : "?";
        }
        else if (row->type == CONF_TYPE_LIST) {
            const conf_list_t *list = field;
            size_t len = 1;
            for (int i = 0; i < list->n; i++)
                len += strlen (list->items[i]) + 1;
            if ((owned[r] = malloc (len))) {
                owned[r][0] = '\0';
                for (int i = 0; i < list->n; i++) {
                    if (i)
                        strcat (owned[r], ",");
                    strcat (owned[r], list->items[i]);
                }
            }
            text = owned[r];
        }
        else {
            const char *value = *(char *const *) field;
            text = (row->flags & CONF_SECRET) ? (value ? "set" : "unset") : value;
        }
        pairs[n++] = row->key;
        pairs[n++] = text;
    }
    log_kv_array (LOG_INFO, "config", (const char *const *) pairs, n / 2);
cleanup:
    for (size_t r = 0; owned && r < rows; r++)
        free (owned[r]);
    free (owned);
    free (pairs);
}
