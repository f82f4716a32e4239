/*  money: checked arithmetic at the int64 edges, the one rounding rule
 *  (half up, ties away from zero), currencies and the decimal text form
 *  (common/base/money.c). */
#include <stdint.h>
#include <string.h>

#include "base/money.h"
#include "unit.h"

UNIT_TEST (money_currencies_are_iso_4217_with_their_minor_digits)
{
    UNIT_ASSERT (money_currency_known ("CNY"));
    UNIT_ASSERT (money_currency_known ("EUR"));
    UNIT_ASSERT (!money_currency_known ("cny"));
    UNIT_ASSERT (!money_currency_known ("CNH")); /* offshore yuan: a market name, no ISO code */
    UNIT_ASSERT (!money_currency_known ("RMB"));
    UNIT_ASSERT (!money_currency_known (""));
    UNIT_ASSERT (!money_currency_known (NULL));
    UNIT_ASSERT_INT_EQ (money_minor_digits ("CNY"), 2);
    UNIT_ASSERT_INT_EQ (money_minor_digits ("JPY"), 0);
    UNIT_ASSERT_INT_EQ (money_minor_digits ("KWD"), 3);
    UNIT_ASSERT_INT_EQ (money_minor_digits ("ABC"), -1);
}

UNIT_TEST (money_arithmetic_refuses_to_leave_int64)
{
    int64_t r = 7;
    UNIT_ASSERT (money_add (INT64_MAX - 1, 1, &r) && r == INT64_MAX);
    UNIT_ASSERT (!money_add (INT64_MAX, 1, &r));
    UNIT_ASSERT (r == INT64_MAX); /* untouched */
    UNIT_ASSERT (!money_sub (INT64_MIN, 1, &r));
    UNIT_ASSERT (money_sub (0, INT64_MAX, &r) && r == -INT64_MAX);
    UNIT_ASSERT (!money_mul (INT64_MAX / 2 + 1, 2, &r));
    UNIT_ASSERT (money_mul (-4, 5, &r) && r == -20);
}

UNIT_TEST (money_muldiv_rounds_once_half_up)
{
    int64_t r = 0;
    UNIT_ASSERT (money_muldiv (1, 1, 2, &r));
    UNIT_ASSERT_INT_EQ (r, 1); /* 0.5 → 1 */
    UNIT_ASSERT (money_muldiv (1, 1, 3, &r));
    UNIT_ASSERT_INT_EQ (r, 0); /* 0.33 → 0 */
    UNIT_ASSERT (money_muldiv (2, 1, 3, &r));
    UNIT_ASSERT_INT_EQ (r, 1); /* 0.67 → 1 */
    UNIT_ASSERT (money_muldiv (-1, 1, 2, &r));
    UNIT_ASSERT_INT_EQ (r, -1); /* -0.5 → -1: away from zero */
    /* 1,000 yuan × 1.2 (1200 thousandths) = 1,200 yuan */
    UNIT_ASSERT (money_muldiv (100000, 1200, 1000, &r));
    UNIT_ASSERT_INT_EQ (r, 120000);
    /* the product may pass int64 as long as the quotient does not */
    UNIT_ASSERT (money_muldiv (INT64_MAX, 1000, 1000, &r) && r == INT64_MAX);
    UNIT_ASSERT (money_muldiv (INT64_MIN, 3, 3, &r) && r == INT64_MIN);
    UNIT_ASSERT (!money_muldiv (INT64_MAX, 1001, 1000, &r));
    UNIT_ASSERT (!money_muldiv (INT64_MIN, 1001, 1000, &r));
    UNIT_ASSERT (!money_muldiv (5, 1, 0, &r));
    UNIT_ASSERT (!money_muldiv (5, 1, -2, &r));
}

UNIT_TEST (money_parse_reads_major_units_exactly)
{
    char err[160] = "";
    int64_t v = 0;
    UNIT_ASSERT_INT_EQ (money_parse ("12.5", "CNY", &v, err, sizeof err), 0);
    UNIT_ASSERT_INT_EQ (v, 1250);
    UNIT_ASSERT_INT_EQ (money_parse ("0.07", "CNY", &v, err, sizeof err), 0);
    UNIT_ASSERT_INT_EQ (v, 7);
    UNIT_ASSERT_INT_EQ (money_parse ("-3", "CNY", &v, err, sizeof err), 0);
    UNIT_ASSERT_INT_EQ (v, -300);
    UNIT_ASSERT_INT_EQ (money_parse ("1200", "JPY", &v, err, sizeof err), 0);
    UNIT_ASSERT_INT_EQ (v, 1200);
    UNIT_ASSERT_INT_EQ (money_parse ("92233720368547758.07", "CNY", &v, err, sizeof err), 0);
    UNIT_ASSERT (v == INT64_MAX);
    UNIT_ASSERT_INT_EQ (money_parse ("92233720368547758.08", "CNY", &v, err, sizeof err), -1);
    UNIT_ASSERT_CONTAINS (err, "too large");
    UNIT_ASSERT_INT_EQ (money_parse ("1.234", "CNY", &v, err, sizeof err), -1);
    UNIT_ASSERT_CONTAINS (err, "at most 2 digits after the point for CNY");
    UNIT_ASSERT_INT_EQ (money_parse ("1.5", "JPY", &v, err, sizeof err), -1);
    static const char *const bad[] = { "", ".5", "5.", "1e3", "1,000", " 1", "1.2.3", "--1", "+1", "abc" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        UNIT_ASSERT_INT_EQ (money_parse (bad[i], "CNY", &v, err, sizeof err), -1);
        UNIT_ASSERT_CONTAINS (err, "is not an amount");
    }
    UNIT_ASSERT_INT_EQ (money_parse ("1", "RMB", &v, err, sizeof err), -1);
    UNIT_ASSERT_CONTAINS (err, "unknown currency \"RMB\"");
}

UNIT_TEST (money_format_writes_every_minor_digit)
{
    char out[MONEY_TEXT_SIZE];
    UNIT_ASSERT_STR_EQ (money_format (1250, "CNY", out, sizeof out), "12.50");
    UNIT_ASSERT_STR_EQ (money_format (-7, "CNY", out, sizeof out), "-0.07");
    UNIT_ASSERT_STR_EQ (money_format (1200, "JPY", out, sizeof out), "1200");
    UNIT_ASSERT_STR_EQ (money_format (1, "KWD", out, sizeof out), "0.001");
    UNIT_ASSERT_STR_EQ (money_format (INT64_MIN, "CNY", out, sizeof out), "-92233720368547758.08");
    UNIT_ASSERT_STR_EQ (money_format (INT64_MAX, "CNY", out, sizeof out), "92233720368547758.07");
}
