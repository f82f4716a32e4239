/*  billing pricing: the prices file (services/billing/prices.c: defaults,
 *  branches, refusals with file:line: key) and the amounts computed from it
 *  (pricing.c: caps, free distance, the one rounding, the int64 edges). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../../services/billing/pricing.h"
#include "unit.h"

#define PRICES_DEFAULT                                                                                       \
    "default:\n"                                                                                             \
    "  currency: CNY\n"                                                                                      \
    "  labour_per_hour: 80.00\n"                                                                             \
    "  labour_cap_per_hour: 120.00\n"                                                                        \
    "  travel_per_km: 2.50\n"                                                                                \
    "  free_km: 10\n"                                                                                        \
    "  overrun_approval_bp: 1000\n"

UNIT_TEST (billing_prices_demo_file_loads)
{
    char path[256], err[512] = "";
    prices_set_t *set =
        prices_load_file (unit_repo_file ("deploy/demo/prices.yaml", path, sizeof path), err, sizeof err);
    UNIT_ASSERT_STR_EQ (err, "");
    UNIT_ASSERT (set);
    const prices_t *sh02 = prices_for (set, "SH02");
    UNIT_ASSERT_INT_EQ (sh02->labour_per_hour, 15000);
    UNIT_ASSERT_INT_EQ (sh02->labour_cap_per_hour, 12000);
    UNIT_ASSERT_INT_EQ (prices_for (set, "SZ01")->free_metres, 15000);
    UNIT_ASSERT_STR_EQ (prices_for (set, "XX99")->branch, "default");
    prices_destroy (&set);
}

UNIT_TEST (billing_prices_branch_takes_the_default_and_replaces_keys)
{
    char err[512] = "";
    prices_set_t *set = prices_load_string ("prices.yaml",
                                            PRICES_DEFAULT "branches:\n"
                                                           "  SH01:\n"
                                                           "    travel_per_km: 3\n"
                                                           "  HK01:\n"
                                                           "    currency: HKD\n"
                                                           "    labour_per_hour: 200\n"
                                                           "    labour_cap_per_hour: 250.5\n"
                                                           "    travel_per_km: 4.00\n"
                                                           "    free_km: 0\n"
                                                           "    overrun_approval_bp: 0\n",
                                            err, sizeof err);
    UNIT_ASSERT_STR_EQ (err, "");
    UNIT_ASSERT (set);
    const prices_t *def = prices_for (set, "BJ01");
    UNIT_ASSERT_STR_EQ (def->currency, "CNY");
    UNIT_ASSERT_INT_EQ (def->labour_per_hour, 8000);
    UNIT_ASSERT_INT_EQ (def->labour_cap_per_hour, 12000);
    UNIT_ASSERT_INT_EQ (def->travel_per_km, 250);
    UNIT_ASSERT_INT_EQ (def->free_metres, 10000);
    UNIT_ASSERT_INT_EQ (def->overrun_bp, 1000);
    const prices_t *sh = prices_for (set, "SH01");
    UNIT_ASSERT_INT_EQ (sh->travel_per_km, 300);
    UNIT_ASSERT_INT_EQ (sh->labour_per_hour, 8000);
    const prices_t *hk = prices_for (set, "HK01");
    UNIT_ASSERT_STR_EQ (hk->currency, "HKD");
    UNIT_ASSERT_INT_EQ (hk->labour_cap_per_hour, 25050);
    UNIT_ASSERT_INT_EQ (hk->free_metres, 0);
    prices_destroy (&set);
}

/*  Each bad file is refused with its line and key. */
UNIT_TEST (billing_prices_refusals_name_file_line_and_key)
{
    static const struct {
        const char *text, *want;
    } cases[] = {
        {"", "the file is empty"},
        {"branches: {}\n", "default: missing"},
        {PRICES_DEFAULT "branches:\n  SH01:\n    currency: RMB\n",
         "prices.yaml:10: branches.SH01.currency: unknown currency \"RMB\""},
        {"default:\n  currency: XYZ\n", "prices.yaml:2: default.currency: unknown currency \"XYZ\""},
        {PRICES_DEFAULT "branches:\n  SH01:\n    labour_per_hour: -5.00\n",
         "prices.yaml:10: branches.SH01.labour_per_hour: a negative amount \"-5.00\""},
        {PRICES_DEFAULT "branches:\n  SH01:\n    labour_cap_per_hour: 0\n",
         "branches.SH01.labour_cap_per_hour: zero is not allowed"},
        {PRICES_DEFAULT "branches:\n  SH01:\n    travel_per_km: 2.505\n",
         "prices.yaml:10: branches.SH01.travel_per_km: "},
        {PRICES_DEFAULT "branches:\n  SH01:\n    travel_per_km: 92233720368547758.08\n", "too large"},
        {PRICES_DEFAULT "branches:\n  SH01:\n    free_km: 1001\n", "branches.SH01.free_km"},
        {PRICES_DEFAULT "branches:\n  SH01:\n    overrun_approval_bp: -1\n",
         "branches.SH01.overrun_approval_bp"},
        {PRICES_DEFAULT "branches:\n  SH01:\n    labour_rate: 5\n", "branches.SH01.labour_rate: unknown key"},
        {PRICES_DEFAULT "branches:\n  SH01:\n    currency: HKD\n", "branches.SH01.labour_per_hour: missing"},
        {PRICES_DEFAULT "branches:\n  \"S H\":\n    free_km: 1\n", "is not a branch id"},
        {PRICES_DEFAULT "branches:\n  - SH01\n", "branches: expected a mapping"},
        {PRICES_DEFAULT "extra: 1\n", "extra: unknown key"},
        {"default:\n  currency: CNY\n", "default.labour_per_hour: missing"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char err[512] = "";
        prices_set_t *set = prices_load_string ("prices.yaml", cases[i].text, err, sizeof err);
        bool loaded = set != NULL;
        prices_destroy (&set);
        UNIT_ASSERT (unit_refused (loaded, cases[i].text, err, cases[i].want));
    }
}

static prices_t s_prices (int64_t rate, int64_t cap, int64_t per_km, int64_t free_metres)
{
    return (prices_t){.branch = "default",
                      .currency = "CNY",
                      .labour_per_hour = rate,
                      .labour_cap_per_hour = cap,
                      .travel_per_km = per_km,
                      .free_metres = free_metres,
                      .overrun_bp = 1000};
}

UNIT_TEST (billing_pricing_labour_is_capped_per_hour_and_rounded_once)
{
    char err[256] = "";
    int64_t v = -1;
    prices_t p = s_prices (8000, 12000, 250, 10000);
    UNIT_ASSERT_INT_EQ (pricing_labour (&p, 90, &v, err, sizeof err), 0);
    UNIT_ASSERT_INT_EQ (v, 12000); /* 1.5 h × 80.00 */
    p = s_prices (15000, 12000, 250, 10000);
    UNIT_ASSERT_INT_EQ (pricing_labour (&p, 90, &v, err, sizeof err), 0);
    UNIT_ASSERT_INT_EQ (v, 18000); /* the cap: 1.5 h × 120.00, not 150.00 */
    /* 7 minutes at 80.00 an hour = 933.33… fen → 933; 50 minutes at 0.99 = 82.5 → 83 */
    p = s_prices (8000, 12000, 250, 10000);
    UNIT_ASSERT_INT_EQ (pricing_labour (&p, 7, &v, err, sizeof err), 0);
    UNIT_ASSERT_INT_EQ (v, 933);
    p = s_prices (99, 12000, 250, 10000);
    UNIT_ASSERT_INT_EQ (pricing_labour (&p, 50, &v, err, sizeof err), 0);
    UNIT_ASSERT_INT_EQ (v, 83);
    UNIT_ASSERT_INT_EQ (pricing_labour (&p, 0, &v, err, sizeof err), 0);
    UNIT_ASSERT_INT_EQ (v, 0);
    v = 5;
    UNIT_ASSERT_INT_EQ (pricing_labour (&p, -1, &v, err, sizeof err), -1);
    UNIT_ASSERT_CONTAINS (err, "labour minutes -1 out of range (0 to 43200)");
    UNIT_ASSERT_INT_EQ (pricing_labour (&p, PRICING_MINUTES_MAX + 1, &v, err, sizeof err), -1);
    UNIT_ASSERT_INT_EQ (v, 5);
}

UNIT_TEST (billing_pricing_travel_counts_beyond_the_free_distance)
{
    char err[256] = "";
    int64_t v = -1;
    prices_t p = s_prices (8000, 12000, 250, 10000);
    UNIT_ASSERT_INT_EQ (pricing_travel (&p, 9999, &v, err, sizeof err), 0);
    UNIT_ASSERT_INT_EQ (v, 0);
    UNIT_ASSERT_INT_EQ (pricing_travel (&p, 10000, &v, err, sizeof err), 0);
    UNIT_ASSERT_INT_EQ (v, 0);
    UNIT_ASSERT_INT_EQ (pricing_travel (&p, 22000, &v, err, sizeof err), 0);
    UNIT_ASSERT_INT_EQ (v, 3000); /* 12 km × 2.50 */
    /* 10.002 km → 0.002 km × 2.50 = 0.5 fen → 1 (half up); 10.001 km → 0.25 → 0 */
    UNIT_ASSERT_INT_EQ (pricing_travel (&p, 10002, &v, err, sizeof err), 0);
    UNIT_ASSERT_INT_EQ (v, 1);
    UNIT_ASSERT_INT_EQ (pricing_travel (&p, 10001, &v, err, sizeof err), 0);
    UNIT_ASSERT_INT_EQ (v, 0);
    UNIT_ASSERT_INT_EQ (pricing_travel (&p, -1, &v, err, sizeof err), -1);
    UNIT_ASSERT_CONTAINS (err, "distance -1 m out of range (0 to 2000000)");
    UNIT_ASSERT_INT_EQ (pricing_travel (&p, PRICING_METRES_MAX + 1, &v, err, sizeof err), -1);
}

UNIT_TEST (billing_pricing_refuses_to_leave_int64)
{
    char err[256] = "";
    int64_t v = 7;
    UNIT_ASSERT_INT_EQ (pricing_part_line (INT64_MAX, 1, &v, err, sizeof err), 0);
    UNIT_ASSERT (v == INT64_MAX);
    UNIT_ASSERT_INT_EQ (pricing_part_line (INT64_MAX / 2 + 1, 2, &v, err, sizeof err), -1);
    UNIT_ASSERT_CONTAINS (err, "overflow");
    UNIT_ASSERT (v == INT64_MAX); /* untouched */
    UNIT_ASSERT_INT_EQ (pricing_part_line (-1, 1, &v, err, sizeof err), -1);
    UNIT_ASSERT_INT_EQ (pricing_part_line (100, 0, &v, err, sizeof err), -1);
    UNIT_ASSERT_INT_EQ (pricing_part_line (100, PRICING_QUANTITY_MAX + 1, &v, err, sizeof err), -1);
    UNIT_ASSERT_INT_EQ (pricing_part_line (1250, 3, &v, err, sizeof err), 0);
    UNIT_ASSERT_INT_EQ (v, 3750);
    prices_t p = s_prices (INT64_MAX, INT64_MAX, INT64_MAX, 0);
    UNIT_ASSERT_INT_EQ (pricing_labour (&p, 60, &v, err, sizeof err), 0);
    UNIT_ASSERT (v == INT64_MAX);
    UNIT_ASSERT_INT_EQ (pricing_labour (&p, 61, &v, err, sizeof err), -1);
    UNIT_ASSERT_CONTAINS (err, "overflow: 61 minutes");
    UNIT_ASSERT_INT_EQ (pricing_travel (&p, 1000, &v, err, sizeof err), 0);
    UNIT_ASSERT_INT_EQ (pricing_travel (&p, 1001, &v, err, sizeof err), -1);
    UNIT_ASSERT_CONTAINS (err, "overflow: 1001 m");
    int64_t total = INT64_MAX - 1;
    UNIT_ASSERT_INT_EQ (pricing_sum (&total, 1, err, sizeof err), 0);
    UNIT_ASSERT_INT_EQ (pricing_sum (&total, 1, err, sizeof err), -1);
    UNIT_ASSERT (total == INT64_MAX);
}

UNIT_TEST (billing_pricing_overrun_beyond_the_share_needs_a_new_approval)
{
    prices_t p = s_prices (8000, 12000, 250, 10000); /* 10 % */
    UNIT_ASSERT (!pricing_needs_new_approval (&p, 10000, 11000));
    UNIT_ASSERT (pricing_needs_new_approval (&p, 10000, 11001));
    UNIT_ASSERT (!pricing_needs_new_approval (&p, 10000, 9000));
    /* 10 % of 0.05 = 0.005 → 0.01 (rounded once, half up) */
    UNIT_ASSERT (!pricing_needs_new_approval (&p, 5, 6));
    UNIT_ASSERT (pricing_needs_new_approval (&p, 5, 7));
    p.overrun_bp = 0;
    UNIT_ASSERT (pricing_needs_new_approval (&p, 10000, 10001));
    UNIT_ASSERT (!pricing_needs_new_approval (&p, 0, 0));
    UNIT_ASSERT (pricing_needs_new_approval (&p, 0, 1));
    /* the allowance itself past int64: nothing exceeds it */
    p.overrun_bp = 100000;
    UNIT_ASSERT (!pricing_needs_new_approval (&p, INT64_MAX, INT64_MAX));
}

/*  The example of docs/billing.md "The prices file" loads as printed. */
UNIT_TEST (billing_prices_docs_example_loads)
{
    char path[256], err[512] = "";
    FILE *f = fopen (unit_repo_file ("docs/billing.md", path, sizeof path), "r");
    UNIT_ASSERT (f);
    static char doc[32768], yaml[4096];
    size_t n = fread (doc, 1, sizeof doc - 1, f);
    fclose (f);
    doc[n] = '\0';
    const char *start = strstr (doc, "```yaml\n");
    UNIT_ASSERT (start);
    start += strlen ("```yaml\n");
    const char *end = strstr (start, "```");
    UNIT_ASSERT (end && (size_t) (end - start) < sizeof yaml);
    snprintf (yaml, sizeof yaml, "%.*s", (int) (end - start), start);
    prices_set_t *set = prices_load_string ("docs/billing.md", yaml, err, sizeof err);
    UNIT_ASSERT_STR_EQ (err, "");
    UNIT_ASSERT (set);
    UNIT_ASSERT_INT_EQ (prices_for (set, "SH02")->labour_per_hour, 15000);
    prices_destroy (&set);
}
