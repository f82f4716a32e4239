/*  fuzz target "claim_filing": text through the claim.file body reader
 *  (services/claims/claim_filing.h), which reads what a claimant sends
 *  beyond its schema: dates, photo hashes and sizes, duplicates by hash,
 *  amounts and currencies, every problem listed at once. Any JSON object
 *  may come (the schema checks only types); a refusal carries its list,
 *  an acceptance keeps its promises (enough distinct photos, an amount
 *  above 0, a calendar date), and the stored photos are exactly the
 *  distinct ones, lower-case.
 */

#include <ctype.h>

#include "../../services/claims/claim_filing.h"
#include "base/json.h"
#include "fuzz.h"

static void fuzz_setup (void)
{
}

static bool s_known (const void *arg, const char *code)
{
    (void) arg;
    return strcmp (code, "component_failure") == 0;
}

static void s_parse (const char *text)
{
    char err[1536];
    cJSON *body = json_parse_strict (text, strlen (text), err, sizeof err);
    if (!body || !cJSON_IsObject (body)) {
        cJSON_Delete (body);
        return;
    }
    clf_claim_t c;
    if (clf_parse (body, 5, s_known, NULL, &c, err, sizeof err) != 0) {
        FUZZ_CHECK (strncmp (err, "body.", 5) == 0, "refused without naming a field: \"%s\"", err);
        cJSON_Delete (body);
        return;
    }
    FUZZ_CHECK (c.work_order_id >= 1 && c.quantity >= 1 && c.amount >= 1, "accepted a zero or negative figure");
    FUZZ_CHECK (c.n_photos >= 5, "accepted %d photos", c.n_photos);
    FUZZ_CHECK (clf_date_valid (c.install_date), "accepted the date \"%s\"", c.install_date);
    cJSON *photos = clf_photos (body);
    FUZZ_CHECK (photos && cJSON_GetArraySize (photos) == c.n_photos, "stored photos differ from those counted");
    const cJSON *p;
    cJSON_ArrayForEach (p, photos)
    {
        const char *h = json_str (p, "sha256", "");
        for (int i = 0; h[i]; i++)
            FUZZ_CHECK (!isupper ((unsigned char) h[i]), "hash \"%s\" is not lower-case", h);
    }
    cJSON_Delete (photos);
    cJSON_Delete (body);
}

FUZZ_TEXT_TARGET (s_parse)
