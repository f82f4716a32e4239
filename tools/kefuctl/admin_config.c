/*  admin_config — `kefuctl admin check-config [FILE]`: checks a whole
 *  configuration file, the shared part and every known section, the way
 *  the services will read it (see admin.h). A service checks only the
 *  shared part and its own sections when it starts; this command checks
 *  them all at once, before anything is started (docs/configuration.md
 *  "Who checks what").
 */
#include "admin.h"

#include <stdio.h>
#include <stdlib.h>

#include "conf/conf_section.h"

static const char s_usage[] = "usage: kefuctl admin check-config [FILE]\n"
                              "  FILE   the configuration to check (default: --config, $KEFU_CONFIG or "
                              KCTL_DEFAULT_CONFIG ")\n";

int admin_check_config (kctl_t *k, int argc, char **argv)
{
    const args_spec_t spec[] = { { NULL, false, NULL, NULL } };
    const char *pos[1] = { NULL };
    int npos = 0;
    if (args_parse ("admin check-config", KCTL_SPECS (k, spec), argc, argv, pos, 1, &npos) != 0)
        return KCTL_USAGE;
    if (k->help) {
        fputs (s_usage, stdout);
        return KCTL_OK;
    }
    const char *env = getenv ("KEFU_CONFIG");
    const char *path = npos ? pos[0] : k->config_opt ? k->config_opt : (env && *env) ? env : KCTL_DEFAULT_CONFIG;
    char err[1024] = "";
    cfg_t *cfg = cfg_load (path, err, sizeof err); /* the shared part and every section */
    if (!cfg) {
        fprintf (stderr, "kefuctl admin check-config: %s\n", err[0] ? err : path);
        return KCTL_USAGE;
    }
    cfg_destroy (&cfg);
    if (k->json) {
        cJSON *out = cJSON_CreateObject ();
        cJSON_AddStringToObject (out, "file", path);
        cJSON_AddBoolToObject (out, "ok", true);
        cJSON *sections = cJSON_AddArrayToObject (out, "sections");
        for (int i = 0; sections && conf_sections[i]; i++)
            cJSON_AddItemToArray (sections, cJSON_CreateString (conf_sections[i]->name));
        int rc = kctl_print_json (out);
        cJSON_Delete (out);
        return rc == 0 ? KCTL_OK : KCTL_FAILED;
    }
    printf ("%s: ok (shared: database, messaging, services, schemas_dir, log; sections:", path);
    for (int i = 0; conf_sections[i]; i++)
        printf ("%s %s", i ? "," : "", conf_sections[i]->name);
    printf (")\n");
    return KCTL_OK;
}
