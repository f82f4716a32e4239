/*  json — small helpers over cJSON shared by every module.
 *
 *  cJSON does not check UTF-8; every byte string that comes from outside
 *  goes through json_parse_strict(), which does, so invalid UTF-8 is rejected
 *  with a position before anything else looks at it.
 */
#ifndef KEFU_JSON_H
#define KEFU_JSON_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*  True when the `len` bytes are well-formed UTF-8 (no overlongs, no
 *  surrogates, nothing above U+10FFFF) and contain no NUL byte. On failure
 *  sets *bad_offset (if not NULL) to the offset of the first bad byte. */
bool json_utf8_valid (const char *data, size_t len, size_t *bad_offset);

/*  Number of code points in a valid UTF-8 string (for maxLength checks). */
size_t json_utf8_length (const char *text);

/*  Parses `len` bytes that must hold exactly one JSON value and must be valid
 *  UTF-8. Returns the tree (caller owns, cJSON_Delete) or NULL with a
 *  specific reason in err ("invalid UTF-8 at byte 17", "malformed JSON near
 *  byte 42", "trailing data after JSON value"). */
cJSON *json_parse_strict (const char *data, size_t len, char *err, size_t errsize);

/*  Typed lookups of an object member. They return the fallback when the
 *  member is missing or of another type. */
const char *json_str (const cJSON *obj, const char *key, const char *fallback);
int64_t json_int (const cJSON *obj, const char *key, int64_t fallback);
bool json_bool (const cJSON *obj, const char *key, bool fallback);

/*  True when `item` is a JSON number with an integral value that fits int64. */
bool json_is_integer (const cJSON *item);

/*  Adds member `key` = the row id in `decimal` (PostgreSQL's text of a
 *  bigint id) as a JSON number. One rule for every id a message carries: a
 *  whole decimal from 1 to 2^53 - 1 (exact in a JSON number), nothing else.
 *  Returns 0, or -1 when decimal is not such an id or memory ran out. */
int json_add_id (cJSON *obj, const char *key, const char *decimal);

/*  Serialises without whitespace. Returns a malloc'd string (caller frees) or NULL. */
char *json_print (const cJSON *item);

#endif
