/*  lookup_request — reading the bodies of customer.find, screenpop.open
 *  and screenpop.get (docs/intake.md "Finding a customer", "Screen pops")
 *  into typed structs, with what their schemas cannot say: a look-up
 *  names a phone or a name, not both; a phone is checked and brought to
 *  its key (phone.h). Nothing here touches the database, so every rule is
 *  unit tested (tests/unit/test_intake_lookup.c) and fuzzed
 *  (tests/fuzz/lookup_request.c).
 */
#ifndef KEFU_INTAKE_LOOKUP_REQUEST_H
#define KEFU_INTAKE_LOOKUP_REQUEST_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "phone.h"

/*  customer.find limit: default and range. */
#define ILR_FIND_DEFAULT 20
#define ILR_FIND_MAX 100
/*  Longest name a look-up takes, in bytes (64 characters of the schema,
 *  up to 4 bytes each). */
#define ILR_NAME_MAX 256
/*  A screen pop's id: 16 random bytes in URL-safe base64 without padding. */
#define ILR_POP_ID_LEN 22

/*  customer.find: by phone (phone_key set, name NULL) or by name (name
 *  borrowed from the body, phone_key ""). */
typedef struct {
    char phone_key[IPH_KEY_SIZE];
    const char *name;
    int limit;
} ilr_find_t;

/*  Reads a customer.find body. Returns 0, or -1 with "body.<field>: what
 *  was wrong (what was expected)" in err. */
int ilr_parse_find (const cJSON *body, ilr_find_t *out, char *err, size_t errsize);

/*  Reads a screenpop.open body: the phone's key into phone_key
 *  (IPH_KEY_SIZE bytes). Returns 0 or -1. */
int ilr_parse_open (const cJSON *body, char *phone_key, size_t keysize, char *err, size_t errsize);

/*  Reads a screenpop.get body: the id (borrowed from body) into *id.
 *  Returns 0 or -1. */
int ilr_parse_get (const cJSON *body, const char **id, char *err, size_t errsize);

#endif
