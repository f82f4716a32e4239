/*  org_money — the organisation file's money reference data for billing
 *  and claims (schemas/sql/0026_ref_money.sql): a warranty card's
 *  installation (date, installer, or an unauthorised installer), an
 *  organisation's contract money and dates, the parts list and the lots
 *  shipped to dealers. Amounts are decimals in the currency's major unit,
 *  read exactly with money_parse (base/money.h); never floating point.
 *  See org.h; docs/configuration.md documents the keys.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "org_fields.h"

#define ORG_MAX_CODE 64 /* part codes and lots: the database's check */

static const char *s_partner_at (const org_t *org, int i)
{
    return org->partners[i].id;
}
static const char *s_product_at (const org_t *org, int i)
{
    return org->products[i].code;
}

/*  A part code or lot: 1 to 64 of A-Z a-z 0-9 _ . - (ref.parts, ref.lots). */
static int s_code (yt_doc_t *doc, yt_node_t *map, const char *key, char **out)
{
    if (yt_str (doc, map, key, true, 256, out) != 0)
        return -1;
    size_t len = strlen (*out);
    bool ok = len >= 1 && len <= ORG_MAX_CODE;
    for (const char *c = *out; ok && *c; c++)
        ok = (*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_'
             || *c == '.' || *c == '-';
    if (!ok)
        return yt_fail (doc, yt_get (map, key), "\"%s\" is not a code (1 to %d of A-Z a-z 0-9 _ . -)", *out,
                        ORG_MAX_CODE);
    return 0;
}

/*  The organisation `id` names (a reference at node) must be a dealer, or,
 *  with providers_too, a dealer or a provider. */
static int s_partner_ref (yt_doc_t *doc, const org_t *org, yt_node_t *node, const char *id,
                          bool providers_too, const char *what)
{
    int index;
    if (orgf_ref (doc, org, node, "organisation", s_partner_at, org->n_partners, id, &index) != 0)
        return -1;
    if (!providers_too && org->partners[index].kind != ORG_DEALER)
        return yt_fail (doc, node, "organisation %s is a %s; %s must be a dealer", id,
                        org_partner_kind_names[org->partners[index].kind], what);
    return 0;
}

/*  A warranty card's installation keys. */
int org_money_card (yt_doc_t *doc, yt_node_t *card, org_card_t *w)
{
    if (orgf_date (doc, card, "install_date", false, &w->install_date) != 0
        || orgf_id (doc, card, "installed_by", false, &w->installed_by) != 0
        || yt_bool (doc, card, "install_unauthorised", false, &w->install_unauthorised) != 0)
        return -1;
    if (w->install_unauthorised && w->installed_by)
        return yt_fail (doc, yt_get (card, "install_unauthorised"),
                        "an unauthorised installation has no installed_by (that names an authorised "
                        "dealer or provider): give one or the other");
    if (w->install_date && strcmp (w->install_date, w->purchase_date) < 0)
        return yt_fail (doc, yt_get (card, "install_date"), "%s is before the purchase date %s",
                        w->install_date, w->purchase_date);
    return 0;
}

/*  An organisation's contract keys; reward_dealer is checked by
 *  org_money_load once every organisation is read. */
int org_money_contract (yt_doc_t *doc, yt_node_t *item, org_partner_t *p)
{
    snprintf (p->currency, sizeof p->currency, "CNY");
    if (orgf_currency (doc, item, "currency", p->currency) != 0
        || orgf_amount (doc, item, "contract_base", p->currency, &p->contract_base, &p->has_contract_base)
               != 0)
        return -1;
    bool has_deposit;
    if (orgf_amount (doc, item, "deposit", p->currency, &p->deposit, &has_deposit) != 0
        || orgf_date (doc, item, "contract_start", false, &p->contract_start) != 0
        || orgf_date (doc, item, "contract_end", false, &p->contract_end) != 0
        || orgf_id (doc, item, "reward_dealer", false, &p->reward_dealer) != 0)
        return -1;
    if (!p->contract_start != !p->contract_end)
        return yt_fail (doc, yt_get (item, p->contract_start ? "contract_start" : "contract_end"),
                        "contract_start and contract_end go together: give both dates or neither");
    if (p->contract_start && strcmp (p->contract_end, p->contract_start) < 0)
        return yt_fail (doc, yt_get (item, "contract_end"), "%s is before contract_start %s", p->contract_end,
                        p->contract_start);
    return 0;
}

/*  What cards and organisations name, once every organisation is read:
 *  an installer is a dealer or a provider, a reward dealer a dealer (that
 *  serves a region of the provider's). */
static int s_check_names (org_t *org, yt_doc_t *doc, yt_node_t *root)
{
    yt_node_t *customers = yt_get (root, "customers");
    for (int i = 0; i < org->n_customers; i++) {
        yt_node_t *cards = yt_get (yt_item (customers, (size_t) i), "cards");
        for (int k = 0; k < org->customers[i].n_cards; k++) {
            const org_card_t *w = &org->customers[i].cards[k];
            if (w->installed_by
                && s_partner_ref (doc, org, yt_get (yt_item (cards, (size_t) k), "installed_by"),
                                  w->installed_by, true, "the installer")
                       != 0)
                return -1;
        }
    }
    yt_node_t *partners = yt_get (root, "organisations");
    for (int i = 0; i < org->n_partners; i++) {
        const org_partner_t *p = &org->partners[i];
        yt_node_t *node = yt_get (yt_item (partners, (size_t) i), "reward_dealer");
        if (!p->reward_dealer)
            continue;
        if (p->kind != ORG_PROVIDER)
            return yt_fail (doc, node, "only a provider's reward is paid through a dealer; %s is a %s", p->id,
                            org_partner_kind_names[p->kind]);
        if (s_partner_ref (doc, org, node, p->reward_dealer, false, "reward_dealer") != 0)
            return -1;
        const org_partner_t *d =
            &org->partners[orgf_find (org, s_partner_at, org->n_partners, p->reward_dealer)];
        bool shared = false;
        for (int a = 0; a < p->n_regions && !shared; a++)
            for (int b = 0; b < d->n_regions && !shared; b++)
                shared = strcmp (p->regions[a], d->regions[b]) == 0;
        if (!shared)
            return yt_fail (doc, node, "dealer %s serves none of the regions provider %s serves", d->id,
                            p->id);
    }
    return 0;
}

static int s_load_parts (org_t *org, yt_doc_t *doc, yt_node_t *root)
{
    static const char *const known[] = {"code", "name", "cost", "currency", NULL};
    yt_node_t *list;
    void *rows;
    if (orgf_section (doc, root, "parts", sizeof *org->parts, &rows, &list) != 0)
        return -1;
    org->parts = rows;
    for (size_t i = 0; i < yt_size (list); i++) {
        yt_node_t *item = yt_item (list, i);
        org_part_t *p = &org->parts[org->n_parts++];
        snprintf (p->currency, sizeof p->currency, "CNY");
        if (s_code (doc, item, "code", &p->code) != 0
            || yt_free_text (doc, item, "name", true, ORG_MAX_NAME, &p->name) != 0
            || orgf_currency (doc, item, "currency", p->currency) != 0
            || orgf_amount (doc, item, "cost", p->currency, &p->cost, NULL) != 0
            || yt_check_unknown (doc, item, known) != 0)
            return -1;
    }
    return orgf_list_unique (doc, list, "code", "part code");
}

static int s_load_lots (org_t *org, yt_doc_t *doc, yt_node_t *root)
{
    static const char *const known[] = {"lot", "product", "quantity", "ship_date", "dealer", NULL};
    yt_node_t *list;
    void *rows;
    if (orgf_section (doc, root, "lots", sizeof *org->lots, &rows, &list) != 0)
        return -1;
    org->lots = rows;
    for (size_t i = 0; i < yt_size (list); i++) {
        yt_node_t *item = yt_item (list, i);
        org_lot_t *l = &org->lots[org->n_lots++];
        int product;
        int64_t quantity = 0;
        if (s_code (doc, item, "lot", &l->lot) != 0 || orgf_id (doc, item, "product", true, &l->product) != 0
            || orgf_ref (doc, org, yt_get (item, "product"), "product", s_product_at, org->n_products,
                         l->product, &product)
                   != 0
            || yt_int (doc, item, "quantity", true, 1, 2147483647, &quantity) != 0
            || orgf_date (doc, item, "ship_date", true, &l->ship_date) != 0
            || orgf_id (doc, item, "dealer", true, &l->dealer) != 0
            || s_partner_ref (doc, org, yt_get (item, "dealer"), l->dealer, false, "a lot's dealer") != 0
            || yt_check_unknown (doc, item, known) != 0)
            return -1;
        l->quantity = (int) quantity;
    }
    return orgf_list_unique (doc, list, "lot", "lot");
}

int org_money_load (org_t *org, yt_doc_t *doc, yt_node_t *root)
{
    return s_check_names (org, doc, root) != 0 || s_load_parts (org, doc, root) != 0
                   || s_load_lots (org, doc, root) != 0
               ? -1
               : 0;
}

void org_money_free (org_t *org)
{
    for (int i = 0; i < org->n_parts; i++)
        free (org->parts[i].code), free (org->parts[i].name);
    free (org->parts);
    for (int i = 0; i < org->n_lots; i++) {
        org_lot_t *l = &org->lots[i];
        free (l->lot), free (l->product), free (l->ship_date), free (l->dealer);
    }
    free (org->lots);
}
