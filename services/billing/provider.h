/*  provider — service-provider settlement (docs/providers.md): the
 *  requests of billing that record a provider's months, penalties, fraud
 *  findings, media-exposure incidents and deposits, settle a quarter's
 *  reward (booking it in the ledger, penalties taken from the reward, then
 *  the deposit, then other receivables), have a dealer pay it on head
 *  office's notice, and show the statement. The rules are the providers
 *  file's (provider_rules.h); the arithmetic is reward.h and penalty.h.
 *
 *  Every request is one transaction acting for every branch: providers'
 *  money is head office's books. Who may ask is each request's row in
 *  billing.c; a regional manager acts on the providers serving their
 *  region, a provider's staff on their own.
 */
#ifndef KEFU_BILLING_PROVIDER_H
#define KEFU_BILLING_PROVIDER_H

#include "db/db.h"
#include "msg/bus.h"
#include "provider_rules.h"
#include "svc/request_endpoint.h"

typedef struct prov_s prov_t;

/*  Takes the rules (nulls *rules_p); prepares nothing (its statements are
 *  ad hoc). NULL when out of memory. */
prov_t *prov_new (db_t *db, bus_t *bus, pr_rules_t **rules_p, int topup_days);
void prov_destroy (prov_t **self_p);

/*  The requests (rqe_run_fn; app is the prov_t). */
rpl_code_t prov_month (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err, size_t errsize);
rpl_code_t prov_penalty (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err,
                         size_t errsize);
rpl_code_t prov_fraud (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err, size_t errsize);
rpl_code_t prov_incident (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err,
                          size_t errsize);
rpl_code_t prov_deposit (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err,
                         size_t errsize);
rpl_code_t prov_settle (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err,
                        size_t errsize);
rpl_code_t prov_notice (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err,
                        size_t errsize);
rpl_code_t prov_confirm (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err,
                         size_t errsize);
rpl_code_t prov_statement (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err,
                           size_t errsize);

#endif
