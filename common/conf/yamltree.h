/*  yamltree — reads a YAML file (libyaml) into a small tree that remembers
 *  where every node came from, so configuration errors can say
 *  "kefu.yaml:14: messaging.retry_max_ms: must be an integer from 1 to 3600000".
 *
 *  Only what configuration needs: mappings, sequences, scalars; anchors and
 *  aliases, tags and multiple documents are refused with a reason. Duplicate
 *  keys in a mapping are refused (a typo that repeats a key must not silently
 *  win). Scalars are kept as UTF-8 text; typed getters convert.
 *
 *  Typed getters report the first problem into the tree's error buffer and
 *  return -1; callers stop at the first error. Every getter also marks the
 *  key as used, and yt_check_unknown() then refuses keys nobody asked for
 *  (a misspelt key is an error, not ignored).
 */
#ifndef KEFU_YAMLTREE_H
#define KEFU_YAMLTREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum { YT_SCALAR, YT_MAP, YT_SEQ } yt_kind_t;
typedef struct yt_node_s yt_node_t;
typedef struct yt_doc_s yt_doc_t;

/*  Parses a file. Returns the document or NULL with "file:line: reason" in err. */
yt_doc_t *yt_load_file (const char *path, char *err, size_t errsize);
/*  Parses text (tests); `name` stands for the file name in errors. */
yt_doc_t *yt_load_string (const char *name, const char *text, char *err, size_t errsize);
void yt_destroy (yt_doc_t **self_p);

/*  Root node (a mapping for every kefu file; NULL for an empty document). */
yt_node_t *yt_root (yt_doc_t *doc);
/*  The first error reported through a getter: "file:line: key.path: reason". */
const char *yt_error (yt_doc_t *doc);
/*  Reports an error at node (first one wins). Always returns -1. */
int yt_fail (yt_doc_t *doc, const yt_node_t *node, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));

yt_kind_t yt_kind (const yt_node_t *node);
int yt_line (const yt_node_t *node);
/*  Dotted path of the node from the root: "branches[2].hours.mon". */
const char *yt_path (const yt_node_t *node);
/*  Scalar text (NULL for non-scalars). */
const char *yt_text (const yt_node_t *node);

/*  Mapping member (marks it used) or NULL. */
yt_node_t *yt_get (yt_node_t *map, const char *key);
/*  Sequence length and items; mapping size and i-th key/value. */
size_t yt_size (const yt_node_t *node);
yt_node_t *yt_item (yt_node_t *seq, size_t i);
const char *yt_key_at (yt_node_t *map, size_t i);
yt_node_t *yt_value_at (yt_node_t *map, size_t i);

/*  Typed getters. `required`: a missing key is an error; otherwise *out keeps
 *  its default. Return 0 or -1 (error recorded in doc).
 *  yt_str: scalar text up to max_len bytes; out is malloc'd (caller frees,
 *  previous value freed first). yt_int: integer in [min, max]. yt_bool:
 *  true/false/yes/no. yt_enum: one of a NULL-terminated list, *out = index. */
int yt_str (yt_doc_t *doc, yt_node_t *map, const char *key, bool required, size_t max_len, char **out);
int yt_int (yt_doc_t *doc, yt_node_t *map, const char *key, bool required, int64_t min, int64_t max, int64_t *out);
int yt_bool (yt_doc_t *doc, yt_node_t *map, const char *key, bool required, bool *out);
int yt_enum (yt_doc_t *doc, yt_node_t *map, const char *key, bool required, const char *const *choices, int *out);
/*  Like yt_str, for names and free text a person wrote: additionally must
 *  not be empty and must not contain control characters. */
int yt_free_text (yt_doc_t *doc, yt_node_t *map, const char *key, bool required, size_t max_len, char **out);
/*  Requires node to be a mapping / sequence (reports "expected a mapping"). */
int yt_expect (yt_doc_t *doc, const yt_node_t *node, yt_kind_t kind);

/*  Refuses the first key of `map` no getter asked for:
 *  "file:12: branches[0].timezon: unknown key (expected one of: id, name, region, timezone, hours)".
 *  `known` is the NULL-terminated list shown in the message. */
int yt_check_unknown (yt_doc_t *doc, yt_node_t *map, const char *const *known);

/*  Reports a required key that is missing from `map`: when an unused key of
 *  the map looks like a misspelling of it (edit distance <= 2, or a case
 *  difference), the error points at that key's line —
 *  "file:8: branches[0].timezon: unknown key (did you mean timezone?)" —
 *  otherwise "file:5: branches[0].timezone: missing (required key; <what>)".
 *  `what` (may be NULL) says what was expected. Always returns -1. */
int yt_missing (yt_doc_t *doc, yt_node_t *map, const char *key, const char *what);

#endif
