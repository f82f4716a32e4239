/*  cursor — keyset pagination of the list requests (ticket.list,
 *  workorder.list, callback.list, inspection.pending, claim.list,
 *  invoice.list, ledger.entries; docs/kefuctl.md "Pages").
 *
 *  A page ends where its last row is: a list's rows are ordered by a sort
 *  key and an id (both int64: an id, or an instant in microseconds), and
 *  the next page holds the rows after that pair in the list's order. So a
 *  walk never repeats or skips a row when rows are added or removed
 *  between pages, and the database reads from the index, never OFFSET.
 *
 *  The position travels as an opaque cursor: URL-safe base64 (no padding)
 *  of the text "1|<list>|<key>|<id>" followed by a 6-byte check
 *  (BLAKE2b of the text). The check refuses a cursor that was edited or
 *  cut; the list name refuses one made by another list. A cursor holds
 *  only what the rows it follows already showed (an id, an instant), never
 *  a branch or a customer: it is no capability. Who asks with it still
 *  sees only the rows of their branches and filters, because the query
 *  with a cursor is the query without one plus "after this position".
 *
 *  Reading one happens on outside input, so cur_read never trusts it: any
 *  text is refused with a reason that never quotes it.
 */
#ifndef KEFU_DB_CURSOR_H
#define KEFU_DB_CURSOR_H

#include <cjson/cJSON.h>
#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*  Most characters of a cursor (the request schemas say the same). */
#define CUR_MAX 200

/*  SQL text of the instant `param` microseconds after the epoch, exactly
 *  (the inverse of DB_EPOCH_US), for comparing a cursor's key with a
 *  timestamptz column: (col, id) > (CUR_SQL_US ("$7"), $8::bigint). */
#define CUR_SQL_US(param) "(timestamptz 'epoch' + " param "::bigint * interval '1 microsecond')"

/*  Writes the cursor of the position (key, id) in list (a request name,
 *  e.g. "ticket.list") into out. Returns 0, or -1 when out is smaller
 *  than CUR_MAX + 1 or list is too long (programmer errors). */
int cur_make (const char *list, int64_t key, int64_t id, char *out, size_t size);

/*  Reads a cursor of list: its position into *key and *id. Returns 0, or
 *  -1 with "body.cursor: <what is wrong> (expected <what>)" in err when it
 *  is malformed, was changed, or belongs to another list. */
int cur_read (const char *list, const char *cursor, int64_t *key, int64_t *id, char *err, size_t errsize);

/*  One page of a list request, from the body's "cursor" and "limit". The
 *  statement is given cur_page_key and cur_page_id (NULL when no cursor:
 *  the first page) and asks for cur_page_fetch rows: one more than the
 *  limit, so that the handler knows whether more follow. */
typedef struct {
    const char *list;
    int64_t limit;       /* rows shown: 0 for every row (no limit asked) */
    bool after;          /* a cursor was given */
    int64_t key, id;     /* its position */
    char key_text[24], id_text[24], fetch_text[24];
} cur_page_t;

/*  Reads body's "cursor" (absent: the first page) for list; limit is the
 *  request's limit as read (its default applied), 0 for none. Returns 0,
 *  or -1 with the reason in err (cur_read). */
int cur_page_start (cur_page_t *page, const char *list, const cJSON *body, int64_t limit, char *err,
                    size_t errsize);

/*  The statement's parameters: the position's key and id as decimal text
 *  (NULL on the first page) and the rows to fetch (NULL: every row). */
const char *cur_page_key (const cur_page_t *page);
const char *cur_page_id (const cur_page_t *page);
const char *cur_page_fetch (const cur_page_t *page);

/*  How many of `fetched` rows the page shows: at most its limit. */
int cur_page_rows (const cur_page_t *page, int fetched);

/*  When more rows were fetched than the page shows, adds "next_cursor"
 *  to doc: the position (key, id) of the last row shown. Returns 0, or -1
 *  when out of memory. */
int cur_page_next (const cur_page_t *page, cJSON *doc, int fetched, int64_t key, int64_t id);

/*  The same with the last shown row's key and id read from res (columns
 *  key_col and id_col, decimal integers). Returns 0 or -1. */
int cur_page_next_row (const cur_page_t *page, cJSON *doc, const PGresult *res, int key_col, int id_col);

#endif
