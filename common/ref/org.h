/*  org — the organisation a deployment describes in YAML (deploy/demo/org.yaml):
 *  region tiers, regions, branches with their working hours, products,
 *  technicians with grade, skills, capacity and shift, and customers with
 *  their warranty cards. kefuctl admin load validates it completely and
 *  writes it to the ref schema in one transaction.
 *
 *  Weekly hours (branch hours and technician shifts, time/hours.h) are a
 *  mapping from weekday (mon..sun) to a list of "HH:MM-HH:MM" intervals, in
 *  the branch's IANA time zone; intervals in a day must be increasing and
 *  must not overlap; "24:00" is allowed as an end. A weekday left out is
 *  closed.
 *  A branch may also name a holiday calendar (public holidays and make-up
 *  working days, deploy/calendars/<calendar>/<year>.yaml).
 *
 *  The money reference data of billing and claims (0026_ref_money.sql;
 *  org_money.c): the parts list with each part's cost, what a product's
 *  warranty counts from, who installed a unit and when, a provider's
 *  contract money and dates, and the lots shipped to dealers. Amounts are
 *  written as decimals in the currency's major unit ("12.50") and held as
 *  int64 minor units (base/money.h).
 */
#ifndef KEFU_ORG_H
#define KEFU_ORG_H

#include <stdbool.h>
#include <stddef.h>

#include <stdint.h>

#include "base/money.h"
#include "svc/who.h"
#include "time/hours.h"

typedef enum { GRADE_TRAINEE = 0, GRADE_JUNIOR, GRADE_INTERMEDIATE, GRADE_SENIOR } org_grade_t;
extern const char *const org_grade_names[]; /* "trainee", "junior", "intermediate", "senior", NULL */

typedef struct { char *id, *name, *tier; } org_region_t;
typedef struct {
    char *id, *name, *region, *timezone;
    hours_week_t hours;
    char *calendar;               /* holiday calendar ("cn"), or NULL: weekly hours only */
} org_branch_t;
/*  What a product's warranty period counts from. */
typedef enum { ORG_WARRANTY_FROM_PURCHASE = 0, ORG_WARRANTY_FROM_INSTALLATION } org_warranty_from_t;
extern const char *const org_warranty_from_names[]; /* "purchase", "installation", NULL */
typedef struct {
    char *code, *name, *line;
    bool premium;
    int warranty_months;
    org_warranty_from_t warranty_from; /* default purchase */
} org_product_t;
typedef struct {
    char *id, *name;
    char *branch;                 /* the branch it works for, or NULL: */
    char *organisation;           /* the service provider it works for */
    org_grade_t grade;
    char **skills; int n_skills;  /* product lines, e.g. "air-conditioner" */
    int capacity;                 /* most open work orders at once */
    hours_week_t shift;           /* in the time zone of the branch whose job it is */
    bool active;
    svc_roles_t roles;            /* a technician is staff: technician and any roles listed */
} org_technician_t;
typedef struct {
    char *card_no, *product, *serial;
    char *purchase_date;          /* YYYY-MM-DD */
    char *install_date;           /* YYYY-MM-DD, or NULL: not recorded */
    char *installed_by;           /* the dealer or provider that installed it, or NULL */
    bool install_unauthorised;    /* installed by someone not authorised (never with installed_by) */
} org_card_t;
typedef struct {
    char *id, *name, *phone, *address, *region, *branch /* may be NULL */, *class_;
    org_card_t *cards; int n_cards;
} org_customer_t;

/*  A regional call centre and the branches it serves. */
typedef struct { char *id, *name; char **branches; int n_branches; } org_centre_t;
/*  A dealer or an authorised service provider: an organisation of its own. */
typedef enum { ORG_DEALER = 0, ORG_PROVIDER } org_partner_kind_t;
extern const char *const org_partner_kind_names[]; /* "dealer", "provider", NULL */
typedef struct {
    char *id, *name;
    org_partner_kind_t kind;
    char **regions; int n_regions; /* the regions it serves */
    char *contract, *account;      /* contract number; account it is paid into */
    /* The contract's money (a provider's reward is computed from its base). */
    bool has_contract_base;
    int64_t contract_base;         /* yearly base, minor units (when has_contract_base) */
    char currency[MONEY_CODE_SIZE]; /* of contract_base and deposit; default CNY */
    int64_t deposit;               /* minor units, default 0 */
    char *contract_start, *contract_end; /* YYYY-MM-DD, both or neither */
    char *reward_dealer;           /* providers only: the dealer that pays its reward, or NULL */
} org_partner_t;
/*  A person: placed in a branch, a centre, a region, an organisation, or
 *  the company (place_t of auth/roles.h), with one or more roles. */
typedef struct {
    char *id, *name;
    int place;                    /* place_t */
    char *at;                     /* the branch, centre, region or organisation; NULL: the company */
    svc_roles_t roles;
    bool active;
    char *email, *phone;          /* work contact for escalations; may be NULL */
} org_staff_t;
/*  A program (a phone system, a web form): named branches and requests. */
typedef struct {
    char *id, *name;
    char **branches; int n_branches;
    char **requests; int n_requests;
    bool active;
} org_service_account_t;

/*  A part of the parts list: its cost in minor units of its currency. */
typedef struct {
    char *code, *name;
    int64_t cost;
    char currency[MONEY_CODE_SIZE];
} org_part_t;
/*  A lot shipped to a dealer. */
typedef struct {
    char *lot, *product, *ship_date /* YYYY-MM-DD */, *dealer;
    int quantity;
} org_lot_t;

/*  A loaded holiday calendar (common/time/holidays.h). */
typedef struct hol_s hol_t;

typedef struct {
    char **tiers; int n_tiers;
    org_region_t *regions; int n_regions;
    org_branch_t *branches; int n_branches;
    org_product_t *products; int n_products;
    org_technician_t *technicians; int n_technicians;
    org_customer_t *customers; int n_customers;
    org_centre_t *centres; int n_centres;
    org_partner_t *partners; int n_partners;       /* the `organisations` section */
    org_staff_t *staff; int n_staff;               /* the `staff` section and every technician */
    org_service_account_t *accounts; int n_accounts;
    org_part_t *parts; int n_parts;                /* the `parts` section */
    org_lot_t *lots; int n_lots;                   /* the `lots` section */
    /* calendars_dir as written, and resolved against the org file's
     * directory; both NULL when the file has none. */
    char *calendars_dir, *calendars_path;
    /* The holiday calendars branches name, each loaded once
     * (hol_load_dir), in order of first use; owned by the org_t. */
    hol_t **calendars; int n_calendars;
} org_t;

/*  Loads and validates (unknown keys, references between sections, time
 *  zones loaded with tz_load, intervals, dates, duplicates, holiday
 *  calendars). Returns NULL with "file:line: key: reason" in err.
 *
 *  Holiday calendars: a branch may name one (`calendar: cn`, 1 to 32 of
 *  a-z 0-9 _ -); the top-level `calendars_dir` (required then) is a
 *  directory relative to the org file's own directory (or absolute). Each
 *  named calendar is loaded from <calendars_dir>/<calendar>/<year>.yaml
 *  with hol_load_dir and applied to the branch's hours (cal_new +
 *  hol_apply), so a typo'd name or a bad holiday file is refused here, at
 *  the branch's `calendar` key, with the holiday file's own file:line: key. */
org_t *org_load (const char *path, char *err, size_t errsize);
/*  The same from text; `name` stands for the file name in errors, and its
 *  directory part (none: the current directory) is where a relative
 *  calendars_dir starts. */
org_t *org_load_string (const char *name, const char *text, char *err, size_t errsize);
/*  Frees the organisation and its holiday calendars; nulls *self_p. */
void org_destroy (org_t **self_p);

/*  The loaded holiday calendar called `calendar`, or NULL (borrowed). */
const hol_t *org_calendar (const org_t *self, const char *calendar);

/*  Parses a grade name. Returns 0 or -1. */
int org_grade_parse (const char *text, org_grade_t *out);

#endif
