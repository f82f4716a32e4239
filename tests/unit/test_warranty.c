/*  warranty: each exclusion of DOMAIN.md §8, their order, the period's
 *  last day (month ends, leap years) and purchase vs installation basis
 *  (common/model/warranty.c). */
#include <stdint.h>

#include "model/warranty.h"
#include "time/tz.h"
#include "unit.h"

static int32_t s_day (int y, int m, int d)
{
    return (int32_t) tz_days_from_civil (y, m, d);
}

/*  A card bought 2026-03-15 with 12 months from purchase, no findings,
 *  serviced 2026-09-01: covered. */
static warranty_facts_t s_covered (void)
{
    return (warranty_facts_t){
        .has_card = true,
        .months = 12,
        .basis = WARRANTY_FROM_PURCHASE,
        .purchase_day = s_day (2026, 3, 15),
        .install_day = WARRANTY_NO_DATE,
        .service_day = s_day (2026, 9, 1),
    };
}

UNIT_TEST (warranty_covers_a_card_within_its_period)
{
    warranty_facts_t f = s_covered ();
    UNIT_ASSERT_INT_EQ (warranty_decide (&f), WARRANTY_COVERED);
    UNIT_ASSERT_STR_EQ (warranty_reason_name (warranty_decide (&f)), "covered");
}

UNIT_TEST (warranty_each_exclusion_alone)
{
    warranty_facts_t f = s_covered ();
    f.has_card = false;
    UNIT_ASSERT_INT_EQ (warranty_decide (&f), WARRANTY_NO_CARD);
    f = s_covered ();
    f.installed_by_unauthorised = true;
    UNIT_ASSERT_INT_EQ (warranty_decide (&f), WARRANTY_NOT_AUTHORISED_INSTALL);
    f = s_covered ();
    f.misuse_confirmed = true;
    UNIT_ASSERT_INT_EQ (warranty_decide (&f), WARRANTY_MISUSE);
    f = s_covered ();
    f.unauthorised_maintenance = true;
    UNIT_ASSERT_INT_EQ (warranty_decide (&f), WARRANTY_UNAUTHORISED_MAINTENANCE);
    f = s_covered ();
    f.force_majeure_confirmed = true;
    UNIT_ASSERT_INT_EQ (warranty_decide (&f), WARRANTY_FORCE_MAJEURE);
    f = s_covered ();
    f.purchase_day = WARRANTY_NO_DATE;
    UNIT_ASSERT_INT_EQ (warranty_decide (&f), WARRANTY_NO_START);
    f = s_covered ();
    f.service_day = s_day (2027, 3, 15);
    UNIT_ASSERT_INT_EQ (warranty_decide (&f), WARRANTY_EXPIRED);
}

UNIT_TEST (warranty_gives_the_first_exclusion_that_applies)
{
    warranty_facts_t f = s_covered ();
    f.has_card = false;
    f.installed_by_unauthorised = f.misuse_confirmed = f.unauthorised_maintenance = true;
    f.force_majeure_confirmed = true;
    f.purchase_day = WARRANTY_NO_DATE;
    UNIT_ASSERT_INT_EQ (warranty_decide (&f), WARRANTY_NO_CARD);
    f.has_card = true;
    UNIT_ASSERT_INT_EQ (warranty_decide (&f), WARRANTY_NOT_AUTHORISED_INSTALL);
    f.installed_by_unauthorised = false;
    UNIT_ASSERT_INT_EQ (warranty_decide (&f), WARRANTY_MISUSE);
    f.misuse_confirmed = false;
    UNIT_ASSERT_INT_EQ (warranty_decide (&f), WARRANTY_UNAUTHORISED_MAINTENANCE);
    f.unauthorised_maintenance = false;
    UNIT_ASSERT_INT_EQ (warranty_decide (&f), WARRANTY_FORCE_MAJEURE);
    f.force_majeure_confirmed = false;
    UNIT_ASSERT_INT_EQ (warranty_decide (&f), WARRANTY_NO_START);
    /* an expired card with a confirmed misuse: misuse is the reason */
    f = s_covered ();
    f.service_day = s_day (2030, 1, 1);
    f.misuse_confirmed = true;
    UNIT_ASSERT_INT_EQ (warranty_decide (&f), WARRANTY_MISUSE);
}

UNIT_TEST (warranty_period_ends_the_day_before_the_same_day_months_later)
{
    UNIT_ASSERT_INT_EQ (warranty_last_day (s_day (2026, 3, 15), 12), s_day (2027, 3, 14));
    UNIT_ASSERT_INT_EQ (warranty_last_day (s_day (2026, 3, 1), 1), s_day (2026, 3, 31));
    UNIT_ASSERT_INT_EQ (warranty_last_day (s_day (2026, 11, 20), 3), s_day (2027, 2, 19));
    UNIT_ASSERT_INT_EQ (warranty_last_day (s_day (2026, 1, 1), 120), s_day (2035, 12, 31));
    /* no such day in the month: the month's last day */
    UNIT_ASSERT_INT_EQ (warranty_last_day (s_day (2026, 1, 31), 1), s_day (2026, 2, 28));
    UNIT_ASSERT_INT_EQ (warranty_last_day (s_day (2026, 1, 29), 1), s_day (2026, 2, 28));
    UNIT_ASSERT_INT_EQ (warranty_last_day (s_day (2026, 1, 28), 1), s_day (2026, 2, 27));
    UNIT_ASSERT_INT_EQ (warranty_last_day (s_day (2026, 3, 31), 1), s_day (2026, 4, 30));
    UNIT_ASSERT_INT_EQ (warranty_last_day (s_day (2026, 8, 31), 6), s_day (2027, 2, 28));
    /* leap years: 2028 has a 29 February, 2100 has none, 2000 had one */
    UNIT_ASSERT_INT_EQ (warranty_last_day (s_day (2028, 1, 31), 1), s_day (2028, 2, 29));
    UNIT_ASSERT_INT_EQ (warranty_last_day (s_day (2028, 1, 29), 1), s_day (2028, 2, 28));
    UNIT_ASSERT_INT_EQ (warranty_last_day (s_day (2024, 2, 29), 12), s_day (2025, 2, 28));
    UNIT_ASSERT_INT_EQ (warranty_last_day (s_day (2024, 2, 29), 48), s_day (2028, 2, 28));
    UNIT_ASSERT_INT_EQ (warranty_last_day (s_day (2099, 2, 28), 12), s_day (2100, 2, 27));
    UNIT_ASSERT_INT_EQ (warranty_last_day (s_day (2100, 1, 31), 1), s_day (2100, 2, 28));
    UNIT_ASSERT_INT_EQ (warranty_last_day (s_day (2000, 1, 31), 1), s_day (2000, 2, 29));
    /* nothing to count from, no period, or a period out of range */
    UNIT_ASSERT_INT_EQ (warranty_last_day (WARRANTY_NO_DATE, 12), WARRANTY_NO_DATE);
    UNIT_ASSERT_INT_EQ (warranty_last_day (s_day (2026, 5, 5), 0), s_day (2026, 5, 4));
    UNIT_ASSERT_INT_EQ (warranty_last_day (s_day (2026, 5, 5), -1), WARRANTY_NO_DATE);
    UNIT_ASSERT_INT_EQ (warranty_last_day (s_day (2026, 5, 5), 1201), WARRANTY_NO_DATE);
}

UNIT_TEST (warranty_covers_up_to_and_including_the_last_day)
{
    warranty_facts_t f = s_covered ();
    f.service_day = s_day (2027, 3, 14);
    UNIT_ASSERT_INT_EQ (warranty_decide (&f), WARRANTY_COVERED);
    f.service_day = s_day (2027, 3, 15);
    UNIT_ASSERT_INT_EQ (warranty_decide (&f), WARRANTY_EXPIRED);
    f.service_day = WARRANTY_NO_DATE;
    UNIT_ASSERT_INT_EQ (warranty_decide (&f), WARRANTY_EXPIRED);
    f = s_covered ();
    f.months = 0;
    f.service_day = f.purchase_day;
    UNIT_ASSERT_INT_EQ (warranty_decide (&f), WARRANTY_EXPIRED);
    f.months = 5000;
    UNIT_ASSERT_INT_EQ (warranty_decide (&f), WARRANTY_EXPIRED);
}

UNIT_TEST (warranty_counts_from_purchase_or_installation_by_the_product)
{
    /* bought 2026-01-10, installed 2026-04-20, 12 months, serviced 2027-02-01 */
    warranty_facts_t f = s_covered ();
    f.purchase_day = s_day (2026, 1, 10);
    f.install_day = s_day (2026, 4, 20);
    f.service_day = s_day (2027, 2, 1);
    UNIT_ASSERT_INT_EQ (warranty_decide (&f), WARRANTY_EXPIRED);
    f.basis = WARRANTY_FROM_INSTALLATION;
    UNIT_ASSERT_INT_EQ (warranty_decide (&f), WARRANTY_COVERED);
    f.service_day = s_day (2027, 4, 20);
    UNIT_ASSERT_INT_EQ (warranty_decide (&f), WARRANTY_EXPIRED);
    /* counted from installation, with no install recorded: no start, even with a purchase day */
    f.install_day = WARRANTY_NO_DATE;
    f.service_day = s_day (2026, 6, 1);
    UNIT_ASSERT_INT_EQ (warranty_decide (&f), WARRANTY_NO_START);
    /* counted from purchase, the install day does not matter */
    f.basis = WARRANTY_FROM_PURCHASE;
    UNIT_ASSERT_INT_EQ (warranty_decide (&f), WARRANTY_COVERED);
}

UNIT_TEST (warranty_names_its_reasons_and_bases)
{
    static const char *const want[] = {"covered",
                                       "no_card",
                                       "not_authorised_install",
                                       "misuse",
                                       "unauthorised_maintenance",
                                       "force_majeure",
                                       "no_start",
                                       "expired"};
    for (int r = 0; r < WARRANTY_REASON_COUNT; r++)
        UNIT_ASSERT_STR_EQ (warranty_reason_name ((warranty_reason_t) r), want[r]);
    UNIT_ASSERT (warranty_reason_name (WARRANTY_REASON_COUNT) == NULL);
    UNIT_ASSERT (warranty_reason_name ((warranty_reason_t) -1) == NULL);
    warranty_basis_t b = WARRANTY_FROM_INSTALLATION;
    UNIT_ASSERT_INT_EQ (warranty_basis_parse ("purchase", &b), 0);
    UNIT_ASSERT_INT_EQ (b, WARRANTY_FROM_PURCHASE);
    UNIT_ASSERT_INT_EQ (warranty_basis_parse ("installation", &b), 0);
    UNIT_ASSERT_INT_EQ (b, WARRANTY_FROM_INSTALLATION);
    UNIT_ASSERT_INT_EQ (warranty_basis_parse ("sale", &b), -1);
    UNIT_ASSERT_INT_EQ (warranty_basis_parse (NULL, &b), -1);
}
