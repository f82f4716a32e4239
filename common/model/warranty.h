/*  warranty — whether a unit's work is free under warranty, or why not
 *  (DOMAIN.md §8; docs/billing.md "Warranty or chargeable"). Billing
 *  decides each line of an estimate with it; claims refuses a claim for
 *  work that was not under warranty with it. Pure: the facts come from
 *  the warranty card (ref.warranty_cards), the product (its period and
 *  what it is counted from), the recorded install and the technician's
 *  confirmed findings; dates are whole days in the branch's time zone.
 *
 *  The exclusions are checked in the order of the enum, so the reason
 *  given is the first that applies.
 */
#ifndef KEFU_MODEL_WARRANTY_H
#define KEFU_MODEL_WARRANTY_H

#include <stdbool.h>
#include <stdint.h>

/*  What the period is counted from (ref.products.warranty_from). */
typedef enum {
    WARRANTY_FROM_PURCHASE = 0,
    WARRANTY_FROM_INSTALLATION,
} warranty_basis_t;

typedef enum {
    WARRANTY_COVERED = 0, /* free */
    WARRANTY_NO_CARD, /* no warranty card */
    WARRANTY_NOT_AUTHORISED_INSTALL, /* installed by someone not authorised */
    WARRANTY_MISUSE, /* customer misuse, confirmed by a service advisor */
    WARRANTY_UNAUTHORISED_MAINTENANCE, /* opened or repaired by someone not authorised */
    WARRANTY_FORCE_MAJEURE, /* force majeure, confirmed by a service advisor */
    WARRANTY_NO_START, /* the date the period counts from is unknown */
    WARRANTY_EXPIRED, /* past the period */
    WARRANTY_REASON_COUNT
} warranty_reason_t;

/*  A date as days since 1970-01-01 (civil, the branch's zone); this value
 *  for "not known". */
#define WARRANTY_NO_DATE INT32_MIN

typedef struct {
    bool has_card;
    int months; /* the product's period, 0 … 1200 */
    warranty_basis_t basis;
    int32_t purchase_day; /* or WARRANTY_NO_DATE */
    int32_t install_day; /* or WARRANTY_NO_DATE */
    bool installed_by_unauthorised; /* the install was recorded as not by an authorised provider */
    bool misuse_confirmed;
    bool unauthorised_maintenance;
    bool force_majeure_confirmed;
    int32_t service_day; /* the day the work is (or was) done */
} warranty_facts_t;

/*  The decision: WARRANTY_COVERED or the first exclusion that applies.
 *  The start is the purchase day or the install day (by `basis`); work on
 *  or before the last day is covered. A period out of 0 … 1200 months or
 *  an unknown service day covers nothing (WARRANTY_EXPIRED). */
warranty_reason_t warranty_decide (const warranty_facts_t *facts);

/*  The last day covered (inclusive): the day before the start's day of the
 *  month `months` calendar months later; when that month has no such day,
 *  its last day (a 12-month warranty bought on 2026-03-15 covers up to
 *  2027-03-14; from 2026-01-31 one month covers up to 2026-02-28; from
 *  2024-02-29 twelve months cover up to 2025-02-28). WARRANTY_NO_DATE when
 *  start is, or months is out of 0 … 1200 (0 months: the day before start). */
int32_t warranty_last_day (int32_t start_day, int months);

/*  "covered", "no_card", "not_authorised_install", "misuse",
 *  "unauthorised_maintenance", "force_majeure", "no_start", "expired";
 *  NULL out of range. */
const char *warranty_reason_name (warranty_reason_t reason);

/*  "purchase" or "installation" (ref.products.warranty_from): 0 with *out
 *  set, or -1. */
int warranty_basis_parse (const char *name, warranty_basis_t *out);

#endif
