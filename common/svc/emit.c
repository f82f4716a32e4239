/*  emit — see emit.h. */
#include "emit.h"

#include <assert.h>

#include "base/log.h"
#include "msg/envelope.h"

int svc_emit (bus_t *bus, db_t *db, const char *type, int version, const char *branch,
              const char *correlation_id, cJSON **body_p)
{
    assert (bus && db && type && body_p && version >= 1);
    env_t *msg = env_new (type, branch, correlation_id, body_p);
    cJSON_Delete (*body_p); /* only left when env_new failed */
    *body_p = NULL;
    if (!msg) {
        log_kv (LOG_ERROR, "emit_failed", "type", type, "reason", "cannot make the envelope", NULL);
        return -1;
    }
    msg->version = version;
    return bus_emit (bus, db, &msg); /* takes msg on every path */
}
