/*  report_fmt — dates, durations and CSV fields of `kefuctl report` (see
 *  report_fmt.h). */
#include "report_fmt.h"

#include <inttypes.h>
#include <string.h>

#include "time/tz.h"

int rfmt_parse_date (const char *text, int64_t *days)
{
    /* exactly "dddd-dd-dd": no sign, no blanks, no time part */
    static const char shape[] = "9999-99-99";
    if (strlen (text) != sizeof shape - 1)
        return -1;
    for (size_t i = 0; shape[i]; i++)
        if (shape[i] == '9' ? (text[i] < '0' || text[i] > '9') : text[i] != shape[i])
            return -1;
    int year = (text[0] - '0') * 1000 + (text[1] - '0') * 100 + (text[2] - '0') * 10 + (text[3] - '0');
    int month = (text[5] - '0') * 10 + (text[6] - '0');
    int day = (text[8] - '0') * 10 + (text[9] - '0');
    if (year < 1900 || year > 2999 || month < 1 || month > 12 || day < 1 || day > 31)
        return -1;
    /* a day past the month's end (02-30) comes back as another date */
    int64_t d = tz_days_from_civil (year, month, day);
    int y2, m2, d2;
    tz_civil_from_days (d, &y2, &m2, &d2);
    if (y2 != year || m2 != month || d2 != day)
        return -1;
    *days = d;
    return 0;
}

void rfmt_span (int64_t seconds, char *out, size_t size)
{
    const char *sign = seconds < 0 ? "-" : "";
    int64_t s = seconds < 0 ? -seconds : seconds;
    int64_t m = s / 60;
    if (s < 60)
        snprintf (out, size, "%s%" PRId64 "s", sign, s);
    else if (m < 60)
        snprintf (out, size, "%s%" PRId64 "m", sign, m);
    else if (m < 24 * 60)
        snprintf (out, size, "%s%" PRId64 "h %02" PRId64 "m", sign, m / 60, m % 60);
    else
        snprintf (out, size, "%s%" PRId64 "d %02" PRId64 "h %02" PRId64 "m", sign, m / (24 * 60), m / 60 % 24,
                  m % 60);
}

void rfmt_csv_field (FILE *out, const char *text)
{
    if (!text)
        return;
    if (!strpbrk (text, ",\"\r\n")) {
        fputs (text, out);
        return;
    }
    fputc ('"', out);
    for (const char *p = text; *p; p++) {
        if (*p == '"')
            fputc ('"', out);
        fputc (*p, out);
    }
    fputc ('"', out);
}

void rfmt_csv_row (FILE *out, int n, const char *const *fields)
{
    for (int i = 0; i < n; i++) {
        if (i > 0)
            fputc (',', out);
        rfmt_csv_field (out, fields[i]);
    }
    fputs ("\r\n", out);
}
