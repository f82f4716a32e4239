/*  a provider's quarter settlement and its one transition function
 *  (services/billing/provider_states.c): settled → noticed → confirmed, each
 *  once, and only where a dealer pays the reward. */
#include "../../services/billing/provider_states.h"
#include "unit.h"

UNIT_TEST (provider_settlement_moves_settled_noticed_confirmed_once)
{
    const char *why = NULL;
    UNIT_ASSERT_INT_EQ (prov_transition (PROV_SETTLED, PROV_NOTICE, true, &why), PROV_NOTICED);
    UNIT_ASSERT_INT_EQ (prov_transition (PROV_NOTICED, PROV_CONFIRM, true, &why), PROV_CONFIRMED);
    UNIT_ASSERT_INT_EQ (prov_transition (PROV_SETTLED, PROV_CONFIRM, true, &why), -1);
    UNIT_ASSERT_STR_EQ (why, "the dealer has had no notice to pay yet");
    UNIT_ASSERT_INT_EQ (prov_transition (PROV_NOTICED, PROV_NOTICE, true, &why), -1);
    UNIT_ASSERT_STR_EQ (why, "the dealer was given notice already");
    UNIT_ASSERT_INT_EQ (prov_transition (PROV_CONFIRMED, PROV_CONFIRM, true, &why), -1);
    UNIT_ASSERT_STR_EQ (why, "the provider confirmed already");
    UNIT_ASSERT_INT_EQ (prov_transition (PROV_SETTLED, PROV_NOTICE, false, &why), -1);
    UNIT_ASSERT_CONTAINS (why, "no dealer");
    UNIT_ASSERT_STR_EQ (prov_state_name (PROV_NOTICED), "noticed");
    UNIT_ASSERT (prov_state_name (PROV_STATE_COUNT) == NULL);
    UNIT_ASSERT_INT_EQ (prov_state_parse ("confirmed"), PROV_CONFIRMED);
    UNIT_ASSERT_INT_EQ (prov_state_parse ("open"), -1);
}
