/*  textfile — a whole small file read into memory (request schemas, the
 *  TLS certificate and key, read once at start).
 */
#ifndef KEFU_GATEWAY_TEXTFILE_H
#define KEFU_GATEWAY_TEXTFILE_H

#include <stddef.h>

/*  The file's bytes, NUL-terminated (malloc'd; *len_p without the NUL when
 *  len_p is set), or NULL when it cannot be read or is over max bytes. */
char *gw_textfile_read (const char *path, size_t max, size_t *len_p);

/*  Wipes and frees what gw_textfile_read returned (a private key). */
void gw_textfile_free_secret (char *text);

#endif
