/*  err — see err.h. */
#include "err.h"

#include <stdarg.h>
#include <stdio.h>

void err_set (char *err, size_t errsize, const char *fmt, ...)
{
    if (!err || !errsize)
        return;
    va_list ap;
    va_start (ap, fmt);
    vsnprintf (err, errsize, fmt, ap);
    va_end (ap);
}
