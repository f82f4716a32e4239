/*  ident — the one rule for identifiers kefu's configuration names things
 *  by (branches, regions, staff, holiday calendars): 1 to max_len of
 *  A-Z a-z 0-9 _ -. Such an id needs no quoting in SQL arrays, file names
 *  or the branch list stated to PostgreSQL (db/scope.h).
 */
#ifndef KEFU_IDENT_H
#define KEFU_IDENT_H

#include <stdbool.h>
#include <stddef.h>

/*  True when text (NULL: false) is 1 to max_len of A-Z a-z 0-9 _ -. */
bool ident_valid (const char *text, size_t max_len);

#endif
