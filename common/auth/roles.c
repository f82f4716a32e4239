/*  roles — see roles.h. */
#include "roles.h"

#include <stdio.h>
#include <string.h>

const char *const role_names[] = {
    "agent",         "technician",     "team_lead",        "qc_inspector",   "service_advisor",
    "department_head", "centre_director", "general_manager", "regional_manager", "head_office",
    "finance",       "operator",       "dealer_staff",     "provider_staff", NULL,
};

/*  Which placements each role allows, one bit per place_t. */
#define P(p) (1u << (p))
static const unsigned s_places[ROLE_COUNT] = {
    [ROLE_AGENT] = P (PLACE_BRANCH) | P (PLACE_CENTRE),
    [ROLE_TECHNICIAN] = P (PLACE_BRANCH) | P (PLACE_ORGANISATION), /* a provider's technicians */
    [ROLE_TEAM_LEAD] = P (PLACE_BRANCH) | P (PLACE_CENTRE),
    [ROLE_QC_INSPECTOR] = P (PLACE_BRANCH),
    [ROLE_SERVICE_ADVISOR] = P (PLACE_BRANCH),
    [ROLE_DEPARTMENT_HEAD] = P (PLACE_BRANCH) | P (PLACE_CENTRE),
    [ROLE_CENTRE_DIRECTOR] = P (PLACE_BRANCH) | P (PLACE_CENTRE),
    [ROLE_GENERAL_MANAGER] = P (PLACE_COMPANY),
    [ROLE_REGIONAL_MANAGER] = P (PLACE_REGION),
    [ROLE_HEAD_OFFICE] = P (PLACE_COMPANY),
    [ROLE_FINANCE] = P (PLACE_BRANCH) | P (PLACE_REGION) | P (PLACE_COMPANY),
    [ROLE_OPERATOR] = P (PLACE_COMPANY),
    [ROLE_DEALER_STAFF] = P (PLACE_ORGANISATION),
    [ROLE_PROVIDER_STAFF] = P (PLACE_ORGANISATION),
};

static const char *const s_places_text[ROLE_COUNT] = {
    [ROLE_AGENT] = "a branch or a centre",
    [ROLE_TECHNICIAN] = "a branch or a service provider",
    [ROLE_TEAM_LEAD] = "a branch or a centre",
    [ROLE_QC_INSPECTOR] = "a branch",
    [ROLE_SERVICE_ADVISOR] = "a branch",
    [ROLE_DEPARTMENT_HEAD] = "a branch or a centre",
    [ROLE_CENTRE_DIRECTOR] = "a branch or a centre",
    [ROLE_GENERAL_MANAGER] = "the company (no branch, centre, region or organisation)",
    [ROLE_REGIONAL_MANAGER] = "a region",
    [ROLE_HEAD_OFFICE] = "the company (no branch, centre, region or organisation)",
    [ROLE_FINANCE] = "a branch, a region or the company",
    [ROLE_OPERATOR] = "the company (no branch, centre, region or organisation)",
    [ROLE_DEALER_STAFF] = "an organisation of kind dealer",
    [ROLE_PROVIDER_STAFF] = "an organisation of kind provider",
};

/*  Roles that serve customers and so read their contact data. */
static const svc_roles_t s_contact_roles = ROLE_BIT (ROLE_AGENT) | ROLE_BIT (ROLE_TECHNICIAN)
                                           | ROLE_BIT (ROLE_TEAM_LEAD) | ROLE_BIT (ROLE_QC_INSPECTOR)
                                           | ROLE_BIT (ROLE_SERVICE_ADVISOR)
                                           | ROLE_BIT (ROLE_DEPARTMENT_HEAD)
                                           | ROLE_BIT (ROLE_CENTRE_DIRECTOR);

int role_parse (const char *name)
{
    for (int i = 0; role_names[i]; i++)
        if (strcmp (role_names[i], name) == 0)
            return i;
    return -1;
}

svc_roles_t roles_parse_array (const char *text)
{
    if (!text || *text != '{')
        return 0;
    svc_roles_t roles = 0;
    const char *p = text + 1;
    while (*p && *p != '}') {
        const char *end = p + strcspn (p, ",}");
        char name[32];
        size_t len = (size_t) (end - p);
        if (len == 0 || len >= sizeof name)
            return 0;
        memcpy (name, p, len);
        name[len] = '\0';
        int r = role_parse (name);
        if (r < 0)
            return 0;
        roles |= ROLE_BIT (r);
        p = *end == ',' ? end + 1 : end;
    }
    return *p == '}' && p[1] == '\0' ? roles : 0;
}

char *roles_format (svc_roles_t roles, char *out, size_t size)
{
    size_t used = 0;
    out[0] = '\0';
    for (int r = 0; r < ROLE_COUNT && used < size; r++)
        if (roles & ROLE_BIT (r)) {
            int n = snprintf (out + used, size - used, "%s%s", used ? "," : "", role_names[r]);
            if (n < 0)
                break;
            used += (size_t) n;
        }
    return out;
}

bool role_place_allowed (role_t role, place_t place)
{
    return role >= 0 && role < ROLE_COUNT && (s_places[role] & P (place));
}

const char *role_places_text (role_t role)
{
    return role >= 0 && role < ROLE_COUNT ? s_places_text[role] : "nowhere";
}

bool roles_see_contact (svc_roles_t roles, place_t place)
{
    return (roles & s_contact_roles) && (place == PLACE_BRANCH || place == PLACE_CENTRE);
}
