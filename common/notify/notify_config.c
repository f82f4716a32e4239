/*  notify_config — the notify: section's table and the adapter the options
 *  choose (see notify_config.h). Apart from the adapters so that each
 *  adapter knows only the interface, never its siblings. The keys of an
 *  adapter not chosen are refused rather than silently unused.
 */
#include "notify_config.h"

#include <stdio.h>

#include "smtp_text.h"

#define T notify_config_t

static const char *const s_adapters[] = { "log", "file", "smtp", NULL }; /* notify_adapter_t */
static const char *const s_tls[] = { "starttls", "smtps", "none", NULL };  /* notify_smtp_tls_t */

static const conf_key_t s_keys[] = {
    CONF_ENUM ("adapter", T, adapter, NOTIFY_ADAPTER_LOG, s_adapters),
    CONF_PATH ("file", T, file, NULL),
    CONF_HOST ("smtp.host", T, smtp.host, NULL, 253, .flags = CONF_REQUIRED),
    CONF_INT ("smtp.port", T, smtp.port, 25, 1, 65535),
    CONF_STRING ("smtp.from", T, smtp.from, NULL, 254, .flags = CONF_REQUIRED),
    CONF_HOST ("smtp.helo", T, smtp.helo, NULL, 255),
    CONF_INT ("smtp.timeout_ms", T, smtp.timeout_ms, 5000, 100, 60000),
    CONF_TEXT ("smtp.username", T, smtp.username, NULL, 255),
    CONF_TEXT ("smtp.password", T, smtp.password, NULL, 1024, .flags = CONF_SECRET,
               .env = "KEFU_SMTP_PASSWORD"),
    CONF_ENUM ("smtp.tls", T, smtp.tls, NOTIFY_SMTP_STARTTLS, s_tls),
    CONF_PATH ("smtp.ca_file", T, smtp.ca_file, NULL),
    CONF_BOOL ("smtp.tls_verify", T, smtp.tls_verify, 1),
    CONF_END,
};

/*  TLS: its keys only with TLS; AUTH never in clear but to loopback; 465
 *  for implicit TLS unless a port is named. */
static int s_check_tls (T *self, yt_doc_t *doc, yt_node_t *map)
{
    bool plain = self->smtp.tls == NOTIFY_SMTP_PLAIN;
    yt_node_t *verify = conf_node (map, "smtp.tls_verify");
    if (plain && (self->smtp.ca_file || verify))
        return yt_fail (doc, self->smtp.ca_file ? conf_node (map, "smtp.ca_file") : verify,
                        "only used with TLS (notify.smtp.tls is none)");
    if (!self->smtp.tls_verify && self->smtp.ca_file)
        return yt_fail (doc, conf_node (map, "smtp.ca_file"),
                        "not used when notify.smtp.tls_verify is false (no certificate is checked)");
    if (plain && self->smtp.username && self->smtp.host && !smtp_host_is_loopback (self->smtp.host))
        return yt_fail (doc, conf_node (map, "smtp.username"),
                        "AUTH over a plain connection to %s would send the password in clear: set "
                        "notify.smtp.tls to starttls or smtps (AUTH without TLS goes only to a loopback "
                        "relay: localhost, 127.0.0.1, ::1)",
                        self->smtp.host);
    if (self->smtp.tls == NOTIFY_SMTP_SMTPS && !conf_node (map, "smtp.port"))
        self->smtp.port = 465;
    return 0;
}

/*  The adapter follows notify.file unless named; an adapter's keys only
 *  with that adapter; the sender must be an address a relay accepts. */
static int s_check (void *values, yt_doc_t *doc, yt_node_t *map)
{
    T *self = values;
    if (!conf_node (map, "adapter"))
        self->adapter = self->file ? NOTIFY_ADAPTER_FILE : NOTIFY_ADAPTER_LOG;
    const char *name = s_adapters[self->adapter];
    if (self->adapter == NOTIFY_ADAPTER_FILE && !self->file)
        return yt_fail (doc, conf_node (map, "adapter"), "file needs notify.file (the path to append to)");
    if (self->adapter != NOTIFY_ADAPTER_FILE && self->file)
        return yt_fail (doc, conf_node (map, "file"), "only used by adapter: file (the adapter is %s)", name);
    yt_node_t *smtp = conf_node (map, "smtp");
    if (conf_is_empty (smtp))
        smtp = NULL;
    if (smtp && self->adapter != NOTIFY_ADAPTER_SMTP)
        return yt_fail (doc, smtp, "only used by adapter: smtp (the adapter is %s)", name);
    if (self->adapter == NOTIFY_ADAPTER_SMTP && !smtp)
        return yt_missing (doc, map, "smtp", "the relay's host and from");
    const char *problem = self->smtp.from ? smtp_address_problem (self->smtp.from) : NULL;
    if (problem)
        return yt_fail (doc, conf_node (map, "smtp.from"), "\"%s\": not a usable sender address: %s",
                        self->smtp.from, problem);
    /* a username without a password is checked when the service opens the
     * adapter (notify_new_from_config): KEFU_SMTP_PASSWORD is its secret,
     * and kefuctl reads this file without it */
    if (self->smtp.password && !self->smtp.username)
        return yt_fail (doc, conf_node (map, "smtp.password"), "a password needs notify.smtp.username");
    return s_check_tls (self, doc, map);
}

const conf_section_t notify_config_section = {
    .name = "notify",
    .service = NULL, /* a library's section: read by the services that list it in `uses` */
    .size = sizeof (T),
    .keys = s_keys,
    .check = s_check,
};

const notify_config_t *notify_config (const cfg_t *cfg)
{
    return cfg_section (cfg, &notify_config_section);
}

notify_t *notify_new_from_config (const notify_config_t *opts, char *err, size_t errsize)
{
    if (!opts) {
        snprintf (err, errsize, "notify: no configuration (the notify section was not loaded)");
        return NULL;
    }
    if (opts->adapter == NOTIFY_ADAPTER_SMTP) {
        if (opts->smtp.username && !opts->smtp.password) {
            snprintf (err, errsize,
                      "notify.smtp.username \"%s\" needs a password: set the environment variable "
                      "KEFU_SMTP_PASSWORD (or notify.smtp.password)",
                      opts->smtp.username);
            return NULL;
        }
        notify_smtp_opts_t smtp = {
            .host = opts->smtp.host,
            .port = opts->smtp.port,
            .from = opts->smtp.from,
            .helo = opts->smtp.helo,
            .timeout_ms = opts->smtp.timeout_ms,
            .username = opts->smtp.username,
            .password = opts->smtp.username ? opts->smtp.password : NULL,
            .tls = (notify_smtp_tls_t) opts->smtp.tls,
            .ca_file = opts->smtp.ca_file,
            .no_verify = !opts->smtp.tls_verify,
        };
        return notify_new_smtp (&smtp, err, errsize);
    }
    if (opts->adapter == NOTIFY_ADAPTER_FILE)
        return notify_new_file (opts->file, err, errsize);
    notify_t *self = notify_new_log ();
    if (!self)
        snprintf (err, errsize, "out of memory");
    return self;
}
