/*  provider_private — what the provider modules share (provider.c,
 *  provider_records.c, deposit.c, provider_settle.c, statement.c): the
 *  object, a provider's contract as ref.organisations holds it, a
 *  quarter's computed figures, and the checks every provider request
 *  makes. Not for other modules: they use provider.h.
 */
#ifndef KEFU_BILLING_PROVIDER_PRIVATE_H
#define KEFU_BILLING_PROVIDER_PRIVATE_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/money.h"
#include "db/db.h"
#include "msg/bus.h"
#include "provider.h"
#include "provider_rules.h"
#include "reward.h"
#include "svc/request_endpoint.h"

struct prov_s {
    db_t *db;
    bus_t *bus;
    pr_rules_t *rules;
    int topup_days; /* billing.deposit_topup_days */
};

/*  A provider's contract (ref.organisations, 0026). */
typedef struct {
    char id[65];
    char currency[MONEY_CODE_SIZE];
    bool has_base;
    int64_t base;    /* yearly, minor units */
    int64_t deposit; /* required */
    reward_date_t start, end;
    char dealer[65]; /* "" when head office pays the reward itself */
    char branch[65]; /* the provider's first branch: its zone, its SLA subjects */
    char zone[64];
} prov_contract_t;

/*  A quarter "2026Q4". */
typedef struct {
    int year, q;
} prov_quarter_t;

/*  A quarter's figures, computed (statement) or as settled. */
typedef struct {
    prov_quarter_t quarter;
    int months;                /* of the quarter, covered by the contract */
    bool covered[3];
    int32_t scores[3];         /* hundredths; -1 not scored */
    int32_t average;
    grade_band_t grade;
    bool eligible;
    char reason[400];          /* why not eligible */
    int64_t recorded, satisfied; /* callbacks of the quarter */
    int64_t reward;
    bool settled;
} prov_calc_t;

/*  A request's refusal inside a transaction (svc_request_tx's refused code). */
typedef struct prov_tx_s prov_tx_t;
struct prov_tx_s {
    prov_t *self;
    const rqe_ctx_t *ctx;
    const cJSON *body;
    int (*step) (prov_tx_t *t); /* the request's work: 0, or -1 (refused or db) */
    rpl_code_t code;            /* RPL_OK until refused */
    char *err;
    size_t errsize;
    cJSON *result;              /* the reply's result, set by step */
};

#define PROV_FAIL(t, why, ...) rpl_refuse (&(t)->code, (t)->err, (t)->errsize, (why), __VA_ARGS__)

/*  Runs step as the request's one transaction (again from the start when
 *  the database retries it), acting for every branch (head office's
 *  books), and answers with the result it set. */
rpl_code_t prov_run (prov_t *self, const rqe_ctx_t *ctx, const cJSON *body, int (*step) (prov_tx_t *t),
                     const char *what, cJSON **result, char *err, size_t errsize);

/*  Reads body.provider's contract and checks the caller may act on it: a
 *  regional manager for a provider serving a region of theirs, provider
 *  staff for their own organisation, others (head office, finance) for
 *  any. Returns 0, or -1 with t's refusal set (or the database's). */
int prov_contract (prov_tx_t *t, prov_contract_t *c);

/*  Parses body.quarter ("2026Q4") or body.month ("2026-11") into q.
 *  Returns 0 or -1 (refused). */
int prov_quarter_of (prov_tx_t *t, prov_quarter_t *q);

/*  A money field of body (an integer of minor units, > 0) in the
 *  contract's currency (body.currency must match). Returns 0 or -1. */
int prov_amount (prov_tx_t *t, const prov_contract_t *c, const char *field, int64_t *amount);

/*  The quarter's figures (provider_settle.c): from its settlement when
 *  settled, else computed now. Returns 0 or -1 (refused or db). */
int prov_calc (prov_tx_t *t, const prov_contract_t *c, prov_quarter_t q, prov_calc_t *calc);

/*  The statement of a quarter (statement.c); month 0 for all its months,
 *  1..12 for one. Returns the document (caller deletes) or NULL with t's
 *  refusal set. */
cJSON *prov_statement_doc (prov_tx_t *t, const prov_contract_t *c, prov_quarter_t q, int month);

/*  The deposit (deposit.c): *held and *id of the provider's deposit row (0
 *  and 0 when none yet), locked for the transaction. Returns 0 or -1. */
int prov_deposit_lock (prov_tx_t *t, const prov_contract_t *c, int64_t *held, int64_t *id, bool *short_now);
/*  Sets the deposit held to `held` after a movement (kind, amount, ref),
 *  moving its state to short (with the top-up deadline) or ok, and telling
 *  dispatch (sla.subject) when the state changes. Returns 0 or -1. */
int prov_deposit_move (prov_tx_t *t, const prov_contract_t *c, const char *kind, int64_t amount, int64_t held,
                       const char *ref);

/*  Posts a ledger entry of head office's books for the provider; refused
 *  entries fail the transaction (internal). Returns 0 or -1. */
int prov_post (prov_tx_t *t, const char *key, int kind, int debit, int credit, int64_t amount,
               const char *currency, const char *party, const char *ref);

/*  Runs sql with $1 the provider, $2 the quarter's year, $3 its number
 *  (1..4) and $4 extra (may be NULL). The result (caller clears) or NULL
 *  (db_error says why). */
PGresult *prov_exec_quarter (prov_tx_t *t, const char *provider, prov_quarter_t q, const char *extra, const char *sql);

/*  "2026-11-02T08:00:00.000000Z" of now in out. */
const char *prov_now (char *out, size_t size);

#endif
