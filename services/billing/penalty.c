/*  penalty — see penalty.h. */
#include "penalty.h"

#include "base/money.h"

#define FRAUD_FACTOR_MAX 1000

static int64_t s_min (int64_t a, int64_t b)
{
    return a < b ? a : b;
}

int penalty_take (int64_t amount, int64_t *reward_left, int64_t *deposit_left, penalty_split_t *split)
{
    if (amount <= 0 || *reward_left < 0 || *deposit_left < 0)
        return -1;
    split->from_reward = s_min (amount, *reward_left);
    split->from_deposit = s_min (amount - split->from_reward, *deposit_left);
    split->from_other = amount - split->from_reward - split->from_deposit;
    *reward_left -= split->from_reward;
    *deposit_left -= split->from_deposit;
    return 0;
}

bool penalty_fraud_fine (int64_t involved, int32_t factor, int64_t *fine)
{
    if (involved <= 0 || factor < 1 || factor > FRAUD_FACTOR_MAX)
        return false;
    return money_mul (involved, factor, fine);
}

int64_t penalty_deposit_short (int64_t required, int64_t held)
{
    if (required < 0 || held < 0)
        return -1;
    return held >= required ? 0 : required - held;
}
