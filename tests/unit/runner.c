/*  runner — main() of bin/unit-tests: runs the registered tests (all, or
 *  those whose name contains an argument) and prints "N passed, N failed". */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/log.h"
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

char *unit_replace (const char *text, const char *from, const char *to)
{
    const char *at = text ? strstr (text, from) : NULL;
    if (!at)
        return NULL;
    size_t head = (size_t) (at - text), len = strlen (text) - strlen (from) + strlen (to);
    char *out = malloc (len + 1);
    if (!out)
        return NULL;
    memcpy (out, text, head);
    strcpy (out + head, to);
    strcat (out, at + strlen (from));
    return out;
}

const char *unit_repo_file (const char *relative, char *buf, size_t size)
{
    const char *ups[] = { "", "../", "../../", "../../../" };
    for (size_t i = 0; i < sizeof ups / sizeof *ups; i++) {
        snprintf (buf, size, "%s%s", ups[i], relative);
        if (access (buf, R_OK) == 0)
            return buf;
    }
    return relative;
}

int unit_temp_dir (const char *what, char *out, size_t size)
{
    /* mkdtemp's template: six characters it replaces */
    if ((size_t) snprintf (out, size, "/tmp/kefu-%s-%s", what, "XXXXXX") >= size)
        return -1;
    return mkdtemp (out) ? 0 : -1;
}

int unit_write_file (const char *dir, const char *name, const char *text)
{
    char path[512];
    if ((size_t) snprintf (path, sizeof path, "%s%s%s", dir ? dir : "", dir ? "/" : "", name) >= sizeof path)
        return -1;
    FILE *file = fopen (path, "w");
    if (!file)
        return -1;
    bool ok = fputs (text, file) >= 0;
    return fclose (file) == 0 && ok ? 0 : -1;
}

static FILE *s_capture;

int unit_log_capture (void)
{
    if (s_capture)
        fclose (s_capture);
    s_capture = tmpfile ();
    if (!s_capture)
        return -1;
    log_set_stream (s_capture);
    return 0;
}

int unit_log_captured (char *out, size_t size)
{
    log_set_stream (NULL);
    if (!s_capture || size == 0)
        return -1;
    rewind (s_capture);
    size_t n = fread (out, 1, size - 1, s_capture);
    out[n] = '\0';
    fclose (s_capture);
    s_capture = NULL;
    return 0;
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
