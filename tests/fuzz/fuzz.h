/*  fuzz — what the libFuzzer targets in tests/fuzz/ share (docs/testing.md,
 *  "Fuzzing"). Each target is one file tests/fuzz/<target>.c, seeded from
 *  tests/fuzz/corpus/<target>/, that includes this header and defines
 *
 *      static void fuzz_setup (void)     what it loads once (may be empty)
 *      LLVMFuzzerTestOneInput            one input (or FUZZ_TEXT_TARGET)
 *
 *  A target must not need a database or a network, and must free all it
 *  makes: libFuzzer reports a leak, like a crash, as a finding.
 */
#ifndef KEFU_FUZZ_H
#define KEFU_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "msg/schema.h"

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/*  The repository the target was built from (the Makefile passes it), so
 *  that a crash reproduces from any directory. */
#ifndef FUZZ_REPO
#define FUZZ_REPO "."
#endif

/*  A broken promise of the code under test: the message, then abort(),
 *  which libFuzzer reports as a crash with the input that caused it. */
#define FUZZ_CHECK(cond, ...)                                                  \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf (stderr, "fuzz check failed: %s: ", #cond);                \
            fprintf (stderr, __VA_ARGS__);                                     \
            fputc ('\n', stderr);                                              \
            abort ();                                                          \
        }                                                                      \
    } while (0)

/*  FUZZ_REPO "/" relative in buf. Returns buf. */
static inline const char *fuzz_repo_path (const char *relative, char *buf, size_t size)
{
    snprintf (buf, size, "%s/%s", FUZZ_REPO, relative);
    return buf;
}

/*  The repository's schemas/; abort()s when they do not load. */
static inline schema_set_t *fuzz_load_schemas (void)
{
    char dir[4096], err[512] = "";
    schema_set_t *schemas =
        schema_set_load (fuzz_repo_path ("schemas", dir, sizeof dir), err, sizeof err);
    FUZZ_CHECK (schemas, "%s", err);
    return schemas;
}

/*  The input as a NUL-terminated string (caller frees), for loaders that
 *  take text; NULL when the input holds a NUL or when out of memory. */
static inline char *fuzz_text (const unsigned char *data, size_t size)
{
    if (memchr (data, '\0', size))
        return NULL;
    char *text = malloc (size + 1);
    if (!text)
        return NULL;
    memcpy (text, data, size);
    text[size] = '\0';
    return text;
}

/*  For targets of text (YAML files): LLVMFuzzerTestOneInput hands fn(const
 *  char *) the input as a string; an input holding a NUL is skipped, as a
 *  file holding one is refused before it is parsed (yt_load_file). */
#define FUZZ_TEXT_TARGET(fn)                                                   \
    int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)              \
    {                                                                          \
        char *text = fuzz_text (data, size);                                   \
        if (text)                                                              \
            fn (text);                                                         \
        free (text);                                                           \
        return 0;                                                              \
    }

static void fuzz_setup (void);

/*  Once, before the first input: log lines are formatted (the masking code
 *  is fuzzed too) but thrown away, as a run makes millions; then the
 *  target's own set-up. */
int LLVMFuzzerInitialize (int *argc, char ***argv)
{
    (void) argc, (void) argv;
    log_init ("fuzz", "fuzz-1", LOG_DEBUG);
    FILE *null = fopen ("/dev/null", "w");
    if (null)
        log_set_stream (null);
    fuzz_setup ();
    return 0;
}

#endif
