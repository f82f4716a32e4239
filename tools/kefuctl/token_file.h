/*  token_file — the caller's token for kefuctl's requests (token_file.c). */
#ifndef KEFUCTL_TOKEN_FILE_H
#define KEFUCTL_TOKEN_FILE_H

#include <stdbool.h>
#include <stddef.h>

/*  Loads the token into out ("" when none is configured: the service will
 *  answer unauthenticated). Returns 0, or -1 after printing why (a token
 *  file others can read, a malformed token). */
int token_file_load (const char *cmd, char *out, size_t size);

#endif
