/*  password — staff passwords, hashed with Argon2id through libsodium
 *  (crypto_pwhash_str, its "interactive" limits). Only log-in checks one;
 *  no request hashes a password (tokens are for requests: token.h).
 */
#ifndef KEFU_PASSWORD_H
#define KEFU_PASSWORD_H

#include <stdbool.h>
#include <stddef.h>

#define PASSWORD_MIN 10
#define PASSWORD_MAX 128
#define PASSWORD_HASH_MAX 128 /* crypto_pwhash_STRBYTES */

/*  Checks the password's length (PASSWORD_MIN..PASSWORD_MAX bytes, no NUL,
 *  no line breaks) and hashes it into out (PASSWORD_HASH_MAX bytes).
 *  Returns 0, or -1 with "password: …" in err. */
int password_hash (const char *password, char *out, char *err, size_t errsize);

/*  True when password matches the stored Argon2id hash. */
bool password_verify (const char *hash, const char *password);

#endif
