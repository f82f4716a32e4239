/*  test_readme_examples — the configuration examples README.md prints load
 *  as printed: the inspection plans and the callback section of "From the
 *  done report to the callback"; and the org.yaml example of
 *  docs/configuration.md. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/config.h"
#include "../../services/qc/qc_plans_load.h"
#include "ref/org.h"
#include "unit.h"

/*  The text of the first ```yaml block of `file` whose first line starts
 *  with `first`; NULL when there is none. The caller frees. */
static char *s_doc_block (const char *file, const char *first)
{
    char path[512];
    FILE *f = fopen (unit_repo_file (file, path, sizeof path), "r");
    if (!f)
        return NULL;
    static char text[1 << 20];
    size_t n = fread (text, 1, sizeof text - 1, f);
    fclose (f);
    text[n] = '\0';
    for (char *at = strstr (text, "```yaml\n"); at; at = strstr (at + 1, "```yaml\n")) {
        char *body = at + strlen ("```yaml\n");
        char *end = strstr (body, "```\n");
        if (end && strncmp (body, first, strlen (first)) == 0) {
            size_t len = (size_t) (end - body);
            char *out = malloc (len + 1);
            if (out) {
                memcpy (out, body, len);
                out[len] = '\0';
            }
            return out;
        }
    }
    return NULL;
}

/*  The same from README.md. */
static char *s_readme_block (const char *first)
{
    return s_doc_block ("README.md", first);
}

UNIT_TEST (readme_inspection_plan_example_loads)
{
    char *yaml = s_readme_block ("default: ");
    UNIT_ASSERT (yaml != NULL);
    char err[512] = "";
    qp_set_t *plans = qp_load_string ("README.md", yaml, err, sizeof err);
    if (!plans)
        printf ("    %s\n", err);
    UNIT_ASSERT (plans != NULL);
    qp_set_destroy (&plans);
    free (yaml);
}

UNIT_TEST (readme_callback_section_example_loads)
{
    char *yaml = s_readme_block ("callback:");
    UNIT_ASSERT (yaml != NULL);
    char err[512] = "";
    cfg_t *cfg = cfg_load_string ("README.md", yaml, err, sizeof err);
    if (!cfg)
        printf ("    %s\n", err);
    UNIT_ASSERT (cfg != NULL);
    cfg_destroy (&cfg);
    free (yaml);
}

/*  docs/configuration.md's org.yaml example, with the money reference data
 *  (products' warranty_from, an installed card, a provider's contract,
 *  parts and lots), loads as printed and means what its comments say. */
UNIT_TEST (readme_configuration_org_example_loads)
{
    char *yaml = s_doc_block ("docs/configuration.md", "tiers: ");
    UNIT_ASSERT (yaml != NULL);
    char err[512] = "";
    org_t *org = org_load_string ("docs/configuration.md", yaml, err, sizeof err);
    free (yaml);
    if (!org)
        printf ("    %s\n", err);
    UNIT_ASSERT (org != NULL);
    UNIT_ASSERT_INT_EQ (org->partners[1].contract_base, 8000000);
    UNIT_ASSERT_INT_EQ (org->partners[1].deposit, 500000);
    UNIT_ASSERT_INT_EQ (org->parts[0].cost, 1850);
    UNIT_ASSERT_INT_EQ (org->n_lots, 1);
    UNIT_ASSERT_STR_EQ (org->customers[0].cards[1].installed_by, "P-SH");
    org_destroy (&org);
}

/*  docs/gateway.md's HTTPS example loads as printed (the gateway's own
 *  section inside services:). */
UNIT_TEST (readme_gateway_tls_example_loads)
{
    char *yaml = s_doc_block ("docs/gateway.md", "services:");
    UNIT_ASSERT (yaml != NULL);
    char err[512] = "";
    cfg_t *cfg = cfg_load_string_for ("docs/gateway.md", yaml, "gateway", err, sizeof err);
    if (!cfg)
        printf ("    %s\n", err);
    UNIT_ASSERT (cfg != NULL);
    cfg_destroy (&cfg);
    free (yaml);
}
