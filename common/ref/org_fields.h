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
/*  The duplicate check over the `key` member of each map in a list. */
int orgf_list_unique (yt_doc_t *doc, yt_node_t *list, const char *key, const char *what);
/*  An optional or required list of role names (auth/roles.h) at key "roles". */
int orgf_roles (yt_doc_t *doc, yt_node_t *map, bool required, svc_roles_t *out);
/*  calloc that never returns NULL for zero items. */
void *orgf_calloc (size_t n, size_t size);

/*  The staff sections (org_staff.c): centres, organisations, staff and
 *  service_accounts, after branches and technicians are loaded. */
int org_staff_load (org_t *org, yt_doc_t *doc, yt_node_t *root);
void org_staff_free (org_t *org);

#endif
