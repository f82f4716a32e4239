/*  runner — main() of bin/unit-tests: runs the registered tests (all, or
 *  those whose name contains an argument) and prints "N passed, N failed". */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "unit.h"

#define UNIT_MAX 4096

typedef struct {
    const char *name, *file;
    unit_fn fn;
} unit_entry_t;

static unit_entry_t s_table[UNIT_MAX];
static int s_count;
static bool s_failed;

void unit_register (const char *name, const char *file, unit_fn fn)
{
    if (s_count < UNIT_MAX)
        s_table[s_count++] = (unit_entry_t) { name, file, fn };
}

void unit_fail (const char *file, int line, const char *fmt, ...)
{
    s_failed = true;
    fprintf (stdout, "    %s:%d: ", file, line);
    va_list ap;
    va_start (ap, fmt);
    vfprintf (stdout, fmt, ap);
    va_end (ap);
    fputc ('\n', stdout);
}

bool unit_refused (bool loaded, const char *what, const char *err, const char *want)
{
    if (loaded) {
        printf ("    accepted but should not have been: %s\n", what);
        return false;
    }
    if (!err || !strstr (err, want)) {
        printf ("    got: %s\n    want: %s\n", err ? err : "(null)", want);
        return false;
    }
    return true;
}

static bool s_selected (const char *name, int argc, char **argv)
{
    if (argc <= 1)
        return true;
    for (int i = 1; i < argc; i++)
        if (strstr (name, argv[i]))
            return true;
    return false;
}

int main (int argc, char **argv)
{
    int passed = 0, failed = 0;
    for (int i = 0; i < s_count; i++) {
        if (!s_selected (s_table[i].name, argc, argv))
            continue;
        s_failed = false;
        s_table[i].fn ();
        fflush (stderr);
        if (s_failed) {
            failed++;
            printf ("not ok - %s (%s)\n", s_table[i].name, s_table[i].file);
        }
        else {
            passed++;
            printf ("ok - %s\n", s_table[i].name);
        }
        fflush (stdout);
    }
    printf ("%d passed, %d failed\n", passed, failed);
    return failed == 0 && passed > 0 ? 0 : 1;
}
