/*  penalty — where a provider's penalty is taken from, and a fraud
 *  finding's fine (DOMAIN.md §6; docs/providers.md "Penalties"), as pure
 *  arithmetic on minor units.
 *
 *  A penalty is taken from the reward being settled first, then from the
 *  deposit held, and what neither covers becomes an other receivable (the
 *  provider owes it). Several penalties are taken one after the other, in
 *  the order they were recorded, each from what the earlier ones left.
 */
#ifndef KEFU_BILLING_PENALTY_H
#define KEFU_BILLING_PENALTY_H

#include <stdbool.h>
#include <stdint.h>

typedef struct {
    int64_t from_reward;  /* taken from the reward of the settlement */
    int64_t from_deposit; /* from the deposit held */
    int64_t from_other;   /* left for other receivables */
} penalty_split_t;

/*  Takes amount (> 0) from *reward_left, then *deposit_left (both ≥ 0),
 *  lowering them by what it took; the rest goes to other receivables.
 *  Returns 0, or -1 (nothing changed) on an amount ≤ 0 or a negative
 *  balance. */
int penalty_take (int64_t amount, int64_t *reward_left, int64_t *deposit_left, penalty_split_t *split);

/*  A fraud finding's fine: the amount involved (> 0) × factor (1..1000).
 *  False on bad input or overflow. */
bool penalty_fraud_fine (int64_t involved, int32_t factor, int64_t *fine);

/*  How much a deposit held falls short of the one required (0 when it
 *  does not); -1 on a negative input. */
int64_t penalty_deposit_short (int64_t required, int64_t held);

#endif
