/*  uuid — random (version 4) identifiers for messages, from getrandom(2).
 *
 *  RFC 4122 §4.4: 122 random bits, the version nibble set to 4 and the
 *  variant bits to 10. getrandom() blocks only until the kernel pool is
 *  first initialised at boot, which is what we want for identifiers that
 *  must never collide.
 */
#include "uuid.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

/*  Fills buf with len random bytes; retries on EINTR and short reads. */
static int s_random_bytes (unsigned char *buf, size_t len)
{
    size_t got = 0;
    while (got < len) {
        ssize_t n = getrandom (buf + got, len - got, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        got += (size_t) n;
    }
    return 0;
}

int kuuid_new (char out[KUUID_STR_LEN])
{
    if (!out)
        return -1;
    unsigned char b[16];
    if (s_random_bytes (b, sizeof b) != 0) {
        out[0] = '\0';
        return -1;
    }
    b[6] = (unsigned char) ((b[6] & 0x0F) | 0x40); /* version 4 */
    b[8] = (unsigned char) ((b[8] & 0x3F) | 0x80); /* variant 10 */
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[o++] = '-';
        out[o++] = hex[b[i] >> 4];
        out[o++] = hex[b[i] & 0x0F];
    }
    out[o] = '\0';
    return 0;
}

bool kuuid_valid (const char *text)
{
    if (!text)
        return false;
    for (int i = 0; i < 36; i++) {
        char c = text[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != '-')
                return false;
        }
        else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
            return false; /* also stops at a premature terminator */
    }
    return text[36] == '\0';
}
