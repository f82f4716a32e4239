/*  money — amounts as whole minor units (fen for CNY) in an int64_t, with
 *  an ISO 4217 currency code; never floating point (DESIGN.md "Inputs and
 *  errors"; docs/billing.md "Money").
 *
 *  Every operation is checked: one that would leave the int64 range says
 *  so (false) instead of wrapping. Rounding happens in one place,
 *  money_muldiv: a product divided by a whole number, rounded once, half
 *  up (a tie goes away from zero: 0.5 fen → 1 fen, -0.5 fen → -1 fen).
 */
#ifndef KEFU_MONEY_H
#define KEFU_MONEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*  A currency code's length with its NUL. */
#define MONEY_CODE_SIZE 4
/*  The longest text money_format writes, with its NUL
 *  ("-92233720368547758.08"). */
#define MONEY_TEXT_SIZE 32

/*  True when `code` is an active ISO 4217 code ("CNY"; upper case). */
bool money_currency_known (const char *code);

/*  The number of minor-unit digits of a known currency (CNY 2, JPY 0,
 *  KWD 3); -1 when the code is unknown. */
int money_minor_digits (const char *code);

/*  *out = a + b, a - b, a × b. False (and *out untouched) on overflow. */
bool money_add (int64_t a, int64_t b, int64_t *out);
bool money_sub (int64_t a, int64_t b, int64_t *out);
bool money_mul (int64_t a, int64_t b, int64_t *out);

/*  *out = a × num ÷ den, rounded once, half up (ties away from zero).
 *  The product is exact (128 bits). False on den ≤ 0 or when the result
 *  leaves the int64 range. */
bool money_muldiv (int64_t a, int64_t num, int64_t den, int64_t *out);

/*  Parses a decimal amount in the currency's major unit ("12.5", "-3",
 *  "0.07" for CNY) into minor units. At most the currency's minor digits
 *  after the point; no exponent, no spaces, no thousands separators.
 *  Returns 0, or -1 with the reason in err. */
int money_parse (const char *text, const char *currency, int64_t *out, char *err, size_t errsize);

/*  Writes `minor` in the currency's major unit with all its minor digits
 *  ("12.50", "-0.07", "1200" for JPY). Returns out. */
char *money_format (int64_t minor, const char *currency, char *out, size_t size);

#endif
