/*  admin_keys — `kefuctl admin keys [--dir DIR] [NAME…]`: makes the
 *  CurveZMQ key pairs of the bus (docs/messaging.md "Keys"): for each name
 *  (default: the six services) DIR/NAME.key, the secret (mode 0600), and
 *  DIR/NAME.pub. DIR defaults to messaging.keys_dir. It never overwrites a
 *  key and never prints a secret. No database.
 */
#include "admin.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "msg/keyring.h"

#define S_MAX_NAMES 16

static const char s_usage[] =
    "usage: kefuctl admin keys [--dir DIR] [NAME…]\n"
    "  DIR    where the keys go (default: messaging.keys_dir of the configuration)\n"
    "  NAME   a service (intake, dispatch, qc, billing, callback, claims) or a client\n"
    "         of a CURVE request endpoint (its .pub line goes into DIR/clients.pub);\n"
    "         default: the six services\n";

/*  1-32 of a-z 0-9 - _, and not "clients" (clients.pub is the list). */
static bool s_name_valid (const char *name)
{
    size_t n = strlen (name);
    if (n == 0 || n > 32 || strcmp (name, "clients") == 0)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= '0' && name[i] <= '9')
              || name[i] == '-' || name[i] == '_'))
            return false;
    return true;
}

int admin_keys (kctl_t *k, int argc, char **argv)
{
    const char *dir = NULL;
    const args_spec_t spec[] = { { "dir", true, &dir, NULL }, { NULL, false, NULL, NULL } };
    const char *pos[S_MAX_NAMES] = { NULL };
    int npos = 0;
    if (args_parse ("admin keys", KCTL_SPECS (k, spec), argc, argv, pos, S_MAX_NAMES, &npos) != 0)
        return KCTL_USAGE;
    if (k->help) {
        fputs (s_usage, stdout);
        return KCTL_OK;
    }
    if (kctl_setup (k, "admin keys") != 0)
        return KCTL_USAGE;
    if (!dir)
        dir = k->cfg->keys_dir;
    const char *names[S_MAX_NAMES];
    int n = npos;
    for (int i = 0; i < npos; i++) {
        if (!s_name_valid (pos[i])) {
            fprintf (stderr, "kefuctl admin keys: \"%s\": expected a service or client name "
                     "(1-32 of a-z 0-9 - _, not \"clients\")\n", pos[i]);
            return KCTL_USAGE;
        }
        names[i] = pos[i];
    }
    if (n == 0)
        for (n = 0; n < CFG_SERVICE_COUNT; n++)
            names[n] = cfg_service_names[n];
    if (mkdir (dir, 0755) != 0 && errno != EEXIST) {
        fprintf (stderr, "kefuctl admin keys: %s: %s\n", dir, strerror (errno));
        return KCTL_FAILED;
    }
    for (int i = 0; i < n; i++) {
        char err[1024];
        if (keyring_generate (dir, names[i], err, sizeof err) != 0) {
            fprintf (stderr, "kefuctl admin keys: %s\n", err);
            return KCTL_FAILED;
        }
        if (!k->json)
            printf ("%s/%s.key (secret, mode 0600) and %s/%s.pub\n", dir, names[i], dir, names[i]);
    }
    if (!k->json)
        return KCTL_OK;
    cJSON *out = cJSON_CreateObject ();
    cJSON *written = cJSON_AddArrayToObject (out, "written");
    cJSON_AddStringToObject (out, "dir", dir);
    for (int i = 0; written && i < n; i++)
        cJSON_AddItemToArray (written, cJSON_CreateString (names[i]));
    int rc = kctl_print_json (out);
    cJSON_Delete (out);
    return rc == 0 ? KCTL_OK : KCTL_FAILED;
}
