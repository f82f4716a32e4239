/*  settlement_print — see settlement_print.h. */
#include "settlement_print.h"

#include <inttypes.h>
#include <string.h>

#include "base/json.h"
#include "base/money.h"
#include "cmd_ledger.h"

void stp_html_escape (FILE *out, const char *text)
{
    for (const char *c = text ? text : ""; *c; c++) {
        switch (*c) {
        case '&': fputs ("&amp;", out); break;
        case '<': fputs ("&lt;", out); break;
        case '>': fputs ("&gt;", out); break;
        case '"': fputs ("&quot;", out); break;
        case '\'': fputs ("&#39;", out); break;
        default: fputc (*c, out);
        }
    }
}

/*  A line's member as text: strings as they are, integers in decimal,
 *  money (money) in the major unit; null as "". */
static const char *s_cell (const cJSON *line, const char *key, bool money, const char *cur, char *buf, size_t size)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive (line, key);
    buf[0] = '\0';
    if (cJSON_IsString (v))
        return v->valuestring;
    if (cJSON_IsNumber (v) && money)
        return money_format (json_int (line, key, 0), cur, buf, size);
    if (cJSON_IsNumber (v))
        snprintf (buf, size, "%" PRId64, json_int (line, key, 0));
    return buf;
}

static const struct {
    const char *header, *key;
    bool money;
} s_cols[] = {
    { "#", "position", false },       { "kind", "kind", false },           { "code", "code", false },
    { "what", "description", false }, { "qty", "quantity", false },        { "unit", "unit_amount", true },
    { "amount", "amount", true },     { "coverage", "coverage", false },   { "reason", "reason", false },
    { "disputed", "dispute_reason", false }, { "was", "original_amount", true }, { "decision", "decision", false },
};
#define S_NCOLS (sizeof s_cols / sizeof s_cols[0])

static void s_html (FILE *out, const cJSON *s, const char *cur, const char *pays, const char *warranty)
{
    char buf[64];
    fputs ("<!DOCTYPE html>\n<html lang=\"zh\"><head><meta charset=\"utf-8\"><title>结算单 Settlement</title></head>"
           "<body>\n<h1>结算单 Settlement</h1>\n<p>work order ", out);
    fprintf (out, "%" PRId64 " · ticket %" PRId64 " · branch ", json_int (s, "work_order_id", 0),
             json_int (s, "ticket_id", 0));
    stp_html_escape (out, json_str (s, "branch", ""));
    fputs ("</p>\n<p>customer 客户: ", out);
    stp_html_escape (out, json_str (s, "customer_id", ""));
    fputc (' ', out);
    stp_html_escape (out, json_str (s, "customer_name", ""));
    fputs ("</p>\n<table border=\"1\">\n<tr>", out);
    for (size_t c = 0; c < S_NCOLS; c++)
        fprintf (out, "<th>%s</th>", s_cols[c].header);
    fputs ("</tr>\n", out);
    const cJSON *line;
    cJSON_ArrayForEach (line, cJSON_GetObjectItemCaseSensitive (s, "lines"))
    {
        fputs ("<tr>", out);
        for (size_t c = 0; c < S_NCOLS; c++) {
            fputs ("<td>", out);
            stp_html_escape (out, s_cell (line, s_cols[c].key, s_cols[c].money, cur, buf, sizeof buf));
            fputs ("</td>", out);
        }
        fputs ("</tr>\n", out);
    }
    fputs ("</table>\n<p>customer pays 应付: ", out);
    stp_html_escape (out, pays);
    fputs (" · warranty pays 保修承担: ", out);
    stp_html_escape (out, warranty);
    fputs ("</p>\n<p>status 状态: ", out);
    stp_html_escape (out, json_str (s, "status", ""));
    if (json_str (s, "invoice_number", NULL)) {
        fputs (" · invoice 发票: ", out);
        stp_html_escape (out, json_str (s, "invoice_number", ""));
    }
    fputs ("</p>\n<p>Customer signature 客户签字: ____________________ Date 日期: ____________</p>\n</body></html>\n",
           out);
}

int stp_print (FILE *out, const cJSON *s, bool html)
{
    const char *cur = json_str (s, "currency", "CNY");
    char total[MONEY_TEXT_SIZE], warranty[MONEY_TEXT_SIZE], pays[MONEY_TEXT_SIZE + 8], wpays[MONEY_TEXT_SIZE + 8];
    snprintf (pays, sizeof pays, "%s %s", money_format (json_int (s, "total", 0), cur, total, sizeof total), cur);
    snprintf (wpays, sizeof wpays, "%s %s", money_format (json_int (s, "warranty_total", 0), cur, warranty,
                                                          sizeof warranty), cur);
    if (html) {
        s_html (out, s, cur, pays, wpays);
        return 0;
    }
    fprintf (out, "结算单 SETTLEMENT  work order %" PRId64 " · ticket %" PRId64 " · branch %s\n",
             json_int (s, "work_order_id", 0), json_int (s, "ticket_id", 0), json_str (s, "branch", ""));
    fprintf (out, "customer 客户: %s %s\nstatus 状态: %s   %s (%s)\n", json_str (s, "customer_id", ""),
             json_str (s, "customer_name", ""), json_str (s, "status", ""), json_str (s, "coverage", ""),
             json_str (s, "reason", ""));
    if (json_str (s, "hold_reason", NULL))
        fprintf (out, "waits for a new approval: %s\n", json_str (s, "hold_reason", ""));
    lfmt_col_t cols[S_NCOLS];
    for (size_t c = 0; c < S_NCOLS; c++)
        cols[c] = (lfmt_col_t) { s_cols[c].header, s_cols[c].key, s_cols[c].money };
    if (lfmt_print (out, cJSON_GetObjectItemCaseSensitive (s, "lines"), cols, (int) S_NCOLS, cur, false, "no lines")
        != 0)
        return -1;
    fprintf (out, "customer pays 应付: %s   warranty pays 保修承担: %s\n", pays, wpays);
    if (json_str (s, "work_org", NULL) && json_int (s, "warranty_total", 0) > 0)
        fprintf (out, "done by %s's technician: %s claims the warranty share back; not the branch's own cost\n",
                 json_str (s, "work_org", ""), json_str (s, "work_org", ""));
    if (json_str (s, "invoice_number", NULL))
        fprintf (out, "invoice 发票: %s   accepted by %s at %s\n", json_str (s, "invoice_number", ""),
                 json_str (s, "accepted_name", ""), json_str (s, "accepted_at", ""));
    fputs ("\nCustomer signature 客户签字: ____________________   Date 日期: ____________\n", out);
    return 0;
}
