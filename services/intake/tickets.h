/*  tickets — intake's domain: accepting service requests as tickets, in one
 *  transaction each, and reading them back.
 *
 *  ticket.submit, in ONE database transaction:
 *    - idempotency: a request_id already used returns the first result (the
 *      same ticket; joined as it was) and changes nothing;
 *    - the customer: by id (must exist) or inline (the customer with the same
 *      phone is reused, else a new one is opened with an id from
 *      ref.customer_seq; the region must exist);
 *    - the product (must exist), the warranty card (must exist and belong to
 *      this customer and product), the branch (the request's, else the
 *      customer's, else the first branch of the customer's region by id);
 *    - first-contact ownership: an open ticket of the same customer about the
 *      same product (with no product: of the same kind) is joined
 *      (contact_count + 1, history "repeat_contact") instead of duplicated;
 *    - otherwise a new ticket with history "created" (and "closed_at_intake"
 *      for a consultation answered on the spot), and a "ticket.created"
 *      message written to the outbox in the same transaction.
 *  Concurrent submits for one customer (or one phone, or one request_id) are
 *  serialised with transaction-scoped advisory locks, so two intake
 *  instances never open two tickets for one problem.
 *
 *  Every function returns RPL_OK with a result the caller owns, or an error
 *  code with "field: what was wrong" in err. The database being unreachable
 *  is RPL_UNAVAILABLE: nothing was committed, the client retries with the
 *  same request_id.
 */
#ifndef KEFU_INTAKE_TICKETS_H
#define KEFU_INTAKE_TICKETS_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

#include "msg/bus.h"
#include "db/db.h"
#include "request.h"
#include "svc/who.h"
#include "svc/reply.h"

typedef struct itk_s itk_t;

/*  Makes the ticket desk on db (prepares its statements there) emitting
 *  through bus. Borrows db and bus; actor is copied (written into history
 *  rows, e.g. "intake"). Returns NULL on failure. */
itk_t *itk_new (db_t *db, bus_t *bus, const char *actor);
/*  Registers the statements of people's events on tickets (ticket.event,
 *  tickets_events.c) on db; the service's wiring calls it beside itk_new.
 *  Returns 0 or -1. */
int itk_events_prepare (db_t *db);
void itk_destroy (itk_t **self_p);
/*  intake.replace_after: a new repair or return ticket of a unit whose
 *  same fault was repaired this often within warranty is flagged for
 *  replacement at submit, and ticket.get shows the flag (repairs.h). */
void itk_replace_after (itk_t *self, int times);
/*  Customer look-up and screen pops (screenpop.h), served through the
 *  desk's request table: set once by the service (borrowed; it must
 *  outlive the desk), NULL until then. */
struct isp_s;
void itk_set_pops (itk_t *self, struct isp_s *pops);
struct isp_s *itk_pops (const itk_t *self);

/*  ticket.submit on its own (a batch of one, see itk_submit_batch). On
 *  RPL_OK *result is
 *  {"ticket_id","status","joined","branch","customer_id"} (caller owns),
 *  with "replacement" {fault, repairs, work_orders} when a new ticket was
 *  flagged by the three-repairs rule. */
rpl_code_t itk_submit (itk_t *self, const irq_submit_t *rq, cJSON **result,
                       char *err, size_t errsize);

/*  Group commit of ticket.submit: the n requests run in ONE transaction,
 *  each inside its own savepoint, with one COMMIT (one WAL flush) for all.
 *  Every rule above holds inside a batch exactly as between batches: a
 *  request_id seen earlier in the same batch replays that result, and a
 *  second request of the same customer about the same product joins the
 *  ticket the first one opened. A request refused on its own merits is
 *  rolled back to its savepoint and gets its error; the others commit. A
 *  transient failure answers every request of the batch RPL_UNAVAILABLE
 *  (nothing was committed); a COMMIT that refuses the batch is retried one
 *  request per transaction. For each item, on RPL_OK result is set (caller
 *  owns), else err says why. Kicks the bus once when anything was emitted. */
typedef struct {
    const irq_submit_t *rq;   /* in, borrowed */
    const svc_who_t *who;     /* in, borrowed: the caller, recorded as the actor */
    rpl_code_t code;          /* out */
    cJSON *result;            /* out, on RPL_OK */
    char err[512];            /* out, otherwise */
} itk_item_t;
void itk_submit_batch (itk_t *self, itk_item_t *items, int n);

/*  ticket.event (tickets_events.c): checks the event against the ticket's
 *  state, records it in the history (rq->actor, the caller: irq_parse_event)
 *  and sends ticket.updated to the dispatcher, in one transaction.
 *  RPL_NOT_FOUND for a ticket outside the caller's branches; RPL_CONFLICT
 *  when the ticket's state refuses it (closed, not paused, ...). */
rpl_code_t itk_event (itk_t *self, const svc_who_t *who, const irq_event_t *rq, cJSON **result,
                      char *err, size_t errsize);

/*  The same event, applied by a message handler inside the bus's
 *  receiving transaction on self's connection, for the system: a service
 *  told intake that something happened to the ticket (ticket.work_done,
 *  callback.recorded: events_work.h). rq->actor is the person the message
 *  names. Returns RPL_OK, or the code and err of the refusal (nothing was
 *  written; the caller decides whether the message is spent). */
rpl_code_t itk_event_in_tx (itk_t *self, const irq_event_t *rq, char *err, size_t errsize);

/*  ticket.get: {"ticket":{…, "customer":{…}}, "history":[…]}, for a ticket
 *  of one of the caller's branches (else RPL_NOT_FOUND, as for none). The
 *  customer's phone and address are in full only when who->contact (each
 *  such read recorded in ref.contact_reads), masked otherwise. */
rpl_code_t itk_get (itk_t *self, const svc_who_t *who, int64_t ticket_id, cJSON **result,
                    char *err, size_t errsize);

/*  ticket.list: {"tickets":[…]} newest first, of the caller's branches;
 *  phone numbers masked. */
rpl_code_t itk_list (itk_t *self, const svc_who_t *who, const irq_list_t *filter,
                     cJSON **result, char *err, size_t errsize);

/*  Requests served since start (for logs and tests). */
typedef struct {
    long created, joined, closed_at_intake, replayed, refused, unavailable;
} itk_stats_t;
void itk_stats (const itk_t *self, itk_stats_t *out);

#endif
