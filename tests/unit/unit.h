/*  unit — the unit-test registry and assertions.
 *
 *      UNIT_TEST (clock_parses_offsets) { UNIT_ASSERT (x == 1); UNIT_ASSERT_STR_EQ (a, b); }
 *
 *  Each UNIT_TEST registers itself in the runner's one table at start-up;
 *  `unit-tests` runs them all, `unit-tests clock envelope` only those whose
 *  name contains one of the words. A failed assertion ends that test and is
 *  reported with file and line; the run ends with "N passed, N failed".
 */
#ifndef KEFU_UNIT_H
#define KEFU_UNIT_H

#include <stdbool.h>
#include <string.h>

typedef void (*unit_fn) (void);
void unit_register (const char *name, const char *file, unit_fn fn);
void unit_fail (const char *file, int line, const char *fmt, ...) __attribute__ ((format (printf, 3, 4)));

/*  For "bad input must be refused with this reason" tests: true when the
 *  loader refused (loaded is false) and err contains want; otherwise prints
 *  what went wrong, naming the input by `what`, and returns false. */
bool unit_refused (bool loaded, const char *what, const char *err, const char *want);

/*  `text` with the first `from` replaced by `to` (caller frees), or NULL
 *  when `from` is not in it: a variant of a valid input. */
char *unit_replace (const char *text, const char *from, const char *to);

/*  Files the tests share ------------------------------------------------ */

/*  A file of the repository found from the working directory or up to
 *  three levels above (the tests run from the top or from build/); `relative`
 *  itself when none is readable. Returns buf or relative. */
const char *unit_repo_file (const char *relative, char *buf, size_t size);
/*  A fresh directory /tmp/kefu-<what>-NNNNNN in out. Returns 0 or -1. */
int unit_temp_dir (const char *what, char *out, size_t size);
/*  Writes text to dir/name (dir NULL: name is the path). Returns 0 or -1. */
int unit_write_file (const char *dir, const char *name, const char *text);
/*  What cfg_log-like code writes to the service log between
 *  unit_log_capture() and unit_log_captured(out, size) (NUL-terminated,
 *  truncated to size); the log goes back to stderr. Return 0 or -1. */
int unit_log_capture (void);
int unit_log_captured (char *out, size_t size);

#define UNIT_TEST(name)                                                        \
    static void unit_##name (void);                                            \
    __attribute__ ((constructor)) static void unit_register_##name (void)      \
    {                                                                          \
        unit_register (#name, __FILE__, unit_##name);                          \
    }                                                                          \
    static void unit_##name (void)

#define UNIT_ASSERT(expr)                                                      \
    do {                                                                       \
        if (!(expr)) {                                                         \
            unit_fail (__FILE__, __LINE__, "%s", #expr);                       \
            return;                                                            \
        }                                                                      \
    } while (0)

#define UNIT_ASSERT_INT_EQ(a, b)                                               \
    do {                                                                       \
        long long unit_a_ = (long long) (a), unit_b_ = (long long) (b);        \
        if (unit_a_ != unit_b_) {                                              \
            unit_fail (__FILE__, __LINE__, "%s == %s: %lld != %lld", #a, #b,   \
                       unit_a_, unit_b_);                                      \
            return;                                                            \
        }                                                                      \
    } while (0)

#define UNIT_ASSERT_STR_EQ(a, b)                                               \
    do {                                                                       \
        const char *unit_a_ = (a), *unit_b_ = (b);                             \
        if (!unit_a_ || !unit_b_ || strcmp (unit_a_, unit_b_) != 0) {          \
            unit_fail (__FILE__, __LINE__, "%s == %s: \"%s\" != \"%s\"", #a,   \
                       #b, unit_a_ ? unit_a_ : "(null)",                       \
                       unit_b_ ? unit_b_ : "(null)");                          \
            return;                                                            \
        }                                                                      \
    } while (0)

/*  True when haystack contains needle (for error-message checks). */
#define UNIT_ASSERT_CONTAINS(haystack, needle)                                 \
    do {                                                                       \
        const char *unit_h_ = (haystack), *unit_n_ = (needle);                 \
        if (!unit_h_ || !strstr (unit_h_, unit_n_)) {                          \
            unit_fail (__FILE__, __LINE__, "\"%s\" does not contain \"%s\"",   \
                       unit_h_ ? unit_h_ : "(null)", unit_n_);                 \
            return;                                                            \
        }                                                                      \
    } while (0)

#endif
