/*  envelope — the one shape of every message on the bus.
 *
 *  {
 *    "id": "6f1c…",                 unique message id (UUID v4)
 *    "type": "ticket.created",      what happened / what is asked
 *    "version": 1,                  schema version of the body
 *    "ts": "2026-11-22T06:48:42.123456Z",   when it was made (common clock)
 *    "source": {"service": "intake", "instance": "intake-1"},
 *    "branch": "SH01",              branch the message concerns (or null)
 *    "correlation_id": "42",        the ticket it is about (or null)
 *    "body": { … }                  validated against schemas/messages/<type>.v<version>.json
 *  }
 *
 *  Decoding validates everything: UTF-8, JSON, the envelope against
 *  schemas/envelope.v1.json, then the body against its type's schema. Unknown
 *  types and versions are rejected with a reason, never guessed at.
 */
#ifndef KEFU_ENVELOPE_H
#define KEFU_ENVELOPE_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

#include "schema.h"
#include "base/uuid.h"

typedef struct {
    char id[KUUID_STR_LEN];
    char type[64];
    int version;
    int64_t ts_us;
    char service[32];
    char instance[64];
    char branch[33];          /* "" when null */
    char correlation_id[65];  /* "" when null */
    cJSON *body;              /* owned by the envelope */
} env_t;

/*  Sets the service/instance stamped on every envelope this process makes. */
void env_set_origin (const char *service, const char *instance);

/*  Makes a new envelope with a fresh id, version 1 and ts = clock_now_us().
 *  Takes ownership of *body_p and sets it to NULL. branch and correlation_id
 *  may be NULL. Returns NULL if type is too long or out of memory. */
env_t *env_new (const char *type, const char *branch, const char *correlation_id,
                cJSON **body_p);

/*  Frees; safe on NULL and twice. */
void env_destroy (env_t **self_p);

/*  Encodes to compact JSON. Returns a malloc'd string (caller frees) or NULL. */
char *env_encode (const env_t *self);

/*  Decodes and validates `len` bytes. Returns a new envelope (caller owns), or
 *  NULL with a specific reason in err. When the bytes parse as JSON with a
 *  readable "id", that id is copied to id_out (if not NULL) even on failure,
 *  so a rejected message can still be acknowledged and dead-lettered by id. */
env_t *env_decode (const char *data, size_t len, const schema_set_t *schemas,
                   char *id_out, char *err, size_t errsize);

#endif
