/*  err — the one way a module writes a reason into a caller's error buffer
 *  (the `char *err, size_t errsize` pair many functions here take). */
#ifndef KEFU_ERR_H
#define KEFU_ERR_H

#include <stddef.h>

/*  Formats the reason into err (truncated to errsize). Does nothing when err
 *  is NULL or errsize is 0, so callers may pass no buffer. */
void err_set (char *err, size_t errsize, const char *fmt, ...) __attribute__ ((format (printf, 3, 4)));

#endif
