/*  ident — see ident.h. */
#include "ident.h"

#include <string.h>

bool ident_valid (const char *text, size_t max_len)
{
    size_t len = text ? strlen (text) : 0;
    return len >= 1 && len <= max_len
           && strspn (text, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") == len;
}
