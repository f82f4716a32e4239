/*  uuid — random (version 4) identifiers for messages. */
#ifndef KEFU_UUID_H
#define KEFU_UUID_H

#include <stdbool.h>

#define UUID_STR_LEN 37 /* 36 characters and the terminator */

/*  Writes a new lowercase v4 UUID (from getrandom) into out. Returns 0 or -1. */
int uuid_generate (char out[UUID_STR_LEN]);

/*  True when text is a canonical 8-4-4-4-12 hex UUID (either case). */
bool uuid_valid (const char *text);

#endif
