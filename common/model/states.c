/*  states — see states.h. */
#include "model/states.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

int states_parse (const states_t *table, const char *name, int *out)
{
    assert (table && out);
    for (int s = 0; name && s < table->count; s++)
        if (strcmp (name, table->names[s]) == 0) {
            *out = s;
            return 0;
        }
    return -1;
}

bool states_can_move (const states_t *table, int from, int to)
{
    assert (table && from >= 0 && from < table->count && to >= 0 && to < table->count);
    return table->moves[from][to];
}

const char *states_from_sql (const states_t *table, int to, char *buf, size_t size)
{
    assert (table && buf && size > 2 && to >= 0 && to < table->count);
    size_t n = (size_t) snprintf (buf, size, "{");
    for (int from = 0; from < table->count && n < size; from++)
        if (table->moves[from][to])
            n += (size_t) snprintf (buf + n, size - n, "%s%s", n > 1 ? "," : "", table->names[from]);
    if (n < size)
        snprintf (buf + n, size - n, "}");
    return buf;
}
