/*  table — readable text tables for people (kefuctl show/list/admin).
 *
 *  Columns are padded by display width, not bytes: a Chinese character
 *  takes two terminal columns (wcwidth under a UTF-8 locale; main() calls
 *  setlocale (LC_ALL, "C.UTF-8")). Control characters in cells (newlines in
 *  a description) are shown as spaces, invalid UTF-8 bytes as '?', so a cell
 *  can never break the layout or the terminal.
 */
#ifndef KEFUCTL_TABLE_H
#define KEFUCTL_TABLE_H

#include <stddef.h>
#include <stdio.h>

typedef struct tbl_s tbl_t;

/*  Makes a table with n column headers (copied). NULL on failure. */
tbl_t *tbl_new (int ncols, const char *const *headers);
void tbl_destroy (tbl_t **self_p);

/*  Appends a row of ncols cells (copied, sanitised; NULL shows as "").
 *  A cell wider than max_width (if > 0) is cut with "…". Returns 0 or -1. */
int tbl_add_row (tbl_t *self, const char *const *cells);
/*  Limits a column's display width (0 = no limit). */
void tbl_set_max_width (tbl_t *self, int col, int max_width);

/*  Number of data rows. */
int tbl_rows (const tbl_t *self);

/*  Prints header, a rule and the rows, columns separated by two spaces,
 *  trailing blanks trimmed. Returns 0 or -1 (write error). */
int tbl_print (const tbl_t *self, FILE *out);

/*  Display width of UTF-8 text as tbl would show it. */
int tbl_width (const char *text);

/*  Copy of text made printable (see above) and cut to at most max_width
 *  columns with a trailing "…" when longer (max_width <= 0: no cut).
 *  Caller frees. NULL on allocation failure. */
char *tbl_clean (const char *text, int max_width);

#endif
