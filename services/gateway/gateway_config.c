/*  gateway_config — the services.gateway section's table (gateway_config.h). */
#include "gateway_config.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ops/ops_addr.h"

#define T gateway_config_t

static const conf_key_t s_keys[] = {
    CONF_TEXT ("http", T, http, "127.0.0.1:7180", 300, .env = "KEFU_GATEWAY_HTTP"),
    CONF_PATH ("tls_cert", T, tls_cert, NULL),
    CONF_PATH ("tls_key", T, tls_key, NULL),
    CONF_INT ("connection_limit", T, connection_limit, 256, 1, 10000),
    CONF_INT ("per_ip_limit", T, per_ip_limit, 16, 1, 10000),
    CONF_INT ("connection_timeout_s", T, connection_timeout_s, 30, 1, 3600),
    CONF_INT ("request_timeout_ms", T, request_timeout_ms, 30000, 100, 600000),
    CONF_INT ("session_hours", T, session_hours, 12, 1, 720),
    CONF_INT ("body_limit", T, body_limit, 65536, 1024, 16777216),
    CONF_PATH ("console", T, console, "/usr/share/kefu/console", .env = "KEFU_CONSOLE_DIR"),
    CONF_INT ("stream_limit", T, stream_limit, 0, 0, 10000),
    CONF_TEXT ("metrics", T, metrics, NULL, OPS_ADDR_MAX, .env = "KEFU_GATEWAY_METRICS"),
    CONF_TEXT ("health", T, health, "127.0.0.1:7197", OPS_ADDR_MAX, .env = "KEFU_GATEWAY_HEALTH"),
    CONF_END,
};

int gateway_listen_parse (const char *text, char *host, size_t hostsize, int *port, char *err, size_t errsize)
{
    int rc = ops_addr_split (text, host, hostsize, port);
    if (rc == OPS_ADDR_BAD_HOST)
        snprintf (err, errsize, "\"%.60s\": \"%s\" is not a host name or an IP address", text, host);
    else if (rc != 0 || *port < 1) {
        snprintf (err, errsize, "\"%.60s\": expected host:port (127.0.0.1:7180, [::1]:7180), port 1-65535",
                  text ? text : "");
        return -1;
    }
    return rc == 0 ? 0 : -1;
}

static int s_check (void *values, yt_doc_t *doc, yt_node_t *map)
{
    T *self = values;
    char host[256], err[200];
    int port;
    if (gateway_listen_parse (self->http, host, sizeof host, &port, err, sizeof err) != 0)
        return yt_fail (doc, conf_node (map, "http"), "%s", err);
    if (self->stream_limit >= self->connection_limit)
        return yt_fail (doc, conf_node (map, "stream_limit"),
                        "stream_limit (%d) must be less than connection_limit (%d): live streams "
                        "must leave connections for requests",
                        self->stream_limit, self->connection_limit);
    if (self->stream_limit == 0) /* not set: a quarter of the connections */
        self->stream_limit = self->connection_limit / 4;
    static const char *const ops_keys[] = { "metrics", "health" };
    const char *ops_values[] = { self->metrics, self->health };
    for (int i = 0; i < 2; i++)
        if (ops_values[i] && !ops_addr_off (ops_values[i])
            && ops_addr_parse (ops_values[i], host, sizeof host, &port, err, sizeof err) != 0)
            return yt_fail (doc, conf_node (map, ops_keys[i]), "%s", err);
    if (!self->tls_cert != !self->tls_key)
        return yt_fail (doc, conf_node (map, self->tls_cert ? "tls_cert" : "tls_key"),
                        "tls_cert and tls_key go together (HTTPS needs both)");
    return 0;
}

const conf_section_t gateway_config_section = {
    .name = "services.gateway",
    .service = "gateway",
    .size = sizeof (T),
    .keys = s_keys,
    .check = s_check,
};

const gateway_config_t *gateway_config (const cfg_t *cfg)
{
    const gateway_config_t *self = cfg_section (cfg, &gateway_config_section);
    assert (self); /* the caller loaded the configuration for the gateway */
    return self;
}
