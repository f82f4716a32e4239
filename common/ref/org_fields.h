/*  org_fields — the field readers and reference checks the organisation
 *  loader's sections share (org.c, org_staff.c; defined in org_fields.c).
 *  Private to common/ref.
 */
#ifndef KEFU_ORG_FIELDS_H
#define KEFU_ORG_FIELDS_H

#include <stdbool.h>
#include <stddef.h>

#include "conf/yamltree.h"
#include "org.h"

#define ORG_MAX_ID 32
#define ORG_MAX_NAME 200
#define ORG_MAX_ITEMS 1000000 /* entries of one section */

typedef struct {
    const char *id;
    const yt_node_t *node;
    size_t index;
} orgf_key_t;

/*  Records are looked up through an accessor for the i-th id. */
typedef const char *(*orgf_id_at_fn) (const org_t *org, int i);

/*  An identifier: 1 to 32 of A-Z a-z 0-9 _ -. */
int orgf_id (yt_doc_t *doc, yt_node_t *map, const char *key, bool required, char **out);
/*  Fails naming the first duplicate id among keys. */
int orgf_no_duplicates (yt_doc_t *doc, orgf_key_t *keys, size_t n, const char *what);
const char *orgf_region_at (const org_t *org, int i);
const char *orgf_branch_at (const org_t *org, int i);
/*  Index of id among the first n records, or -1. */
int orgf_find (const org_t *org, orgf_id_at_fn at, int n, const char *id);
/*  Resolves a reference or fails listing (the first few) valid choices. */
int orgf_ref (yt_doc_t *doc, const org_t *org, const yt_node_t *node, const char *what,
              orgf_id_at_fn at, int n, const char *id, int *index);
/*  A section: a list; required ones non-empty, optional ones may be absent (*out NULL). */
int orgf_list (yt_doc_t *doc, yt_node_t *root, const char *key, bool required, yt_node_t **out);
/*  An optional section of mappings at key: *list is the list (NULL when
 *  absent) and *rows zeroed room for all its entries, `size` bytes each
 *  (caller frees). Every entry must be a mapping. */
int orgf_section (yt_doc_t *doc, yt_node_t *root, const char *key, size_t size, void **rows, yt_node_t **list);
/*  The duplicate check over the `key` member of each map in a list. */
int orgf_list_unique (yt_doc_t *doc, yt_node_t *list, const char *key, const char *what);
/*  An optional or required list of role names (auth/roles.h) at key "roles". */
int orgf_roles (yt_doc_t *doc, yt_node_t *map, bool required, svc_roles_t *out);
/*  calloc that never returns NULL for zero items. */
void *orgf_calloc (size_t n, size_t size);
/*  A calendar date "YYYY-MM-DD" (a real day, year 1900 to 2999). */
int orgf_date (yt_doc_t *doc, yt_node_t *map, const char *key, bool required, char **out);
/*  An ISO 4217 currency code at key (money_currency_known); `out` keeps its
 *  default when the key is absent. */
int orgf_currency (yt_doc_t *doc, yt_node_t *map, const char *key, char out[MONEY_CODE_SIZE]);
/*  An amount of `currency` written in its major unit ("12.50"), read
 *  exactly with money_parse into minor units; negative amounts refused.
 *  *present says whether the key was there (NULL: required). */
int orgf_amount (yt_doc_t *doc, yt_node_t *map, const char *key, const char *currency, int64_t *out,
                 bool *present);

/*  The money reference data (org_money.c). org_money_card and
 *  org_money_contract read a warranty card's install keys and an
 *  organisation's contract keys while their sections load;
 *  org_money_load then checks what those name (the installer, the reward
 *  dealer) and reads the `parts` and `lots` sections; org_money_free frees
 *  what they read. */
int org_money_card (yt_doc_t *doc, yt_node_t *card, org_card_t *w);
int org_money_contract (yt_doc_t *doc, yt_node_t *item, org_partner_t *p);
int org_money_load (org_t *org, yt_doc_t *doc, yt_node_t *root);
void org_money_free (org_t *org);

/*  The staff sections (org_staff.c): centres, organisations, staff and
 *  service_accounts, after branches and technicians are loaded. */
int org_staff_load (org_t *org, yt_doc_t *doc, yt_node_t *root);
void org_staff_free (org_t *org);

#endif
