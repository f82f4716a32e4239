/*  log — structured logging, one JSON object per line on stderr.
 *
 *  Every line carries: ts (UTC ISO-8601 with ms, from the real clock), level,
 *  service, instance, event, and whatever key/value fields the caller adds.
 *  Formatting is skipped entirely below the configured level.
 *
 *  Customer data never reaches a log in full: fields whose key is "phone",
 *  "contact" or "mobile" are masked to the first 3 and last 4 digits
 *  (138****5678); fields whose key is "address" keep only the first 6
 *  characters (UTF-8 aware) followed by "…". Callers pass raw values; the
 *  masking is done here so it cannot be forgotten.
 */
#ifndef KEFU_LOG_H
#define KEFU_LOG_H

#include <stdbool.h>
#include <stddef.h>

typedef enum { LOG_DEBUG = 0, LOG_INFO = 1, LOG_WARN = 2, LOG_ERROR = 3 } log_level_t;

/*  Sets the service and instance names stamped on every line and the
 *  minimum level. Safe to call again (tests do). */
void log_init (const char *service, const char *instance, log_level_t level);

/*  Parses "debug", "info", "warn", "error". Returns 0 and sets *out, or -1. */
int log_level_parse (const char *text, log_level_t *out);

/*  True when a line at this level would be written. */
bool log_enabled (log_level_t level);

/*  Writes one line. `event` is a short snake_case name ("ticket_created").
 *  The variadic part is NULL-terminated key, value pairs of const char *:
 *      log_kv (LOG_INFO, "ticket_created", "ticket_id", id, "branch", b, NULL);
 *  A NULL value is written as JSON null.
 *
 *  No key appears twice on a line: a caller key that the line already has
 *  (one of the fixed keys ts, level, service, instance, event, or an
 *  earlier caller key) is written with "_2" appended ("_3" when that is
 *  taken too, and so on): "event" passed by a caller becomes "event_2".
 *  Give the field its own name instead ("ticket_event"). At most 31 caller
 *  fields are written; the rest are counted in "fields_left_out". */
void log_kv (log_level_t level, const char *event, ...);

/*  The same with the pairs in an array: pairs[2 * i] is a key,
 *  pairs[2 * i + 1] its value, for n_pairs pairs (a line built from a
 *  table, such as a configuration section's values). */
void log_kv_array (log_level_t level, const char *event, const char *const *pairs, size_t n_pairs);

/*  Convenience: one free-text "msg" field formatted printf-style. */
void log_msg (log_level_t level, const char *event, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));

/*  Masking helpers (also used by kefuctl tables). Write at most `size`
 *  bytes including the terminator into `out`; return `out`. */
char *log_mask_phone (const char *phone, char *out, size_t size);
char *log_mask_address (const char *address, char *out, size_t size);

/*  Redirects output (tests). NULL restores stderr. Not thread-safe. */
#include <stdio.h>
void log_set_stream (FILE *stream);

#endif
