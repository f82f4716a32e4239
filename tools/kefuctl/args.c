/*  args — kefuctl's command-line parser (see args.h). Written by hand rather
 *  than with getopt_long so that each command accepts exactly its own
 *  options plus the global ones, in any order, and every error is specific. */
#include "args.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"

/*  Separator between "kefuctl" and the command name (none for global options). */
static const char *s_sp (const char *cmd)
{
    return *cmd ? " " : "";
}

/*  Finds the spec entry for an option name (len bytes of name). */
static const args_spec_t *s_args_find (const args_spec_t *const *specs, const char *name, size_t len)
{
    for (int t = 0; specs[t]; t++)
        for (const args_spec_t *s = specs[t]; s->name; s++)
            if (strlen (s->name) == len && memcmp (s->name, name, len) == 0)
                return s;
    return NULL;
}

/*  Prints "expected one of: --a, --b" for the tables. */
static void s_args_list_known (const args_spec_t *const *specs)
{
    fputs (" (expected one of:", stderr);
    const char *sep = " ";
    for (int t = 0; specs[t]; t++)
        for (const args_spec_t *s = specs[t]; s->name; s++) {
            fprintf (stderr, "%s--%s", sep, s->name);
            sep = ", ";
        }
    fputs (")\n", stderr);
}

int args_parse (const char *cmd, const args_spec_t *const *specs, int argc, char **argv,
                const char **pos, int max_pos, int *n_pos)
{
    *n_pos = 0;
    bool options_done = false;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (options_done || strncmp (a, "--", 2) != 0 || a[2] == '\0') {
            if (!options_done && strcmp (a, "--") == 0) {
                options_done = true;
                continue;
            }
            if (*n_pos >= max_pos) {
                if (max_pos == 0)
                    fprintf (stderr, "kefuctl %s: unexpected argument \"%s\" (this command takes options only)\n", cmd, a);
                else
                    fprintf (stderr, "kefuctl %s: unexpected extra argument \"%s\" (expected at most %d)\n", cmd, a, max_pos);
                return -1;
            }
            pos[(*n_pos)++] = a;
            continue;
        }
        const char *name = a + 2;
        const char *eq = strchr (name, '=');
        size_t len = eq ? (size_t) (eq - name) : strlen (name);
        const args_spec_t *s = s_args_find (specs, name, len);
        if (!s) {
            fprintf (stderr, "kefuctl%s%s: unknown option --%.*s", s_sp (cmd), cmd, (int) len, name);
            s_args_list_known (specs);
            return -1;
        }
        bool seen = s->has_value ? (s->value && *s->value) : (s->flag && *s->flag);
        if (seen) {
            fprintf (stderr, "kefuctl%s%s: option --%s given twice\n", s_sp (cmd), cmd, s->name);
            return -1;
        }
        if (!s->has_value) {
            if (eq) {
                fprintf (stderr, "kefuctl%s%s: option --%s takes no value\n", s_sp (cmd), cmd, s->name);
                return -1;
            }
            *s->flag = true;
            continue;
        }
        const char *value;
        if (eq)
            value = eq + 1;
        else if (i + 1 < argc)
            value = argv[++i];
        else {
            fprintf (stderr, "kefuctl%s%s: option --%s needs a value\n", s_sp (cmd), cmd, s->name);
            return -1;
        }
        *s->value = value;
        if (s->flag)
            *s->flag = true;
    }
    return 0;
}

int args_int (const char *cmd, const char *what, const char *text, int64_t min, int64_t max,
              int64_t *out)
{
    const char *p = text;
    bool neg = false;
    if (*p == '-' && min < 0) {
        neg = true;
        p++;
    }
    if (*p < '0' || *p > '9')
        goto bad;
    int64_t v = 0;
    for (; *p; p++) {
        if (*p < '0' || *p > '9')
            goto bad;
        int d = *p - '0';
        if (v > (INT64_MAX - d) / 10)
            goto range;
        v = v * 10 + d;
    }
    if (neg)
        v = -v;
    if (v < min || v > max)
        goto range;
    *out = v;
    return 0;
bad:
    fprintf (stderr, "kefuctl %s: %s: \"%s\" is not a whole number (expected %lld to %lld)\n",
             cmd, what, text, (long long) min, (long long) max);
    return -1;
range:
    fprintf (stderr, "kefuctl%s%s: %s: %s is out of range (expected %lld to %lld)\n", s_sp (cmd), cmd, what,
             text, (long long) min, (long long) max);
    return -1;
}

int args_enum (const char *cmd, const char *what, const char *text, const char *const *choices)
{
    for (int i = 0; choices[i]; i++)
        if (strcmp (text, choices[i]) == 0)
            return i;
    fprintf (stderr, "kefuctl %s: %s: \"%s\" is not one of ", cmd, what, text);
    for (int i = 0; choices[i]; i++)
        fprintf (stderr, "%s%s", i ? ", " : "", choices[i]);
    fputc ('\n', stderr);
    return -1;
}

int args_text (const char *cmd, const char *what, const char *text, size_t max_bytes)
{
    size_t len = strlen (text);
    size_t bad = 0;
    if (len == 0) {
        fprintf (stderr, "kefuctl%s%s: %s: must not be empty\n", s_sp (cmd), cmd, what);
        return -1;
    }
    if (!json_utf8_valid (text, len, &bad)) {
        fprintf (stderr, "kefuctl%s%s: %s: invalid UTF-8 at byte %zu (expected UTF-8 text)\n", s_sp (cmd), cmd, what, bad);
        return -1;
    }
    if (len > max_bytes) {
        fprintf (stderr, "kefuctl%s%s: %s: %zu bytes is too long (at most %zu)\n", s_sp (cmd), cmd, what, len, max_bytes);
        return -1;
    }
    return 0;
}
