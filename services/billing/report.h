/*  report — the ledger's reads (docs/ledger.md "The monthly report"):
 *
 *  ledger.report: a branch's month (the month in the branch's time zone):
 *  chargeable revenue, warranty cost, claims paid, rewards, penalties,
 *  payments received and receivables open at the month's end; or, for
 *  branch "HQ", head office's books (providers' rewards, penalties and
 *  where they were taken, deposits). Each figure is computed twice,
 *  independently (report_figures.h): from the source tables and from the
 *  ledger's entries. The reply says whether every figure agrees to the fen
 *  and lists the differences.
 *
 *  ledger.entries: the entries themselves, filtered, oldest first.
 */
#ifndef KEFU_BILLING_REPORT_H
#define KEFU_BILLING_REPORT_H

#include "ledger_app.h"

LEDGER_REQUEST (report_rq_month);
LEDGER_REQUEST (report_rq_entries);

/*  The instants a month ("2026-12") of branch begins and ends (the next
 *  month's beginning), in the branch's time zone. Returns 0, or -1 with
 *  err ("body.month: …", `no branch`, the database's). */
int report_month_bounds (db_t *db, const char *branch, const char *month, int64_t *from_us, int64_t *to_us,
                         char *err, size_t errsize);

#endif
