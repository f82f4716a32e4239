/*  paging — the list commands' --cursor (list, workorders, callbacks,
 *  inspections, claims, invoices, ledger): the page to start from, and
 *  where the next page starts when there is one (docs/kefuctl.md "Pages").
 *
 *  A cursor is the next_cursor a list answered, given back unchanged; the
 *  service checks it. kefuctl checks only its shape, so that a cursor cut
 *  when copied is refused before anything is asked.
 */
#ifndef KEFU_KEFUCTL_PAGING_H
#define KEFU_KEFUCTL_PAGING_H

#include <cjson/cJSON.h>

/*  The usage line of the option, for the commands' help. */
#define PAGING_USAGE "  --cursor C    start at the page a previous page named (\"next page: --cursor C\")\n"

/*  Checks --cursor's text (cursor may be NULL: not given): 1 to 200 of
 *  A-Z a-z 0-9 _ -. Returns 0, or -1 after saying why on stderr. */
int paging_check (const char *cmd, const char *cursor);

/*  Adds "cursor" to body when one was given. Returns 0, or -1 when out
 *  of memory. */
int paging_add (cJSON *body, const char *cursor);

/*  After a page printed for people: "next page: --cursor C" on stderr when
 *  the reply has a next_cursor (the --json reply carries it itself). */
void paging_print_next (const cJSON *result);

#endif
