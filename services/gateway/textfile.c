/*  textfile — whole small files (textfile.h). */
#include "textfile.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

char *gw_textfile_read (const char *path, size_t max, size_t *len_p)
{
    FILE *f = fopen (path, "rb");
    if (!f)
        return NULL;
    /* the buffer is the file's size, not max: a console file is a few KiB
     * and max is several MiB; a directory or a device is no file of ours */
    struct stat st;
    if (fstat (fileno (f), &st) != 0 || !S_ISREG (st.st_mode) || st.st_size < 0
        || (size_t) st.st_size > max) {
        fclose (f);
        return NULL;
    }
    size_t size = (size_t) st.st_size;
    char *data = malloc (size + 2);
    size_t n = data ? fread (data, 1, size + 1, f) : 0;
    int bad = !data || ferror (f) || n > size; /* grown since: read it again later */
    fclose (f);
    if (bad) {
        if (data)
            sodium_memzero (data, size + 2);
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
