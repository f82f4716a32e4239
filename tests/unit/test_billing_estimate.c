/*  billing estimates: the lines of a diagnosis priced and decided warranty
 *  or chargeable (services/billing/estimate_calc.c), and the estimate's
 *  state table against its SQL CHECK (estimate_states.c, 0030). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../services/billing/estimate_calc.h"
#include "../../services/billing/estimate_states.h"
#include "../../services/billing/settlement_states.h"
#include "time/tz.h"
#include "unit.h"

static const prices_t s_prices = {.branch = "default",
                                  .currency = "CNY",
                                  .labour_per_hour = 8000,
                                  .labour_cap_per_hour = 12000,
                                  .travel_per_km = 250,
                                  .free_metres = 10000,
                                  .overrun_bp = 1000};

static warranty_facts_t s_facts (bool has_card)
{
    return (warranty_facts_t){.has_card = has_card,
                              .months = 12,
                              .basis = WARRANTY_FROM_PURCHASE,
                              .purchase_day = (int32_t) tz_days_from_civil (2026, 3, 15),
                              .install_day = WARRANTY_NO_DATE,
                              .service_day = (int32_t) tz_days_from_civil (2026, 9, 1)};
}

static const est_part_t s_parts[] = {{"PUMP-01", "circulation pump", 12550, 1}, {"SEAL-02", "seal", 333, 3}};

UNIT_TEST (billing_estimate_chargeable_lines_sum_to_the_total)
{
    warranty_facts_t f = s_facts (false);
    est_result_t r;
    char err[256] = "";
    UNIT_ASSERT_INT_EQ (estimate_calc (&s_prices, &f, s_parts, 2, 95, 23400, &r, err, sizeof err), 0);
    UNIT_ASSERT (!r.warranty);
    UNIT_ASSERT_INT_EQ (r.reason, WARRANTY_NO_CARD);
    UNIT_ASSERT_INT_EQ (r.n, 4);
    UNIT_ASSERT_INT_EQ (r.lines[0].amount, 12550);
    UNIT_ASSERT_INT_EQ (r.lines[1].amount, 999);
    UNIT_ASSERT_INT_EQ (r.lines[2].kind, EST_LINE_LABOUR);
    UNIT_ASSERT_INT_EQ (r.lines[2].amount, 12667); /* 95 min × 80.00 / 60 = 126.666… → 126.67 */
    UNIT_ASSERT_INT_EQ (r.lines[3].kind, EST_LINE_TRAVEL);
    UNIT_ASSERT_INT_EQ (r.lines[3].quantity, 13400);
    UNIT_ASSERT_INT_EQ (r.lines[3].amount, 3350); /* 13.4 km × 2.50 */
    UNIT_ASSERT_INT_EQ (r.total, 12550 + 999 + 12667 + 3350);
    UNIT_ASSERT_INT_EQ (r.warranty_total, 0);
    for (int i = 0; i < r.n; i++)
        UNIT_ASSERT (!r.lines[i].warranty && r.lines[i].reason == WARRANTY_NO_CARD);
}

UNIT_TEST (billing_estimate_warranty_lines_cost_the_customer_nothing)
{
    warranty_facts_t f = s_facts (true);
    est_result_t r;
    char err[256] = "";
    UNIT_ASSERT_INT_EQ (estimate_calc (&s_prices, &f, s_parts, 1, 60, 5000, &r, err, sizeof err), 0);
    UNIT_ASSERT (r.warranty);
    UNIT_ASSERT_INT_EQ (r.n, 2); /* no travel line within the free distance */
    UNIT_ASSERT_INT_EQ (r.total, 0);
    UNIT_ASSERT_INT_EQ (r.warranty_total, 12550 + 8000);
    UNIT_ASSERT_STR_EQ (warranty_reason_name (r.lines[1].reason), "covered");
    /* a confirmed misuse makes the same work chargeable */
    f.misuse_confirmed = true;
    UNIT_ASSERT_INT_EQ (estimate_calc (&s_prices, &f, s_parts, 1, 60, 5000, &r, err, sizeof err), 0);
    UNIT_ASSERT_INT_EQ (r.total, 12550 + 8000);
    UNIT_ASSERT_STR_EQ (warranty_reason_name (r.lines[0].reason), "misuse");
}

UNIT_TEST (billing_estimate_refuses_ranges_and_overflow_naming_the_field)
{
    warranty_facts_t f = s_facts (false);
    est_result_t r;
    r.n = 77;
    char err[256] = "";
    UNIT_ASSERT_INT_EQ (estimate_calc (&s_prices, &f, s_parts, 2, -1, 0, &r, err, sizeof err), -1);
    UNIT_ASSERT_CONTAINS (err, "labour_minutes: labour minutes -1 out of range");
    UNIT_ASSERT_INT_EQ (
        estimate_calc (&s_prices, &f, s_parts, 2, 0, PRICING_METRES_MAX + 1, &r, err, sizeof err), -1);
    UNIT_ASSERT_CONTAINS (err, "distance_m: distance 2000001 m out of range");
    est_part_t huge[] = {{"GOLD", "gold part", INT64_MAX / 2, 1}, {"GOLD2", "gold part", INT64_MAX / 2, 2}};
    UNIT_ASSERT_INT_EQ (estimate_calc (&s_prices, &f, huge, 2, 0, 0, &r, err, sizeof err), -1);
    UNIT_ASSERT_CONTAINS (err, "parts[1] (GOLD2): overflow");
    huge[1].quantity = 1;
    huge[1].cost = INT64_MAX / 2 + 2;
    UNIT_ASSERT_INT_EQ (estimate_calc (&s_prices, &f, huge, 2, 0, 0, &r, err, sizeof err), -1);
    UNIT_ASSERT_CONTAINS (err, "parts[1] (GOLD2): overflow: the total");
    UNIT_ASSERT_INT_EQ (r.n, 77); /* untouched */
}

/*  The list "status IN ('a', 'b', …)" after `after` in migration `file`
 *  names exactly `names`, in order (the CHECK may wrap over lines). */
static void s_check_is (const char *file, const char *after, const char *const *names)
{
    char path[256];
    FILE *f = fopen (unit_repo_file (file, path, sizeof path), "r");
    UNIT_ASSERT (f);
    static char text[16384];
    size_t n = fread (text, 1, sizeof text - 1, f);
    fclose (f);
    text[n] = '\0';
    const char *from = strstr (text, after);
    const char *check = from ? strstr (from, "status IN (") : NULL;
    UNIT_ASSERT (check);
    char want[256] = "status IN (";
    for (int i = 0; names[i]; i++) {
        size_t len = strlen (want);
        snprintf (want + len, sizeof want - len, "%s'%s'", i ? ", " : "", names[i]);
    }
    /* compare without the spaces between */
    char a[256], b[256];
    size_t ia = 0, ib = 0;
    for (const char *p = want; *p; p++)
        if (*p != ' ')
            a[ia++] = *p;
    a[ia] = '\0';
    const char *end = strchr (check, ')');
    for (const char *p = check; p && p < end && ib < sizeof b - 1; p++)
        if (*p != ' ' && *p != '\n')
            b[ib++] = *p;
    b[ib] = '\0';
    UNIT_ASSERT_STR_EQ (b, a);
}

UNIT_TEST (billing_estimate_states_are_the_sql_check)
{
    s_check_is ("schemas/sql/0030_estimates.sql", "CREATE TABLE billing.estimates", estimate_state_names);
    const states_t *s = &estimate_states;
    UNIT_ASSERT (states_can_move (s, EST_AWAITING_FINDING, EST_FREE));
    UNIT_ASSERT (states_can_move (s, EST_AWAITING_APPROVAL, EST_APPROVED));
    UNIT_ASSERT (!states_can_move (s, EST_FREE, EST_APPROVED));
    UNIT_ASSERT (!states_can_move (s, EST_APPROVED, EST_AWAITING_APPROVAL));
}

UNIT_TEST (billing_settlement_and_dispute_states_are_the_sql_checks)
{
    s_check_is ("schemas/sql/0036_settlements.sql", "CREATE TABLE billing.settlements", settlement_state_names);
    s_check_is ("schemas/sql/0036_settlements.sql", "CREATE TABLE billing.disputes", dispute_state_names);
    const states_t *s = &settlement_states;
    UNIT_ASSERT (states_can_move (s, STL_PRICED, STL_OPEN));
    UNIT_ASSERT (states_can_move (s, STL_AWAITING_APPROVAL, STL_PRICED));
    UNIT_ASSERT (states_can_move (s, STL_AWAITING_APPROVAL, STL_OPEN));
    UNIT_ASSERT (states_can_move (s, STL_OPEN, STL_DISPUTED));
    UNIT_ASSERT (states_can_move (s, STL_DISPUTED, STL_OPEN));
    UNIT_ASSERT (states_can_move (s, STL_OPEN, STL_ACCEPTED));
    /* not accepted while disputed or before the work is accepted; never reopened */
    UNIT_ASSERT (!states_can_move (s, STL_DISPUTED, STL_ACCEPTED));
    UNIT_ASSERT (!states_can_move (s, STL_PRICED, STL_ACCEPTED));
    UNIT_ASSERT (!states_can_move (s, STL_ACCEPTED, STL_OPEN));
    UNIT_ASSERT (states_can_move (&dispute_states, DSP_OPEN, DSP_DECIDED));
    UNIT_ASSERT (!states_can_move (&dispute_states, DSP_DECIDED, DSP_OPEN));
}
