/*  uuid — random (version 4) identifiers for messages.
 *
 *  The names carry the prefix kuuid_ (KUUID_ for macros), not uuid_: libuuid
 *  owns kuuid_new, uuid_parse, KUUID_STR_LEN and the rest of that prefix,
 *  and a program that links both must not meet two definitions of one name.
 */
#ifndef KEFU_UUID_H
#define KEFU_UUID_H

#include <stdbool.h>

#define KUUID_STR_LEN 37 /* 36 characters and the terminator */

/*  Writes a new lowercase v4 UUID (from getrandom) into out. Returns 0 or -1. */
int kuuid_new (char out[KUUID_STR_LEN]);

/*  True when text is a canonical 8-4-4-4-12 hex UUID (either case). */
bool kuuid_valid (const char *text);

#endif
