/*  config — loads the runtime configuration (kefu.yaml) into a typed struct:
 *  the shared part here (defaults applied, every value range-checked,
 *  unknown keys refused with file, line and key, then the connection
 *  settings overridden from the environment), each section through its
 *  owner's table (conf_section.c). docs/configuration.md lists every key
 *  with default and range.
 */
#include "config.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf_section.h"
#include "ops/ops_addr.h"
#include "yamltree.h"

const char *const cfg_service_names[CFG_SERVICE_COUNT] = {
    "intake", "dispatch", "qc", "billing", "callback", "claims",
};

static const char *const s_log_levels[] = { "debug", "info", "warn", "error", NULL };

#define CFG_MAX_CONNINFO 4096
#define CFG_MAX_ENDPOINT 256
#define CFG_MAX_PATH CONF_MAX_PATH
#define CFG_MAX_SECTIONS 64
#define CFG_MAX_PASSWORD 1024

/* ---------------------------------------------------------------- helpers */

static char *s_strdup (const char *text)
{
    if (!text)
        return NULL;
    size_t len = strlen (text);
    char *copy = malloc (len + 1);
    if (copy)
        memcpy (copy, text, len + 1);
    return copy;
}

/*  Checks a ZeroMQ endpoint: tcp://host:port|*, ipc://path or inproc://name.
 *  Returns NULL when valid, else the reason. */
static const char *s_endpoint_problem (const char *ep, bool allow_wildcard_port)
{
    if (strlen (ep) > CFG_MAX_ENDPOINT)
        return "longer than 256 bytes";
    for (const char *c = ep; *c; c++)
        if ((unsigned char) *c <= 0x20 || *c == 0x7f)
            return "must not contain spaces or control characters";
    if (strncmp (ep, "tcp://", 6) == 0) {
        const char *rest = ep + 6;
        const char *colon = strrchr (rest, ':');
        if (!colon || colon == rest)
            return "expected tcp://HOST:PORT";
        const char *port = colon + 1;
        if (strcmp (port, "*") == 0)
            return allow_wildcard_port ? NULL : "a port of * cannot be connected to; give a fixed port";
        if (!*port || strlen (port) > 5)
            return "port must be 1 to 65535 or *";
        long value = 0;
        for (const char *c = port; *c; c++) {
            if (*c < '0' || *c > '9')
                return "port must be 1 to 65535 or *";
            value = value * 10 + (*c - '0');
        }
        if (value < 1 || value > 65535)
            return "port must be 1 to 65535 or *";
        return NULL;
    }
    if (strncmp (ep, "ipc://", 6) == 0)
        return ep[6] ? NULL : "expected ipc://PATH";
    if (strncmp (ep, "inproc://", 9) == 0)
        return ep[9] ? NULL : "expected inproc://NAME";
    return "must start with tcp://, ipc:// or inproc://";
}

/*  Reads an optional endpoint key into *out (keeping the default). */
static int s_endpoint (yt_doc_t *doc, yt_node_t *map, const char *key, bool allow_wildcard, char **out)
{
    if (yt_str (doc, map, key, false, CFG_MAX_ENDPOINT, out) != 0)
        return -1;
    const char *problem = *out ? s_endpoint_problem (*out, allow_wildcard) : NULL;
    if (problem)
        return yt_fail (doc, yt_get (map, key), "\"%s\": %s", *out, problem);
    return 0;
}

static int s_int (yt_doc_t *doc, yt_node_t *map, const char *key, int64_t min, int64_t max, int *out)
{
    int64_t value = *out;
    if (yt_int (doc, map, key, false, min, max, &value) != 0)
        return -1;
    *out = (int) value;
    return 0;
}

static int s_section (yt_doc_t *doc, yt_node_t *root, const char *key, yt_node_t **out)
{
    *out = yt_get (root, key);
    if (conf_is_empty (*out))
        *out = NULL;
    return *out ? yt_expect (doc, *out, YT_MAP) : 0;
}

/* ---------------------------------------------------------------- sections */

static int s_load_database (cfg_t *self, yt_doc_t *doc, yt_node_t *root)
{
    static const char *const known[] = { "conninfo", "role_prefix", "reconnect_max_ms", NULL };
    yt_node_t *map;
    if (s_section (doc, root, "database", &map) != 0 || !map)
        return map ? -1 : 0;
    if (yt_str (doc, map, "conninfo", false, CFG_MAX_CONNINFO, &self->db_conninfo) != 0)
        return -1;
    if (conf_has_control (self->db_conninfo))
        return yt_fail (doc, yt_get (map, "conninfo"), "must not contain control characters");
    if (yt_str (doc, map, "role_prefix", false, 32, &self->db_role_prefix) != 0)
        return -1;
    const char *prefix = self->db_role_prefix;
    bool ok = *prefix != '\0' && !(*prefix >= '0' && *prefix <= '9');
    for (const char *c = prefix; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_'))
            ok = false;
    if (!ok)
        return yt_fail (doc, yt_get (map, "role_prefix"),
                        "\"%s\": expected lower-case letters, digits and _, not starting with a digit",
                        prefix);
    if (s_int (doc, map, "reconnect_max_ms", 100, 600000, &self->db_retry_max_ms) != 0)
        return -1;
    return yt_check_unknown (doc, map, known);
}

static int s_load_messaging (cfg_t *self, yt_doc_t *doc, yt_node_t *root)
{
    static const char *const known[] = {
        "ack_timeout_ms", "retry_initial_ms", "retry_max_ms", "max_attempts", "high_water_mark",
        "relay_batch",    "poll_ms",          "discovery_ms", "keys_dir",     NULL,
    };
    yt_node_t *map;
    if (s_section (doc, root, "messaging", &map) != 0 || !map)
        return map ? -1 : 0;
    if (s_int (doc, map, "ack_timeout_ms", 10, 600000, &self->ack_timeout_ms) != 0
        || s_int (doc, map, "retry_initial_ms", 1, 600000, &self->retry_initial_ms) != 0
        || s_int (doc, map, "retry_max_ms", 1, 3600000, &self->retry_max_ms) != 0
        || s_int (doc, map, "max_attempts", 1, 1000000, &self->max_attempts) != 0
        || s_int (doc, map, "high_water_mark", 1, 10000000, &self->high_water_mark) != 0
        || s_int (doc, map, "relay_batch", 1, 10000, &self->relay_batch) != 0
        || s_int (doc, map, "poll_ms", 1, 60000, &self->poll_ms) != 0
        || s_int (doc, map, "discovery_ms", 10, 600000, &self->discovery_ms) != 0
        || yt_str (doc, map, "keys_dir", false, CFG_MAX_PATH, &self->keys_dir) != 0)
        return -1;
    if (!*self->keys_dir || conf_has_control (self->keys_dir))
        return yt_fail (doc, yt_get (map, "keys_dir"), "expected a directory path");
    if (self->retry_initial_ms > self->retry_max_ms) {
        yt_node_t *node = yt_get (map, "retry_initial_ms");
        return yt_fail (doc, node ? node : yt_get (map, "retry_max_ms"),
                        "retry_initial_ms (%d) must not exceed retry_max_ms (%d)",
                        self->retry_initial_ms, self->retry_max_ms);
    }
    return yt_check_unknown (doc, map, known);
}

/*  Whether cfg_service_names[i] has services.<name>.api in endpoints[i].api:
 *  dispatch, qc, billing, callback, claims (intake's is intake_api). */
static bool s_has_api (int i)
{
    return i >= 1;
}

const char *cfg_default_api (int i)
{
    switch (i) {
    case CFG_SVC_DISPATCH:
        return CFG_DISPATCH_API;
    case CFG_SVC_QC:
        return CFG_QC_API;
    case CFG_SVC_BILLING:
        return CFG_BILLING_API;
    case CFG_SVC_CALLBACK:
        return CFG_CALLBACK_API;
    case CFG_SVC_CLAIMS:
        return CFG_CLAIMS_API;
    default:
        return s_has_api (i) ? "tcp://127.0.0.1:*" : NULL;
    }
}

/*  Reads an optional operator's listener address (ops_addr.h) into *out. */
static int s_ops_address (yt_doc_t *doc, yt_node_t *map, const char *key, char **out)
{
    char host[OPS_ADDR_MAX], err[256];
    int port;
    if (yt_str (doc, map, key, false, OPS_ADDR_MAX, out) != 0)
        return -1;
    if (*out && !ops_addr_off (*out) && ops_addr_parse (*out, host, sizeof host, &port, err, sizeof err) != 0)
        return yt_fail (doc, yt_get (map, key), "%s", err);
    return 0;
}

static int s_load_services (cfg_t *self, yt_doc_t *doc, yt_node_t *root)
{
    static const char *const known_api[] = { "bind", "advertise", "api", "api_curve", "metrics", "health", NULL };
    static const char *const known_other[] = { "bind", "advertise", "metrics", "health", NULL };
    yt_node_t *map;
    if (s_section (doc, root, "services", &map) != 0 || !map)
        return map ? -1 : 0;
    for (int i = 0; i < CFG_SERVICE_COUNT; i++) {
        yt_node_t *svc;
        if (s_section (doc, map, cfg_service_names[i], &svc) != 0)
            return -1;
        if (!svc)
            continue;
        cfg_endpoint_t *ep = &self->endpoints[i];
        if (s_endpoint (doc, svc, "bind", true, &ep->bind) != 0
            || s_endpoint (doc, svc, "advertise", false, &ep->advertise) != 0)
            return -1;
        if (i == 0 && s_endpoint (doc, svc, "api", true, &self->intake_api) != 0)
            return -1;
        if (s_has_api (i) && s_endpoint (doc, svc, "api", true, &ep->api) != 0)
            return -1;
        if ((i == 0 || s_has_api (i)) && s_endpoint (doc, svc, "api_curve", true, &ep->api_curve) != 0)
            return -1;
        const char *plain = i == 0 ? self->intake_api : ep->api;
        if (ep->api_curve && plain && strcmp (ep->api_curve, plain) == 0)
            return yt_fail (doc, yt_get (svc, "api_curve"),
                            "\"%s\": must differ from api (a socket serves CURVE or not)", plain);
        if (s_ops_address (doc, svc, "metrics", &ep->metrics) != 0
            || s_ops_address (doc, svc, "health", &ep->health) != 0)
            return -1;
        if (yt_check_unknown (doc, svc, i == 0 || s_has_api (i) ? known_api : known_other) != 0)
            return -1;
    }
    static const char *const known[] = { "intake", "dispatch", "qc", "billing", "callback", "claims", NULL };
    (void) yt_get (map, "gateway"); /* a section of its own (gateway_config.c): read there */
    return yt_check_unknown (doc, map, known);
}

static int s_load_shared (cfg_t *self, yt_doc_t *doc, yt_node_t *root)
{
    if (s_load_database (self, doc, root) != 0 || s_load_messaging (self, doc, root) != 0
        || s_load_services (self, doc, root) != 0)
        return -1;
    if (yt_str (doc, root, "schemas_dir", false, CFG_MAX_PATH, &self->schemas_dir) != 0)
        return -1;
    if (!*self->schemas_dir || conf_has_control (self->schemas_dir))
        return yt_fail (doc, yt_get (root, "schemas_dir"), "expected a directory path");
    yt_node_t *log;
    if (s_section (doc, root, "log", &log) != 0)
        return -1;
    if (log) {
        static const char *const known_log[] = { "level", NULL };
        int level = (int) self->log_level;
        if (yt_enum (doc, log, "level", false, s_log_levels, &level) != 0
            || yt_check_unknown (doc, log, known_log) != 0)
            return -1;
        self->log_level = (log_level_t) level;
    }
    return 0;
}

/*  The shared part, then each known section: loaded through its table when
 *  `service` reads it (NULL: every one), otherwise only marked as known;
 *  then any other top-level key is refused. */
static int s_load_root (cfg_t *self, yt_doc_t *doc, const char *service)
{
    const char *known[CFG_MAX_SECTIONS + 8] = {
        "database", "messaging", "services", "schemas_dir", "log",
    };
    int n_known = 5;
    yt_node_t *root = yt_root (doc);
    if (root && yt_expect (doc, root, YT_MAP) != 0)
        return -1;
    if (root && s_load_shared (self, doc, root) != 0)
        return -1;
    for (int i = 0; conf_sections[i]; i++) {
        const conf_section_t *section = conf_sections[i];
        /* a dotted name ("services.gateway") is a mapping inside a shared
         * one, which accepts it by name (s_load_services) */
        if (!strchr (section->name, '.'))
            known[n_known++] = section->name;
        yt_node_t *map = root ? conf_node (root, section->name) : NULL;
        if (!conf_section_read_by (section, service))
            continue; /* another program's section: known, not read here */
        if (!(self->sections[i] = conf_section_new (section)))
            return yt_fail (doc, map, "out of memory");
        if (conf_is_empty (map))
            map = NULL; /* "dispatch:" alone: every default */
        if (conf_section_load (section, self->sections[i], doc, map) != 0)
            return -1;
    }
    known[n_known] = NULL;
    return root ? yt_check_unknown (doc, root, known) : 0; /* an empty file: every default */
}

/*  Sets every default. Returns 0 or -1 (out of memory). */
static int s_defaults (cfg_t *self)
{
    self->db_conninfo = s_strdup ("dbname=kefu");
    self->db_role_prefix = s_strdup ("kefu_");
    self->db_retry_max_ms = 5000;
    self->ack_timeout_ms = 2000;
    self->retry_initial_ms = 250;
    self->retry_max_ms = 30000;
    self->max_attempts = 100;
    self->high_water_mark = 10000;
    self->relay_batch = 200;
    self->poll_ms = 200;
    self->discovery_ms = 1000;
    self->keys_dir = s_strdup ("/etc/kefu/keys");
    for (int i = 0; i < CFG_SERVICE_COUNT; i++)
        if (!(self->endpoints[i].bind = s_strdup ("tcp://127.0.0.1:*"))
            || !(self->endpoints[i].health = s_strdup (ops_default_health (cfg_service_names[i])))
            || (s_has_api (i) && !(self->endpoints[i].api = s_strdup (cfg_default_api (i)))))
            return -1;
    self->intake_api = s_strdup ("tcp://127.0.0.1:7100");
    self->schemas_dir = s_strdup ("schemas");
    self->log_level = LOG_INFO;
    int n = 0;
    while (conf_sections[n])
        n++;
    assert (n <= CFG_MAX_SECTIONS);
    self->sections = calloc ((size_t) n + 1, sizeof *self->sections);
    return self->db_conninfo && self->db_role_prefix && self->intake_api && self->schemas_dir
                   && self->keys_dir && self->sections
               ? 0
               : -1;
}

/*  Replaces *field with the environment variable when it is set and not
 *  empty. Returns 0 or -1 with the reason in err. */
static int s_env (const char *var, size_t max, char **field, char *err, size_t errsize)
{
    const char *value = getenv (var);
    if (!value || !*value)
        return 0;
    if (strlen (value) > max) {
        snprintf (err, errsize, "environment %s: longer than %zu bytes", var, max);
        return -1;
    }
    if (conf_has_control (value)) {
        snprintf (err, errsize, "environment %s: must not contain control characters", var);
        return -1;
    }
    char *copy = s_strdup (value);
    if (!copy) {
        snprintf (err, errsize, "environment %s: out of memory", var);
        return -1;
    }
    free (*field);
    *field = copy;
    return 0;
}

/*  KEFU_<SERVICE>_<WHAT> (METRICS, HEALTH): an operator's listener address. */
static int s_env_ops (const char *service, const char *what, char **field, char *err, size_t errsize)
{
    char var[64], host[OPS_ADDR_MAX], perr[256];
    int port, n = snprintf (var, sizeof var, "KEFU_%s_%s", service, what);
    for (int i = 5; i < n; i++)
        var[i] = (char) (var[i] >= 'a' && var[i] <= 'z' ? var[i] - 'a' + 'A' : var[i]);
    if (s_env (var, OPS_ADDR_MAX, field, err, errsize) != 0)
        return -1;
    const char *value = getenv (var);
    if (value && *value && !ops_addr_off (value)
        && ops_addr_parse (value, host, sizeof host, &port, perr, sizeof perr) != 0) {
        snprintf (err, errsize, "environment %s: %s", var, perr);
        return -1;
    }
    return 0;
}

static int s_env_overrides (cfg_t *self, char *err, size_t errsize)
{
    if (s_env ("KEFU_DB_CONNINFO", CFG_MAX_CONNINFO, &self->db_conninfo, err, errsize) != 0
        || s_env ("KEFU_DB_PASSWORD", CFG_MAX_PASSWORD, &self->db_password, err, errsize) != 0
        || s_env ("KEFU_INTAKE_API", CFG_MAX_ENDPOINT, &self->intake_api, err, errsize) != 0
        || s_env ("KEFU_DISPATCH_API", CFG_MAX_ENDPOINT, &self->endpoints[CFG_SVC_DISPATCH].api, err, errsize) != 0
        || s_env ("KEFU_QC_API", CFG_MAX_ENDPOINT, &self->endpoints[CFG_SVC_QC].api, err, errsize) != 0
        || s_env ("KEFU_BILLING_API", CFG_MAX_ENDPOINT, &self->endpoints[CFG_SVC_BILLING].api, err, errsize) != 0
        || s_env ("KEFU_CALLBACK_API", CFG_MAX_ENDPOINT, &self->endpoints[CFG_SVC_CALLBACK].api, err, errsize) != 0
        || s_env ("KEFU_CLAIMS_API", CFG_MAX_ENDPOINT, &self->endpoints[CFG_SVC_CLAIMS].api, err, errsize) != 0
        || s_env ("KEFU_SCHEMAS_DIR", CFG_MAX_PATH, &self->schemas_dir, err, errsize) != 0
        || s_env ("KEFU_KEYS_DIR", CFG_MAX_PATH, &self->keys_dir, err, errsize) != 0)
        return -1;
    for (int i = 0; i < CFG_SERVICE_COUNT; i++)
        if (s_env_ops (cfg_service_names[i], "METRICS", &self->endpoints[i].metrics, err, errsize) != 0
            || s_env_ops (cfg_service_names[i], "HEALTH", &self->endpoints[i].health, err, errsize) != 0)
            return -1;
    for (int i = 0; conf_sections[i]; i++)
        if (self->sections[i] && conf_section_env (conf_sections[i], self->sections[i], err, errsize) != 0)
            return -1;
    static const char *const api_vars[] = { "KEFU_INTAKE_API", "KEFU_DISPATCH_API", "KEFU_QC_API",
                                            "KEFU_BILLING_API", "KEFU_CALLBACK_API", "KEFU_CLAIMS_API" };
    for (size_t i = 0; i < sizeof api_vars / sizeof api_vars[0]; i++) {
        const char *api = getenv (api_vars[i]);
        const char *problem = api && *api ? s_endpoint_problem (api, true) : NULL;
        if (problem) {
            snprintf (err, errsize, "environment %s: \"%s\": %s", api_vars[i], api, problem);
            return -1;
        }
    }
    return 0;
}

/*  Builds the config from a parsed document (doc may be NULL on parse error). */
static cfg_t *s_load_doc (const char *name, yt_doc_t *doc, const char *service, char *err,
                          size_t errsize)
{
    cfg_t *self = calloc (1, sizeof *self);
    if (!self || !(self->path = s_strdup (name)) || s_defaults (self) != 0) {
        snprintf (err, errsize, "%s: out of memory", name);
        goto fail;
    }
    if (s_load_root (self, doc, service) != 0) {
        snprintf (err, errsize, "%s", yt_error (doc));
        goto fail;
    }
    if (s_env_overrides (self, err, errsize) != 0)
        goto fail;
    return self;
fail:
    cfg_destroy (&self);
    return NULL;
}

/* ---------------------------------------------------------------- public */

cfg_t *cfg_load_for (const char *path, const char *service, char *err, size_t errsize)
{
    char scratch[8];
    if (!err || !errsize)
        err = scratch, errsize = sizeof scratch;
    if (!path) {
        snprintf (err, errsize, "no configuration file given");
        return NULL;
    }
    yt_doc_t *doc = yt_load_file (path, err, errsize);
    if (!doc)
        return NULL;
    cfg_t *self = s_load_doc (path, doc, service, err, errsize);
    yt_destroy (&doc);
    return self;
}

cfg_t *cfg_load_string_for (const char *name, const char *text, const char *service, char *err,
                            size_t errsize)
{
    char scratch[8];
    if (!err || !errsize)
        err = scratch, errsize = sizeof scratch;
    if (!name)
        name = "<string>";
    yt_doc_t *doc = yt_load_string (name, text, err, errsize);
    if (!doc)
        return NULL;
    cfg_t *self = s_load_doc (name, doc, service, err, errsize);
    yt_destroy (&doc);
    return self;
}

cfg_t *cfg_load (const char *path, char *err, size_t errsize)
{
    return cfg_load_for (path, NULL, err, errsize);
}

cfg_t *cfg_load_string (const char *name, const char *text, char *err, size_t errsize)
{
    return cfg_load_string_for (name, text, NULL, err, errsize);
}

void cfg_destroy (cfg_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    cfg_t *self = *self_p;
    free (self->path);
    free (self->db_conninfo);
    free (self->db_role_prefix);
    free (self->db_password);
    for (int i = 0; i < CFG_SERVICE_COUNT; i++) {
        free (self->endpoints[i].bind);
        free (self->endpoints[i].advertise);
        free (self->endpoints[i].api);
        free (self->endpoints[i].api_curve);
        free (self->endpoints[i].metrics);
        free (self->endpoints[i].health);
    }
    free (self->intake_api);
    free (self->schemas_dir);
    free (self->keys_dir);
    for (int i = 0; self->sections && conf_sections[i]; i++)
        conf_section_destroy (conf_sections[i], &self->sections[i]);
    free (self->sections);
    free (self);
    *self_p = NULL;
}

int cfg_service_index (const char *service)
{
    for (int i = 0; service && i < CFG_SERVICE_COUNT; i++)
        if (strcmp (service, cfg_service_names[i]) == 0)
            return i;
    return -1;
}

const void *cfg_section (const cfg_t *self, const conf_section_t *section)
{
    for (int i = 0; self && self->sections && conf_sections[i]; i++)
        if (conf_sections[i] == section)
            return self->sections[i];
    return NULL;
}

/*  A growing text buffer; `failed` records an allocation failure. */
typedef struct {
    char *data;
    size_t len, cap;
    bool failed;
} s_buf_t;

static void s_buf_add (s_buf_t *buf, const char *text, size_t len)
{
    if (buf->failed)
        return;
    if (buf->len + len + 1 > buf->cap) {
        size_t cap = (buf->len + len + 1) * 2;
        char *data = realloc (buf->data, cap);
        if (!data) {
            buf->failed = true;
            return;
        }
        buf->data = data, buf->cap = cap;
    }
    memcpy (buf->data + buf->len, text, len);
    buf->len += len;
    buf->data[buf->len] = '\0';
}

static void s_buf_str (s_buf_t *buf, const char *text)
{
    s_buf_add (buf, text, strlen (text));
}

static char *s_buf_finish (s_buf_t *buf)
{
    if (buf->failed || !buf->data) {
        free (buf->data);
        return NULL;
    }
    return buf->data;
}

static bool s_is_uri (const char *conninfo)
{
    return strncmp (conninfo, "postgresql://", 13) == 0 || strncmp (conninfo, "postgres://", 11) == 0;
}

/*  " key='value'" with libpq's quoting (backslash before ' and \). */
static void s_add_kv (s_buf_t *buf, const char *key, const char *value)
{
    if (buf->len)
        s_buf_str (buf, " ");
    s_buf_str (buf, key);
    s_buf_str (buf, "='");
    for (const char *c = value; *c; c++) {
        if (*c == '\'' || *c == '\\')
            s_buf_add (buf, "\\", 1);
        s_buf_add (buf, c, 1);
    }
    s_buf_str (buf, "'");
}

/*  "&key=value" (or "?key=value") percent-encoded, for URIs. */
static void s_add_query (s_buf_t *buf, const char *key, const char *value)
{
    s_buf_str (buf, strchr (buf->data ? buf->data : "", '?') ? "&" : "?");
    s_buf_str (buf, key);
    s_buf_str (buf, "=");
    for (const unsigned char *c = (const unsigned char *) value; *c; c++) {
        if ((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9')
            || *c == '-' || *c == '_' || *c == '.' || *c == '~')
            s_buf_add (buf, (const char *) c, 1);
        else {
            char hex[4];
            snprintf (hex, sizeof hex, "%%%02X", *c);
            s_buf_add (buf, hex, 3);
        }
    }
}

char *cfg_conninfo_for (const cfg_t *self, const char *role, const char *application_name)
{
    if (!self || !role || !*role)
        return NULL;
    s_buf_t buf = { 0 };
    const char *base = self->db_conninfo ? self->db_conninfo : "";
    s_buf_str (&buf, base);
    bool uri = s_is_uri (base);
    void (*add) (s_buf_t *, const char *, const char *) = uri ? s_add_query : s_add_kv;
    add (&buf, "user", role);
    if (self->db_password)
        add (&buf, "password", self->db_password);
    if (application_name && *application_name)
        add (&buf, "application_name", application_name);
    return s_buf_finish (&buf);
}

/*  A copy of the conninfo with any password replaced by "***" (for logs). */
static char *s_redacted (const char *conninfo)
{
    s_buf_t buf = { 0 };
    s_buf_str (&buf, "");
    if (s_is_uri (conninfo)) {
        const char *auth = strstr (conninfo, "://") + 3;
        const char *at = strchr (auth, '@');
        const char *end = auth + strcspn (auth, "/?");
        const char *colon = at && at < end ? memchr (auth, ':', (size_t) (at - auth)) : NULL;
        const char *c = conninfo;
        if (colon) {
            s_buf_add (&buf, c, (size_t) (colon + 1 - c));
            s_buf_str (&buf, "***");
            c = at;
        }
        while (*c) {
            if ((*c == '?' || *c == '&') && strncmp (c + 1, "password=", 9) == 0) {
                s_buf_add (&buf, c, 10);
                s_buf_str (&buf, "***");
                c += 10;
                c += strcspn (c, "&");
            }
            else
                s_buf_add (&buf, c++, 1);
        }
        return s_buf_finish (&buf);
    }
    const char *c = conninfo;
    while (*c) {
        if (*c == ' ' || *c == '\t') {
            s_buf_add (&buf, c++, 1);
            continue;
        }
        const char *key = c;
        size_t key_len = strcspn (c, "= \t");
        c += key_len;
        while (*c == ' ' || *c == '\t')
            c++;
        if (*c == '=')
            c++;
        while (*c == ' ' || *c == '\t')
            c++;
        const char *value = c;
        if (*c == '\'') {
            for (c++; *c && *c != '\''; c++)
                if (*c == '\\' && c[1])
                    c++;
            if (*c)
                c++;
        }
        else
            c += strcspn (c, " \t");
        s_buf_add (&buf, key, key_len);
        s_buf_str (&buf, "=");
        if (key_len == 8 && strncmp (key, "password", 8) == 0)
            s_buf_str (&buf, "***");
        else
            s_buf_add (&buf, value, (size_t) (c - value));
    }
    return s_buf_finish (&buf);
}

void cfg_log (const cfg_t *self)
{
    if (!self || !log_enabled (LOG_INFO))
        return;
    char *conninfo = s_redacted (self->db_conninfo ? self->db_conninfo : "");
    char nums[9][16];
    const int values[9] = {
        self->db_retry_max_ms, self->ack_timeout_ms,  self->retry_initial_ms,
        self->retry_max_ms,    self->max_attempts,    self->high_water_mark,
        self->relay_batch,     self->poll_ms,         self->discovery_ms,
    };
    for (int i = 0; i < 9; i++)
        snprintf (nums[i], sizeof nums[i], "%d", values[i]);
    s_buf_t eps = { 0 };
    s_buf_str (&eps, "");
    for (int i = 0; i < CFG_SERVICE_COUNT; i++) {
        if (i)
            s_buf_str (&eps, " ");
        s_buf_str (&eps, cfg_service_names[i]);
        s_buf_str (&eps, "=");
        s_buf_str (&eps, self->endpoints[i].bind ? self->endpoints[i].bind : "");
        if (self->endpoints[i].advertise) {
            s_buf_str (&eps, ",");
            s_buf_str (&eps, self->endpoints[i].advertise);
        }
        if (self->endpoints[i].api) {
            s_buf_str (&eps, ",api=");
            s_buf_str (&eps, self->endpoints[i].api);
        }
        if (self->endpoints[i].api_curve) {
            s_buf_str (&eps, ",api_curve=");
            s_buf_str (&eps, self->endpoints[i].api_curve);
        }
        s_buf_str (&eps, ",metrics=");
        s_buf_str (&eps, self->endpoints[i].metrics ? self->endpoints[i].metrics : OPS_OFF);
        s_buf_str (&eps, ",health=");
        s_buf_str (&eps, self->endpoints[i].health ? self->endpoints[i].health : OPS_OFF);
    }
    char *endpoints = s_buf_finish (&eps);
    log_kv (LOG_INFO, "config", "path", self->path, "conninfo", conninfo, "role_prefix",
            self->db_role_prefix, "password", self->db_password ? "set" : "unset",
            "reconnect_max_ms", nums[0], "ack_timeout_ms", nums[1], "retry_initial_ms", nums[2],
            "retry_max_ms", nums[3], "max_attempts", nums[4], "high_water_mark", nums[5],
            "relay_batch", nums[6], "poll_ms", nums[7], "discovery_ms", nums[8], "endpoints",
            endpoints, "intake_api", self->intake_api, "schemas_dir", self->schemas_dir,
            "log_level", s_log_levels[self->log_level], "keys_dir", self->keys_dir, NULL);
    free (conninfo);
    free (endpoints);
    for (int i = 0; self->sections && conf_sections[i]; i++)
        if (self->sections[i])
            conf_section_log (conf_sections[i], self->sections[i]);
}
