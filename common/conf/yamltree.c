/*  yamltree — reads one YAML document (libyaml's event API) into a small tree
 *  of mappings, sequences and scalars that remembers the line and the dotted
 *  path of every node, so that configuration loaders can report
 *  "file:line: key.path: reason". See yamltree.h for the contract.
 *
 *  What is refused while parsing, each with file and line: syntax errors,
 *  anchors, aliases, tags, more than one document, non-scalar mapping keys,
 *  duplicate keys, scalars holding a NUL byte or invalid UTF-8, nesting
 *  deeper than YT_MAX_DEPTH and files larger than YT_MAX_FILE.
 */
#include "yamltree.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <yaml.h>

#include "base/json.h"
#include "base/keyindex.h"

#define YT_MAX_DEPTH 64
#define YT_MAX_FILE (16 * 1024 * 1024)
#define YT_ERR_SIZE 1024

struct yt_node_s {
    yt_kind_t kind;
    int line;
    char *path;        /* dotted path from the root ("" for the root) */
    char *text;        /* scalar text (YT_SCALAR) */
    bool is_null;      /* plain scalar "", "~" or "null": an absent value */
    char **keys;       /* YT_MAP: keys; values in items */
    int *key_lines;    /* YT_MAP: line of each key */
    bool *used;        /* YT_MAP: asked for by a getter */
    keyindex_t index;  /* YT_MAP: finds a key in keys (linear loading, not quadratic) */
    yt_node_t **items; /* YT_SEQ items or YT_MAP values */
    size_t n, cap;
};

struct yt_doc_s {
    char *name;
    yt_node_t *root;
    bool failed;
    char err[YT_ERR_SIZE];
};

/* ---------------------------------------------------------------- helpers */

/*  Writes "name:line: path: reason" (path omitted when empty) into the doc,
 *  unless an earlier error is already recorded. */
static int s_vfail_at (yt_doc_t *doc, int line, const char *path, const char *fmt, va_list ap)
{
    if (!doc || doc->failed)
        return -1;
    doc->failed = true;
    char reason[YT_ERR_SIZE];
    vsnprintf (reason, sizeof reason, fmt, ap);
    int n;
    if (path && *path)
        n = snprintf (doc->err, sizeof doc->err, "%s:%d: %s: %s", doc->name, line, path, reason);
    else
        n = snprintf (doc->err, sizeof doc->err, "%s:%d: %s", doc->name, line, reason);
    if (n >= (int) sizeof doc->err)
        memcpy (doc->err + sizeof doc->err - 4, "...", 4);
    return -1;
}

static int s_fail_at (yt_doc_t *doc, int line, const char *path, const char *fmt, ...)
    __attribute__ ((format (printf, 4, 5)));
static int s_fail_at (yt_doc_t *doc, int line, const char *path, const char *fmt, ...)
{
    va_list ap;
    va_start (ap, fmt);
    s_vfail_at (doc, line, path, fmt, ap);
    va_end (ap);
    return -1;
}

static void s_node_destroy (yt_node_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    yt_node_t *self = *self_p;
    for (size_t i = 0; i < self->n; i++) {
        s_node_destroy (&self->items[i]);
        if (self->keys)
            free (self->keys[i]);
    }
    free (self->items);
    free (self->keys);
    free (self->key_lines);
    free (self->used);
    keyindex_free (&self->index);
    free (self->text);
    free (self->path);
    free (self);
    *self_p = NULL;
}

static yt_node_t *s_node_new (yt_kind_t kind, int line, char *path)
{
    yt_node_t *self = calloc (1, sizeof *self);
    if (!self) {
        free (path);
        return NULL;
    }
    self->kind = kind;
    self->line = line;
    self->path = path;
    return self;
}

/*  Appends an item (and for mappings its key) to a container. Takes
 *  ownership of item and key on success and on failure. */
static int s_node_append (yt_node_t *self, char *key, int key_line, yt_node_t *item)
{
    if (self->n == self->cap) {
        size_t cap = self->cap ? self->cap * 2 : 8;
        yt_node_t **items = realloc (self->items, cap * sizeof *items);
        if (!items)
            goto fail;
        self->items = items;
        if (self->kind == YT_MAP) {
            char **keys = realloc (self->keys, cap * sizeof *keys);
            if (!keys)
                goto fail;
            self->keys = keys;
            int *lines = realloc (self->key_lines, cap * sizeof *lines);
            if (!lines)
                goto fail;
            self->key_lines = lines;
            bool *used = realloc (self->used, cap * sizeof *used);
            if (!used)
                goto fail;
            self->used = used;
        }
        self->cap = cap;
    }
    if (self->kind == YT_MAP) {
        self->keys[self->n] = key;
        if (keyindex_add (&self->index, self->keys, self->n) != 0)
            goto fail;
        self->key_lines[self->n] = key_line;
        self->used[self->n] = false;
    }
    self->items[self->n] = item;
    self->n++;
    return 0;
fail:
    free (key);
    s_node_destroy (&item);
    return -1;
}

/* ---------------------------------------------------------------- parsing */

typedef struct {
    yaml_parser_t parser;
    yt_doc_t *doc;
} s_parse_t;

static int s_next (s_parse_t *p, yaml_event_t *event)
{
    if (yaml_parser_parse (&p->parser, event))
        return 0;
    const yaml_parser_t *parser = &p->parser;
    int line = (int) parser->problem_mark.line + 1;
    if (parser->context)
        s_fail_at (p->doc, line, NULL, "YAML syntax error: %s %s",
                   parser->problem ? parser->problem : "unknown problem", parser->context);
    else
        s_fail_at (p->doc, line, NULL, "YAML syntax error: %s",
                   parser->problem ? parser->problem : "unknown problem");
    return -1;
}

static int s_event_line (const yaml_event_t *event)
{
    return (int) event->start_mark.line + 1;
}

/*  Refuses anchors and tags on a node-starting event. */
static int s_check_plain (s_parse_t *p, const yaml_event_t *event, const char *path)
{
    const yaml_char_t *anchor = NULL, *tag = NULL;
    if (event->type == YAML_SCALAR_EVENT)
        anchor = event->data.scalar.anchor, tag = event->data.scalar.tag;
    else if (event->type == YAML_SEQUENCE_START_EVENT)
        anchor = event->data.sequence_start.anchor, tag = event->data.sequence_start.tag;
    else if (event->type == YAML_MAPPING_START_EVENT)
        anchor = event->data.mapping_start.anchor, tag = event->data.mapping_start.tag;
    if (anchor)
        return s_fail_at (p->doc, s_event_line (event), path,
                          "anchors (&%s) are not supported; write the value out", (const char *) anchor);
    if (tag)
        return s_fail_at (p->doc, s_event_line (event), path,
                          "tags (%s) are not supported; write a plain value", (const char *) tag);
    return 0;
}

static yt_node_t *s_parse_node (s_parse_t *p, yaml_event_t *event, char *path, int depth);

/*  Builds a scalar node from the event. Takes ownership of path. */
static yt_node_t *s_parse_scalar (s_parse_t *p, const yaml_event_t *event, char *path)
{
    const char *value = (const char *) event->data.scalar.value;
    size_t len = event->data.scalar.length;
    if (strlen (value) != len || !json_utf8_valid (value, len, NULL)) {
        s_fail_at (p->doc, s_event_line (event), path, "text holds a NUL byte or invalid UTF-8");
        free (path);
        return NULL;
    }
    yt_node_t *node = s_node_new (YT_SCALAR, s_event_line (event), path);
    if (!node)
        return NULL;
    node->text = strdup (value);
    if (!node->text) {
        s_node_destroy (&node);
        return NULL;
    }
    if (event->data.scalar.style == YAML_PLAIN_SCALAR_STYLE
        && (len == 0 || strcmp (value, "~") == 0 || strcmp (value, "null") == 0
            || strcmp (value, "Null") == 0 || strcmp (value, "NULL") == 0))
        node->is_null = true;
    return node;
}

static yt_node_t *s_parse_seq (s_parse_t *p, const yaml_event_t *start, char *path, int depth)
{
    yt_node_t *node = s_node_new (YT_SEQ, s_event_line (start), path);
    if (!node)
        return NULL;
    while (true) {
        yaml_event_t event;
        if (s_next (p, &event) != 0)
            goto fail;
        if (event.type == YAML_SEQUENCE_END_EVENT) {
            yaml_event_delete (&event);
            return node;
        }
        char *item_path = NULL;
        if (asprintf (&item_path, "%s[%zu]", node->path, node->n) < 0)
            item_path = NULL;
        yt_node_t *item = item_path ? s_parse_node (p, &event, item_path, depth + 1) : NULL;
        yaml_event_delete (&event);
        if (!item || s_node_append (node, NULL, 0, item) != 0)
            goto fail;
    }
fail:
    s_node_destroy (&node);
    return NULL;
}

static yt_node_t *s_parse_map (s_parse_t *p, const yaml_event_t *start, char *path, int depth)
{
    yt_node_t *node = s_node_new (YT_MAP, s_event_line (start), path);
    if (!node)
        return NULL;
    while (true) {
        yaml_event_t event;
        if (s_next (p, &event) != 0)
            goto fail;
        if (event.type == YAML_MAPPING_END_EVENT) {
            yaml_event_delete (&event);
            return node;
        }
        int key_line = s_event_line (&event);
        if (event.type != YAML_SCALAR_EVENT) {
            s_fail_at (p->doc, key_line, node->path, "mapping keys must be plain text");
            yaml_event_delete (&event);
            goto fail;
        }
        char *key_path = NULL;
        if (s_check_plain (p, &event, node->path) != 0) {
            yaml_event_delete (&event);
            goto fail;
        }
        char *key = strdup ((const char *) event.data.scalar.value);
        bool key_ok = key && strlen (key) == event.data.scalar.length
                      && json_utf8_valid (key, strlen (key), NULL);
        yaml_event_delete (&event);
        if (!key_ok) {
            s_fail_at (p->doc, key_line, node->path, "key holds a NUL byte or invalid UTF-8");
            free (key);
            goto fail;
        }
        if (!*node->path)
            key_path = strdup (key);
        else if (asprintf (&key_path, "%s.%s", node->path, key) < 0)
            key_path = NULL;
        if (!key_path) {
            free (key);
            goto fail;
        }
        ptrdiff_t first = keyindex_find (&node->index, node->keys, key);
        if (first >= 0) {
            s_fail_at (p->doc, key_line, key_path, "duplicate key (first at line %d)",
                       node->key_lines[first]);
            free (key);
            free (key_path);
            goto fail;
        }
        if (s_next (p, &event) != 0) {
            free (key);
            free (key_path);
            goto fail;
        }
        yt_node_t *value = s_parse_node (p, &event, key_path, depth + 1);
        yaml_event_delete (&event);
        if (!value) {
            free (key);
            goto fail;
        }
        if (s_node_append (node, key, key_line, value) != 0)
            goto fail;
    }
fail:
    s_node_destroy (&node);
    return NULL;
}

/*  Parses the node that `event` starts. Takes ownership of path (which
 *  becomes the node's); the caller deletes the event. */
static yt_node_t *s_parse_node (s_parse_t *p, yaml_event_t *event, char *path, int depth)
{
    if (depth > YT_MAX_DEPTH) {
        s_fail_at (p->doc, s_event_line (event), path, "nested deeper than %d levels", YT_MAX_DEPTH);
        free (path);
        return NULL;
    }
    if (event->type == YAML_ALIAS_EVENT) {
        s_fail_at (p->doc, s_event_line (event), path,
                   "aliases (*%s) are not supported; write the value out",
                   (const char *) event->data.alias.anchor);
        free (path);
        return NULL;
    }
    if (s_check_plain (p, event, path) != 0) {
        free (path);
        return NULL;
    }
    switch (event->type) {
    case YAML_SCALAR_EVENT:
        return s_parse_scalar (p, event, path);
    case YAML_SEQUENCE_START_EVENT:
        return s_parse_seq (p, event, path, depth);
    case YAML_MAPPING_START_EVENT:
        return s_parse_map (p, event, path, depth);
    default:
        s_fail_at (p->doc, s_event_line (event), path, "unexpected YAML event");
        free (path);
        return NULL;
    }
}

/*  Parses the whole stream into doc->root. Returns 0 or -1. */
static int s_parse_stream (s_parse_t *p)
{
    yaml_event_t event;
    int rc = -1, documents = 0;
    bool done = false;
    while (!done) {
        if (s_next (p, &event) != 0)
            return -1;
        switch (event.type) {
        case YAML_STREAM_START_EVENT:
        case YAML_DOCUMENT_END_EVENT:
            break;
        case YAML_STREAM_END_EVENT:
            done = true;
            break;
        case YAML_DOCUMENT_START_EVENT:
            if (++documents > 1) {
                s_fail_at (p->doc, s_event_line (&event), NULL,
                           "only one YAML document per file (found a second '---')");
                goto cleanup;
            }
            break;
        default: {
            char *path = strdup ("");
            p->doc->root = path ? s_parse_node (p, &event, path, 0) : NULL;
            if (!p->doc->root)
                goto cleanup;
            /* An empty document ("" or "~") has no root. */
            if (p->doc->root->kind == YT_SCALAR && p->doc->root->is_null)
                s_node_destroy (&p->doc->root);
            break;
        }
        }
        yaml_event_delete (&event);
    }
    return 0;
cleanup:
    yaml_event_delete (&event);
    return rc;
}

yt_doc_t *yt_load_string (const char *name, const char *text, char *err, size_t errsize)
{
    yt_doc_t *doc = calloc (1, sizeof *doc);
    if (!doc || !(doc->name = strdup (name ? name : "<string>"))) {
        if (err && errsize)
            snprintf (err, errsize, "%s: out of memory", name ? name : "<string>");
        free (doc);
        return NULL;
    }
    if (!text)
        text = "";
    s_parse_t p = { .doc = doc };
    if (!yaml_parser_initialize (&p.parser)) {
        s_fail_at (doc, 0, NULL, "cannot initialise the YAML parser");
        goto fail;
    }
    yaml_parser_set_input_string (&p.parser, (const unsigned char *) text, strlen (text));
    yaml_parser_set_encoding (&p.parser, YAML_UTF8_ENCODING);
    int rc = s_parse_stream (&p);
    yaml_parser_delete (&p.parser);
    if (rc != 0) {
        if (!doc->failed)
            s_fail_at (doc, 0, NULL, "out of memory while reading YAML");
        goto fail;
    }
    return doc;
fail:
    if (err && errsize)
        snprintf (err, errsize, "%s", doc->err);
    yt_destroy (&doc);
    return NULL;
}

yt_doc_t *yt_load_file (const char *path, char *err, size_t errsize)
{
    yt_doc_t *doc = NULL;
    char *text = NULL;
    FILE *file = NULL;
    char scratch[8];
    if (!err || !errsize)
        err = scratch, errsize = sizeof scratch;
    if (!path) {
        snprintf (err, errsize, "(no file): no configuration file given");
        return NULL;
    }
    struct stat st;
    if (stat (path, &st) != 0) {
        snprintf (err, errsize, "%s: cannot open: %s", path, strerror (errno));
        goto cleanup;
    }
    if (!S_ISREG (st.st_mode)) {
        snprintf (err, errsize, "%s: not a regular file", path);
        goto cleanup;
    }
    if (st.st_size > YT_MAX_FILE) {
        snprintf (err, errsize, "%s: larger than %d bytes", path, YT_MAX_FILE);
        goto cleanup;
    }
    file = fopen (path, "rb");
    if (!file) {
        snprintf (err, errsize, "%s: cannot open: %s", path, strerror (errno));
        goto cleanup;
    }
    size_t cap = (size_t) st.st_size + 1;
    text = malloc (cap + 1);
    if (!text) {
        snprintf (err, errsize, "%s: out of memory", path);
        goto cleanup;
    }
    size_t len = fread (text, 1, cap, file);
    if (ferror (file)) {
        snprintf (err, errsize, "%s: cannot read: %s", path, strerror (errno));
        goto cleanup;
    }
    if (len == cap) {
        snprintf (err, errsize, "%s: file changed while being read", path);
        goto cleanup;
    }
    text[len] = '\0';
    if (strlen (text) != len) {
        int line = 1;
        for (const char *c = text; *c; c++)
            line += *c == '\n';
        snprintf (err, errsize, "%s:%d: file holds a NUL byte", path, line);
        goto cleanup;
    }
    doc = yt_load_string (path, text, err, errsize);
cleanup:
    if (file)
        fclose (file);
    free (text);
    return doc;
}

void yt_destroy (yt_doc_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    yt_doc_t *self = *self_p;
    s_node_destroy (&self->root);
    free (self->name);
    free (self);
    *self_p = NULL;
}

/* ---------------------------------------------------------------- access */

yt_node_t *yt_root (yt_doc_t *doc)
{
    return doc ? doc->root : NULL;
}

const char *yt_error (yt_doc_t *doc)
{
    return doc && doc->failed ? doc->err : "";
}

int yt_fail (yt_doc_t *doc, const yt_node_t *node, const char *fmt, ...)
{
    va_list ap;
    va_start (ap, fmt);
    s_vfail_at (doc, node ? node->line : 0, node ? node->path : NULL, fmt, ap);
    va_end (ap);
    return -1;
}

yt_kind_t yt_kind (const yt_node_t *node)
{
    return node ? node->kind : YT_SCALAR;
}

int yt_line (const yt_node_t *node)
{
    return node ? node->line : 0;
}

const char *yt_path (const yt_node_t *node)
{
    return node ? node->path : "";
}

const char *yt_text (const yt_node_t *node)
{
    return node && node->kind == YT_SCALAR ? node->text : NULL;
}

yt_node_t *yt_get (yt_node_t *map, const char *key)
{
    if (!map || map->kind != YT_MAP || !key)
        return NULL;
    ptrdiff_t i = keyindex_find (&map->index, map->keys, key);
    if (i < 0)
        return NULL;
    map->used[i] = true;
    return map->items[i];
}

size_t yt_size (const yt_node_t *node)
{
    return node && node->kind != YT_SCALAR ? node->n : 0;
}

yt_node_t *yt_item (yt_node_t *seq, size_t i)
{
    return seq && seq->kind == YT_SEQ && i < seq->n ? seq->items[i] : NULL;
}

const char *yt_key_at (yt_node_t *map, size_t i)
{
    return map && map->kind == YT_MAP && i < map->n ? map->keys[i] : NULL;
}

yt_node_t *yt_value_at (yt_node_t *map, size_t i)
{
    if (!map || map->kind != YT_MAP || i >= map->n)
        return NULL;
    map->used[i] = true;
    return map->items[i];
}

static const char *s_kind_name (yt_kind_t kind)
{
    return kind == YT_MAP ? "a mapping" : kind == YT_SEQ ? "a list" : "a single value";
}

int yt_expect (yt_doc_t *doc, const yt_node_t *node, yt_kind_t kind)
{
    if (!node)
        return s_fail_at (doc, 0, NULL, "expected %s, found nothing", s_kind_name (kind));
    if (node->kind != kind)
        return yt_fail (doc, node, "expected %s, found %s", s_kind_name (kind), s_kind_name (node->kind));
    return 0;
}

/*  Common front of the typed getters: finds the scalar value of `key`.
 *  Returns 1 with *out set when present, 0 when absent (optional, or null
 *  value), -1 on error. */
static int s_scalar (yt_doc_t *doc, yt_node_t *map, const char *key, bool required, yt_node_t **out)
{
    *out = NULL;
    if (map && map->kind != YT_MAP)
        return yt_expect (doc, map, YT_MAP);
    yt_node_t *node = yt_get (map, key);
    if (!node || (node->kind == YT_SCALAR && node->is_null)) {
        if (!required)
            return 0;
        if (!node)
            return yt_missing (doc, map, key, NULL);
        return yt_fail (doc, node, "a value is required");
    }
    if (node->kind != YT_SCALAR)
        return yt_fail (doc, node, "expected a single value, found %s", s_kind_name (node->kind));
    *out = node;
    return 1;
}

/*  Copies at most 40 bytes of text for an error message, on a UTF-8 boundary. */
static const char *s_excerpt (const char *text, char *buf, size_t size)
{
    size_t len = strlen (text);
    if (len < size && len <= 40)
        return text;
    size_t cut = size - 4 < 40 ? size - 4 : 40;
    while (cut > 0 && ((unsigned char) text[cut] & 0xC0) == 0x80)
        cut--;
    memcpy (buf, text, cut);
    memcpy (buf + cut, "...", 4);
    return buf;
}

int yt_str (yt_doc_t *doc, yt_node_t *map, const char *key, bool required, size_t max_len, char **out)
{
    yt_node_t *node;
    int found = s_scalar (doc, map, key, required, &node);
    if (found <= 0)
        return found;
    size_t len = strlen (node->text);
    if (len > max_len)
        return yt_fail (doc, node, "longer than %zu bytes (%zu)", max_len, len);
    char *copy = strdup (node->text);
    if (!copy)
        return yt_fail (doc, node, "out of memory");
    free (*out);
    *out = copy;
    return 0;
}

int yt_int (yt_doc_t *doc, yt_node_t *map, const char *key, bool required, int64_t min, int64_t max, int64_t *out)
{
    yt_node_t *node;
    int found = s_scalar (doc, map, key, required, &node);
    if (found <= 0)
        return found;
    const char *text = node->text;
    char *end = NULL;
    errno = 0;
    long long value = strtoll (text, &end, 10);
    bool digits_only = *text && (*text == '-' || *text == '+' || (*text >= '0' && *text <= '9'));
    if (!digits_only || end == text || *end != '\0' || errno == ERANGE || value < min || value > max) {
        char buf[48];
        return yt_fail (doc, node, "must be an integer from %lld to %lld (found \"%s\")",
                        (long long) min, (long long) max, s_excerpt (text, buf, sizeof buf));
    }
    *out = (int64_t) value;
    return 0;
}

int yt_bool (yt_doc_t *doc, yt_node_t *map, const char *key, bool required, bool *out)
{
    yt_node_t *node;
    int found = s_scalar (doc, map, key, required, &node);
    if (found <= 0)
        return found;
    if (strcasecmp (node->text, "true") == 0 || strcasecmp (node->text, "yes") == 0)
        *out = true;
    else if (strcasecmp (node->text, "false") == 0 || strcasecmp (node->text, "no") == 0)
        *out = false;
    else {
        char buf[48];
        return yt_fail (doc, node, "must be true or false (found \"%s\")",
                        s_excerpt (node->text, buf, sizeof buf));
    }
    return 0;
}

/*  Joins a NULL-terminated list as "a, b, c" into buf (truncated with "…"). */
static const char *s_join (const char *const *list, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; list && list[i]; i++) {
        int n = snprintf (buf + used, size - used, "%s%s", i ? ", " : "", list[i]);
        if (n < 0 || (size_t) n >= size - used) {
            if (size >= 4)
                memcpy (buf + size - 4, "...", 4);
            break;
        }
        used += (size_t) n;
    }
    return buf;
}

int yt_enum (yt_doc_t *doc, yt_node_t *map, const char *key, bool required, const char *const *choices, int *out)
{
    yt_node_t *node;
    int found = s_scalar (doc, map, key, required, &node);
    if (found <= 0)
        return found;
    for (int i = 0; choices && choices[i]; i++)
        if (strcmp (node->text, choices[i]) == 0) {
            *out = i;
            return 0;
        }
    char list[400], buf[48];
    return yt_fail (doc, node, "\"%s\" is not one of: %s", s_excerpt (node->text, buf, sizeof buf),
                    s_join (choices, list, sizeof list));
}

/*  Levenshtein distance of two short keys, capped at 3 (enough to spot typos). */
static int s_distance (const char *a, const char *b)
{
    size_t la = strlen (a), lb = strlen (b);
    if (la > 64 || lb > 64 || (la > lb ? la - lb : lb - la) > 2)
        return 3;
    int row[65];
    for (size_t j = 0; j <= lb; j++)
        row[j] = (int) j;
    for (size_t i = 1; i <= la; i++) {
        int diag = row[0];
        row[0] = (int) i;
        for (size_t j = 1; j <= lb; j++) {
            int up = row[j];
            int cost = a[i - 1] == b[j - 1] ? 0 : 1;
            int best = diag + cost;
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb] < 3 ? row[lb] : 3;
}

int yt_missing (yt_doc_t *doc, yt_node_t *map, const char *key, const char *what)
{
    const char *base = map ? map->path : "";
    char path[512];
    for (size_t i = 0; map && map->kind == YT_MAP && i < map->n; i++) {
        if (map->used[i])
            continue;
        if (strcasecmp (map->keys[i], key) == 0 || s_distance (map->keys[i], key) <= 2) {
            snprintf (path, sizeof path, "%s%s%s", base, *base ? "." : "", map->keys[i]);
            return s_fail_at (doc, map->key_lines[i], path, "unknown key (did you mean %s?)", key);
        }
    }
    snprintf (path, sizeof path, "%s%s%s", base, *base ? "." : "", key);
    return s_fail_at (doc, map ? map->line : 0, path, "missing (required key%s%s)", what ? "; " : "",
                      what ? what : "");
}

int yt_check_unknown (yt_doc_t *doc, yt_node_t *map, const char *const *known)
{
    if (!map)
        return 0;
    if (map->kind != YT_MAP)
        return yt_expect (doc, map, YT_MAP);
    for (size_t i = 0; i < map->n; i++) {
        if (map->used[i])
            continue;
        bool listed = false;
        for (size_t k = 0; known && known[k]; k++)
            if (strcmp (known[k], map->keys[i]) == 0)
                listed = true;
        char path[512], list[400];
        snprintf (path, sizeof path, "%s%s%s", map->path, *map->path ? "." : "", map->keys[i]);
        if (listed)
            /* Listed, but not valid in this context (the loader did not ask). */
            return s_fail_at (doc, map->key_lines[i], path, "key not allowed here");
        return s_fail_at (doc, map->key_lines[i], path, "unknown key (expected one of: %s)",
                          s_join (known, list, sizeof list));
    }
    return 0;
}

int yt_free_text (yt_doc_t *doc, yt_node_t *map, const char *key, bool required, size_t max_len, char **out)
{
    if (yt_str (doc, map, key, required, max_len, out) != 0)
        return -1;
    if (!*out)
        return 0;
    if (!**out)
        return yt_fail (doc, yt_get (map, key), "must not be empty");
    for (const unsigned char *ch = (const unsigned char *) *out; *ch; ch++)
        if (*ch < 0x20 || *ch == 0x7f)
            return yt_fail (doc, yt_get (map, key), "must not contain control characters");
    return 0;
}
