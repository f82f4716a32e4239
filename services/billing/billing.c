/*  billing — see billing.h. docs/architecture.md, "Adding a service", says what
 *  goes here: `wire` registers the message handlers (bus_on) and prepares
 *  the statements (db_prepare_statements); each request is one row of
 *  s_requests, its body's schema in schemas/requests/<name>.v1.json.
 */
#include "billing.h"

#include <stdio.h>
#include <stdlib.h>

#include "base/log.h"
#include "billing_config.h"
#include "prices.h"

/*  What every handler gets. */
typedef struct {
    prices_set_t *prices; /* each branch's prices (billing.prices_file) */
} billing_app_t;

/*  Requests billing serves: none yet. */
static const rqe_handler_t s_requests[] = {{NULL, NULL, NULL, 0}};

static void s_unwire (void *arg)
{
    billing_app_t *app = arg;
    if (app)
        prices_destroy (&app->prices);
    free (app);
}

/*  Reads the prices file; a refused file stops start-up with its
 *  file:line: key: reason. */
static void *s_wire (svc_t *svc)
{
    const billing_config_t *bc = billing_config (svc_cfg (svc));
    billing_app_t *app = calloc (1, sizeof *app);
    if (!app)
        return NULL;
    char err[1024];
    if (!(app->prices = prices_load_file (bc->prices_file, err, sizeof err))) {
        log_kv (LOG_ERROR, "billing_prices_refused", "path", bc->prices_file, "reason", err, NULL);
        fprintf (stderr, "kefu-billing: %s\n", err);
        s_unwire (app);
        return NULL;
    }
    log_kv (LOG_INFO, "billing_prices_loaded", "path", bc->prices_file, NULL);
    return app;
}

const svc_def_t billing_service = {
    .name = "billing", .wire = s_wire, .unwire = s_unwire, .requests = s_requests};
