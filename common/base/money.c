/*  money — see money.h. */
#include "money.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*  The active ISO 4217 codes, sorted (bsearch), with their minor digits. */
typedef struct {
    char code[MONEY_CODE_SIZE];
    int digits;
} s_currency_t;

static const s_currency_t s_currencies[] = {
    { "AED", 2 }, { "AFN", 2 }, { "ALL", 2 }, { "AMD", 2 }, { "ANG", 2 }, { "AOA", 2 }, { "ARS", 2 },
    { "AUD", 2 }, { "AWG", 2 }, { "AZN", 2 }, { "BAM", 2 }, { "BBD", 2 }, { "BDT", 2 }, { "BGN", 2 },
    { "BHD", 3 }, { "BIF", 0 }, { "BMD", 2 }, { "BND", 2 }, { "BOB", 2 }, { "BRL", 2 }, { "BSD", 2 },
    { "BTN", 2 }, { "BWP", 2 }, { "BYN", 2 }, { "BZD", 2 }, { "CAD", 2 }, { "CDF", 2 }, { "CHF", 2 },
    { "CLP", 0 }, { "CNY", 2 }, { "COP", 2 }, { "CRC", 2 }, { "CUP", 2 }, { "CVE", 2 }, { "CZK", 2 },
    { "DJF", 0 }, { "DKK", 2 }, { "DOP", 2 }, { "DZD", 2 }, { "EGP", 2 }, { "ERN", 2 }, { "ETB", 2 },
    { "EUR", 2 }, { "FJD", 2 }, { "FKP", 2 }, { "GBP", 2 }, { "GEL", 2 }, { "GHS", 2 }, { "GIP", 2 },
    { "GMD", 2 }, { "GNF", 0 }, { "GTQ", 2 }, { "GYD", 2 }, { "HKD", 2 }, { "HNL", 2 }, { "HTG", 2 },
    { "HUF", 2 }, { "IDR", 2 }, { "ILS", 2 }, { "INR", 2 }, { "IQD", 3 }, { "IRR", 2 }, { "ISK", 0 },
    { "JMD", 2 }, { "JOD", 3 }, { "JPY", 0 }, { "KES", 2 }, { "KGS", 2 }, { "KHR", 2 }, { "KMF", 0 },
    { "KPW", 2 }, { "KRW", 0 }, { "KWD", 3 }, { "KYD", 2 }, { "KZT", 2 }, { "LAK", 2 }, { "LBP", 2 },
    { "LKR", 2 }, { "LRD", 2 }, { "LSL", 2 }, { "LYD", 3 }, { "MAD", 2 }, { "MDL", 2 }, { "MGA", 2 },
    { "MKD", 2 }, { "MMK", 2 }, { "MNT", 2 }, { "MOP", 2 }, { "MRU", 2 }, { "MUR", 2 }, { "MVR", 2 },
    { "MWK", 2 }, { "MXN", 2 }, { "MYR", 2 }, { "MZN", 2 }, { "NAD", 2 }, { "NGN", 2 }, { "NIO", 2 },
    { "NOK", 2 }, { "NPR", 2 }, { "NZD", 2 }, { "OMR", 3 }, { "PAB", 2 }, { "PEN", 2 }, { "PGK", 2 },
    { "PHP", 2 }, { "PKR", 2 }, { "PLN", 2 }, { "PYG", 0 }, { "QAR", 2 }, { "RON", 2 }, { "RSD", 2 },
    { "RUB", 2 }, { "RWF", 0 }, { "SAR", 2 }, { "SBD", 2 }, { "SCR", 2 }, { "SDG", 2 }, { "SEK", 2 },
    { "SGD", 2 }, { "SHP", 2 }, { "SLE", 2 }, { "SOS", 2 }, { "SRD", 2 }, { "SSP", 2 }, { "STN", 2 },
    { "SVC", 2 }, { "SYP", 2 }, { "SZL", 2 }, { "THB", 2 }, { "TJS", 2 }, { "TMT", 2 }, { "TND", 3 },
    { "TOP", 2 }, { "TRY", 2 }, { "TTD", 2 }, { "TWD", 2 }, { "TZS", 2 }, { "UAH", 2 }, { "UGX", 0 },
    { "USD", 2 }, { "UYU", 2 }, { "UZS", 2 }, { "VES", 2 }, { "VND", 0 }, { "VUV", 0 }, { "WST", 2 },
    { "XAF", 0 }, { "XCD", 2 }, { "XCG", 2 }, { "XOF", 0 }, { "XPF", 0 }, { "YER", 2 }, { "ZAR", 2 },
    { "ZMW", 2 }, { "ZWG", 2 },
};

static int s_compare (const void *key, const void *item)
{
    return strcmp ((const char *) key, ((const s_currency_t *) item)->code);
}

static const s_currency_t *s_find (const char *code)
{
    if (!code || strlen (code) != 3)
        return NULL;
    return bsearch (code, s_currencies, sizeof s_currencies / sizeof s_currencies[0], sizeof s_currencies[0],
                    s_compare);
}

bool money_currency_known (const char *code)
{
    return s_find (code) != NULL;
}

int money_minor_digits (const char *code)
{
    const s_currency_t *c = s_find (code);
    return c ? c->digits : -1;
}

bool money_add (int64_t a, int64_t b, int64_t *out)
{
    int64_t r;
    if (__builtin_add_overflow (a, b, &r))
        return false;
    *out = r;
    return true;
}

bool money_sub (int64_t a, int64_t b, int64_t *out)
{
    int64_t r;
    if (__builtin_sub_overflow (a, b, &r))
        return false;
    *out = r;
    return true;
}

bool money_mul (int64_t a, int64_t b, int64_t *out)
{
    int64_t r;
    if (__builtin_mul_overflow (a, b, &r))
        return false;
    *out = r;
    return true;
}

bool money_muldiv (int64_t a, int64_t num, int64_t den, int64_t *out)
{
    if (den <= 0)
        return false;
    __int128 p = (__int128) a * num; /* |a × num| < 2^126: exact */
    bool negative = p < 0;
    unsigned __int128 m = negative ? (unsigned __int128) (-(p + 1)) + 1 : (unsigned __int128) p;
    unsigned __int128 q = m / (unsigned __int128) den, r = m % (unsigned __int128) den;
    if (r * 2 >= (unsigned __int128) den) /* half up: a tie goes away from zero */
        q++;
    if (!negative && q > (unsigned __int128) INT64_MAX)
        return false;
    if (negative && q > (unsigned __int128) INT64_MAX + 1)
        return false;
    *out = negative ? (int64_t) (-(__int128) q) : (int64_t) q;
    return true;
}

int money_parse (const char *text, const char *currency, int64_t *out, char *err, size_t errsize)
{
    int digits = money_minor_digits (currency);
    if (digits < 0) {
        snprintf (err, errsize, "unknown currency \"%s\" (expected an ISO 4217 code such as CNY)",
                  currency ? currency : "");
        return -1;
    }
    const char *p = text ? text : "";
    bool negative = *p == '-';
    if (negative)
        p++;
    int64_t v = 0;
    int whole = 0, frac = -1;
    for (; *p; p++) {
        if (*p == '.' && frac < 0) {
            frac = 0;
            continue;
        }
        if (*p < '0' || *p > '9')
            goto bad;
        if (frac >= 0 && ++frac > digits) {
            snprintf (err, errsize, "\"%s\": at most %d digit%s after the point for %s", text, digits,
                      digits == 1 ? "" : "s", currency);
            return -1;
        }
        if (frac < 0)
            whole++;
        if (!money_mul (v, 10, &v) || !money_add (v, *p - '0', &v))
            goto range;
    }
    if (whole == 0 || frac == 0)
        goto bad;
    for (int i = frac < 0 ? 0 : frac; i < digits; i++)
        if (!money_mul (v, 10, &v))
            goto range;
    *out = negative ? -v : v;
    return 0;
bad:
    snprintf (err, errsize, "\"%s\" is not an amount (expected digits with an optional point, as 12.50)",
              text ? text : "");
    return -1;
range:
    snprintf (err, errsize, "\"%s\" is too large an amount", text);
    return -1;
}

char *money_format (int64_t minor, const char *currency, char *out, size_t size)
{
    int digits = money_minor_digits (currency);
    if (digits < 0)
        digits = 2;
    uint64_t m = minor < 0 ? (uint64_t) (-(minor + 1)) + 1 : (uint64_t) minor;
    uint64_t scale = 1;
    for (int i = 0; i < digits; i++)
        scale *= 10;
    int n = snprintf (out, size, "%s%llu", minor < 0 ? "-" : "", (unsigned long long) (m / scale));
    if (digits > 0 && n > 0 && (size_t) n < size) {
        char frac[8]; /* digits ≤ 3 */
        uint64_t rest = m % scale;
        for (int i = digits - 1; i >= 0; i--, rest /= 10)
            frac[i] = (char) ('0' + rest % 10);
        frac[digits] = '\0';
        snprintf (out + n, size - (size_t) n, ".%s", frac);
    }
    return out;
}
