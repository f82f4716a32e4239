/*  roles — the roles a staff member can hold (docs/security.md, "Roles"),
 *  one bit each of svc_roles_t (svc/who.h), and what each role's placement
 *  in the organisation must be.
 *
 *  A person is placed in exactly one of: a branch, a call centre (the
 *  branches it serves), a region (its branches), an organisation (a dealer
 *  or a service provider), or the company as a whole. The placement gives
 *  the scope; the roles give the operations (auth/permissions.h).
 */
#ifndef KEFU_ROLES_H
#define KEFU_ROLES_H

#include <stdbool.h>
#include <stddef.h>

#include "svc/who.h"

typedef enum {
    ROLE_AGENT = 0,
    ROLE_TECHNICIAN,
    ROLE_TEAM_LEAD,
    ROLE_QC_INSPECTOR,
    ROLE_SERVICE_ADVISOR,
    ROLE_DEPARTMENT_HEAD,
    ROLE_CENTRE_DIRECTOR,
    ROLE_GENERAL_MANAGER,
    ROLE_REGIONAL_MANAGER,
    ROLE_HEAD_OFFICE,
    ROLE_FINANCE,
    ROLE_OPERATOR,
    ROLE_DEALER_STAFF,
    ROLE_PROVIDER_STAFF,
    ROLE_COUNT
} role_t;

#define ROLE_BIT(r) ((svc_roles_t) 1u << (r))
/*  Every role. */
#define ROLES_ALL (ROLE_BIT (ROLE_COUNT) - 1u)

/*  Who may do what: the role sets request tables name (docs/security.md,
 *  "Roles and operations", has the whole table). */
#define ROLES_STAFF_OF_BRANCHES                                                                  \
    (ROLE_BIT (ROLE_AGENT) | ROLE_BIT (ROLE_TECHNICIAN) | ROLE_BIT (ROLE_TEAM_LEAD)             \
     | ROLE_BIT (ROLE_QC_INSPECTOR) | ROLE_BIT (ROLE_SERVICE_ADVISOR)                           \
     | ROLE_BIT (ROLE_DEPARTMENT_HEAD) | ROLE_BIT (ROLE_CENTRE_DIRECTOR))
#define ROLES_MANAGEMENT                                                                         \
    (ROLE_BIT (ROLE_GENERAL_MANAGER) | ROLE_BIT (ROLE_REGIONAL_MANAGER) | ROLE_BIT (ROLE_HEAD_OFFICE))
/*  Take a customer's request in. */
#define ROLES_TAKE_REQUESTS                                                                      \
    (ROLE_BIT (ROLE_AGENT) | ROLE_BIT (ROLE_TEAM_LEAD) | ROLE_BIT (ROLE_SERVICE_ADVISOR)        \
     | ROLE_BIT (ROLE_DEPARTMENT_HEAD) | ROLE_BIT (ROLE_CENTRE_DIRECTOR))
/*  Read tickets, clocks and boards (contact data only as who.contact says). */
#define ROLES_READ_TICKETS                                                                       \
    (ROLES_STAFF_OF_BRANCHES | ROLES_MANAGEMENT | ROLE_BIT (ROLE_FINANCE) | ROLE_BIT (ROLE_OPERATOR))
/*  Record what happened on a ticket. */
#define ROLES_ACT_ON_TICKETS                                                                     \
    ((ROLES_STAFF_OF_BRANCHES & ~ROLE_BIT (ROLE_QC_INSPECTOR)) | ROLES_MANAGEMENT)

/*  Where a person sits. */
typedef enum {
    PLACE_BRANCH = 0,
    PLACE_CENTRE,
    PLACE_REGION,
    PLACE_ORGANISATION,
    PLACE_COMPANY,
} place_t;

/*  "agent", …, "provider_staff"; NULL past the end (a NULL-ended list). */
extern const char *const role_names[];

/*  The role called `name`, or -1. */
int role_parse (const char *name);

/*  Parses a text[] literal of role names as PostgreSQL prints it
 *  ("{agent,team_lead}"). Returns the bits, or 0 when a name is unknown. */
svc_roles_t roles_parse_array (const char *text);

/*  Writes the role names of `roles`, comma-separated, into out. Returns out. */
char *roles_format (svc_roles_t roles, char *out, size_t size);

/*  True when a person with `role` may sit at `place` (a regional manager in
 *  a region, a dealer's staff in an organisation, …). */
bool role_place_allowed (role_t role, place_t place);

/*  The placements `role` allows, in words, for an error message. */
const char *role_places_text (role_t role);

/*  True when roles held at `place` may read a customer's full contact data
 *  of their own branches: staff who serve customers, placed at a branch or
 *  a call centre. Operators never do. */
bool roles_see_contact (svc_roles_t roles, place_t place);

#endif
