/*  gateway_config — the services.gateway section of kefu.yaml, owned by the
 *  gateway (docs/gateway.md "Configuration"). The table in gateway_config.c
 *  gives each key's type, default and range; the loader is
 *  common/conf/conf_section. KEFU_GATEWAY_HTTP replaces `http`,
 *  KEFU_GATEWAY_METRICS `metrics`, KEFU_GATEWAY_HEALTH `health`.
 */
#ifndef KEFU_GATEWAY_CONFIG_H
#define KEFU_GATEWAY_CONFIG_H

#include <stddef.h>

#include "conf/conf_section.h"
#include "conf/config.h"

typedef struct {
    char *http; /* "127.0.0.1:7180": where it listens (host:port, [v6]:port) */
    char *tls_cert, *tls_key; /* PEM files: HTTPS when both are set */
    int connection_limit; /* connections at once (each its own thread) */
    int per_ip_limit; /* connections at once from one client IP address */
    int connection_timeout_s; /* longest wait for a whole request (a slow client is cut) */
    int request_timeout_ms; /* longest wait for a service's reply: then 503 */
    int session_hours; /* a log-in's lifetime (session.c) */
    int body_limit; /* largest request body in bytes: larger is 413 */
    char *console; /* the web console's folder (console_files.h) */
    int stream_limit; /* live change streams at once (changes.h), fewer than connection_limit;
                         0 in the file: a quarter of connection_limit */
    char *metrics; /* the Prometheus listener (common/ops/ops.h): host:port, NULL or "off": none */
    char *health; /* /healthz and /readyz: host:port, or "off"; default 127.0.0.1:7197 */
} gateway_config_t;

extern const conf_section_t gateway_config_section;

/*  The services.gateway section of a loaded configuration (borrowed); cfg
 *  must have been loaded for the gateway: asserts otherwise. */
const gateway_config_t *gateway_config (const cfg_t *cfg);

/*  Splits "host:port" (an IPv6 host in brackets) into host and port.
 *  Returns 0, or -1 with what was expected in err. */
int gateway_listen_parse (const char *text, char *host, size_t hostsize, int *port, char *err,
                          size_t errsize);

#endif
