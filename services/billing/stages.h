/*  stages — a project's payment stages (docs/ledger.md "Project stages").
 *  A project is declared by finance with project.open for its ticket (an
 *  installation that pays in stages): the amounts of its deposit, mid-term
 *  and final payments. Each stage waits until it falls due, then is
 *  invoiced (its own invoice number) and due by a date:
 *    deposit   at once, due billing.stage_payment_days days later;
 *    mid_term  when qc passes the level billing.mid_term_level of one of the
 *              ticket's work orders (inspection.level_signed, or
 *              workorder.accepted when it is the plan's last level), due
 *              billing.stage_payment_days days later;
 *    final     when a work order of the ticket is accepted (workorder.accepted
 *              naming another level), due billing.final_payment_days days
 *              later; a mid-term stage still waiting falls due with it.
 *  A stage is paid when its invoice is. Falling due and being paid each
 *  emit sla.subject (kind payment_stage, event due with due_at, or paid),
 *  so that dispatch runs the stage's clock, reminding and escalating.
 */
#ifndef KEFU_BILLING_STAGES_H
#define KEFU_BILLING_STAGES_H

#include <stdint.h>

#include "ledger_app.h"

/*  project.open: declares the project and makes its deposit due. */
LEDGER_REQUEST (stage_rq_open);

/*  Within a payment's transaction: the invoice was paid in full; when it
 *  is a stage's, the stage is paid (sla.subject paid). Returns 0 or -1. */
int stage_invoice_paid (ledger_app_t *app, db_t *db, int64_t invoice_id, int64_t at_us);

/*  Message handlers (bus_handler_fn; ctx is the ledger_app_t). billing.c
 *  registers inspection.level_signed; workorder.accepted is also jobs',
 *  so billing.c's one handler of it calls this one too. */
bus_result_t stage_on_level_signed (void *ctx, db_t *db, const env_t *msg, char *reason, size_t reason_size);
bus_result_t stage_on_accepted (void *ctx, db_t *db, const env_t *msg, char *reason, size_t reason_size);

#endif
