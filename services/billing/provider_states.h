/*  provider_states — a quarter's settlement and its one transition
 *  function (docs/providers.md "A reward paid through a dealer"):
 *
 *    settled ──notice──▶ noticed ──confirm──▶ confirmed
 *
 *  Only a settlement whose reward a dealer pays (ref.organisations
 *  .reward_dealer) takes the notice; head office pays the others itself.
 */
#ifndef KEFU_BILLING_PROVIDER_STATES_H
#define KEFU_BILLING_PROVIDER_STATES_H

#include <stdbool.h>

typedef enum { PROV_SETTLED = 0, PROV_NOTICED, PROV_CONFIRMED, PROV_STATE_COUNT } prov_state_t;
typedef enum { PROV_NOTICE = 0, PROV_CONFIRM } prov_event_t;

/*  "settled", "noticed", "confirmed"; NULL out of range. */
const char *prov_state_name (prov_state_t state);
/*  The state called name, or -1. */
int prov_state_parse (const char *name);

/*  The state after event, or -1 when the event is not allowed in from;
 *  *why then says why, for the refusal. */
int prov_transition (prov_state_t from, prov_event_t event, bool via_dealer, const char **why);

#endif
