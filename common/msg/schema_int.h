/*  schema_int — the compiled form of a schema file, shared by the two halves
 *  of the schema module: schema.c (loading and compiling the files) and
 *  schema_check.c (validating documents). Private to the module: no other
 *  file includes it; everyone else uses schema.h.
 */
#ifndef KEFU_SCHEMA_INT_H
#define KEFU_SCHEMA_INT_H

#include <cjson/cJSON.h>
#include <regex.h>
#include <stdbool.h>
#include <stddef.h>

#include "schema.h"

#define SCHEMA_MAX_DEPTH 64 /* directories, schema nesting and $ref chains */

/*  JSON types as bits of schema_node_t.types, in the order of schema_type_names. */
enum {
    SCHEMA_T_NULL = 1 << 0,
    SCHEMA_T_BOOLEAN = 1 << 1,
    SCHEMA_T_OBJECT = 1 << 2,
    SCHEMA_T_ARRAY = 1 << 3,
    SCHEMA_T_NUMBER = 1 << 4,
    SCHEMA_T_STRING = 1 << 5,
    SCHEMA_T_INTEGER = 1 << 6
};
#define SCHEMA_TYPE_COUNT 7
extern const char *const schema_type_names[SCHEMA_TYPE_COUNT];

typedef enum {
    SCHEMA_FMT_NONE = 0,
    SCHEMA_FMT_DATE,
    SCHEMA_FMT_DATE_TIME,
    SCHEMA_FMT_UUID,
    SCHEMA_FMT_EMAIL
} schema_format_t;
#define SCHEMA_FMT_COUNT 5
extern const char *const schema_format_names[SCHEMA_FMT_COUNT]; /* [0] is "" */

/*  One compiled (sub)schema. Strings and JSON values marked "borrowed" point
 *  into the file's cJSON tree, which lives as long as the set. */
typedef struct schema_node_s schema_node_t;

typedef struct {
    const char *name;   /* borrowed from the file's cJSON tree */
    schema_node_t *node;
} schema_prop_t;

struct schema_node_s {
    int bool_schema;             /* -1: object schema; 0: false; 1: true */
    unsigned types;              /* 0 = any type */
    schema_prop_t *props;
    size_t prop_count;
    const char **required;       /* borrowed */
    size_t required_count;
    int additional;              /* -1 unspecified, 0 false, 1 true */
    const cJSON *enum_values;    /* borrowed array, or NULL */
    const cJSON *const_value;    /* borrowed, or NULL */
    long min_length, max_length; /* -1 when absent */
    regex_t pattern;
    bool has_pattern;
    const char *pattern_src;     /* borrowed */
    schema_format_t format;
    bool has_min, has_max;
    double minimum, maximum;
    schema_node_t *items;
    long min_items, max_items;
    bool unique_items;
    schema_node_t **one_of;
    size_t one_of_count;
    schema_node_t **any_of;
    size_t any_of_count;
    const char *title;           /* borrowed; names a oneOf/anyOf branch in errors */
    const char *ref_name;        /* "#/$defs/<name>" -> name (borrowed) */
    schema_node_t *ref;               /* resolved target */
    schema_node_t *next;              /* every node of a file, for freeing */
};

/*  The root node of the named schema, or NULL when none is loaded. */
const schema_node_t *schema_root (const schema_set_t *self, const char *name);

/*  True when item is a number with an integral value ("integer" in JSON Schema). */
bool schema_is_integral (const cJSON *item);

#endif
