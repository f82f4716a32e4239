/*  contact — see contact.h. */
#include "contact.h"

#include <stdio.h>
#include <string.h>

#define S_PHONE_HEAD 3
#define S_PHONE_TAIL 4
#define S_ADDRESS_KEPT 6 /* characters: about the city and district */

char *contact_mask_phone (const char *phone, char *out, size_t size)
{
    size_t len = phone ? strlen (phone) : 0;
    size_t head = S_PHONE_HEAD, tail = S_PHONE_TAIL;
    if (len < head + tail + 4) /* too short to hide at least 4: keep only the last 2 */
        head = 0, tail = len > 2 ? 2 : 0;
    snprintf (out, size, "%.*s****%s", (int) head, phone ? phone : "", phone ? phone + len - tail : "");
    return out;
}

char *contact_mask_address (const char *address, char *out, size_t size)
{
    size_t at = 0;
    for (int kept = 0; address && address[at] && kept < S_ADDRESS_KEPT; kept++) {
        at++;
        while ((address[at] & 0xC0) == 0x80) /* continuation bytes of one character */
            at++;
    }
    snprintf (out, size, "%.*s****", (int) at, address ? address : "");
    return out;
}
