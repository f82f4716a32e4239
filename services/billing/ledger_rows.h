/*  ledger_rows — the rows billing's reads return, as JSON objects: each
 *  column under its own name, bigint and int as numbers, bool as true or
 *  false, SQL NULL as null, text as strings; a column named "at" or whose name
 *  ends in "_at" holds microseconds since the epoch (DB_EPOCH_US) and becomes RFC
 *  3339 text. One place, so every read of invoices, payments, stages,
 *  entries and accounts answers in the same shape.
 */
#ifndef KEFU_BILLING_LEDGER_ROWS_H
#define KEFU_BILLING_LEDGER_ROWS_H

#include <cjson/cJSON.h>
#include <libpq-fe.h>

/*  Row `row` of res as an object; NULL when out of memory. */
cJSON *ledger_row_json (const PGresult *res, int row);

/*  Every row of res as an array added to obj under key. Returns the array
 *  or NULL when out of memory. */
cJSON *ledger_rows_add (cJSON *obj, const char *key, const PGresult *res);

#endif
