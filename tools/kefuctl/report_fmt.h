/*  report_fmt — the text pieces of `kefuctl report` that need no database:
 *  report dates, durations as people read them, and RFC 4180 CSV fields.
 *  Kept apart from cmd_report.c so that unit tests can pin them down.
 */
#ifndef KEFUCTL_REPORT_FMT_H
#define KEFUCTL_REPORT_FMT_H

#include <stdint.h>
#include <stdio.h>

/*  Parses a calendar date "YYYY-MM-DD" (exactly that shape, a real day,
 *  years 1900 to 2999) into days since 1970-01-01. Returns 0 or -1. */
int rfmt_parse_date (const char *text, int64_t *days);

/*  A duration of `seconds` for people, cut to whole minutes: "45s" under a
 *  minute, "42m" under an hour, "1h 05m" under a day, "2d 03h 10m" beyond.
 *  Negative durations (bad data) are shown with a leading "-". */
void rfmt_span (int64_t seconds, char *out, size_t size);

/*  Writes one CSV field: as it is when it holds no comma, double quote, CR
 *  or LF, else in double quotes with each double quote doubled (RFC 4180).
 *  NULL is written as an empty field. */
void rfmt_csv_field (FILE *out, const char *text);

/*  Writes n fields separated by commas and ended by CRLF (RFC 4180). */
void rfmt_csv_row (FILE *out, int n, const char *const *fields);

#endif
