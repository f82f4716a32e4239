/*  phone — see phone.h. */
#include "phone.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define S_EXPECTED "expected a phone number: 3 to 32 characters of digits, spaces and dashes, " \
                   "with + only in front: +86 21-5555-0101"

int iph_parse (const char *path, const char *text, char *key, size_t keysize, char *err, size_t errsize)
{
    if (!text || !*text) {
        snprintf (err, errsize, "%s: must not be empty (%s)", path, S_EXPECTED);
        return -1;
    }
    size_t len = strlen (text);
    if (len > IPH_MAX_TEXT || keysize < IPH_KEY_SIZE) {
        snprintf (err, errsize, "%s: longer than %d characters (%s)", path, IPH_MAX_TEXT, S_EXPECTED);
        return -1;
    }
    size_t n = 0, digits = 0;
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        bool lead_plus = c == '+' && n == 0;
        if (c == ' ' || c == '-')
            continue;
        if (!(c >= '0' && c <= '9') && !lead_plus) {
            /* the position, not the character: the text is a phone number */
            size_t at = 1;
            for (size_t j = 0; j < i; j++)
                at += ((unsigned char) text[j] & 0xC0) != 0x80; /* whole UTF-8 characters */
            snprintf (err, errsize, "%s: character %zu is not a digit, space or dash (%s)", path, at, S_EXPECTED);
            return -1;
        }
        digits += c != '+';
        key[n++] = c;
    }
    key[n] = '\0';
    if (digits < IPH_MIN_DIGITS) {
        snprintf (err, errsize, "%s: fewer than %d digits (%s)", path, IPH_MIN_DIGITS, S_EXPECTED);
        return -1;
    }
    return 0;
}
