/*  paging — see paging.h. */
#include "paging.h"

#include <stdio.h>
#include <string.h>

#include "base/json.h"

#define PAGING_MAX 200

int paging_check (const char *cmd, const char *cursor)
{
    if (!cursor)
        return 0;
    size_t len = strlen (cursor);
    if (len == 0 || len > PAGING_MAX
        || strspn (cursor, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") != len) {
        fprintf (stderr,
                 "kefuctl %s: --cursor: not a cursor (expected the text after \"next page: --cursor\" "
                 "of an earlier page, 1 to %d of A-Z a-z 0-9 _ -)\n",
                 cmd, PAGING_MAX);
        return -1;
    }
    return 0;
}

int paging_add (cJSON *body, const char *cursor)
{
    return !cursor || cJSON_AddStringToObject (body, "cursor", cursor) ? 0 : -1;
}

void paging_print_next (const cJSON *result)
{
    const char *next = json_str (result, "next_cursor", NULL);
    if (next)
        fprintf (stderr, "next page: --cursor %s\n", next);
}
