/*  token — see token.h. */
#include "token.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define S_RANDOM_BYTES 32

int token_make (char *out)
{
    if (sodium_init () < 0)
        return -1;
    unsigned char raw[S_RANDOM_BYTES];
    randombytes_buf (raw, sizeof raw);
    memcpy (out, TOKEN_PREFIX, strlen (TOKEN_PREFIX));
    sodium_bin2base64 (out + strlen (TOKEN_PREFIX), TOKEN_LEN + 1 - strlen (TOKEN_PREFIX), raw,
                       sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero (raw, sizeof raw);
    return 0;
}

static int s_fail (char *err, size_t errsize, const char *why)
{
    snprintf (err, errsize, "token: %s", why);
    return -1;
}

int token_parse (const char *text, size_t len, char *hash, char *err, size_t errsize)
{
    size_t plen = strlen (TOKEN_PREFIX);
    if (!text || len == 0)
        return s_fail (err, errsize, "missing (give a token: kefuctl reads KEFU_TOKEN or "
                                     "KEFU_TOKEN_FILE)");
    if (len != TOKEN_LEN || memcmp (text, TOKEN_PREFIX, plen) != 0)
        return s_fail (err, errsize, "malformed (expected \"kefu_\" and 43 characters of "
                                     "URL-safe base64)");
    for (size_t i = plen; i < len; i++) {
        char c = text[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
              || c == '-' || c == '_'))
            return s_fail (err, errsize, "malformed (a character outside URL-safe base64)");
    }
    /* 43 characters carry 258 bits: the last one must leave the 2 spare bits
     * zero, or two texts would name one token. */
    unsigned char raw[S_RANDOM_BYTES];
    size_t raw_len = 0;
    if (sodium_init () < 0
        || sodium_base642bin (raw, sizeof raw, text + plen, len - plen, NULL, &raw_len, NULL,
                              sodium_base64_VARIANT_URLSAFE_NO_PADDING)
               != 0
        || raw_len != S_RANDOM_BYTES)
        return s_fail (err, errsize, "malformed (not 32 bytes of URL-safe base64)");
    sodium_memzero (raw, sizeof raw);
    unsigned char digest[32];
    crypto_generichash (digest, sizeof digest, (const unsigned char *) text, len, NULL, 0);
    sodium_bin2hex (hash, TOKEN_HASH_HEX, digest, sizeof digest);
    return 0;
}
