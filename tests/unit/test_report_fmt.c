/*  test_report_fmt — the text pieces of `kefuctl report`
 *  (tools/kefuctl/report_fmt.h): report dates, readable durations and RFC
 *  4180 CSV fields. The report itself is tested end to end in
 *  tests/e2e/test_report.py. */
#include <stdio.h>
#include <stdlib.h>

#include "unit.h"

#include "../../tools/kefuctl/report_fmt.h"
#include "time/tz.h"

UNIT_TEST (report_fmt_parses_real_dates_only)
{
    int64_t d = 0;
    UNIT_ASSERT_INT_EQ (rfmt_parse_date ("2026-11-01", &d), 0);
    UNIT_ASSERT_INT_EQ (d, tz_days_from_civil (2026, 11, 1));
    UNIT_ASSERT_INT_EQ (rfmt_parse_date ("1970-01-01", &d), 0);
    UNIT_ASSERT_INT_EQ (d, 0);
    UNIT_ASSERT_INT_EQ (rfmt_parse_date ("2028-02-29", &d), 0); /* leap year */
    UNIT_ASSERT_INT_EQ (rfmt_parse_date ("1900-01-01", &d), 0);
    UNIT_ASSERT_INT_EQ (rfmt_parse_date ("2999-12-31", &d), 0);
    static const char *const bad[] = {
        "2026-02-29", "2026-11-31", "2026-13-01", "2026-00-10",       "2026-01-00",    "2026-1-01",
        "2026-01-1",  "26-01-01",   "2026/01/01", "2026-01-01T00:00", " 2026-01-01",   "+026-01-01",
        "1899-12-31", "3000-01-01", "",           "2026-01-0x",       "２０２６-01-01"
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (rfmt_parse_date (bad[i], &d) == 0) {
            unit_fail (__FILE__, __LINE__, "\"%s\" was taken as a date", bad[i]);
            return;
        }
}

UNIT_TEST (report_fmt_shows_durations_for_people)
{
    char buf[48];
    struct {
        int64_t s;
        const char *want;
    } cases[] = { { 0, "0s" },
                  { 45, "45s" },
                  { 59, "59s" },
                  { 60, "1m" },
                  { 119, "1m" },
                  { 2400, "40m" },
                  { 3599, "59m" },
                  { 3600, "1h 00m" },
                  { 3900, "1h 05m" },
                  { 72090, "20h 01m" },
                  { 86399, "23h 59m" },
                  { 86400, "1d 00h 00m" },
                  { 94500, "1d 02h 15m" },
                  { 40 * 86400 + 3 * 3600 + 7 * 60, "40d 03h 07m" },
                  { -90, "-1m" } };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        rfmt_span (cases[i].s, buf, sizeof buf);
        UNIT_ASSERT_STR_EQ (buf, cases[i].want);
    }
}

/*  What rfmt_csv_row writes for the fields (static buffer). */
static const char *s_csv (int n, const char *const *fields)
{
    static char out[512];
    FILE *f = tmpfile ();
    if (!f)
        return NULL;
    rfmt_csv_row (f, n, fields);
    rewind (f);
    size_t len = fread (out, 1, sizeof out - 1, f);
    out[len] = '\0';
    fclose (f);
    return out;
}

UNIT_TEST (report_fmt_writes_rfc_4180_csv)
{
    const char *plain[] = { "SH01", "上海徐汇服务站", "first_response", "62.5", "" };
    UNIT_ASSERT_STR_EQ (s_csv (5, plain), "SH01,上海徐汇服务站,first_response,62.5,\r\n");
    const char *quoted[] = { "a,b", "say \"hi\"", "two\nlines", "cr\r", NULL, "\"" };
    UNIT_ASSERT_STR_EQ (s_csv (6, quoted),
                        "\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\"cr\r\",,\"\"\"\"\r\n");
    const char *one[] = { "x" };
    UNIT_ASSERT_STR_EQ (s_csv (1, one), "x\r\n");
}
