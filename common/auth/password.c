/*  password — see password.h. */
#include "password.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

int password_hash (const char *password, char *out, char *err, size_t errsize)
{
    size_t len = password ? strlen (password) : 0;
    if (len < PASSWORD_MIN || len > PASSWORD_MAX) {
        snprintf (err, errsize, "password: %zu bytes (expected %d to %d)", len, PASSWORD_MIN,
                  PASSWORD_MAX);
        return -1;
    }
    if (strpbrk (password, "\r\n")) {
        snprintf (err, errsize, "password: contains a line break");
        return -1;
    }
    if (sodium_init () < 0
        || crypto_pwhash_str_alg (out, password, len, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                  crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13)
               != 0) {
        snprintf (err, errsize, "password: cannot hash (out of memory)");
        return -1;
    }
    return 0;
}

bool password_verify (const char *hash, const char *password)
{
    return hash && password && sodium_init () >= 0
           && crypto_pwhash_str_verify (hash, password, strlen (password)) == 0;
}
