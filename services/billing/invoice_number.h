/*  invoice_number — gap-free numbers per branch, series and year
 *  (docs/ledger.md "Invoice numbers"): "INV-SH01-2026-000001" for
 *  invoices, "CN-SH01-2026-000001" for credit notes. The year is the one
 *  in the branch's time zone at the moment of issue.
 *
 *  The counter is a row of billing.number_counters, locked FOR UPDATE in
 *  the transaction that issues: a second issuer (another instance) waits
 *  for the first to commit or roll back, so a number is given once and a
 *  rolled-back issue gives its number back. Never a sequence: a sequence
 *  keeps the value a rolled-back transaction took, leaving a gap.
 */
#ifndef KEFU_BILLING_INVOICE_NUMBER_H
#define KEFU_BILLING_INVOICE_NUMBER_H

#include <stddef.h>
#include <stdint.h>

#include "db/db.h"

/*  Room for any number: series, a branch id of up to 32, year, six digits. */
#define INV_NUMBER_SIZE 64

/*  The year of instant at_us in branch's time zone (ref.branches). Returns
 *  0, or -1 with err: `no branch "X"`, an unknown zone, the database's. */
int inv_branch_year (db_t *db, const char *branch, int64_t at_us, int *year, char *err, size_t errsize);

/*  Locks the counter of (branch, series, year) for the rest of the
 *  caller's transaction, making it when it is the year's first. Returns 0
 *  or -1 (db_error). */
int inv_counter_lock (db_t *db, const char *branch, const char *series, int year);

/*  Takes the next number of the locked counter: *seq and the text in out
 *  (INV_NUMBER_SIZE). Returns 0, or -1 with err (past 999999 a year, the
 *  database's). */
int inv_counter_take (db_t *db, const char *branch, const char *series, int year, int *seq, char *out,
                      char *err, size_t errsize);

#endif
