/*  notify_config — the adapter the configuration chooses (notify.h,
 *  notify_new_from_config). Apart from the adapters so that each adapter
 *  knows only the interface, never its siblings. */
#include "notify.h"

#include <stdio.h>

notify_t *notify_new_from_config (const cfg_t *cfg, char *err, size_t errsize)
{
    if (!cfg) {
        snprintf (err, errsize, "notify: no configuration");
        return NULL;
    }
    if (cfg->notify_adapter == CFG_NOTIFY_SMTP) {
        if (cfg->smtp_username && !cfg->smtp_password) {
            snprintf (err, errsize,
                      "notify.smtp.username \"%s\" needs a password: set the environment variable "
                      "KEFU_SMTP_PASSWORD (or notify.smtp.password)",
                      cfg->smtp_username);
            return NULL;
        }
        notify_smtp_opts_t opts = {
            .host = cfg->smtp_host,
            .port = cfg->smtp_port,
            .from = cfg->smtp_from,
            .helo = cfg->smtp_helo,
            .timeout_ms = cfg->smtp_timeout_ms,
            .username = cfg->smtp_username,
            .password = cfg->smtp_username ? cfg->smtp_password : NULL,
        };
        return notify_new_smtp (&opts, err, errsize);
    }
    if (cfg->notify_adapter == CFG_NOTIFY_FILE)
        return notify_new_file (cfg->notify_file, err, errsize);
    notify_t *self = notify_new_log ();
    if (!self)
        snprintf (err, errsize, "out of memory");
    return self;
}
