/*  cmd_claim_list — the claims list, lots' defects and returns (see
 *  cmd_claim.h); the claims service checks everything. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/json.h"
#include "base/money.h"
#include "cmd_claim.h"
#include "paging.h"
#include "table.h"

static const char s_claims_usage[] =
    "usage: kefuctl claims [--status filed|reviewed|approved|rejected|closed|superseded] [--limit N] [--cursor C] [--json]\n"
    "  Your claims, newest first (a dealer's or provider's staff their own; a regional\n"
    "  manager the region's; head office all): claim, work order, branch, dealer, status,\n"
    "  product, claimed, approved, filed.\n" PAGING_USAGE;
static const char s_lot_usage[] = "usage: kefuctl lot defect LOT COUNT [--note TEXT] [--json]\n"
                                  "  Records COUNT defective units found in LOT; prints the lot's defect rate.\n";
static const char s_return_usage[] =
    "usage: kefuctl return pre-sale LOT [--json]\n"
    "       kefuctl return after-sale CLAIM_ID [--json]\n"
    "       kefuctl return show RETURN_ID [--json]\n"
    "  pre-sale    a whole lot back, allowed when its defect rate exceeds claims.lot_defect_rate_bp\n"
    "              and it was shipped at most claims.lot_return_days ago\n"
    "  after-sale  a sold unit back: its claim approved for product quality, and unrepairable on\n"
    "              site (or the three-repairs rule); a refusal names its rule\n";

static const char *const s_statuses[] = { "filed", "reviewed", "approved", "rejected", "closed", "superseded", NULL };

static void s_print_list (const cJSON *r)
{
    static const char *const headers[] = { "claim", "work order", "branch", "dealer", "status",
                                           "product", "claimed", "approved", "filed" };
    tbl_t *tbl = tbl_new (9, headers);
    const cJSON *c;
    cJSON_ArrayForEach (c, cJSON_GetObjectItemCaseSensitive (r, "claims"))
    {
        const char *cur = json_str (c, "currency", "CNY");
        char id[24], wo[24], claimed[48], approved[48] = "-";
        snprintf (id, sizeof id, "%" PRId64, json_int (c, "claim_id", 0));
        snprintf (wo, sizeof wo, "%" PRId64, json_int (c, "work_order_id", 0));
        money_format (json_int (c, "amount", 0), cur, claimed, sizeof claimed);
        if (cJSON_IsNumber (cJSON_GetObjectItemCaseSensitive (c, "approved_amount")))
            money_format (json_int (c, "approved_amount", 0), cur, approved, sizeof approved);
        const char *row[] = { id, wo, json_str (c, "branch", ""), json_str (c, "dealer_id", ""),
                              json_str (c, "status", ""), json_str (c, "product_code", ""), claimed, approved,
                              json_str (c, "filed_at", "") };
        if (tbl)
            tbl_add_row (tbl, row);
    }
    if (!tbl || tbl_rows (tbl) == 0)
        printf ("no claims\n");
    else
        tbl_print (tbl, stdout);
    tbl_destroy (&tbl);
    paging_print_next (r);
}

int cmd_claims (kctl_t *k, int argc, char **argv)
{
    const char *status = NULL, *limit = NULL, *cursor = NULL;
    const args_spec_t spec[] = { { "status", true, &status, NULL }, { "limit", true, &limit, NULL },
                                 { "cursor", true, &cursor, NULL }, { NULL, false, NULL, NULL } };
    int npos = 0;
    int64_t n = 200;
    if (args_parse ("claims", KCTL_SPECS (k, spec), argc, argv, NULL, 0, &npos) != 0)
        return KCTL_USAGE;
    if (k->help) {
        fputs (s_claims_usage, stdout);
        return KCTL_OK;
    }
    if ((status && args_enum ("claims", "--status", status, s_statuses) < 0)
        || (limit && args_int ("claims", "--limit", limit, 1, 1000, &n) != 0) || paging_check ("claims", cursor) != 0
        || kctl_setup (k, "claims") != 0)
        return KCTL_USAGE;
    cJSON *body = cJSON_CreateObject ();
    if (!body || !cJSON_AddNumberToObject (body, "limit", (double) n)
        || (status && !cJSON_AddStringToObject (body, "status", status)) || paging_add (body, cursor) != 0) {
        cJSON_Delete (body);
        return KCTL_FAILED;
    }
    return claim_send (k, "claims", "claim.list", &body, s_print_list);
}

static void s_print_defect (const cJSON *r)
{
    int64_t bp = json_int (r, "rate_bp", 0);
    printf ("lot %s (%s, shipped %s to %s): %" PRId64 " defects in %" PRId64 " units, %" PRId64 ".%02" PRId64 " %%\n",
            json_str (r, "lot", ""), json_str (r, "product_code", ""), json_str (r, "ship_date", ""),
            json_str (r, "dealer_id", ""), json_int (r, "defects", 0), json_int (r, "quantity", 0), bp / 100, bp % 100);
}

int cmd_lot (kctl_t *k, int argc, char **argv)
{
    const char *note = NULL, *pos[3] = { NULL };
    const args_spec_t spec[] = { { "note", true, &note, NULL }, { NULL, false, NULL, NULL } };
    int npos = 0;
    int64_t count = 0;
    if (args_parse ("lot", KCTL_SPECS (k, spec), argc, argv, pos, 3, &npos) != 0)
        return KCTL_USAGE;
    if (k->help) {
        fputs (s_lot_usage, stdout);
        return KCTL_OK;
    }
    if (npos != 3 || strcmp (pos[0], "defect") != 0) {
        fputs ("kefuctl lot: expected `lot defect LOT COUNT` (kefuctl lot --help)\n", stderr);
        return KCTL_USAGE;
    }
    if (args_text ("lot", "lot", pos[1], 64) != 0 || args_int ("lot", "count", pos[2], 1, 1000000, &count) != 0
        || (note && args_text ("lot", "--note", note, 2000) != 0) || kctl_setup (k, "lot") != 0)
        return KCTL_USAGE;
    cJSON *body = cJSON_CreateObject ();
    if (!body || !cJSON_AddStringToObject (body, "lot", pos[1]) || !cJSON_AddNumberToObject (body, "count", (double) count)
        || (note && !cJSON_AddStringToObject (body, "note", note))) {
        cJSON_Delete (body);
        return KCTL_FAILED;
    }
    return claim_send (k, "lot", "lot.defect", &body, s_print_defect);
}

static void s_print_return (const cJSON *r)
{
    printf ("return %" PRId64 ": %s", json_int (r, "return_id", 0), json_str (r, "kind", ""));
    if (json_str (r, "lot", NULL)) {
        int64_t bp = json_int (r, "rate_bp", 0);
        printf (" of lot %s (%" PRId64 " defects in %" PRId64 " units, %" PRId64 ".%02" PRId64 " %%, shipped %" PRId64
                " days ago)",
                json_str (r, "lot", ""), json_int (r, "defects", 0), json_int (r, "quantity", 0), bp / 100, bp % 100,
                json_int (r, "age_days", 0));
    } else
        printf (" of claim %" PRId64 " (branch %s)", json_int (r, "claim_id", 0), json_str (r, "branch", ""));
    printf (", %s, by %s at %s\n", json_str (r, "dealer_id", ""), json_str (r, "requested_by", ""),
            json_str (r, "requested_at", ""));
}

int cmd_return (kctl_t *k, int argc, char **argv)
{
    const char *pos[2] = { NULL };
    const args_spec_t spec[] = { { NULL, false, NULL, NULL } };
    int npos = 0;
    int64_t id = 0;
    if (args_parse ("return", KCTL_SPECS (k, spec), argc, argv, pos, 2, &npos) != 0)
        return KCTL_USAGE;
    if (k->help) {
        fputs (s_return_usage, stdout);
        return KCTL_OK;
    }
    const char *sub = npos == 2 ? pos[0] : "";
    bool pre = strcmp (sub, "pre-sale") == 0, after = strcmp (sub, "after-sale") == 0, show = strcmp (sub, "show") == 0;
    if (!pre && !after && !show) {
        fputs ("kefuctl return: expected `return pre-sale LOT`, `return after-sale CLAIM_ID` or `return show ID` "
               "(kefuctl return --help)\n", stderr);
        return KCTL_USAGE;
    }
    if ((pre ? args_text ("return", "lot", pos[1], 64) : args_int ("return", "id", pos[1], 1, INT64_C (9007199254740991), &id))
            != 0
        || kctl_setup (k, "return") != 0)
        return KCTL_USAGE;
    cJSON *body = cJSON_CreateObject ();
    bool ok = body
              && (show ? cJSON_AddNumberToObject (body, "return_id", (double) id) != NULL
                       : cJSON_AddStringToObject (body, "kind", pre ? "pre_sale" : "after_sale")
                             && (pre ? cJSON_AddStringToObject (body, "lot", pos[1]) != NULL
                                     : cJSON_AddNumberToObject (body, "claim_id", (double) id) != NULL));
    if (!ok) {
        cJSON_Delete (body);
        return KCTL_FAILED;
    }
    return claim_send (k, "return", show ? "return.get" : "return.request", &body, s_print_return);
}
