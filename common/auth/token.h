/*  token — bearer tokens for programs and kefuctl (docs/security.md,
 *  "Tokens").
 *
 *  A token is "kefu_" followed by 43 characters of URL-safe base64 without
 *  padding: 32 random bytes. It is shown once, when made; kefu stores only
 *  its hash, the hex of BLAKE2b-256 of the whole token text, so checking a
 *  token is one hash and one index lookup, never a password hash.
 */
#ifndef KEFU_TOKEN_H
#define KEFU_TOKEN_H

#include <stddef.h>

#define TOKEN_PREFIX "kefu_"
#define TOKEN_LEN 48        /* "kefu_" + 43 */
#define TOKEN_HASH_HEX 65   /* 64 hex digits and NUL */
#define TOKEN_SHOWN 12      /* characters kept to tell tokens apart ("kefu_AbCdEfG") */

/*  Makes a new random token into out (TOKEN_LEN + 1 bytes). Returns 0, or
 *  -1 when libsodium cannot start. */
int token_make (char *out);

/*  Checks that text (len bytes, not necessarily NUL-ended) is a well-formed
 *  token and writes its hash (hex, TOKEN_HASH_HEX bytes) into hash. Returns
 *  0, or -1 with "token: …" in err (never quoting the token). */
int token_parse (const char *text, size_t len, char *hash, char *err, size_t errsize);

#endif
