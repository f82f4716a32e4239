/*  Unit tests of the three-repairs rule's counting
 *  (services/intake/repairs_rule.c) and of the money subjects' SLA events
 *  (common/model/sla_subject.c).
 */
#include <string.h>

#include "../../services/intake/repairs_rule.h"
#include "model/sla_subject.h"
#include "unit.h"

#define R(serial, card, product, fault, within, ticket, wo)                                                 \
    (irr_repair_t) { { serial, card, product }, fault, within, ticket, wo }

UNIT_TEST (repairs_the_same_serial_three_times_replaces)
{
    irr_repair_t r[] = { R ("SN1", NULL, "P1", "E03", true, 1, 11), R ("SN1", "W1", "P1", "E03", true, 2, 12),
                         R ("SN1", NULL, NULL, "E03", true, 3, 13) };
    irr_unit_t unit = { "SN1", NULL, "P1" };
    irr_verdict_t v;
    irr_apply (&unit, r, 2, 3, 0, NULL, &v);
    UNIT_ASSERT (v.fault == NULL); /* two repairs: not yet */
    irr_apply (&unit, r, 3, 3, 0, NULL, &v);
    UNIT_ASSERT_STR_EQ (v.fault, "E03");
    UNIT_ASSERT_INT_EQ (v.repairs, 3);
    UNIT_ASSERT_INT_EQ (v.n_work_orders, 3);
    UNIT_ASSERT_INT_EQ (v.work_orders[0], 11);
    UNIT_ASSERT_INT_EQ (v.work_orders[2], 13);
    /* another serial is another unit, whatever its card */
    irr_unit_t other = { "SN2", "W1", "P1" };
    irr_apply (&other, r, 3, 3, 0, NULL, &v);
    UNIT_ASSERT (v.fault == NULL);
    /* the configured number */
    irr_apply (&unit, r, 2, 2, 0, NULL, &v);
    UNIT_ASSERT_STR_EQ (v.fault, "E03");
}

UNIT_TEST (repairs_without_a_serial_count_by_card_and_product)
{
    irr_repair_t r[] = { R (NULL, "W1", "P1", "E03", true, 1, 11), R (NULL, "W1", "P1", "E03", true, 2, 12),
                         R ("SN9", "W1", "P1", "E03", true, 3, 13), R (NULL, "W1", "P2", "E03", true, 4, 14) };
    irr_unit_t unit = { NULL, "W1", "P1" };
    irr_verdict_t v;
    irr_apply (&unit, r, 4, 3, 0, NULL, &v);
    UNIT_ASSERT_STR_EQ (v.fault, "E03"); /* 11, 12 and 13 (a serial on one side only: card and product) */
    UNIT_ASSERT_INT_EQ (v.n_work_orders, 3);
    irr_unit_t p2 = { NULL, "W1", "P2" }; /* the same card, another product */
    irr_apply (&p2, r, 4, 3, 0, NULL, &v);
    UNIT_ASSERT (v.fault == NULL);
    irr_unit_t none = { NULL, NULL, "P1" }; /* nothing to tell the unit by */
    irr_apply (&none, r, 4, 1, 0, NULL, &v);
    UNIT_ASSERT (v.fault == NULL);
}

UNIT_TEST (repairs_of_another_fault_or_outside_warranty_do_not_count)
{
    irr_repair_t r[] = { R ("SN1", NULL, "P1", "E03", true, 1, 11), R ("SN1", NULL, "P1", "E07", true, 2, 12),
                         R ("SN1", NULL, "P1", "E03", false, 3, 13), R ("SN1", NULL, "P1", "E03", true, 4, 14),
                         R ("SN1", NULL, "P1", "E03", true, 4, 15) /* a rework of ticket 4: the same repair */ };
    irr_unit_t unit = { "SN1", NULL, "P1" };
    irr_verdict_t v;
    irr_apply (&unit, r, 5, 3, 0, NULL, &v);
    UNIT_ASSERT (v.fault == NULL); /* E03 on tickets 1 and 4 only */
    r[2].within_warranty = true;
    irr_apply (&unit, r, 5, 3, 0, NULL, &v);
    UNIT_ASSERT_STR_EQ (v.fault, "E03");
    UNIT_ASSERT_INT_EQ (v.repairs, 3);
    UNIT_ASSERT_INT_EQ (v.n_work_orders, 4);
    /* a ticket left out (its own repairs), or only another fault asked about */
    irr_apply (&unit, r, 5, 3, 4, NULL, &v);
    UNIT_ASSERT (v.fault == NULL);
    irr_apply (&unit, r, 5, 1, 0, "E07", &v);
    UNIT_ASSERT_STR_EQ (v.fault, "E07");
    UNIT_ASSERT_INT_EQ (v.work_orders[0], 12);
}

UNIT_TEST (sla_money_subjects_and_their_events)
{
    UNIT_ASSERT (sla_subject_event_valid ("dispute", "dispute_opened"));
    UNIT_ASSERT (sla_subject_event_ends ("dispute", "dispute_decided"));
    UNIT_ASSERT (sla_subject_event_valid ("claim", "claim_reviewed"));
    UNIT_ASSERT (!sla_subject_event_ends ("claim", "claim_decided")); /* its part may still be returned */
    UNIT_ASSERT (sla_subject_event_ends ("claim", "claim_closed"));
    UNIT_ASSERT (sla_subject_event_valid ("payment_stage", "payment_stage_due"));
    UNIT_ASSERT (sla_subject_event_ends ("payment_stage", "payment_stage_paid"));
    UNIT_ASSERT (!sla_subject_event_valid ("dispute", "claim_filed"));
    /* a provider's deposit: the one kind without a ticket (docs/sla.md "Subjects") */
    UNIT_ASSERT (sla_subject_event_valid ("deposit", "deposit_short"));
    UNIT_ASSERT (sla_subject_event_ends ("deposit", "deposit_topped_up"));
    UNIT_ASSERT (!sla_subject_event_ends ("deposit", "deposit_short"));
    UNIT_ASSERT (sla_subject_ticketless ("deposit"));
    UNIT_ASSERT (!sla_subject_ticketless ("payment_stage") && !sla_subject_ticketless ("ticket"));
    UNIT_ASSERT (!sla_subject_ticketless ("nonsense"));
}
