/*  account — claim credits from claims and the accounts of a party
 *  (docs/ledger.md "Claim credits", "account.get").
 *
 *  claim.approved (claims → billing): the approved claim credits the
 *  dealer's account: a row of billing.claim_credits and a
 *  LEDGER_CLAIM_CREDIT (warranty cost ← dealer accounts), key
 *  "claim:<claim_id>", once however often the message comes.
 *
 *  account.get: a dealer's, provider's or customer's balance on every
 *  account of the chart its entries touch, from the ledger alone, over the
 *  books the caller sees.
 */
#ifndef KEFU_BILLING_ACCOUNT_H
#define KEFU_BILLING_ACCOUNT_H

#include "ledger_app.h"

bus_result_t account_on_claim_approved (void *ctx, db_t *db, const env_t *msg, char *reason, size_t reason_size);

LEDGER_REQUEST (account_rq_get);

#endif
