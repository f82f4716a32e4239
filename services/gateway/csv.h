/*  csv — a reply's list as CSV (RFC 4180, UTF-8, CRLF, a header row): the
 *  rows are the array csv->list of the result, the columns the keys in
 *  csv->columns (comma-separated, also the header). A string is quoted when
 *  it holds a comma, quote or line break; a number is written as an
 *  integer when it is one; null is empty; an object or array is its JSON.
 */
#ifndef KEFU_GATEWAY_CSV_H
#define KEFU_GATEWAY_CSV_H

#include <cjson/cJSON.h>

#include "exchange.h"
#include "route.h"

/*  Sets resp's body and type (text/csv; charset=utf-8). Returns 0, or -1
 *  when the result has no such list or memory ran out. */
int gw_csv_of (const gw_csv_t *csv, const cJSON *result, gw_response_t *resp);

#endif
