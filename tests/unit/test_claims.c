/*  test_claims — the claims service's pure parts: what a claim must carry
 *  (every missing part named at once), the return rules at their edges,
 *  and a claim's state moves (services/claims). */
#include "unit.h"

#include <string.h>

#include "../../services/claims/claim_filing.h"
#include "../../services/claims/claim_state.h"
#include "../../services/claims/return_rules.h"
#include "base/json.h"

#define H(c) "\"" c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c "\""

static bool s_known (const void *arg, const char *code)
{
    (void) arg;
    return strcmp (code, "component_failure") == 0 || strcmp (code, "misuse") == 0;
}

static int s_parse (const char *json, int photos_min, clf_claim_t *out, char *err, size_t size)
{
    cJSON *body = cJSON_Parse (json);
    if (!body)
        return -2;
    int rc = clf_parse (body, photos_min, s_known, NULL, out, err, size);
    cJSON_Delete (body);
    return rc;
}

#define PHOTO(c) "{\"name\":\"p" c ".jpg\",\"size\":1000,\"sha256\":" H (c) "}"
#define FIVE PHOTO ("a") "," PHOTO ("b") "," PHOTO ("c") "," PHOTO ("d") "," PHOTO ("e")
#define WHOLE(photos, proof)                                                                                \
    "{\"work_order_id\":7,\"product_code\":\"AC-3200\",\"spec\":\"KFR-35GW\",\"quantity\":1," proof          \
    "\"install_date\":\"2026-03-01\",\"description\":\"no cooling\",\"cause\":\"component_failure\","       \
    "\"photos\":[" photos "],\"amount\":12000,\"currency\":\"CNY\"}"

UNIT_TEST (claim_filing_accepts_a_whole_claim)
{
    clf_claim_t c;
    char err[1024];
    UNIT_ASSERT_INT_EQ (s_parse (WHOLE (FIVE, "\"purchase_proof\":\"INV-1\","), 5, &c, err, sizeof err), 0);
    UNIT_ASSERT_INT_EQ (c.work_order_id, 7);
    UNIT_ASSERT_INT_EQ (c.n_photos, 5);
    UNIT_ASSERT_INT_EQ (c.amount, 12000);
    UNIT_ASSERT_STR_EQ (c.install_date, "2026-03-01");
    UNIT_ASSERT_STR_EQ (c.currency, "CNY");
}

UNIT_TEST (claim_filing_names_every_missing_part_at_once)
{
    clf_claim_t c;
    char err[1024];
    /* four photos and no purchase proof: both named */
    UNIT_ASSERT_INT_EQ (s_parse (WHOLE (PHOTO ("a") "," PHOTO ("b") "," PHOTO ("c") "," PHOTO ("d"), ""), 5, &c, err,
                                 sizeof err),
                        -1);
    UNIT_ASSERT_CONTAINS (err, "body.purchase_proof: missing");
    UNIT_ASSERT_CONTAINS (err, "body.photos: 4 distinct photos, at least 5 are needed");
    /* nothing at all: every part, in one message */
    UNIT_ASSERT_INT_EQ (s_parse ("{}", 5, &c, err, sizeof err), -1);
    const char *parts[] = { "body.work_order_id", "body.product_code", "body.spec", "body.quantity",
                            "body.purchase_proof", "body.install_date", "body.description", "body.cause",
                            "body.photos", "body.amount", "body.currency" };
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
        UNIT_ASSERT_CONTAINS (err, parts[i]);
}

UNIT_TEST (claim_filing_counts_a_duplicate_photo_once_and_checks_each)
{
    clf_claim_t c;
    char err[1024];
    UNIT_ASSERT_INT_EQ (s_parse (WHOLE (FIVE "," PHOTO ("a"), "\"purchase_proof\":\"INV-1\","), 5, &c, err, sizeof err), 0);
    UNIT_ASSERT_INT_EQ (c.n_photos, 5);
    UNIT_ASSERT_INT_EQ (s_parse (WHOLE (PHOTO ("a") "," PHOTO ("b") "," PHOTO ("c") "," PHOTO ("d") "," PHOTO ("D"),
                                        "\"purchase_proof\":\"INV-1\","),
                                 5, &c, err, sizeof err),
                        -1); /* the same hash in capitals */
    UNIT_ASSERT_CONTAINS (err, "4 distinct photos");
    UNIT_ASSERT_INT_EQ (
        s_parse (WHOLE (FIVE ",{\"name\":\"x\",\"size\":0,\"sha256\":\"zz\"}", "\"purchase_proof\":\"INV-1\","), 5, &c,
                 err, sizeof err),
        -1);
    UNIT_ASSERT_CONTAINS (err, "body.photos[5].size: expected a size in bytes greater than 0");
    UNIT_ASSERT_CONTAINS (err, "body.photos[5].sha256: expected the SHA-256 as 64 hex digits");
}

UNIT_TEST (claim_filing_refuses_bad_amounts_currencies_dates_and_causes)
{
    clf_claim_t c;
    char err[1024];
    UNIT_ASSERT_INT_EQ (s_parse ("{\"amount\":0,\"currency\":\"XYZ\",\"install_date\":\"2026-02-30\",\"cause\":\"gremlins\"}",
                                 5, &c, err, sizeof err),
                        -1);
    UNIT_ASSERT_CONTAINS (err, "body.amount: expected a whole number of minor units greater than 0");
    UNIT_ASSERT_CONTAINS (err, "body.currency: \"XYZ\" is not a known ISO 4217 currency code");
    UNIT_ASSERT_CONTAINS (err, "body.install_date: \"2026-02-30\" is not a date YYYY-MM-DD");
    UNIT_ASSERT_CONTAINS (err, "body.cause: \"gremlins\" is not a fault code of dispatch.fault_codes");
    UNIT_ASSERT (clf_date_valid ("2028-02-29"));
    UNIT_ASSERT (!clf_date_valid ("2027-02-29"));
    UNIT_ASSERT (!clf_date_valid ("2027-13-01"));
}

UNIT_TEST (lot_rule_at_its_edges)
{
    char err[512];
    /* 3.1 % accepted, exactly 3.0 % and 2.9 % refused (300 bp) */
    UNIT_ASSERT_INT_EQ (rr_pre_sale (31, 1000, 300, 10, 365, err, sizeof err), 0);
    UNIT_ASSERT_INT_EQ (rr_pre_sale (30, 1000, 300, 10, 365, err, sizeof err), -1);
    UNIT_ASSERT_CONTAINS (err, "lot_defect_rate: 30 defects in 1000 units is 3.00 %");
    UNIT_ASSERT_INT_EQ (rr_pre_sale (29, 1000, 300, 10, 365, err, sizeof err), -1);
    UNIT_ASSERT_CONTAINS (err, "lot_defect_rate:");
    /* a year old is allowed, a year and a day is not */
    UNIT_ASSERT_INT_EQ (rr_pre_sale (31, 1000, 300, 365, 365, err, sizeof err), 0);
    UNIT_ASSERT_INT_EQ (rr_pre_sale (31, 1000, 300, 366, 365, err, sizeof err), -1);
    UNIT_ASSERT_CONTAINS (err, "lot_age: the lot was shipped 366 days ago");
    /* integers only, no overflow at large lots */
    UNIT_ASSERT_INT_EQ (rr_pre_sale (2147483647, 2147483647, 10000, 0, 365, err, sizeof err), -1);
    UNIT_ASSERT_INT_EQ (rr_rate_bp (31, 1000), 310);
}

UNIT_TEST (after_sale_rule_needs_product_quality_and_unrepairable)
{
    char err[512];
    rr_after_sale_t f = { true, "product_quality", true, false };
    UNIT_ASSERT_INT_EQ (rr_after_sale (&f, err, sizeof err), 0);
    f.unrepairable_on_site = false;
    UNIT_ASSERT_INT_EQ (rr_after_sale (&f, err, sizeof err), -1);
    UNIT_ASSERT_CONTAINS (err, "after_sale_unrepairable:");
    f.three_repairs = true;
    UNIT_ASSERT_INT_EQ (rr_after_sale (&f, err, sizeof err), 0);
    f.responsibility = "installation";
    UNIT_ASSERT_INT_EQ (rr_after_sale (&f, err, sizeof err), -1);
    UNIT_ASSERT_CONTAINS (err, "after_sale_product_quality:");
    f = (rr_after_sale_t) { false, NULL, true, true };
    UNIT_ASSERT_INT_EQ (rr_after_sale (&f, err, sizeof err), -1);
    UNIT_ASSERT_CONTAINS (err, "not approved");
}

UNIT_TEST (claim_moves_review_then_decision_then_close)
{
    clm_state_t to;
    char err[160];
    UNIT_ASSERT_INT_EQ (clm_transition (CLM_FILED, CLME_REVIEW, &to, err, sizeof err), 0);
    UNIT_ASSERT_INT_EQ (to, CLM_REVIEWED);
    UNIT_ASSERT_INT_EQ (clm_transition (CLM_FILED, CLME_APPROVE, &to, err, sizeof err), -1);
    UNIT_ASSERT_CONTAINS (err, "the regional manager reviews it first");
    UNIT_ASSERT_INT_EQ (clm_transition (CLM_REVIEWED, CLME_APPROVE, &to, err, sizeof err), 0);
    UNIT_ASSERT_INT_EQ (to, CLM_APPROVED);
    UNIT_ASSERT_INT_EQ (clm_transition (CLM_REVIEWED, CLME_REJECT, &to, err, sizeof err), 0);
    UNIT_ASSERT_INT_EQ (to, CLM_REJECTED);
    UNIT_ASSERT_INT_EQ (clm_transition (CLM_REVIEWED, CLME_REVIEW, &to, err, sizeof err), -1);
    UNIT_ASSERT_CONTAINS (err, "already reviewed");
    /* a second decision */
    UNIT_ASSERT_INT_EQ (clm_transition (CLM_APPROVED, CLME_REJECT, &to, err, sizeof err), -1);
    UNIT_ASSERT_CONTAINS (err, "already decided");
    UNIT_ASSERT_INT_EQ (clm_transition (CLM_REJECTED, CLME_APPROVE, &to, err, sizeof err), -1);
    UNIT_ASSERT_CONTAINS (err, "already decided");
    UNIT_ASSERT_INT_EQ (clm_transition (CLM_APPROVED, CLME_CLOSE, &to, err, sizeof err), 0);
    UNIT_ASSERT_INT_EQ (to, CLM_CLOSED);
    UNIT_ASSERT_INT_EQ (clm_transition (CLM_REJECTED, CLME_CLOSE, &to, err, sizeof err), -1);
    UNIT_ASSERT_INT_EQ (clm_transition (CLM_CLOSED, CLME_APPROVE, &to, err, sizeof err), -1);
    /* the names are the SQL CHECK's, in the enum's order */
    int s;
    UNIT_ASSERT_INT_EQ (states_parse (&clm_states, "closed", &s), 0);
    UNIT_ASSERT_INT_EQ (s, CLM_CLOSED);
    char from[96];
    UNIT_ASSERT_STR_EQ (states_from_sql (&clm_states, CLM_CLOSED, from, sizeof from), "{approved}");
}

UNIT_TEST (claim_only_a_rejected_one_is_filed_again)
{
    clm_state_t to;
    char err[160];
    UNIT_ASSERT_INT_EQ (clm_transition (CLM_REJECTED, CLME_REFILE, &to, err, sizeof err), 0);
    UNIT_ASSERT_INT_EQ (to, CLM_SUPERSEDED);
    UNIT_ASSERT_INT_EQ (clm_transition (CLM_FILED, CLME_REFILE, &to, err, sizeof err), -1);
    UNIT_ASSERT_CONTAINS (err, "claim is filed: it waits for its decision; only a rejected claim is filed again");
    UNIT_ASSERT_INT_EQ (clm_transition (CLM_REVIEWED, CLME_REFILE, &to, err, sizeof err), -1);
    UNIT_ASSERT_CONTAINS (err, "waits for its decision");
    UNIT_ASSERT_INT_EQ (clm_transition (CLM_APPROVED, CLME_REFILE, &to, err, sizeof err), -1);
    UNIT_ASSERT_CONTAINS (err, "claim is approved: it was approved");
    UNIT_ASSERT_INT_EQ (clm_transition (CLM_CLOSED, CLME_REFILE, &to, err, sizeof err), -1);
    /* a superseded claim is final: neither decided, nor closed, nor filed again */
    UNIT_ASSERT_INT_EQ (clm_transition (CLM_SUPERSEDED, CLME_REFILE, &to, err, sizeof err), -1);
    UNIT_ASSERT_CONTAINS (err, "filed again already");
    UNIT_ASSERT_INT_EQ (clm_transition (CLM_SUPERSEDED, CLME_APPROVE, &to, err, sizeof err), -1);
    UNIT_ASSERT_CONTAINS (err, "the new claim goes on");
    UNIT_ASSERT_INT_EQ (clm_transition (CLM_SUPERSEDED, CLME_CLOSE, &to, err, sizeof err), -1);
    char from[96];
    UNIT_ASSERT_STR_EQ (states_from_sql (&clm_states, CLM_SUPERSEDED, from, sizeof from), "{rejected}");
}
