/*  schema — validates JSON documents against the JSON Schema files in
 *  schemas/, so the files that document the contract are also the code that
 *  enforces it (one source of truth; the tests check the same files with an
 *  independent validator).
 *
 *  Supported keywords (a subset of draft 2020-12, enough for our contracts):
 *  type (string or array of strings; "integer" means an integral number),
 *  properties, required, additionalProperties (boolean), enum, const,
 *  minLength / maxLength (counted in Unicode code points), pattern (POSIX
 *  extended regex; write patterns that mean the same in ECMA-262, e.g.
 *  [0-9] not \d), format ("date", "date-time", "uuid", "email"), minimum /
 *  maximum, items, minItems / maxItems, uniqueItems, oneOf, anyOf, $ref to
 *  "#/$defs/<name>" within the same file, and the annotations $schema, $id,
 *  title, description, $comment, examples, default. A schema file using any
 *  other keyword is refused at load time, so an unsupported rule is never
 *  silently ignored.
 *
 *  Names: a file schemas/messages/ticket.created.v1.json is registered as
 *  "ticket.created.v1"; schemas/requests/ticket.submit.v1.json as
 *  "ticket.submit.v1"; schemas/envelope.v1.json as "envelope.v1".
 */
#ifndef KEFU_SCHEMA_H
#define KEFU_SCHEMA_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct schema_set_s schema_set_t;

/*  Loads every *.json below dir (recursively) and compiles it (regexes
 *  included). Returns the set, or NULL with "file: reason" in err. */
schema_set_t *schema_set_load (const char *dir, char *err, size_t errsize);

/*  Frees the set; safe on NULL and twice. */
void schema_set_destroy (schema_set_t **self_p);

/*  True when a schema of that name was loaded. */
bool schema_set_has (const schema_set_t *self, const char *name);

/*  The folder below the loaded directory that holds the named schema
 *  ("messages", "requests", "" for a file at the top), or NULL when no such
 *  schema is loaded. The string belongs to the set. (Lets the envelope
 *  accept only message schemas as message types.) */
const char *schema_set_group (const schema_set_t *self, const char *name);

/*  Collects, in ascending order, the versions N of every schema
 *  "<base>.v<N>" in `group` (at most `max`). Returns how many were found
 *  (0 when none), e.g. for "unsupported version 3 of ticket.created (known: 1)". */
int schema_set_versions (const schema_set_t *self, const char *group, const char *base,
                         int *versions, int max);

/*  Validates doc against the named schema. Returns 0 when valid; -1 with the
 *  first problem in err, naming the JSON path and what was expected:
 *    "body.kind: \"fix\" is not one of consultation, repair, installation, ..."
 *    "body.customer.name: longer than 64 characters"
 *    "body: unknown field \"colour\""
 *    "body: missing required field \"channel\""
 *  `path_prefix` ("body") is prepended to paths; may be NULL. */
int schema_validate (const schema_set_t *self, const char *name, const cJSON *doc,
                     const char *path_prefix, char *err, size_t errsize);

#endif
