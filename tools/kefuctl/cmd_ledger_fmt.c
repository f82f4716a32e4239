/*  cmd_ledger_fmt — the printing and asking the ledger's commands share
 *  (cmd_ledger.h). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "base/money.h"
#include "cmd_ledger.h"
#include "report_fmt.h"
#include "table.h"

/*  A cell's text into buf (money formatted) or the member's own text. */
static const char *s_cell (const cJSON *row, const lfmt_col_t *col, const char *currency, char *buf, size_t size)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive (row, col->key);
    if (!v || cJSON_IsNull (v))
        return "";
    if (col->money && cJSON_IsNumber (v))
        return money_format ((int64_t) v->valuedouble, json_str (row, "currency", currency), buf, size);
    if (cJSON_IsString (v))
        return v->valuestring;
    char *text = kctl_value_text (v);
    snprintf (buf, size, "%s", text ? text : "");
    free (text);
    return buf;
}

int lfmt_print (FILE *out, const cJSON *list, const lfmt_col_t *cols, int ncols, const char *currency, bool csv,
                const char *none)
{
    const char *headers[16], *cells[16];
    char bufs[16][MONEY_TEXT_SIZE + 32];
    if (ncols > 16)
        return -1;
    for (int i = 0; i < ncols; i++)
        headers[i] = cols[i].header;
    if (csv)
        rfmt_csv_row (out, ncols, headers);
    tbl_t *tbl = csv ? NULL : tbl_new (ncols, headers);
    if (!csv && !tbl)
        return -1;
    const cJSON *row;
    cJSON_ArrayForEach (row, list)
    {
        for (int i = 0; i < ncols; i++)
            cells[i] = s_cell (row, &cols[i], currency, bufs[i], sizeof bufs[i]);
        if (csv)
            rfmt_csv_row (out, ncols, cells);
        else
            tbl_add_row (tbl, cells);
    }
    int rc = 0;
    if (tbl && tbl_rows (tbl) == 0)
        fprintf (out, "%s\n", none);
    else if (tbl)
        rc = tbl_print (tbl, out);
    tbl_destroy (&tbl);
    return rc;
}

int lfmt_ask (kctl_t *k, const char *cmd, const char *request, cJSON *body,
              int (*print) (const cJSON *result, bool csv), bool csv)
{
    cJSON *result = NULL;
    int rc = KCTL_FAILED;
    if (body && kctl_ask (k, cmd, CFG_SVC_BILLING, request, body, &result) == 0) {
        if (k->json)
            rc = kctl_print_json (result) == 0 ? KCTL_OK : KCTL_FAILED;
        else
            rc = print (result, csv) == 0 ? KCTL_OK : KCTL_FAILED;
    }
    else if (!body)
        fprintf (stderr, "kefuctl %s: out of memory\n", cmd);
    cJSON_Delete (body);
    cJSON_Delete (result);
    return rc;
}

int lfmt_amount (const char *cmd, const char *opt, const char *text, const char *currency, cJSON *body,
                 const char *key)
{
    int64_t minor = 0;
    char err[256] = "";
    if (!money_currency_known (currency)) {
        fprintf (stderr, "kefuctl %s: --currency: unknown currency \"%s\" (expected an ISO 4217 code such as CNY)\n",
                 cmd, currency);
        return -1;
    }
    if (money_parse (text, currency, &minor, err, sizeof err) != 0 || minor <= 0) {
        fprintf (stderr, "kefuctl %s: %s: \"%s\" %s (expected an amount above zero such as 12.50)\n", cmd, opt, text,
                 minor <= 0 && !err[0] ? "is not above zero" : err);
        return -1;
    }
    return cJSON_AddNumberToObject (body, key, (double) minor) ? 0 : -1;
}
