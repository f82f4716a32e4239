/*  org_staff — the organisation file's people and programs: call centres,
 *  dealer and service-provider organisations, staff with their roles and
 *  placement, and service accounts (docs/security.md, "Staff and roles").
 *  Technicians are staff too: each one is added here with the technician
 *  role, so staff ids and technician ids are one namespace.
 */
#include <stdlib.h>
#include <string.h>

#include "auth/roles.h"
#include "org_fields.h"

const char *const org_partner_kind_names[] = { "dealer", "provider", NULL };

#define ORG_MAX_LIST 1000
#define ORG_MAX_TEXT 64

static const char *s_centre_at (const org_t *org, int i)
{
    return org->centres[i].id;
}
static const char *s_partner_at (const org_t *org, int i)
{
    return org->partners[i].id;
}

static void s_free_list (char **items, int n)
{
    for (int i = 0; i < n; i++)
        free (items[i]);
    free (items);
}

/*  A list of identifiers at key; each resolved through `at` when given
 *  (what names them in errors), none twice. */
static int s_id_list (yt_doc_t *doc, const org_t *org, yt_node_t *map, const char *key,
                      const char *what, orgf_id_at_fn at, int n_at, char ***out, int *n_out)
{
    yt_node_t *list = yt_get (map, key);
    if (!list)
        return yt_missing (doc, map, key, "a list");
    if (yt_expect (doc, list, YT_SEQ) != 0)
        return -1;
    size_t n = yt_size (list);
    if (n == 0)
        return yt_fail (doc, list, "must list at least one %s", what);
    if (n > ORG_MAX_LIST)
        return yt_fail (doc, list, "more than %d entries", ORG_MAX_LIST);
    if (!(*out = orgf_calloc (n, sizeof **out)))
        return yt_fail (doc, list, "out of memory");
    for (size_t i = 0; i < n; i++) {
        yt_node_t *item = yt_item (list, i);
        const char *text = yt_text (item);
        if (yt_expect (doc, item, YT_SCALAR) != 0)
            return -1;
        if (at) {
            int index;
            if (orgf_ref (doc, org, item, what, at, n_at, text, &index) != 0)
                return -1;
        } else if (strlen (text) > ORG_MAX_TEXT) {
            return yt_fail (doc, item, "longer than %d bytes", ORG_MAX_TEXT);
        }
        for (int j = 0; j < *n_out; j++)
            if (strcmp ((*out)[j], text) == 0)
                return yt_fail (doc, item, "%s \"%s\" listed twice", what, text);
        if (!((*out)[(*n_out)] = strdup (text)))
            return yt_fail (doc, item, "out of memory");
        (*n_out)++;
    }
    return 0;
}

int orgf_roles (yt_doc_t *doc, yt_node_t *map, bool required, svc_roles_t *out)
{
    *out = 0;
    yt_node_t *list = yt_get (map, "roles");
    if (!list)
        return required ? yt_missing (doc, map, "roles", "a list of roles") : 0;
    if (yt_expect (doc, list, YT_SEQ) != 0)
        return -1;
    if (required && yt_size (list) == 0)
        return yt_fail (doc, list, "must list at least one role");
    for (size_t i = 0; i < yt_size (list); i++) {
        yt_node_t *item = yt_item (list, i);
        if (yt_expect (doc, item, YT_SCALAR) != 0)
            return -1;
        int r = role_parse (yt_text (item));
        if (r < 0)
            return yt_fail (doc, item,
                            "unknown role \"%.32s\" (expected one of: agent, technician, team_lead, "
                            "qc_inspector, service_advisor, department_head, centre_director, "
                            "general_manager, regional_manager, head_office, finance, operator, "
                            "dealer_staff, provider_staff)",
                            yt_text (item));
        if (*out & ROLE_BIT (r))
            return yt_fail (doc, item, "role \"%s\" listed twice", role_names[r]);
        *out |= ROLE_BIT (r);
    }
    return 0;
}

static int s_load_centres (org_t *org, yt_doc_t *doc, yt_node_t *root)
{
    static const char *const known[] = { "id", "name", "branches", NULL };
    yt_node_t *list;
    if (orgf_list (doc, root, "centres", false, &list) != 0)
        return -1;
    size_t n = yt_size (list);
    if (!(org->centres = orgf_calloc (n, sizeof *org->centres)))
        return yt_fail (doc, root, "out of memory");
    for (size_t i = 0; i < n; i++) {
        yt_node_t *item = yt_item (list, i);
        if (yt_expect (doc, item, YT_MAP) != 0)
            return -1;
        org_centre_t *c = &org->centres[org->n_centres++];
        if (orgf_id (doc, item, "id", true, &c->id) != 0
            || yt_free_text (doc, item, "name", true, ORG_MAX_NAME, &c->name) != 0
            || s_id_list (doc, org, item, "branches", "branch", orgf_branch_at, org->n_branches,
                          &c->branches, &c->n_branches)
                   != 0
            || yt_check_unknown (doc, item, known) != 0)
            return -1;
    }
    return orgf_list_unique (doc, list, "id", "centre id");
}

static int s_load_partners (org_t *org, yt_doc_t *doc, yt_node_t *root)
{
    static const char *const known[] = {
        "id", "name", "kind", "regions", "contract", "account", "contract_base", "currency", "deposit",
        "contract_start", "contract_end", "reward_dealer", NULL,
    };
    yt_node_t *list;
    if (orgf_list (doc, root, "organisations", false, &list) != 0)
        return -1;
    size_t n = yt_size (list);
    if (!(org->partners = orgf_calloc (n, sizeof *org->partners)))
        return yt_fail (doc, root, "out of memory");
    for (size_t i = 0; i < n; i++) {
        yt_node_t *item = yt_item (list, i);
        if (yt_expect (doc, item, YT_MAP) != 0)
            return -1;
        org_partner_t *p = &org->partners[org->n_partners++];
        int kind = 0;
        if (orgf_id (doc, item, "id", true, &p->id) != 0
            || yt_free_text (doc, item, "name", true, ORG_MAX_NAME, &p->name) != 0
            || yt_enum (doc, item, "kind", true, org_partner_kind_names, &kind) != 0
            || s_id_list (doc, org, item, "regions", "region", orgf_region_at, org->n_regions,
                          &p->regions, &p->n_regions)
                   != 0
            || yt_free_text (doc, item, "contract", true, ORG_MAX_TEXT, &p->contract) != 0
            || yt_free_text (doc, item, "account", true, ORG_MAX_TEXT, &p->account) != 0
            || org_money_contract (doc, item, p) != 0 || yt_check_unknown (doc, item, known) != 0)
            return -1;
        p->kind = (org_partner_kind_t) kind;
    }
    return orgf_list_unique (doc, list, "id", "organisation id");
}

/*  Where a staff entry sits: at most one of branch, centre, region and
 *  organisation; none is the company. */
static int s_place (org_t *org, yt_doc_t *doc, yt_node_t *item, org_staff_t *s)
{
    static const char *const keys[] = { "branch", "centre", "region", "organisation" };
    static const place_t places[] = { PLACE_BRANCH, PLACE_CENTRE, PLACE_REGION, PLACE_ORGANISATION };
    orgf_id_at_fn at[] = { orgf_branch_at, s_centre_at, orgf_region_at, s_partner_at };
    int n_at[] = { org->n_branches, org->n_centres, org->n_regions, org->n_partners };
    s->place = PLACE_COMPANY;
    for (int k = 0; k < 4; k++) {
        if (!yt_get (item, keys[k]))
            continue;
        if (s->at)
            return yt_fail (doc, yt_get (item, keys[k]),
                            "a person sits in one place: both %s and %s given",
                            keys[s->place], keys[k]);
        int index;
        if (orgf_id (doc, item, keys[k], true, &s->at) != 0
            || orgf_ref (doc, org, yt_get (item, keys[k]), keys[k], at[k], n_at[k], s->at, &index) != 0)
            return -1;
        s->place = places[k];
    }
    return 0;
}

/*  Every role must be allowed where the person sits; a dealer's staff sit
 *  in a dealer, a provider's in a provider. */
static int s_check_roles (const org_t *org, yt_doc_t *doc, yt_node_t *item, const org_staff_t *s)
{
    for (int r = 0; r < ROLE_COUNT; r++) {
        if (!(s->roles & ROLE_BIT (r)))
            continue;
        bool ok = role_place_allowed ((role_t) r, (place_t) s->place);
        if (ok && s->place == PLACE_ORGANISATION) {
            int p = orgf_find (org, s_partner_at, org->n_partners, s->at);
            ok = (r == ROLE_DEALER_STAFF) == (org->partners[p].kind == ORG_DEALER);
        }
        if (!ok)
            return yt_fail (doc, yt_get (item, "roles"), "role %s sits in %s", role_names[r],
                            role_places_text ((role_t) r));
    }
    return 0;
}

/*  A person's work e-mail and phone, where escalations reach them. */
static int s_work_contact (yt_doc_t *doc, yt_node_t *item, org_staff_t *s)
{
    if (yt_str (doc, item, "email", false, 254, &s->email) != 0
        || yt_str (doc, item, "phone", false, 32, &s->phone) != 0)
        return -1;
    if (s->email && (!strchr (s->email, '@') || strchr (s->email, '@') == s->email
                     || !strchr (strchr (s->email, '@'), '.') || strpbrk (s->email, " \t\r\n<>")))
        return yt_fail (doc, yt_get (item, "email"),
                        "\"%s\" is not an e-mail address (expected name@example.com)", s->email);
    if (s->phone && strspn (s->phone, "0123456789+- ") != strlen (s->phone))
        return yt_fail (doc, yt_get (item, "phone"), "expected a phone number (digits, +, - and spaces)");
    return 0;
}

/*  Technicians are staff already, with their work data, under technicians. */
static int s_not_technician (yt_doc_t *doc, yt_node_t *item, const org_staff_t *s)
{
    if (s->roles & ROLE_BIT (ROLE_TECHNICIAN))
        return yt_fail (doc, yt_get (item, "roles"),
                        "technicians are listed under technicians (with grade, skills, capacity "
                        "and shift)");
    return 0;
}

static int s_load_people (org_t *org, yt_doc_t *doc, yt_node_t *root)
{
    static const char *const known[] = {
        "id", "name", "branch", "centre", "region", "organisation", "roles", "active", "email", "phone", NULL,
    };
    yt_node_t *list;
    if (orgf_list (doc, root, "staff", false, &list) != 0)
        return -1;
    size_t n = yt_size (list);
    if (!(org->staff = orgf_calloc (n + (size_t) org->n_technicians, sizeof *org->staff)))
        return yt_fail (doc, root, "out of memory");
    for (size_t i = 0; i < n; i++) {
        yt_node_t *item = yt_item (list, i);
        if (yt_expect (doc, item, YT_MAP) != 0)
            return -1;
        org_staff_t *s = &org->staff[org->n_staff++];
        s->active = true;
        if (orgf_id (doc, item, "id", true, &s->id) != 0
            || yt_free_text (doc, item, "name", true, ORG_MAX_NAME, &s->name) != 0
            || s_place (org, doc, item, s) != 0 || orgf_roles (doc, item, true, &s->roles) != 0
            || s_not_technician (doc, item, s) != 0 || s_check_roles (org, doc, item, s) != 0
            || yt_bool (doc, item, "active", false, &s->active) != 0
            || s_work_contact (doc, item, s) != 0 || yt_check_unknown (doc, item, known) != 0)
            return -1;
        for (int t = 0; t < org->n_technicians; t++)
            if (strcmp (org->technicians[t].id, s->id) == 0)
                return yt_fail (doc, yt_get (item, "id"),
                                "\"%s\" is a technician already: give extra roles under technicians",
                                s->id);
    }
    if (orgf_list_unique (doc, list, "id", "staff id") != 0)
        return -1;
    for (int t = 0; t < org->n_technicians; t++) {
        const org_technician_t *tech = &org->technicians[t];
        place_t place = tech->organisation ? PLACE_ORGANISATION : PLACE_BRANCH;
        if (tech->organisation) {
            /* a provider's technician sits in the provider */
            int p = orgf_find (org, s_partner_at, org->n_partners, tech->organisation);
            if (p < 0)
                return yt_fail (doc, root, "technicians: %s: unknown organisation \"%s\"", tech->id,
                                tech->organisation);
            if (org->partners[p].kind != ORG_PROVIDER)
                return yt_fail (doc, root,
                                "technicians: %s: organisation %s is a dealer; only an authorised service "
                                "provider's technicians take work orders", tech->id, tech->organisation);
        }
        org_staff_t *s = &org->staff[org->n_staff++];
        *s = (org_staff_t) { .place = place, .roles = tech->roles, .active = tech->active };
        if (!(s->id = strdup (tech->id)) || !(s->name = strdup (tech->name))
            || !(s->at = strdup (tech->organisation ? tech->organisation : tech->branch)))
            return yt_fail (doc, root, "out of memory");
        for (int r = 0; r < ROLE_COUNT; r++)
            if ((tech->roles & ROLE_BIT (r)) && !role_place_allowed ((role_t) r, place))
                return yt_fail (doc, root, "technicians: %s: role %s sits in %s", tech->id,
                                role_names[r], role_places_text ((role_t) r));
    }
    return 0;
}

/*  A request name as the request wrapper allows it: a.b[.c…] of a-z and _. */
static bool s_request_name_valid (const char *name)
{
    size_t len = strlen (name);
    if (len < 3 || len > 32 || name[0] < 'a' || name[0] > 'z' || !strchr (name, '.'))
        return false;
    for (const char *c = name; *c; c++) {
        bool word = (*c >= 'a' && *c <= 'z') || *c == '_';
        if (*c == '.' && (c[1] < 'a' || c[1] > 'z'))
            return false;
        if (!word && *c != '.')
            return false;
    }
    return true;
}

static int s_load_accounts (org_t *org, yt_doc_t *doc, yt_node_t *root)
{
    static const char *const known[] = { "id", "name", "branches", "requests", "active", NULL };
    yt_node_t *list;
    if (orgf_list (doc, root, "service_accounts", false, &list) != 0)
        return -1;
    size_t n = yt_size (list);
    if (!(org->accounts = orgf_calloc (n, sizeof *org->accounts)))
        return yt_fail (doc, root, "out of memory");
    for (size_t i = 0; i < n; i++) {
        yt_node_t *item = yt_item (list, i);
        if (yt_expect (doc, item, YT_MAP) != 0)
            return -1;
        org_service_account_t *a = &org->accounts[org->n_accounts++];
        a->active = true;
        if (orgf_id (doc, item, "id", true, &a->id) != 0
            || yt_free_text (doc, item, "name", true, ORG_MAX_NAME, &a->name) != 0
            || s_id_list (doc, org, item, "branches", "branch", orgf_branch_at, org->n_branches,
                          &a->branches, &a->n_branches)
                   != 0
            || s_id_list (doc, org, item, "requests", "request", NULL, 0, &a->requests, &a->n_requests) != 0
            || yt_bool (doc, item, "active", false, &a->active) != 0
            || yt_check_unknown (doc, item, known) != 0)
            return -1;
        for (int r = 0; r < a->n_requests; r++)
            if (!s_request_name_valid (a->requests[r]))
                return yt_fail (doc, yt_item (yt_get (item, "requests"), (size_t) r),
                                "\"%s\" is not a request name (such as ticket.submit)", a->requests[r]);
        for (int s = 0; s < org->n_staff; s++)
            if (strcmp (org->staff[s].id, a->id) == 0)
                return yt_fail (doc, yt_get (item, "id"), "\"%s\" is a staff id already", a->id);
    }
    return orgf_list_unique (doc, list, "id", "service account id");
}

int org_staff_load (org_t *org, yt_doc_t *doc, yt_node_t *root)
{
    return s_load_centres (org, doc, root) != 0 || s_load_partners (org, doc, root) != 0
                   || s_load_people (org, doc, root) != 0 || s_load_accounts (org, doc, root) != 0
               ? -1
               : 0;
}

void org_staff_free (org_t *org)
{
    for (int i = 0; i < org->n_centres; i++) {
        free (org->centres[i].id);
        free (org->centres[i].name);
        s_free_list (org->centres[i].branches, org->centres[i].n_branches);
    }
    free (org->centres);
    for (int i = 0; i < org->n_partners; i++) {
        org_partner_t *p = &org->partners[i];
        free (p->id);
        free (p->name);
        free (p->contract);
        free (p->account);
        free (p->contract_start);
        free (p->contract_end);
        free (p->reward_dealer);
        s_free_list (p->regions, p->n_regions);
    }
    free (org->partners);
    for (int i = 0; i < org->n_staff; i++) {
        free (org->staff[i].id);
        free (org->staff[i].name);
        free (org->staff[i].at);
        free (org->staff[i].email);
        free (org->staff[i].phone);
    }
    free (org->staff);
    for (int i = 0; i < org->n_accounts; i++) {
        org_service_account_t *a = &org->accounts[i];
        free (a->id);
        free (a->name);
        s_free_list (a->branches, a->n_branches);
        s_free_list (a->requests, a->n_requests);
    }
    free (org->accounts);
}
