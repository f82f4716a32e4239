/*  Identity: tokens, roles, passwords, masking of contact data, and the
 *  organisation file's staff sections (docs/security.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/password.h"
#include "auth/roles.h"
#include "auth/token.h"
#include "model/contact.h"
#include "ref/org.h"
#include "svc/who.h"
#include "unit.h"

UNIT_TEST (auth_tokens_made_parse_and_hash_to_64_hex_digits)
{
    char a[TOKEN_LEN + 1], b[TOKEN_LEN + 1], ha[TOKEN_HASH_HEX], hb[TOKEN_HASH_HEX], err[256];
    UNIT_ASSERT (token_make (a) == 0 && token_make (b) == 0);
    UNIT_ASSERT_INT_EQ (strlen (a), TOKEN_LEN);
    UNIT_ASSERT (strncmp (a, "kefu_", 5) == 0);
    UNIT_ASSERT (strcmp (a, b) != 0);
    UNIT_ASSERT (token_parse (a, strlen (a), ha, err, sizeof err) == 0);
    UNIT_ASSERT (token_parse (b, strlen (b), hb, err, sizeof err) == 0);
    UNIT_ASSERT_INT_EQ (strlen (ha), 64);
    UNIT_ASSERT (strcmp (ha, hb) != 0);
    UNIT_ASSERT (strspn (ha, "0123456789abcdef") == 64);
}

UNIT_TEST (auth_malformed_tokens_are_refused_with_the_reason)
{
    char hash[TOKEN_HASH_HEX], err[256];
    const char *good = "kefu_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    UNIT_ASSERT (token_parse (good, strlen (good), hash, err, sizeof err) == 0);
    UNIT_ASSERT (token_parse (NULL, 0, hash, err, sizeof err) != 0);
    UNIT_ASSERT (strncmp (err, "token: missing", 14) == 0);
    const char *bad[] = {
        "kefu_short",
        "KEFU_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "kefu_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+",
        "kefu_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB", /* spare bits set */
        "kefu_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        err[0] = '\0';
        if (token_parse (bad[i], strlen (bad[i]), hash, err, sizeof err) == 0)
            unit_fail (__FILE__, __LINE__, "accepted \"%s\"", bad[i]);
        UNIT_ASSERT (strncmp (err, "token: malformed", 16) == 0);
        UNIT_ASSERT (!strstr (err, bad[i])); /* never quoted */
    }
    /* a NUL inside is not a shorter token */
    char with_nul[TOKEN_LEN + 1];
    memcpy (with_nul, good, sizeof with_nul);
    with_nul[20] = '\0';
    UNIT_ASSERT (token_parse (with_nul, TOKEN_LEN, hash, err, sizeof err) != 0);
}

UNIT_TEST (auth_roles_parse_and_format)
{
    UNIT_ASSERT_INT_EQ (role_parse ("agent"), ROLE_AGENT);
    UNIT_ASSERT_INT_EQ (role_parse ("provider_staff"), ROLE_PROVIDER_STAFF);
    UNIT_ASSERT_INT_EQ (role_parse ("boss"), -1);
    svc_roles_t r = roles_parse_array ("{agent,team_lead}");
    UNIT_ASSERT_INT_EQ (r, ROLE_BIT (ROLE_AGENT) | ROLE_BIT (ROLE_TEAM_LEAD));
    UNIT_ASSERT_INT_EQ (roles_parse_array ("{agent,boss}"), 0);
    UNIT_ASSERT_INT_EQ (roles_parse_array ("agent"), 0);
    UNIT_ASSERT_INT_EQ (roles_parse_array ("{}"), 0);
    char out[128];
    UNIT_ASSERT_STR_EQ (roles_format (r, out, sizeof out), "agent,team_lead");
    UNIT_ASSERT (role_place_allowed (ROLE_REGIONAL_MANAGER, PLACE_REGION));
    UNIT_ASSERT (!role_place_allowed (ROLE_REGIONAL_MANAGER, PLACE_BRANCH));
    UNIT_ASSERT (!role_place_allowed (ROLE_OPERATOR, PLACE_BRANCH));
    UNIT_ASSERT (roles_see_contact (ROLE_BIT (ROLE_AGENT), PLACE_CENTRE));
    UNIT_ASSERT (!roles_see_contact (ROLE_BIT (ROLE_OPERATOR), PLACE_COMPANY));
    UNIT_ASSERT (!roles_see_contact (ROLE_BIT (ROLE_HEAD_OFFICE), PLACE_COMPANY));
    UNIT_ASSERT (!roles_see_contact (ROLE_BIT (ROLE_REGIONAL_MANAGER), PLACE_REGION));
}

UNIT_TEST (auth_scope_of_who)
{
    const char *b[] = { "SH01", "SH02" };
    svc_who_t two = { .principal = "RM", .branches = b, .n_branches = 2 };
    svc_who_t none = { .principal = "DS", .branches = b, .n_branches = 0 };
    svc_who_t all = svc_who_system ("dispatch");
    UNIT_ASSERT (svc_who_sees_branch (&two, "SH02") && !svc_who_sees_branch (&two, "SZ01"));
    UNIT_ASSERT (!svc_who_sees_branch (&two, NULL));
    UNIT_ASSERT (!svc_who_sees_branch (&none, "SH01"));
    UNIT_ASSERT (svc_who_sees_branch (&all, "SZ01") && svc_who_sees_branch (&all, NULL));
    char lit[64];
    UNIT_ASSERT_STR_EQ (svc_who_branches_literal (&two, lit, sizeof lit), "{SH01,SH02}");
    UNIT_ASSERT_STR_EQ (svc_who_branches_literal (&none, lit, sizeof lit), "{}");
    UNIT_ASSERT (svc_who_branches_literal (&all, lit, sizeof lit) == NULL);
    UNIT_ASSERT (!svc_who_branches_fit (&two, 8));
}

UNIT_TEST (auth_passwords_hash_with_argon2id_and_verify)
{
    char hash[PASSWORD_HASH_MAX], err[128];
    UNIT_ASSERT (password_hash ("correct horse battery", hash, err, sizeof err) == 0);
    UNIT_ASSERT (strncmp (hash, "$argon2id$", 10) == 0);
    UNIT_ASSERT (password_verify (hash, "correct horse battery"));
    UNIT_ASSERT (!password_verify (hash, "correct horse batterY"));
    UNIT_ASSERT (password_hash ("short", hash, err, sizeof err) != 0);
    UNIT_ASSERT_STR_EQ (err, "password: 5 bytes (expected 10 to 128)");
    UNIT_ASSERT (password_hash ("line\nbreak in it", hash, err, sizeof err) != 0);
}

UNIT_TEST (contact_masks_keep_only_what_a_list_may_show)
{
    char out[128];
    UNIT_ASSERT_STR_EQ (contact_mask_phone ("13812345678", out, sizeof out), "138****5678");
    UNIT_ASSERT_STR_EQ (contact_mask_phone ("021-5555", out, sizeof out), "****55");
    UNIT_ASSERT_STR_EQ (contact_mask_phone ("", out, sizeof out), "****");
    UNIT_ASSERT_STR_EQ (contact_mask_address ("上海市徐汇区漕溪北路88号", out, sizeof out), "上海市徐汇区****");
    UNIT_ASSERT_STR_EQ (contact_mask_address ("abc", out, sizeof out), "abc****");
}

/*  An organisation with the staff sections; the bad-input tests change one
 *  piece of it. */
static const char *s_org = "tiers: [city]\n"
                           "regions:\n"
                           "  - {id: R1, name: 区一, tier: city}\n"
                           "branches:\n"
                           "  - {id: B1, name: 站一, region: R1, timezone: Asia/Shanghai, hours: {mon: [\"08:00-18:00\"]}}\n"
                           "  - {id: B2, name: 站二, region: R1, timezone: Asia/Shanghai, hours: {mon: [\"08:00-18:00\"]}}\n"
                           "products:\n"
                           "  - {code: P1, name: 产品, line: ac}\n"
                           "technicians:\n"
                           "  - {id: T1, name: 技师, branch: B1, grade: senior, skills: [ac], capacity: 3, shift: {mon: [\"08:00-18:00\"]}, roles: [team_lead]}\n"
                           "centres:\n"
                           "  - {id: CC, name: 中心, branches: [B1, B2]}\n"
                           "organisations:\n"
                           "  - {id: D1, name: 经销商, kind: dealer, regions: [R1], contract: HT-1, account: \"6222\"}\n"
                           "staff:\n"
                           "  - {id: A1, name: 客服, centre: CC, roles: [agent]}\n"
                           "  - {id: RM, name: 经理, region: R1, roles: [regional_manager], email: rm@example.com}\n"
                           "  - {id: HO, name: 总部, roles: [head_office]}\n"
                           "  - {id: DS, name: 经销员, organisation: D1, roles: [dealer_staff]}\n"
                           "service_accounts:\n"
                           "  - {id: cti, name: 电话, branches: [B1], requests: [ticket.submit]}\n";

static bool s_staff_refused (const char *from, const char *to, const char *expected)
{
    const char *at = strstr (s_org, from);
    if (!at) {
        printf ("    test bug: \"%s\" not in the text\n", from);
        return false;
    }
    size_t head = (size_t) (at - s_org);
    char *text = malloc (strlen (s_org) + strlen (to) + 1);
    if (!text)
        return false;
    memcpy (text, s_org, head);
    strcpy (text + head, to);
    strcat (text, at + strlen (from));
    char err[512] = "";
    org_t *org = org_load_string ("org.yaml", text, err, sizeof err);
    bool loaded = org != NULL;
    org_destroy (&org);
    free (text);
    return unit_refused (loaded, to, err, expected);
}

UNIT_TEST (org_staff_sections_load_and_technicians_are_staff)
{
    char err[512] = "";
    org_t *org = org_load_string ("org.yaml", s_org, err, sizeof err);
    if (!org)
        printf ("    %s\n", err);
    UNIT_ASSERT (org);
    UNIT_ASSERT_INT_EQ (org->n_staff, 5); /* four listed, and the technician */
    const org_staff_t *t = &org->staff[4];
    UNIT_ASSERT_STR_EQ (t->id, "T1");
    UNIT_ASSERT_INT_EQ (t->roles, ROLE_BIT (ROLE_TECHNICIAN) | ROLE_BIT (ROLE_TEAM_LEAD));
    UNIT_ASSERT_INT_EQ (t->place, PLACE_BRANCH);
    UNIT_ASSERT_INT_EQ (org->staff[1].place, PLACE_REGION);
    UNIT_ASSERT_STR_EQ (org->staff[1].email, "rm@example.com");
    UNIT_ASSERT_INT_EQ (org->staff[2].place, PLACE_COMPANY);
    UNIT_ASSERT (org->staff[2].at == NULL);
    UNIT_ASSERT_INT_EQ (org->centres[0].n_branches, 2);
    UNIT_ASSERT_INT_EQ (org->partners[0].kind, ORG_DEALER);
    UNIT_ASSERT_STR_EQ (org->accounts[0].requests[0], "ticket.submit");
    org_destroy (&org);
}

UNIT_TEST (org_staff_bad_input_is_refused_with_the_reason)
{
    UNIT_ASSERT (s_staff_refused ("roles: [agent]", "roles: [boss]", "staff[0].roles[0]: unknown role \"boss\""));
    UNIT_ASSERT (s_staff_refused ("{id: A1, name: 客服, centre: CC,", "{id: A1, name: 客服, branch: B9,",
                                  "staff[0].branch: unknown branch \"B9\" (expected one of: B1, B2)"));
    UNIT_ASSERT (s_staff_refused ("region: R1, roles: [regional_manager]", "branch: B1, roles: [regional_manager]",
                                  "staff[1].roles: role regional_manager sits in a region"));
    UNIT_ASSERT (s_staff_refused ("roles: [dealer_staff]", "roles: [provider_staff]",
                                  "role provider_staff sits in an organisation of kind provider"));
    UNIT_ASSERT (s_staff_refused ("centre: CC, roles: [agent]", "centre: CC, branch: B1, roles: [agent]",
                                  "a person sits in one place: both branch and centre given"));
    UNIT_ASSERT (s_staff_refused ("roles: [head_office]", "roles: [head_office, technician]",
                                  "technicians are listed under technicians"));
    UNIT_ASSERT (s_staff_refused ("{id: HO, name: 总部,", "{id: T1, name: 总部,",
                                  "\"T1\" is a technician already"));
    UNIT_ASSERT (s_staff_refused ("requests: [ticket.submit]", "requests: [Ticket]",
                                  "\"Ticket\" is not a request name"));
    UNIT_ASSERT (s_staff_refused ("{id: cti, name: 电话, branches: [B1]", "{id: cti, name: 电话, branches: [B7]",
                                  "unknown branch \"B7\""));
    UNIT_ASSERT (s_staff_refused ("email: rm@example.com", "email: rm-at-example", "is not an e-mail address"));
    UNIT_ASSERT (s_staff_refused ("roles: [team_lead]}", "roles: [regional_manager]}",
                                  "technicians: T1: role regional_manager sits in a region"));
    /* a technician works for a branch or for a service provider, not a dealer */
    UNIT_ASSERT (s_staff_refused ("{id: T1, name: 技师, branch: B1,", "{id: T1, name: 技师, organisation: D1,",
                                  "technicians: T1: organisation D1 is a dealer"));
    UNIT_ASSERT (s_staff_refused ("{id: T1, name: 技师, branch: B1,", "{id: T1, name: 技师, organisation: P9,",
                                  "technicians: T1: unknown organisation \"P9\""));
    UNIT_ASSERT (s_staff_refused ("{id: T1, name: 技师, branch: B1,",
                                  "{id: T1, name: 技师, branch: B1, organisation: D1,",
                                  "a technician works for a branch or for a service provider: both given"));
}

UNIT_TEST (org_provider_technicians_sit_in_their_provider)
{
    const char *from = "{id: D1, name: 经销商, kind: dealer,";
    char text[4096];
    const char *at = strstr (s_org, from);
    UNIT_ASSERT (at != NULL);
    /* the organisation becomes a provider, and the technician works for it */
    snprintf (text, sizeof text, "%.*s{id: D1, name: 服务商, kind: provider,%s", (int) (at - s_org), s_org,
              at + strlen (from));
    /* (a team lead sits in a branch or a centre: the provider's has no extra role) */
    char *lead = strstr (text, ", roles: [team_lead]}");
    UNIT_ASSERT (lead != NULL);
    memmove (lead, lead + strlen (", roles: [team_lead]"), strlen (lead + strlen (", roles: [team_lead]")) + 1);
    char *tech = strstr (text, "branch: B1, grade: senior");
    UNIT_ASSERT (tech != NULL);
    char fixed[4096];
    snprintf (fixed, sizeof fixed, "%.*sorganisation: D1, grade: senior%s", (int) (tech - text), text,
              tech + strlen ("branch: B1, grade: senior"));
    /* DS is a dealer's staff: now a provider's */
    char *ds = strstr (fixed, "roles: [dealer_staff]");
    UNIT_ASSERT (ds != NULL);
    memcpy (ds, "roles: [provider_sta", 20);
    char err[512] = "";
    char final_text[4096];
    snprintf (final_text, sizeof final_text, "%.*sroles: [provider_staff]%s", (int) (ds - fixed), fixed,
              ds + strlen ("roles: [dealer_staff]"));
    org_t *org = org_load_string ("org.yaml", final_text, err, sizeof err);
    if (!org)
        printf ("    %s\n", err);
    UNIT_ASSERT (org);
    const org_staff_t *t = &org->staff[4];
    UNIT_ASSERT_STR_EQ (t->id, "T1");
    UNIT_ASSERT_INT_EQ (t->place, PLACE_ORGANISATION);
    UNIT_ASSERT_STR_EQ (t->at, "D1");
    UNIT_ASSERT_INT_EQ (t->roles, ROLE_BIT (ROLE_TECHNICIAN));
    UNIT_ASSERT (org->technicians[0].branch == NULL);
    UNIT_ASSERT_STR_EQ (org->technicians[0].organisation, "D1");
    org_destroy (&org);
}
