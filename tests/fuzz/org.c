/*  fuzz target "org": YAML text through the organisation loader
 *  (org_load_string: regions, branches, hours, time zones, holiday
 *  calendars, products, technicians, customers, organisations, staff, and
 *  the money reference data: parts, lots, contracts, installs). The text
 *  stands for deploy/demo/org.yaml, so `calendars_dir: ../calendars` finds
 *  the repository's deploy/calendars.
 */

#include "fuzz.h"
#include "ref/org.h"

static char s_name[4096];

static void fuzz_setup (void)
{
    fuzz_repo_path ("deploy/demo/org.yaml", s_name, sizeof s_name);
}

static void s_load (const char *text)
{
    char err[512] = "";
    org_t *org = org_load_string (s_name, text, err, sizeof err);
    FUZZ_CHECK (org || err[0], "refused without a reason");
    org_destroy (&org);
}

FUZZ_TEXT_TARGET (s_load)
