/*  provider_states — see provider_states.h. */
#include "provider_states.h"

#include <string.h>

static const char *const s_names[PROV_STATE_COUNT] = { "settled", "noticed", "confirmed" };

const char *prov_state_name (prov_state_t state)
{
    return (int) state >= 0 && state < PROV_STATE_COUNT ? s_names[state] : NULL;
}

int prov_state_parse (const char *name)
{
    for (int i = 0; name && i < PROV_STATE_COUNT; i++)
        if (strcmp (s_names[i], name) == 0)
            return i;
    return -1;
}

int prov_transition (prov_state_t from, prov_event_t event, bool via_dealer, const char **why)
{
    if (!via_dealer) {
        *why = "head office pays this provider's reward itself: no dealer to notify";
        return -1;
    }
    if (event == PROV_NOTICE && from == PROV_SETTLED)
        return PROV_NOTICED;
    if (event == PROV_CONFIRM && from == PROV_NOTICED)
        return PROV_CONFIRMED;
    if (event == PROV_NOTICE)
        *why = "the dealer was given notice already";
    else if (from == PROV_SETTLED)
        *why = "the dealer has had no notice to pay yet";
    else
        *why = "the provider confirmed already";
    return -1;
}
