/*  conf_section — a configuration section owned by the code that reads it,
 *  declared as a table (the model is Redis's config.c standardConfig): one
 *  row per key giving its name, type, default, range and the field of the
 *  owner's struct it fills (offsetof). Parsing, defaults, limits and the
 *  values logged all come from that one table; the loader here never
 *  changes when a section is added.
 *
 *  A section is a top-level mapping of kefu.yaml ("dispatch:", "notify:").
 *  Its owner defines, in a data-only file (services/<name>/<name>_config.c,
 *  common/<lib>/<lib>_config.c):
 *
 *      static const conf_key_t s_keys[] = {
 *          CONF_INT ("sla_tick_ms", dispatch_config_t, sla_tick_ms, 250, 10, 600000),
 *          CONF_ENUM ("min_grade.repair", dispatch_config_t, min_grade_repair, GRADE_INTERMEDIATE,
 *                     org_grade_names),
 *          CONF_END,
 *      };
 *      const conf_section_t dispatch_config_section = {
 *          .name = "dispatch", .service = "dispatch", .size = sizeof (dispatch_config_t),
 *          .keys = s_keys, .check = s_check,
 *      };
 *
 *  and adds one line to the list of known sections (conf_sections.c). A
 *  dotted key ("min_grade.repair", "smtp.host") is a key of a nested
 *  mapping; an empty mapping or list ("min_grade:", "~") counts as absent.
 *
 *  Loading a present section, in this order, stopping at the first error
 *  (reported "file:line: section.key: reason" through yamltree):
 *    1. each present key is read and checked against its type and range;
 *    2. the section's check function applies the rules between keys (it
 *       sees NULL for a string that is absent, required or not);
 *    3. a required key that is missing is reported (its mapping present);
 *    4. a key no row names is refused: "unknown key (expected one of: …)".
 *  An absent section keeps every default. Then conf_section_env lets a
 *  row's environment variable, when set, replace the value.
 */
#ifndef KEFU_CONF_SECTION_H
#define KEFU_CONF_SECTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "yamltree.h"

typedef enum {
    CONF_TYPE_INT,    /* int in [min, max] */
    CONF_TYPE_STRING, /* char *, at most max bytes, any text */
    CONF_TYPE_TEXT,   /* char *, at most max bytes, not empty, no control characters */
    CONF_TYPE_PATH,   /* char *, a file or directory path: not empty, no control characters */
    CONF_TYPE_HOST,   /* char *, a host name or an IP address, at most max bytes */
    CONF_TYPE_ENUM,   /* int, the index of the value in names */
    CONF_TYPE_LIST,   /* conf_list_t, items from names, each once, at most max items;
                         names NULL: any identifiers (base/ident.h, at most
                         CONF_LIST_IDENT_MAX bytes), each once */
    CONF_TYPE_BOOL,   /* bool: true / false (also yes / no) */
} conf_type_t;

#define CONF_REQUIRED 0x1u /* must be present when its mapping is */
#define CONF_SECRET 0x2u   /* logged as "set" or "unset", never its value */

#define CONF_LIST_IDENT_MAX 32

/*  What a CONF_TYPE_LIST row fills: n strings (the struct owns them). */
typedef struct {
    char **items;
    int n;
} conf_list_t;

typedef struct {
    const char *key;              /* "sla_tick_ms"; nested: "min_grade.repair" */
    conf_type_t type;
    size_t offset;                /* offsetof (owner's struct, field) */
    unsigned flags;               /* CONF_REQUIRED, CONF_SECRET */
    int64_t min, max;             /* INT: range; strings: longest in bytes; LIST: most items */
    int64_t def;                  /* INT: default; ENUM: default index; BOOL: 0 or 1 */
    const char *def_text;         /* strings: default (NULL: unset) */
    const char *const *names;     /* ENUM, LIST: the choices, NULL-terminated */
    const char *const *def_list;  /* LIST: default items, NULL-terminated */
    const char *env;              /* environment variable that replaces the value, or NULL */
} conf_key_t;

/*  Rows. Extra designators may follow: CONF_TEXT (…, .flags = CONF_SECRET). */
#define CONF_INT(k, T, f, d, lo, hi, ...)                                                         \
    { .key = (k), .type = CONF_TYPE_INT, .offset = offsetof (T, f), .def = (d), .min = (lo),      \
      .max = (hi), __VA_ARGS__ }
#define CONF_STRING(k, T, f, d, maxlen, ...)                                                      \
    { .key = (k), .type = CONF_TYPE_STRING, .offset = offsetof (T, f), .def_text = (d),           \
      .max = (maxlen), __VA_ARGS__ }
#define CONF_TEXT(k, T, f, d, maxlen, ...)                                                        \
    { .key = (k), .type = CONF_TYPE_TEXT, .offset = offsetof (T, f), .def_text = (d),             \
      .max = (maxlen), __VA_ARGS__ }
#define CONF_PATH(k, T, f, d, ...)                                                                \
    { .key = (k), .type = CONF_TYPE_PATH, .offset = offsetof (T, f), .def_text = (d),             \
      .max = CONF_MAX_PATH, __VA_ARGS__ }
#define CONF_HOST(k, T, f, d, maxlen, ...)                                                        \
    { .key = (k), .type = CONF_TYPE_HOST, .offset = offsetof (T, f), .def_text = (d),             \
      .max = (maxlen), __VA_ARGS__ }
#define CONF_ENUM(k, T, f, d, choices, ...)                                                       \
    { .key = (k), .type = CONF_TYPE_ENUM, .offset = offsetof (T, f), .def = (d),                  \
      .names = (choices), __VA_ARGS__ }
#define CONF_LIST(k, T, f, defaults, choices, most, ...)                                          \
    { .key = (k), .type = CONF_TYPE_LIST, .offset = offsetof (T, f), .def_list = (defaults),      \
      .names = (choices), .max = (most), __VA_ARGS__ }
#define CONF_BOOL(k, T, f, d, ...)                                                                 \
    { .key = (k), .type = CONF_TYPE_BOOL, .offset = offsetof (T, f), .def = (d), __VA_ARGS__ }
#define CONF_END { .key = NULL }

#define CONF_MAX_PATH 4096

/*  Rules between keys: returns 0, or -1 after reporting the first problem
 *  with yt_fail / yt_missing on a node of `map` (conf_node finds it).
 *  May also derive values (notify: the adapter follows notify.file). */
typedef int (*conf_check_fn) (void *values, yt_doc_t *doc, yt_node_t *map);

typedef struct {
    const char *name;          /* its top-level key: "dispatch" */
    const char *service;       /* the service that owns it; NULL for a library's section */
    const char *const *uses;   /* library sections its service reads too ({"notify", NULL}), or NULL */
    size_t size;               /* sizeof the struct the rows fill */
    const conf_key_t *keys;    /* rows, ended by CONF_END */
    conf_check_fn check;       /* or NULL */
} conf_section_t;

/*  The known sections, NULL-terminated (conf_sections.c). */
extern const conf_section_t *const conf_sections[];

/*  The known section named `name`, or NULL. */
const conf_section_t *conf_section_find (const char *name);

/*  True when `service` reads the section: it owns it, or a section it owns
 *  lists it in `uses`. service NULL: every section. */
bool conf_section_read_by (const conf_section_t *self, const char *service);

/*  A new struct of self->size holding every default. Returns NULL when out
 *  of memory. Free with conf_section_destroy. */
void *conf_section_new (const conf_section_t *self);

/*  Fills values from the section's mapping (NULL when the section is absent
 *  from the file: nothing to do) in the order above. Returns 0, or -1 with the error
 *  recorded in doc (yt_error). */
int conf_section_load (const conf_section_t *self, void *values, yt_doc_t *doc, yt_node_t *map);

/*  Replaces each value whose row names an environment variable that is set
 *  and not empty (after conf_section_load, as the shared part's overrides
 *  are). Returns 0, or -1 with "environment VAR: reason" in err. */
int conf_section_env (const conf_section_t *self, void *values, char *err, size_t errsize);

/*  Frees the strings and lists the rows fill, and the struct; sets
 *  *values_p to NULL; safe on NULL and twice. */
void conf_section_destroy (const conf_section_t *self, void **values_p);

/*  Logs the values in effect as one "config" line: "section" and then one
 *  field per row, named by its key ("min_grade.repair"); secrets as
 *  "set"/"unset", an unset string as null, a list joined by ",". */
void conf_section_log (const conf_section_t *self, const void *values);

/*  The node at a dotted key under map ("smtp.host"), or NULL when any part
 *  is absent. For check functions' error positions. */
yt_node_t *conf_node (yt_node_t *map, const char *dotted);

/*  True for a missing value or an empty one ("key:" alone, "~", "null"). */
bool conf_is_empty (const yt_node_t *node);

/*  True for a host name (letters, digits, - and .) or an IP address. */
bool conf_host_valid (const char *host);

/*  True when text contains a control character. */
bool conf_has_control (const char *text);

#endif
