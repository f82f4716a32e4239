/*  Unit tests of `kefuctl admin check-config [FILE]` (tools/kefuctl/
 *  admin_config.c): a good file is ok with every section named; an error
 *  in any section, shared or a service's, is reported with file, line and
 *  key and exit code 2. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"

#include "../../tools/kefuctl/admin.h"
#include "../../tools/kefuctl/kctl.h"

/*  Runs `kefuctl admin check-config ARG...` in this process; what it wrote
 *  to stdout and stderr goes to out. Returns its exit code. */
static int s_check_config (char *out, size_t size, int argc, char **args)
{
    char name[] = "check-config";
    char *argv[8] = { name };
    for (int i = 0; i < argc && i < 6; i++)
        argv[i + 1] = args[i];
    fflush (stdout);
    fflush (stderr);
    FILE *cap = tmpfile ();
    int saved_out = dup (fileno (stdout)), saved_err = dup (fileno (stderr));
    dup2 (fileno (cap), fileno (stdout));
    dup2 (fileno (cap), fileno (stderr));
    kctl_t k;
    kctl_init (&k);
    int rc = cmd_admin (&k, argc + 1, argv);
    kctl_fini (&k);
    fflush (stdout);
    fflush (stderr);
    dup2 (saved_out, fileno (stdout));
    dup2 (saved_err, fileno (stderr));
    close (saved_out);
    close (saved_err);
    rewind (cap);
    size_t n = fread (out, 1, size - 1, cap);
    out[n] = '\0';
    fclose (cap);
    return rc;
}

UNIT_TEST (kefuctl_check_config_reports_file_line_and_key_in_any_section)
{
    unsetenv ("KEFU_SMTP_PASSWORD");
    unsetenv ("KEFU_INTAKE_API");
    char dir[256], path[512], out[2048];
    UNIT_ASSERT (unit_temp_dir ("check-config", dir, sizeof dir) == 0);

    /* the demo file: every section checked */
    char demo[512], other[] = "b.yaml", missing[] = "/nonexistent/kefu.yaml";
    unit_repo_file ("deploy/demo/kefu.yaml", demo, sizeof demo);
    char *args[2] = { demo, NULL };
    UNIT_ASSERT_INT_EQ (s_check_config (out, sizeof out, 1, args), KCTL_OK);
    UNIT_ASSERT_CONTAINS (out, "kefu.yaml: ok (shared: database, messaging, services, schemas_dir, log; "
                               "sections: dispatch, qc, notify, callback, billing, claims, intake, services.gateway)");

    /* an error in the dispatch section */
    UNIT_ASSERT (unit_write_file (dir, "bad-dispatch.yaml",
                                  "database:\n"
                                  "  conninfo: dbname=kefu\n"
                                  "dispatch:\n"
                                  "  visit_kinds: [repair, installation]\n"
                                  "  min_grade:\n"
                                  "    premium: junior\n")
                 == 0);
    snprintf (path, sizeof path, "%s/bad-dispatch.yaml", dir);
    args[0] = path;
    UNIT_ASSERT_INT_EQ (s_check_config (out, sizeof out, 1, args), KCTL_USAGE);
    UNIT_ASSERT_CONTAINS (out, "kefuctl admin check-config: ");
    UNIT_ASSERT_CONTAINS (out, "bad-dispatch.yaml:6: dispatch.min_grade.premium: must be intermediate or senior");

    /* an unknown key inside the dispatch section */
    UNIT_ASSERT (unit_write_file (dir, "typo.yaml", "dispatch:\n  sla_tick_ms: 100\n  sla_tik_ms: 100\n") == 0);
    snprintf (path, sizeof path, "%s/typo.yaml", dir);
    UNIT_ASSERT_INT_EQ (s_check_config (out, sizeof out, 1, args), KCTL_USAGE);
    UNIT_ASSERT_CONTAINS (out, "typo.yaml:3: dispatch.sla_tik_ms: unknown key (expected one of: visit_kinds, "
                               "assign_retry_ms, min_grade, sla_file, sla_tick_ms, fault_codes, rework_same_technician, providers)");

    /* the notify section, and the shared part */
    UNIT_ASSERT (unit_write_file (dir, "bad-notify.yaml", "notify:\n  adapter: smtp\n  smtp:\n    host: h\n") == 0);
    snprintf (path, sizeof path, "%s/bad-notify.yaml", dir);
    UNIT_ASSERT_INT_EQ (s_check_config (out, sizeof out, 1, args), KCTL_USAGE);
    UNIT_ASSERT_CONTAINS (out, "bad-notify.yaml:4: notify.smtp.from: missing (required key)");
    UNIT_ASSERT (unit_write_file (dir, "bad-shared.yaml", "services:\n  qc: {bind: \"tcp://x\"}\n") == 0);
    snprintf (path, sizeof path, "%s/bad-shared.yaml", dir);
    UNIT_ASSERT_INT_EQ (s_check_config (out, sizeof out, 1, args), KCTL_USAGE);
    UNIT_ASSERT_CONTAINS (out, "bad-shared.yaml:2: services.qc.bind");

    /* a missing file, and too many arguments */
    args[0] = missing;
    UNIT_ASSERT_INT_EQ (s_check_config (out, sizeof out, 1, args), KCTL_USAGE);
    UNIT_ASSERT_CONTAINS (out, "/nonexistent/kefu.yaml: cannot open");
    args[1] = other;
    UNIT_ASSERT_INT_EQ (s_check_config (out, sizeof out, 2, args), KCTL_USAGE);
}
