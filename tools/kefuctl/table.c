/*  table — display-width aware text tables for kefuctl (see table.h). */
#include "table.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

struct tbl_s {
    int ncols;
    char **headers;
    int *max_width;  /* per column, 0 = none */
    char ***rows;    /* rows[r][c], sanitised copies */
    int nrows, cap;
};

/*  Decodes one UTF-8 character at p (n bytes left). Returns its length and
 *  its display width in *w, or 0 when the bytes are not valid UTF-8. */
static size_t s_tbl_char (const char *p, size_t n, int *w)
{
    mbstate_t st;
    memset (&st, 0, sizeof st);
    wchar_t wc;
    size_t len = mbrtowc (&wc, p, n, &st);
    if (len == (size_t) -1 || len == (size_t) -2 || len == 0)
        return 0;
    int cw = wcwidth (wc);
    *w = cw < 0 ? -1 : cw;
    return len;
}

char *tbl_clean (const char *text, int max_width)
{
    if (!text)
        text = "";
    size_t n = strlen (text);
    /* each input byte yields at most its own bytes; plus "…" (3 bytes) */
    char *out = malloc (n + 4);
    if (!out)
        return NULL;
    size_t o = 0;
    int width = 0;
    const char *p = text;
    bool cut = false;
    /* first pass decides whether the whole text fits */
    int total = tbl_width (text);
    int limit = (max_width > 0 && total > max_width) ? max_width - 1 : -1;
    while (*p) {
        int w = 0;
        size_t len = s_tbl_char (p, n - (size_t) (p - text), &w);
        const char *src = p;
        size_t srclen = len;
        if (len == 0 || w < 0) {
            /* invalid byte -> '?', control or unprintable char -> ' ' */
            bool ctrl = len > 0;
            src = ctrl ? " " : "?";
            srclen = 1;
            w = 1;
            len = len ? len : 1;
        }
        if (limit >= 0 && width + w > limit) {
            cut = true;
            break;
        }
        memcpy (out + o, src, srclen);
        o += srclen;
        width += w;
        p += len;
    }
    if (cut) {
        memcpy (out + o, "\xe2\x80\xa6", 3); /* … */
        o += 3;
    }
    out[o] = '\0';
    return out;
}

int tbl_width (const char *text)
{
    if (!text)
        return 0;
    size_t n = strlen (text);
    int width = 0;
    const char *p = text;
    while (*p) {
        int w = 0;
        size_t len = s_tbl_char (p, n - (size_t) (p - text), &w);
        if (len == 0)
            len = 1;
        width += w < 0 ? 1 : w;
        p += len;
    }
    return width;
}

tbl_t *tbl_new (int ncols, const char *const *headers)
{
    if (ncols <= 0)
        return NULL;
    tbl_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->ncols = ncols;
    self->headers = calloc ((size_t) ncols, sizeof (char *));
    self->max_width = calloc ((size_t) ncols, sizeof (int));
    if (!self->headers || !self->max_width)
        goto fail;
    for (int c = 0; c < ncols; c++)
        if (!(self->headers[c] = tbl_clean (headers[c], 0)))
            goto fail;
    return self;
fail:
    tbl_destroy (&self);
    return NULL;
}

void tbl_destroy (tbl_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    tbl_t *self = *self_p;
    for (int r = 0; r < self->nrows; r++) {
        for (int c = 0; c < self->ncols; c++)
            free (self->rows[r][c]);
        free (self->rows[r]);
    }
    free (self->rows);
    if (self->headers)
        for (int c = 0; c < self->ncols; c++)
            free (self->headers[c]);
    free (self->headers);
    free (self->max_width);
    free (self);
    *self_p = NULL;
}

void tbl_set_max_width (tbl_t *self, int col, int max_width)
{
    if (self && col >= 0 && col < self->ncols)
        self->max_width[col] = max_width < 0 ? 0 : max_width;
}

int tbl_rows (const tbl_t *self)
{
    return self ? self->nrows : 0;
}

int tbl_add_row (tbl_t *self, const char *const *cells)
{
    if (self->nrows == self->cap) {
        int cap = self->cap ? self->cap * 2 : 16;
        char ***rows = realloc (self->rows, (size_t) cap * sizeof *rows);
        if (!rows)
            return -1;
        self->rows = rows;
        self->cap = cap;
    }
    char **row = calloc ((size_t) self->ncols, sizeof (char *));
    if (!row)
        return -1;
    for (int c = 0; c < self->ncols; c++) {
        row[c] = tbl_clean (cells[c], self->max_width[c]);
        if (!row[c]) {
            for (int k = 0; k < c; k++)
                free (row[k]);
            free (row);
            return -1;
        }
    }
    self->rows[self->nrows++] = row;
    return 0;
}

/*  Prints one line of cells padded to widths; the last column unpadded. */
static void s_tbl_line (const tbl_t *self, char *const *cells, const int *widths, FILE *out)
{
    int last = self->ncols - 1;
    while (last > 0 && cells[last][0] == '\0')
        last--;
    for (int c = 0; c <= last; c++) {
        fputs (cells[c], out);
        if (c < last) {
            int pad = widths[c] - tbl_width (cells[c]) + 2;
            for (int k = 0; k < pad; k++)
                fputc (' ', out);
        }
    }
    fputc ('\n', out);
}

int tbl_print (const tbl_t *self, FILE *out)
{
    int *widths = calloc ((size_t) self->ncols, sizeof (int));
    if (!widths)
        return -1;
    for (int c = 0; c < self->ncols; c++) {
        widths[c] = tbl_width (self->headers[c]);
        for (int r = 0; r < self->nrows; r++) {
            int w = tbl_width (self->rows[r][c]);
            if (w > widths[c])
                widths[c] = w;
        }
    }
    s_tbl_line (self, self->headers, widths, out);
    for (int c = 0; c < self->ncols; c++) {
        if (c > 0)
            fputs ("  ", out);
        for (int k = 0; k < widths[c]; k++)
            fputc ('-', out);
    }
    fputc ('\n', out);
    for (int r = 0; r < self->nrows; r++)
        s_tbl_line (self, self->rows[r], widths, out);
    free (widths);
    return ferror (out) ? -1 : 0;
}
