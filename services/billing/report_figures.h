/*  report_figures — what the monthly report (report.h) computes: each
 *  figure as two independent SQL expressions, one over the source tables
 *  (invoices, payments, claim credits, providers' settlements, penalties
 *  and deposits) and one over billing.ledger_entries
 *  (docs/ledger.md "The monthly report").
 *
 *  Every expression takes the same four parameters: $1 the branch (or
 *  "HQ"), $2 the month's first instant, $3 the next month's first instant,
 *  $4 the currency.
 *
 *  Two sets: a branch's books (branch_id = $1), and head office's books
 *  (branch_id NULL: providers' rewards, penalties, deposits, which belong
 *  to no branch).
 */
#ifndef KEFU_BILLING_REPORT_FIGURES_H
#define KEFU_BILLING_REPORT_FIGURES_H

#include <stddef.h>

typedef struct {
    const char *name;
    const char *source; /* over the source tables */
    const char *ledger; /* over the ledger's entries */
} report_figure_t;

/*  The name under which the report shows head office's books. */
#define REPORT_HEAD_OFFICE "HQ"

extern const report_figure_t report_branch_figures[];
extern const size_t report_branch_figure_count;
extern const report_figure_t report_head_office_figures[];
extern const size_t report_head_office_figure_count;

#endif
