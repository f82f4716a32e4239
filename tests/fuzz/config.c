/*  fuzz target "config": YAML text through the configuration loader
 *  (cfg_load_string: the shared part and every section's table), and a
 *  loaded configuration through cfg_log and cfg_conninfo_for. Environment
 *  overrides are cleared so that the input alone decides.
 */

#include "conf/config.h"
#include "fuzz.h"

static void fuzz_setup (void)
{
    const char *vars[] = { "KEFU_DB_CONNINFO", "KEFU_DB_PASSWORD", "KEFU_INTAKE_API",
                           "KEFU_SCHEMAS_DIR", "KEFU_SMTP_PASSWORD" };
    for (size_t i = 0; i < sizeof vars / sizeof *vars; i++)
        unsetenv (vars[i]);
}

static void s_load (const char *text)
{
    char err[512] = "";
    cfg_t *cfg = cfg_load_string ("kefu.yaml", text, err, sizeof err);
    FUZZ_CHECK (cfg || err[0], "refused without a reason");
    if (!cfg)
        return;
    cfg_log (cfg);
    free (cfg_conninfo_for (cfg, "kefu_intake", "fuzz"));
    cfg_destroy (&cfg);
}

FUZZ_TEXT_TARGET (s_load)
