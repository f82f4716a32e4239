/*  claim_filing — what a claim must carry (docs/claims.md "Filing"), read
 *  from a claim.file body that passed its schema (which gives each field's
 *  type and length but requires none of them, so that this module can name
 *  EVERY part that is missing or wrong in one reply, not just the first):
 *  the work order, product, spec, quantity, purchase proof, install date,
 *  description, cause (a fault code), at least photos_min distinct photos
 *  (file name, size > 0, SHA-256 as 64 hex; two photos with one hash count
 *  once) and the amount claimed with its currency.
 *
 *  Pure: no database, no clock. The facts checked against the database
 *  (the work done, the warranty, the region) come after, in claim_file.c.
 */
#ifndef KEFU_CLAIM_FILING_H
#define KEFU_CLAIM_FILING_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CLF_MAX_PHOTOS 50

typedef struct {
    int64_t work_order_id;
    const char *dealer_id;      /* the claimant organisation, for head office (NULL: the caller's) */
    const char *product_code;
    const char *spec;
    int64_t quantity;
    const char *purchase_proof; /* a document reference */
    char install_date[11];      /* YYYY-MM-DD */
    const char *description;
    const char *cause;
    int64_t amount;             /* minor units of currency */
    char currency[4];
    bool unrepairable_on_site;  /* the technician found it cannot be repaired on site */
    int n_photos;               /* distinct photos (by hash) */
} clf_claim_t;

/*  True when `code` is a known fault code (dispatch.fault_codes). */
typedef bool (*clf_cause_known_fn) (const void *arg, const char *code);

/*  Reads body into *out (strings borrowed from body). Returns 0, or -1
 *  with every problem in err, "; "-separated, each "body.<field>: what"
 *  ("body.purchase_proof: missing; body.photos: 4 distinct photos, at least
 *  5 are needed"). A cause is checked with cause_known when it is given. */
int clf_parse (const cJSON *body, int photos_min, clf_cause_known_fn cause_known, const void *arg,
               clf_claim_t *out, char *err, size_t errsize);

/*  The distinct photos of body (by hash, lower-case), as a new JSON array
 *  of {name, size, sha256} (caller deletes); NULL when out of memory. Call
 *  after clf_parse succeeded. */
cJSON *clf_photos (const cJSON *body);

/*  True when text is a calendar date YYYY-MM-DD. */
bool clf_date_valid (const char *text);

#endif
