/*  notify_config — the notify: section of kefu.yaml (docs/configuration.md
 *  "notify"), owned by the notification library: which adapter, and its
 *  settings, as a table of keys (common/conf/conf_section.h) filling
 *  notify_config_t; and the adapter those options choose. The services
 *  that send notifications read the section (dispatch lists it in its
 *  section's `uses`).
 */
#ifndef KEFU_NOTIFY_CONFIG_H
#define KEFU_NOTIFY_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "conf/conf_section.h"
#include "conf/config.h"
#include "notify.h"

/*  notify.adapter: where SLA warnings and escalations go. */
typedef enum { NOTIFY_ADAPTER_LOG, NOTIFY_ADAPTER_FILE, NOTIFY_ADAPTER_SMTP } notify_adapter_t;

/*  notify's options, as the notify: section fills them. */
typedef struct {
    int adapter;        /* notify.adapter (notify_adapter_t): default file when notify.file is set, else log */
    char *file;         /* notify.file: JSON lines of notifications; NULL = the service log */
    struct {
        char *host;     /* notify.smtp.host (required for smtp) */
        int port;       /* notify.smtp.port, default 25 (465 with tls: smtps) */
        char *from;     /* notify.smtp.from (required for smtp) */
        char *helo;     /* notify.smtp.helo; NULL = this host's name */
        int timeout_ms; /* notify.smtp.timeout_ms, default 5000: connecting, and one whole delivery */
        char *username; /* notify.smtp.username; NULL = no AUTH */
        char *password; /* notify.smtp.password, or KEFU_SMTP_PASSWORD */
        int tls;        /* notify.smtp.tls (notify_smtp_tls_t), default starttls */
        char *ca_file;  /* notify.smtp.ca_file: PEM CAs for the relay; NULL = the system's */
        bool tls_verify; /* notify.smtp.tls_verify, default true */
    } smtp;
} notify_config_t;

extern const conf_section_t notify_config_section;

/*  The notify section of a loaded configuration (borrowed from cfg), or
 *  NULL when cfg was loaded for a service that does not read it. */
const notify_config_t *notify_config (const cfg_t *cfg);

/*  The adapter the options choose (notify.adapter: file, log or smtp).
 *  Returns NULL with a reason in err (an SMTP username without a password:
 *  KEFU_SMTP_PASSWORD is the sending service's secret, checked here rather
 *  than when the file is read, so kefuctl can check a file without it). */
notify_t *notify_new_from_config (const notify_config_t *opts, char *err, size_t errsize);

#endif
