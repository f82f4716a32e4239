/*  args — the small command-line parser kefuctl's commands share.
 *
 *  Options are "--name VALUE", "--name=VALUE" or, for flags, "--name".
 *  Anything not starting with "--" is a positional argument; "--" ends the
 *  options. Every problem is reported on stderr as one specific line naming
 *  the command, the option and what was expected; callers then exit 2.
 */
#ifndef KEFUCTL_ARGS_H
#define KEFUCTL_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    const char *name;      /* without the leading "--" */
    bool has_value;        /* true: takes a value; false: a flag */
    const char **value;    /* where the value goes (has_value) */
    bool *flag;            /* set true when present (flags; optional for values) */
} args_spec_t;

/*  Parses argv[0..argc) against one or more spec tables (a NULL-terminated
 *  list of arrays, each ended by an entry with name NULL). Positional
 *  arguments are stored (borrowed) in pos, at most max_pos of them; their
 *  count goes to *n_pos. An option given twice, an unknown option, a missing
 *  value or too many positionals is an error. Returns 0, or -1 after
 *  printing "kefuctl <cmd>: <reason>" to stderr. */
int args_parse (const char *cmd, const args_spec_t *const *specs, int argc, char **argv,
                const char **pos, int max_pos, int *n_pos);

/*  Parses a decimal integer in [min, max] (no sign for min >= 0, no
 *  blanks, no trailing characters). Returns 0, or -1 after printing
 *  "kefuctl <cmd>: <what>: <reason>" to stderr (what: "--limit", "ticket id"). */
int args_int (const char *cmd, const char *what, const char *text, int64_t min, int64_t max,
              int64_t *out);

/*  Checks that text is one of the NULL-terminated choices. Returns the index,
 *  or -1 after printing "... <what>: "x" is not one of a, b, c". */
int args_enum (const char *cmd, const char *what, const char *text, const char *const *choices);

/*  Checks that text is non-empty valid UTF-8 of at most max_bytes bytes.
 *  Returns 0, or -1 after printing the reason. */
int args_text (const char *cmd, const char *what, const char *text, size_t max_bytes);

#endif
