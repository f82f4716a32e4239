/*  report_figures — see report_figures.h. Each pair is independent: the
 *  source side never reads the ledger, the ledger side reads nothing else,
 *  so a movement booked without its record (or the other way round), or
 *  booked with another amount, shows as a difference. */
#include "report_figures.h"

/*  A period over a source table t at column col: the month, or everything
 *  before its end (naming $2 too: every statement types all four). */
#define S_MONTH(col) " AND " col " >= $2::timestamptz AND " col " < $3::timestamptz"
#define S_UNTIL(col) " AND " col " < $3::timestamptz AND $2::timestamptz IS NOT NULL"

/*  A branch's source table t. */
#define S_IN(t, col) " FROM " t " WHERE branch_id = $1 AND currency = $4" S_MONTH (col)
#define S_BEFORE(t, col) " FROM " t " WHERE branch_id = $1 AND currency = $4" S_UNTIL (col)
#define S_SUM(t, col) "(SELECT coalesce(sum(amount), 0)" S_IN (t, col) ")"
#define S_SUM_BEFORE(t, col) "(SELECT coalesce(sum(amount), 0)" S_BEFORE (t, col) ")"

/*  The ledger's entries of a branch ($1), or of head office (branch NULL). */
#define L_BRANCH " FROM billing.ledger_entries WHERE branch_id = $1 AND currency = $4"
#define L_HQ " FROM billing.ledger_entries WHERE branch_id IS NULL AND $1::text IS NOT NULL AND currency = $4"
/*  An account's movement on its own side over the period. */
#define L_NET(books, acct, debit_side, period)                                                          \
    "(SELECT coalesce(sum(CASE WHEN " debit_side " = '" acct "' THEN amount ELSE -amount END), 0)"      \
    books period ("at") " AND '" acct "' IN (debit, credit))"
#define L_KIND(books, kind) "(SELECT coalesce(sum(amount), 0)" books S_MONTH ("at") " AND kind = '" kind "')"
#define L_PENALTY_FROM(acct) "(SELECT coalesce(sum(amount), 0)" L_HQ S_MONTH ("at") " AND kind = 'penalty' AND debit = '" acct "')"

/*  Free warranty work of the month: its settlements' warranty share, booked
 *  when the work was accepted. */
#define S_WARRANTY_WORK                                                                                      \
    "(SELECT coalesce(sum(warranty_total), 0) FROM billing.settlements WHERE branch_id = $1 AND currency = $4" \
    S_MONTH ("warranty_booked_at") ")"

const report_figure_t report_branch_figures[] = {
    { "chargeable_revenue", S_SUM ("billing.invoices", "issued_at") " - " S_SUM ("billing.credit_notes", "issued_at"),
      L_NET (L_BRANCH, "service_revenue", "credit", S_MONTH) },
    /* warranty cost: free work under warranty as its settlements booked it, and claims credited */
    { "warranty_cost", S_WARRANTY_WORK " + " S_SUM ("billing.claim_credits", "credited_at"),
      L_NET (L_BRANCH, "warranty_cost", "debit", S_MONTH) },
    { "warranty_work", S_WARRANTY_WORK, L_KIND (L_BRANCH, "warranty") },
    { "claims_paid", S_SUM ("billing.claim_credits", "credited_at"), L_KIND (L_BRANCH, "claim_credit") },
    /* providers' settlements are head office's books: a branch's share is
       none, and an entry booked to a branch shows as a difference */
    { "rewards", "0", L_KIND (L_BRANCH, "reward") },
    { "penalties", "0", L_KIND (L_BRANCH, "penalty") },
    { "payments_received", S_SUM ("billing.payments", "received_at"), L_KIND (L_BRANCH, "payment") },
    { "receivables_open",
      S_SUM_BEFORE ("billing.invoices", "issued_at") " - " S_SUM_BEFORE ("billing.credit_notes", "issued_at")
          " - " S_SUM_BEFORE ("billing.payments", "received_at"),
      L_NET (L_BRANCH, "customer_receivables", "debit", S_UNTIL) },
};
const size_t report_branch_figure_count = sizeof report_branch_figures / sizeof report_branch_figures[0];

/*  Head office's sources: a penalty counts in the month of the settlement
 *  that took it; a deposit's movements carry the deposit's currency. */
#define H_SETTLED " FROM billing.provider_settlements WHERE currency = $4 AND $1::text IS NOT NULL"
#define H_PENALTY(col)                                                                                      \
    "(SELECT coalesce(sum(p." col "), 0) FROM billing.provider_penalties p JOIN billing.provider_settlements s" \
    " ON s.provider_id = p.provider_id AND s.year = p.settled_year AND s.quarter = p.settled_q"             \
    " WHERE p.currency = $4 AND $1::text IS NOT NULL" S_MONTH ("s.settled_at") ")"
#define H_DEPOSIT(expr, cond, period)                                                                       \
    "(SELECT coalesce(sum(" expr "), 0) FROM billing.deposit_movements m JOIN billing.provider_deposits d" \
    " ON d.provider_id = m.provider_id WHERE d.currency = $4 AND $1::text IS NOT NULL AND " cond period ("m.at") ")"

const report_figure_t report_head_office_figures[] = {
    { "rewards", "(SELECT coalesce(sum(reward), 0)" H_SETTLED S_MONTH ("settled_at") ")", L_KIND (L_HQ, "reward") },
    { "penalties", H_PENALTY ("amount"), L_KIND (L_HQ, "penalty") },
    { "penalties_from_reward", H_PENALTY ("from_reward"), L_PENALTY_FROM ("provider_rewards_payable") },
    { "penalties_from_deposit", H_PENALTY ("from_deposit"), L_PENALTY_FROM ("deposits") },
    { "penalties_from_other", H_PENALTY ("from_other"), L_PENALTY_FROM ("other_receivables") },
    { "rewards_via_dealer", "(SELECT coalesce(sum(reward - taken), 0)" H_SETTLED S_MONTH ("confirmed_at") ")",
      L_KIND (L_HQ, "reward_via_dealer") },
    { "deposits_received", H_DEPOSIT ("m.amount", "m.kind <> 'penalty'", S_MONTH), L_KIND (L_HQ, "deposit") },
    /* whatever left the deposits account, for whichever reason */
    { "deposits_used", H_DEPOSIT ("m.amount", "m.kind = 'penalty'", S_MONTH),
      "(SELECT coalesce(sum(amount), 0)" L_HQ S_MONTH ("at") " AND debit = 'deposits')" },
    { "deposits_held", H_DEPOSIT ("CASE WHEN m.kind = 'penalty' THEN -m.amount ELSE m.amount END", "true", S_UNTIL),
      L_NET (L_HQ, "deposits", "credit", S_UNTIL) },
};
const size_t report_head_office_figure_count = sizeof report_head_office_figures / sizeof report_head_office_figures[0];
