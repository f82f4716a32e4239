/*  textfile — whole small files (textfile.h). */
#include "textfile.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *gw_textfile_read (const char *path, size_t max, size_t *len_p)
{
    FILE *f = fopen (path, "rb");
    if (!f)
        return NULL;
    char *data = malloc (max + 2);
    size_t n = data ? fread (data, 1, max + 1, f) : 0;
    int bad = !data || ferror (f) || n > max;
    fclose (f);
    if (bad) {
        if (data)
            sodium_memzero (data, max + 2);
        free (data);
        return NULL;
    }
    data[n] = '\0';
    if (len_p)
        *len_p = n;
    return data;
}

void gw_textfile_free_secret (char *text)
{
    if (text)
        sodium_memzero (text, strlen (text));
    free (text);
}
