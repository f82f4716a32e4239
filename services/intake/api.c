/*  api — intake's request table (see api.h): each handler reads its body
 *  into a typed struct (request.h) and hands it to the ticket desk.
 */
#include "api.h"

#include <stdio.h>
#include <string.h>

#include "auth/roles.h"
#include "request.h"
#include "screenpop.h"

#define S_NO_DESK "request: intake has no ticket desk"

/*  A valid request with no ticket desk to serve it (tests drive the table
 *  without one). */
static rpl_code_t s_no_desk (char *err, size_t errsize)
{
    snprintf (err, errsize, S_NO_DESK);
    return RPL_INTERNAL;
}

/*  ticket.submit, in group commit: the bodies read, then every valid one
 *  committed in one transaction (itk_submit_batch). */
static void s_submit (void *app, rqe_item_t *const *items, int n)
{
    itk_t *tickets = app;
    irq_submit_t rqs[RQE_BATCH];
    itk_item_t batch[RQE_BATCH];
    int idx[RQE_BATCH];
    int k = 0;
    for (int i = 0; i < n; i++) {
        rqe_item_t *it = items[i];
        if (irq_parse_submit (it->body, &rqs[i], it->err, sizeof it->err) != 0)
            it->code = RPL_INVALID;
        else if (!tickets)
            it->code = s_no_desk (it->err, sizeof it->err);
        else {
            batch[k] = (itk_item_t) { .rq = &rqs[i], .who = &it->ctx->who };
            idx[k++] = i;
        }
    }
    if (k == 0)
        return;
    itk_submit_batch (tickets, batch, k);
    for (int j = 0; j < k; j++) {
        rqe_item_t *it = items[idx[j]];
        it->code = batch[j].code;
        it->result = batch[j].result;
        if (batch[j].code != RPL_OK)
            memcpy (it->err, batch[j].err, sizeof it->err);
    }
}

static rpl_code_t s_get (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result,
                         char *err, size_t errsize)
{
    int64_t id;
    if (irq_parse_get (body, &id, err, errsize) != 0)
        return RPL_INVALID;
    return app ? itk_get (app, &ctx->who, id, result, err, errsize) : s_no_desk (err, errsize);
}

static rpl_code_t s_list (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result,
                          char *err, size_t errsize)
{
    irq_list_t filter;
    if (irq_parse_list (body, &filter, err, errsize) != 0)
        return RPL_INVALID;
    return app ? itk_list (app, &ctx->who, &filter, result, err, errsize) : s_no_desk (err, errsize);
}

static rpl_code_t s_event (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result,
                           char *err, size_t errsize)
{
    irq_event_t rq;
    if (irq_parse_event (body, ctx->who.principal, &rq, err, errsize) != 0)
        return RPL_INVALID;
    return app ? itk_event (app, &ctx->who, &rq, result, err, errsize) : s_no_desk (err, errsize);
}

/*  The look-up and screen pops (screenpop.h), reached through the desk. */
static isp_t *s_pops (void *app)
{
    return app ? itk_pops (app) : NULL;
}

static rpl_code_t s_customer_find (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result,
                                   char *err, size_t errsize)
{
    ilr_find_t q;
    if (ilr_parse_find (body, &q, err, errsize) != 0)
        return RPL_INVALID;
    return s_pops (app) ? isp_find (s_pops (app), &ctx->who, &q, result, err, errsize) : s_no_desk (err, errsize);
}

static rpl_code_t s_pop_open (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result,
                              char *err, size_t errsize)
{
    char phone_key[IPH_KEY_SIZE];
    if (ilr_parse_open (body, phone_key, sizeof phone_key, err, errsize) != 0)
        return RPL_INVALID;
    return s_pops (app) ? isp_open (s_pops (app), &ctx->who, phone_key, result, err, errsize)
                        : s_no_desk (err, errsize);
}

static rpl_code_t s_pop_get (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result,
                             char *err, size_t errsize)
{
    const char *id;
    if (ilr_parse_get (body, &id, err, errsize) != 0)
        return RPL_INVALID;
    return s_pops (app) ? isp_get (s_pops (app), &ctx->who, id, result, err, errsize) : s_no_desk (err, errsize);
}

const rqe_handler_t iapi_requests[] = {
    { "ticket.submit", NULL, s_submit, ROLES_TAKE_REQUESTS },
    { "ticket.get", s_get, NULL, ROLES_READ_TICKETS },
    { "ticket.list", s_list, NULL, ROLES_READ_TICKETS },
    { "ticket.event", s_event, NULL, ROLES_ACT_ON_TICKETS },
    { "customer.find", s_customer_find, NULL, ROLES_READ_TICKETS },
    { "screenpop.open", s_pop_open, NULL, ROLE_BIT (ROLE_AGENT) },
    { "screenpop.get", s_pop_get, NULL, ROLES_TAKE_REQUESTS },
    { NULL, NULL, NULL, 0 },
};

char *iapi_serve (const schema_set_t *schemas, itk_t *tickets, const char *payload, size_t len)
{
    return rqe_serve (schemas, iapi_requests, tickets, payload, len);
}
