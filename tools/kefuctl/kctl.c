/*  kctl — shared context of kefuctl's commands: global options,
 *  configuration loading, JSON output helpers (see kctl.h). */
#include "kctl.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"

void kctl_init (kctl_t *self)
{
    memset (self, 0, sizeof *self);
    self->timeout_ms = KCTL_DEFAULT_TIMEOUT_MS;
    self->retries = KCTL_DEFAULT_RETRIES;
    self->globals[0] = (args_spec_t) { "config", true, &self->config_opt, NULL };
    self->globals[1] = (args_spec_t) { "endpoint", true, &self->endpoint_opt, NULL };
    self->globals[2] = (args_spec_t) { "timeout-ms", true, &self->timeout_opt, NULL };
    self->globals[3] = (args_spec_t) { "retries", true, &self->retries_opt, NULL };
    self->globals[4] = (args_spec_t) { "json", false, NULL, &self->json };
    self->globals[5] = (args_spec_t) { "help", false, NULL, &self->help };
    self->globals[6] = (args_spec_t) { NULL, false, NULL, NULL };
}

void kctl_fini (kctl_t *self)
{
    cfg_destroy (&self->cfg);
}

int kctl_setup (kctl_t *self, const char *cmd)
{
    int64_t v;
    if (self->timeout_opt) {
        if (args_int (cmd, "--timeout-ms", self->timeout_opt, 1, 3600000, &v) != 0)
            return -1;
        self->timeout_ms = (int) v;
    }
    if (self->retries_opt) {
        if (args_int (cmd, "--retries", self->retries_opt, 0, 100, &v) != 0)
            return -1;
        self->retries = (int) v;
    }
    if (self->endpoint_opt && args_text (cmd, "--endpoint", self->endpoint_opt, 256) != 0)
        return -1;
    if (self->endpoint_opt && !strstr (self->endpoint_opt, "://")) {
        fprintf (stderr, "kefuctl %s: --endpoint: \"%s\" is not a ZeroMQ endpoint (expected e.g. tcp://127.0.0.1:7100 or ipc:///path)\n",
                 cmd, self->endpoint_opt);
        return -1;
    }
    const char *env = getenv ("KEFU_CONFIG");
    self->config_path = self->config_opt ? self->config_opt
                        : (env && *env)  ? env
                                         : KCTL_DEFAULT_CONFIG;
    char err[512] = "";
    self->cfg = cfg_load (self->config_path, err, sizeof err);
    if (!self->cfg) {
        fprintf (stderr, "kefuctl %s: configuration: %s\n", cmd, err[0] ? err : self->config_path);
        return -1;
    }
    return 0;
}

const char *kctl_endpoint (const kctl_t *self)
{
    if (self->endpoint_opt)
        return self->endpoint_opt;
    return self->cfg && self->cfg->intake_api ? self->cfg->intake_api : "tcp://127.0.0.1:7100";
}

int kctl_print_json (const cJSON *item)
{
    char *text = json_print (item);
    if (!text)
        return -1;
    puts (text);
    free (text);
    return 0;
}

char *kctl_value_text (const cJSON *item)
{
    if (!item || cJSON_IsNull (item))
        return strdup ("");
    if (cJSON_IsString (item))
        return strdup (item->valuestring ? item->valuestring : "");
    if (cJSON_IsBool (item))
        return strdup (cJSON_IsTrue (item) ? "true" : "false");
    if (cJSON_IsNumber (item)) {
        char buf[64];
        double d = item->valuedouble;
        if (json_is_integer (item))
            snprintf (buf, sizeof buf, "%lld", (long long) d);
        else if (isfinite (d))
            snprintf (buf, sizeof buf, "%g", d);
        else
            snprintf (buf, sizeof buf, "null");
        return strdup (buf);
    }
    return json_print (item);
}
