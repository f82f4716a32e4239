/*  Unit tests for the money reference data of the organisation file
 *  (common/ref/org_money.c): the parts list with exact costs, products'
 *  warranty_from, warranty cards' installation, organisations' contract
 *  money and dates, and lots; each key read, and each kind of bad input
 *  refused with file:line: key: reason. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ref/org.h"
#include "unit.h"

/*  A small organisation with four slots: extra keys of the product (line
 *  7), of the warranty card (line 15), of the provider V1 (line 18), and
 *  the sections from line 19 on. */
static const char *s_format =
    "tiers: [city]\n" /* 1 */
    "regions:\n" /* 2 */
    "  - {id: R1, name: 区一, tier: city}\n" /* 3 */
    "branches:\n" /* 4 */
    "  - {id: B1, name: 站一, region: R1, timezone: Asia/Shanghai, hours: {mon: [\"08:00-18:00\"]}}\n" /* 5 */
    "products:\n" /* 6 */
    "  - {code: P1, name: 产品, line: ac%s}\n" /* 7 */
    "customers:\n" /* 8 */
    "  - id: C1\n" /* 9 */
    "    name: 客户\n" /* 10 */
    "    phone: \"13800000000\"\n" /* 11 */
    "    address: 地址\n" /* 12 */
    "    region: R1\n" /* 13 */
    "    cards:\n" /* 14 */
    "      - {card_no: W1, product: P1, serial: S1, purchase_date: \"2025-03-01\"%s}\n" /* 15 */
    "organisations:\n" /* 16 */
    "  - {id: D1, name: 经销商, kind: dealer, regions: [R1], contract: HT-1, account: \"6222\"}\n" /* 17 */
    "  - {id: V1, name: 服务商, kind: provider, regions: [R1], contract: HT-2, account: \"6223\"%s}\n" /* 18
                                                                                                        */
    "%s";

static const char *s_product = ", warranty_from: installation";
static const char *s_card = ", install_date: \"2025-03-05\", installed_by: V1";
static const char *s_provider =
    ", contract_base: \"80000.00\", currency: CNY, deposit: \"5000.00\", "
    "contract_start: \"2026-01-01\", contract_end: \"2026-12-31\", reward_dealer: D1";
static const char *s_tail =
    "parts:\n" /* 19 */
    "  - {code: PCB-01, name: 主板, cost: \"12.50\", currency: CNY}\n" /* 20 */
    "  - {code: FAN.2, name: 风扇, cost: 80}\n" /* 21 */
    "lots:\n" /* 22 */
    "  - {lot: L-2026-01, product: P1, quantity: 1000, ship_date: \"2026-01-15\", dealer: D1}\n"; /* 23 */

/*  The organisation with the given slots (NULL: the default). */
static org_t *s_load (const char *product, const char *card, const char *provider, const char *tail,
                      char *err, size_t errsize)
{
    static char text[8192];
    snprintf (text, sizeof text, s_format, product ? product : s_product, card ? card : s_card,
              provider ? provider : s_provider, tail ? tail : s_tail);
    return org_load_string ("org.yaml", text, err, errsize);
}

/*  Refused with an error containing `expected`. */
static bool s_refused (const char *product, const char *card, const char *provider, const char *tail,
                       const char *expected)
{
    char err[512] = "";
    org_t *org = s_load (product, card, provider, tail, err, sizeof err);
    bool loaded = org != NULL;
    org_destroy (&org);
    return unit_refused (loaded, expected, err, expected);
}

/*  A variant of the organisation (the slots of s_load) and what its
 *  refusal must contain. */
typedef struct {
    const char *product, *card, *provider, *tail, *want;
} money_case_t;

static bool s_all_refused (const money_case_t *cases, size_t n)
{
    bool ok = true;
    for (size_t i = 0; i < n; i++)
        ok = s_refused (cases[i].product, cases[i].card, cases[i].provider, cases[i].tail, cases[i].want)
             && ok;
    return ok;
}

#define PART(text) "parts:\n  - " text "\n"
#define LOT(text) "lots:\n  - " text "\n"

UNIT_TEST (org_money_keys_load)
{
    char err[512] = "";
    org_t *org = s_load (NULL, NULL, NULL, NULL, err, sizeof err);
    if (!org)
        printf ("    %s\n", err);
    UNIT_ASSERT (org);
    UNIT_ASSERT_INT_EQ (org->products[0].warranty_from, ORG_WARRANTY_FROM_INSTALLATION);
    const org_card_t *w = &org->customers[0].cards[0];
    UNIT_ASSERT_STR_EQ (w->install_date, "2025-03-05");
    UNIT_ASSERT_STR_EQ (w->installed_by, "V1");
    UNIT_ASSERT (!w->install_unauthorised);
    const org_partner_t *d = &org->partners[0], *v = &org->partners[1];
    UNIT_ASSERT (v->has_contract_base);
    UNIT_ASSERT_INT_EQ (v->contract_base, 8000000);
    UNIT_ASSERT_INT_EQ (v->deposit, 500000);
    UNIT_ASSERT_STR_EQ (v->currency, "CNY");
    UNIT_ASSERT_STR_EQ (v->contract_start, "2026-01-01");
    UNIT_ASSERT_STR_EQ (v->contract_end, "2026-12-31");
    UNIT_ASSERT_STR_EQ (v->reward_dealer, "D1");
    /* Defaults of an organisation without contract keys. */
    UNIT_ASSERT (!d->has_contract_base);
    UNIT_ASSERT_INT_EQ (d->deposit, 0);
    UNIT_ASSERT_STR_EQ (d->currency, "CNY");
    UNIT_ASSERT (d->contract_start == NULL && d->reward_dealer == NULL);
    UNIT_ASSERT_INT_EQ (org->n_parts, 2);
    UNIT_ASSERT_STR_EQ (org->parts[0].code, "PCB-01");
    UNIT_ASSERT_STR_EQ (org->parts[0].name, "主板");
    UNIT_ASSERT_INT_EQ (org->parts[0].cost, 1250);
    UNIT_ASSERT_STR_EQ (org->parts[1].currency, "CNY"); /* the default */
    UNIT_ASSERT_INT_EQ (org->parts[1].cost, 8000);
    UNIT_ASSERT_INT_EQ (org->n_lots, 1);
    UNIT_ASSERT_STR_EQ (org->lots[0].lot, "L-2026-01");
    UNIT_ASSERT_STR_EQ (org->lots[0].product, "P1");
    UNIT_ASSERT_INT_EQ (org->lots[0].quantity, 1000);
    UNIT_ASSERT_STR_EQ (org->lots[0].ship_date, "2026-01-15");
    UNIT_ASSERT_STR_EQ (org->lots[0].dealer, "D1");
    org_destroy (&org);
}

UNIT_TEST (org_money_defaults_and_other_currencies)
{
    char err[512] = "";
    org_t *org = s_load ("", ", install_unauthorised: true", "",
                         "parts:\n"
                         "  - {code: X1, name: 螺丝, cost: \"1500\", currency: JPY}\n"
                         "  - {code: X2, name: 阀门, cost: 0.125, currency: KWD}\n"
                         "  - {code: X3, name: 垫片, cost: \"0.07\"}\n",
                         err, sizeof err);
    if (!org)
        printf ("    %s\n", err);
    UNIT_ASSERT (org);
    UNIT_ASSERT_INT_EQ (org->products[0].warranty_from, ORG_WARRANTY_FROM_PURCHASE);
    const org_card_t *w = &org->customers[0].cards[0];
    UNIT_ASSERT (w->install_unauthorised && w->installed_by == NULL && w->install_date == NULL);
    UNIT_ASSERT (!org->partners[1].has_contract_base);
    UNIT_ASSERT_INT_EQ (org->parts[0].cost, 1500);
    UNIT_ASSERT_STR_EQ (org->parts[0].currency, "JPY");
    UNIT_ASSERT_INT_EQ (org->parts[1].cost, 125);
    UNIT_ASSERT_INT_EQ (org->parts[2].cost, 7);
    UNIT_ASSERT_INT_EQ (org->n_lots, 0);
    org_destroy (&org);
    /* Largest cost that fits: int64 fen. */
    org = s_load (NULL, NULL, NULL, PART ("{code: BIG, name: 大件, cost: \"92233720368547758.07\"}"), err,
                  sizeof err);
    UNIT_ASSERT (org);
    UNIT_ASSERT_INT_EQ (org->parts[0].cost, INT64_MAX);
    org_destroy (&org);
}

UNIT_TEST (org_money_refuses_bad_input)
{
    static const money_case_t cases[] = {
        /* the parts list */
        {NULL, NULL, NULL, PART ("{code: P9, name: 件, cost: \"1.00\", currency: XYZ}"),
         "org.yaml:20: parts[0].currency: unknown currency \"XYZ\" (expected an ISO 4217 code"},
        {NULL, NULL, NULL, PART ("{code: P9, name: 件, cost: \"1.00\", currency: cny}"),
         "org.yaml:20: parts[0].currency: unknown currency \"cny\""},
        {NULL, NULL, NULL, PART ("{code: P9, name: 件, cost: \"-1.00\"}"),
         "org.yaml:20: parts[0].cost: \"-1.00\" is negative (expected an amount of 0 or more"},
        {NULL, NULL, NULL, PART ("{code: P9, name: 件, cost: \"1.005\"}"),
         "org.yaml:20: parts[0].cost: \"1.005\": at most 2 digits after the point for CNY"},
        {NULL, NULL, NULL, PART ("{code: P9, name: 件, cost: \"12,50\"}"),
         "org.yaml:20: parts[0].cost: \"12,50\" is not an amount"},
        {NULL, NULL, NULL, PART ("{code: P9, name: 件, cost: 1e3}"),
         "org.yaml:20: parts[0].cost: \"1e3\" is not an amount"},
        {NULL, NULL, NULL, PART ("{code: P9, name: 件, cost: \"92233720368547758.08\"}"),
         "org.yaml:20: parts[0].cost: "},
        {NULL, NULL, NULL, PART ("{code: P9, name: 件, cost: \"1\", currency: JPY, colour: red}"),
         "org.yaml:20: parts[0].colour: unknown key"},
        {NULL, NULL, NULL, PART ("{code: P9, name: 件}"),
         "org.yaml:20: parts[0].cost: missing (required key)"},
        {NULL, NULL, NULL, PART ("{code: \"P 9\", name: 件, cost: \"1\"}"),
         "org.yaml:20: parts[0].code: \"P 9\" is not a code (1 to 64 of A-Z a-z 0-9 _ . -)"},
        {NULL, NULL, NULL, PART ("{code: P9, name: \"\", cost: \"1\"}"),
         "org.yaml:20: parts[0].name: must not be empty"},
        {NULL, NULL, NULL,
         "parts:\n - {code: P9, name: 件, cost: \"1\"}\n - {code: P9, name: 件二, cost: \"2\"}\n",
         "org.yaml:21: parts[1].code: duplicate part code \"P9\" (first at line 20)"},
        {NULL, NULL, NULL, "parts: {code: P9}\n", "org.yaml:19: parts: expected a list"},
        /* lots */
        {NULL, NULL, NULL, LOT ("{lot: L1, product: P2, quantity: 5, ship_date: \"2026-01-15\", dealer: D1}"),
         "org.yaml:20: lots[0].product: unknown product \"P2\" (expected one of: P1)"},
        {NULL, NULL, NULL, LOT ("{lot: L1, product: P1, quantity: 5, ship_date: \"2026-01-15\", dealer: V1}"),
         "org.yaml:20: lots[0].dealer: organisation V1 is a provider; a lot's dealer must be a dealer"},
        {NULL, NULL, NULL, LOT ("{lot: L1, product: P1, quantity: 5, ship_date: \"2026-01-15\", dealer: D9}"),
         "org.yaml:20: lots[0].dealer: unknown organisation \"D9\" (expected one of: D1, V1)"},
        {NULL, NULL, NULL, LOT ("{lot: L1, product: P1, quantity: 0, ship_date: \"2026-01-15\", dealer: D1}"),
         "org.yaml:20: lots[0].quantity: must be an integer from 1 to 2147483647"},
        {NULL, NULL, NULL, LOT ("{lot: L1, product: P1, quantity: 5, ship_date: \"2026-02-30\", dealer: D1}"),
         "org.yaml:20: lots[0].ship_date: \"2026-02-30\" is not a calendar date"},
        {NULL, NULL, NULL, LOT ("{lot: L1, product: P1, quantity: 5, dealer: D1}"),
         "org.yaml:20: lots[0].ship_date: missing (required key)"},
        {NULL, NULL, NULL,
         "lots:\n - {lot: L1, product: P1, quantity: 5, ship_date: \"2026-01-15\", dealer: D1}\n - {lot: L1, "
         "product: P1, quantity: 6, ship_date: \"2026-01-16\", dealer: D1}\n",
         "org.yaml:21: lots[1].lot: duplicate lot \"L1\" (first at line 20)"},
        /* products and warranty cards */
        {", warranty_from: delivery", NULL, NULL, NULL,
         "org.yaml:7: products[0].warranty_from: \"delivery\" is not one of: purchase, installation"},
        {NULL, ", installed_by: V1, install_unauthorised: true", NULL, NULL,
         "org.yaml:15: customers[0].cards[0].install_unauthorised: an unauthorised installation has no "
         "installed_by"},
        {NULL, ", installed_by: X1", NULL, NULL,
         "org.yaml:15: customers[0].cards[0].installed_by: unknown organisation \"X1\" (expected one of: D1, "
         "V1)"},
        {NULL, ", install_date: \"2025-02-28\"", NULL, NULL,
         "org.yaml:15: customers[0].cards[0].install_date: 2025-02-28 is before the purchase date "
         "2025-03-01"},
        {NULL, ", install_date: \"2025-13-01\"", NULL, NULL,
         "org.yaml:15: customers[0].cards[0].install_date: \"2025-13-01\" is not a calendar date"},
        {NULL, ", install_unauthorised: maybe", NULL, NULL,
         "org.yaml:15: customers[0].cards[0].install_unauthorised: must be true or false"},
        /* organisations' contracts */
        {NULL, NULL, ", contract_base: \"-80000.00\"", NULL,
         "org.yaml:18: organisations[1].contract_base: \"-80000.00\" is negative"},
        {NULL, NULL, ", deposit: \"5000.001\"", NULL,
         "org.yaml:18: organisations[1].deposit: \"5000.001\": at most 2 digits after the point"},
        {NULL, NULL, ", currency: RMB", NULL,
         "org.yaml:18: organisations[1].currency: unknown currency \"RMB\""},
        {NULL, NULL, ", contract_start: \"2026-01-01\"", NULL,
         "org.yaml:18: organisations[1].contract_start: contract_start and contract_end go together"},
        {NULL, NULL, ", contract_start: \"2026-01-01\", contract_end: \"2025-12-31\"", NULL,
         "org.yaml:18: organisations[1].contract_end: 2025-12-31 is before contract_start 2026-01-01"},
        {NULL, NULL, ", reward_dealer: V1", NULL,
         "org.yaml:18: organisations[1].reward_dealer: organisation V1 is a provider; reward_dealer must be "
         "a dealer"},
        {NULL, NULL, ", reward_dealer: D7", NULL,
         "org.yaml:18: organisations[1].reward_dealer: unknown organisation \"D7\""},
        {NULL, NULL, ", rewards: D1", NULL, "org.yaml:18: organisations[1].rewards: unknown key"},
    };
    UNIT_ASSERT (s_all_refused (cases, sizeof cases / sizeof *cases));
    /* A dealer may install too. */
    char err[512] = "";
    org_t *org = s_load (NULL, ", installed_by: D1", NULL, NULL, err, sizeof err);
    UNIT_ASSERT (org);
    org_destroy (&org);
}

/*  reward_dealer only on providers, and only a dealer of one of the
 *  provider's regions. */
UNIT_TEST (org_money_reward_dealer_rules)
{
    char text[8192], err[512] = "";
    snprintf (text, sizeof text, s_format, "", "", "", s_tail);
    char *bad = unit_replace (text, "account: \"6222\"}", "account: \"6222\", reward_dealer: D1}");
    UNIT_ASSERT (bad);
    org_t *org = org_load_string ("org.yaml", bad, err, sizeof err);
    free (bad);
    UNIT_ASSERT (org == NULL);
    UNIT_ASSERT_CONTAINS (err,
                          "org.yaml:17: organisations[0].reward_dealer: only a provider's reward is paid "
                          "through a dealer; D1 is a dealer");
    /* The provider serves R2 only: D1 (R1) does not serve its region. */
    char *two = unit_replace (text, "tier: city}\n", "tier: city}\n  - {id: R2, name: 区二, tier: city}\n");
    char *moved = unit_replace (two, "provider, regions: [R1]", "provider, regions: [R2]");
    bad = unit_replace (moved, "account: \"6223\"}", "account: \"6223\", reward_dealer: D1}");
    free (two);
    free (moved);
    UNIT_ASSERT (bad);
    org = org_load_string ("org.yaml", bad, err, sizeof err);
    free (bad);
    UNIT_ASSERT (org == NULL);
    UNIT_ASSERT_CONTAINS (err,
                          "org.yaml:19: organisations[1].reward_dealer: dealer D1 serves none of the regions "
                          "provider V1 serves");
}

/*  The demo's money data, which `make run` and the other services' demos
 *  rely on: P-JS's contract, the parts the demo's done reports name, the
 *  installed product line, installed cards and a lot of 1000. */
UNIT_TEST (org_money_demo_data)
{
    char path[512], err[512] = "";
    org_t *org = org_load (unit_repo_file ("deploy/demo/org.yaml", path, sizeof path), err, sizeof err);
    if (!org)
        printf ("    %s\n", err);
    UNIT_ASSERT (org);
    const org_partner_t *pjs = NULL;
    for (int i = 0; i < org->n_partners; i++)
        if (strcmp (org->partners[i].id, "P-JS") == 0)
            pjs = &org->partners[i];
    UNIT_ASSERT (pjs && pjs->has_contract_base);
    UNIT_ASSERT_INT_EQ (pjs->contract_base, 8000000);
    UNIT_ASSERT_INT_EQ (pjs->deposit, 500000);
    UNIT_ASSERT_STR_EQ (pjs->contract_start, "2026-01-01");
    UNIT_ASSERT_STR_EQ (pjs->contract_end, "2026-12-31");
    UNIT_ASSERT_STR_EQ (pjs->reward_dealer, "D-JS");
    UNIT_ASSERT (org->n_parts >= 6 && org->n_parts <= 10);
    bool cap = false, pipe = false, big_lot = false, by_pjs = false, from_install = false;
    for (int i = 0; i < org->n_parts; i++) {
        UNIT_ASSERT_STR_EQ (org->parts[i].currency, "CNY");
        cap |= strcmp (org->parts[i].code, "CAP-35UF") == 0 && org->parts[i].cost == 1850;
        pipe |= strcmp (org->parts[i].code, "PIPE-6MM") == 0;
    }
    for (int i = 0; i < org->n_lots; i++)
        big_lot |= org->lots[i].quantity == 1000;
    for (int i = 0; i < org->n_products; i++)
        from_install |= org->products[i].warranty_from == ORG_WARRANTY_FROM_INSTALLATION;
    int installed = 0;
    for (int i = 0; i < org->n_customers; i++)
        for (int k = 0; k < org->customers[i].n_cards; k++) {
            const org_card_t *w = &org->customers[i].cards[k];
            installed += w->install_date != NULL;
            by_pjs |= w->installed_by && strcmp (w->installed_by, "P-JS") == 0;
        }
    UNIT_ASSERT (cap && pipe && big_lot && by_pjs && from_install);
    UNIT_ASSERT (installed >= 2 && installed <= 3);
    org_destroy (&org);
}
