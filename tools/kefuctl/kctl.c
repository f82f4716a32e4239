/*  kctl — shared context of kefuctl's commands: global options,
 *  configuration loading, JSON output helpers (see kctl.h). */
#include "kctl.h"
#include "token_file.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"

static int s_check_endpoint (const kctl_t *self, const char *cmd);

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
    memset (self->token, 0, sizeof self->token);
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
    if (self->endpoint_opt && s_check_endpoint (self, cmd) != 0)
        return -1;
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
    /* admin commands use the operator's database role, not a token */
    if (strncmp (cmd, "admin", 5) != 0 && token_file_load (cmd, self->token, sizeof self->token) != 0)
        return -1;
    return 0;
}

/*  --endpoint: checked by the configuration's own rule for KEFU_INTAKE_API
 *  (one rule for both), then refused when it cannot be connected to. */
static int s_check_endpoint (const kctl_t *self, const char *cmd)
{
    const char *ep = self->endpoint_opt;
    const char *expected = "expected e.g. tcp://127.0.0.1:7100 or ipc:///run/kefu/intake.sock";
    if (args_text (cmd, "--endpoint", ep, 256) != 0)
        return -1;
    const char *saved = getenv ("KEFU_INTAKE_API");
    char *old = saved ? strdup (saved) : NULL;
    if (saved && !old)
        return -1;
    setenv ("KEFU_INTAKE_API", ep, 1);
    char err[512] = "";
    cfg_t *probe = cfg_load_string ("--endpoint", "{}\n", err, sizeof err);
    if (old)
        setenv ("KEFU_INTAKE_API", old, 1);
    else
        unsetenv ("KEFU_INTAKE_API");
    free (old);
    /* "environment KEFU_INTAKE_API: \"<value>\": <problem>" */
    static const char env_prefix[] = "environment KEFU_INTAKE_API: ";
    const char *problem = NULL;
    const char *quoted = strstr (err, "\": ");
    if (!probe && strncmp (err, env_prefix, sizeof env_prefix - 1) == 0)
        problem = quoted ? quoted + 3 : err + sizeof env_prefix - 1;
    else if (strncmp (ep, "inproc://", 9) == 0)
        problem = "inproc:// reaches only sockets inside one process";
    else if (strncmp (ep, "tcp://", 6) == 0 && (strstr (ep, ":*") || strstr (ep, "://*")))
        problem = "a wildcard (*) can be bound to but not connected to";
    cfg_destroy (&probe);
    if (!problem)
        return 0;
    /* the rule allows a * port for binding; kefuctl only connects */
    int len = (int) strlen (problem);
    if (len > 5 && strcmp (problem + len - 5, " or *") == 0)
        len -= 5;
    fprintf (stderr, "kefuctl %s: --endpoint: \"%s\" is not an endpoint kefuctl can connect to: %.*s (%s)\n",
             cmd, ep, len, problem, expected);
    return -1;
}

client_opts_t kctl_client_opts (const kctl_t *self, const char *cmd)
{
    client_opts_t opts = { kctl_endpoint (self), self->timeout_ms, self->retries, 0, 0, stderr, NULL,
                           self->token[0] ? self->token : NULL, NULL, NULL, NULL, NULL };
    static char who[64];
    snprintf (who, sizeof who, "kefuctl %s", cmd);
    opts.who = who;
    const char *key = getenv ("KEFU_CLIENT_KEY"), *server = getenv ("KEFU_INTAKE_SERVER_KEY");
    opts.client_key = key && *key ? key : NULL;
    opts.server_key = server && *server ? server : NULL;
    opts.keys_dir = self->cfg ? self->cfg->keys_dir : NULL;
    return opts;
}

client_opts_t kctl_service_opts (const kctl_t *self, const char *cmd, int svc)
{
    client_opts_t opts = kctl_client_opts (self, cmd);
    opts.endpoint = kctl_service_endpoint (self, svc);
    opts.service = cfg_service_names[svc];
    return opts;
}

int kctl_ask (const kctl_t *self, const char *cmd, int svc, const char *request, const cJSON *body,
              cJSON **result)
{
    client_opts_t opts = kctl_service_opts (self, cmd, svc);
    char err[1024] = "";
    if (client_call (&opts, request, body, result, err, sizeof err) != CLIENT_OK) {
        fprintf (stderr, "kefuctl %s: %s\n", cmd, err);
        return -1;
    }
    return 0;
}

client_opts_t kctl_dispatch_opts (const kctl_t *self, const char *cmd)
{
    return kctl_service_opts (self, cmd, CFG_SVC_DISPATCH);
}

const char *kctl_refusal (const char *err, const char *code, const char *field)
{
    size_t nc = strlen (code), nf = strlen (field);
    if (strncmp (err, code, nc) != 0 || strncmp (err + nc, ": ", 2) != 0 || strncmp (err + nc + 2, field, nf) != 0
        || strncmp (err + nc + 2 + nf, ": ", 2) != 0)
        return NULL;
    return err + nc + 2 + nf + 2;
}

void kctl_db_hint (const kctl_t *self, const char *cmd)
{
    const char *env = getenv ("KEFU_DB_CONNINFO");
    if (env && *env)
        fprintf (stderr, "kefuctl %s: the connection comes from KEFU_DB_CONNINFO: is that database running? "
                         "(run/env of a `make run` that has stopped names a database that is gone)\n", cmd);
    else
        fprintf (stderr, "kefuctl %s: KEFU_DB_CONNINFO is not set, so the connection comes from %s "
                         "(database.conninfo). While `make run` runs, first run `. run/env` in the kefu "
                         "folder: it sets KEFU_DB_CONNINFO to the embedded database. For another database, "
                         "set KEFU_DB_CONNINFO (docs/database.md).\n",
                 cmd, self->config_path ? self->config_path : KCTL_DEFAULT_CONFIG);
}

db_t *kctl_db_connect (const kctl_t *self, const char *cmd, const char *role)
{
    char *conninfo = cfg_conninfo_for (self->cfg, role, "kefuctl");
    db_t *db = conninfo ? db_new (conninfo) : NULL;
    free (conninfo);
    if (!db) {
        fprintf (stderr, "kefuctl %s: out of memory\n", cmd);
        return NULL;
    }
    /* only `kefuctl admin` connects, as the owner, whom row-level security
     * does not confine (docs/security.md) */
    if (db_ensure (db) == 0)
        return db;
    fprintf (stderr, "kefuctl %s: cannot connect to PostgreSQL (%s) as %s: %s\n", cmd, self->cfg->db_conninfo, role,
             db_error (db));
    kctl_db_hint (self, cmd);
    db_destroy (&db);
    return NULL;
}

const char *kctl_endpoint (const kctl_t *self)
{
    if (self->endpoint_opt)
        return self->endpoint_opt;
    return self->cfg && self->cfg->intake_api ? self->cfg->intake_api : "tcp://127.0.0.1:7100";
}

const char *kctl_service_endpoint (const kctl_t *self, int svc)
{
    if (self->endpoint_opt)
        return self->endpoint_opt;
    const char *api = self->cfg ? self->cfg->endpoints[svc].api : NULL;
    return api ? api : cfg_default_api (svc);
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

int kctl_print_result (const kctl_t *self, const cJSON *result, void (*print) (const cJSON *))
{
    if (self->json)
        return kctl_print_json (result) == 0 ? KCTL_OK : KCTL_FAILED;
    print (result);
    return KCTL_OK;
}
