/*  request — the pure part of intake's request API: reading a request body
 *  that already passed its JSON Schema into a typed struct, and the
 *  cross-field rules a schema cannot say (a customer is given by id XOR
 *  inline, only a consultation may be answered at intake, …). Codes, reply
 *  documents and framing are every service's: common/svc/reply.h.
 *
 *  Nothing here touches the database or a socket, so every rule is unit
 *  tested (tests/unit/test_intake_request.c). The schema files in
 *  schemas/requests/ stay the source of truth for types, enums and lengths;
 *  the parsers still check the type of every field they read, so a lax or
 *  missing schema can never make intake read the wrong type.
 */
#ifndef KEFU_INTAKE_REQUEST_H
#define KEFU_INTAKE_REQUEST_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/cursor.h"

/*  ticket.list limit: default and range. */
#define IRQ_LIST_DEFAULT 50
#define IRQ_LIST_MAX 500

/*  ticket.submit body. Every pointer is borrowed from the cJSON body it was
 *  read from (valid while that tree lives); NULL when the field is absent. */
typedef struct {
    const char *channel, *kind, *priority, *description;
    const char *customer_id;                     /* customer given by id, or */
    const char *name, *phone, *address, *region; /* customer given inline */
    const char *product_code, *serial, *warranty_card;
    const char *branch;
    bool answered;
    const char *resolution;
    const char *request_id;
    const cJSON *flags;      /* risk flags (array of strings, schema-checked), or NULL */
    const char *complained_staff_id; /* a complaint's staff member complained about, or NULL */
} irq_submit_t;

/*  Reads and checks a ticket.submit body. priority defaults to "normal".
 *  Returns 0, or -1 with "body.<field>: what was wrong (what was expected)"
 *  in err. */
int irq_parse_submit (const cJSON *body, irq_submit_t *out, char *err, size_t errsize);

/*  Reads a ticket.get body: ticket_id, an integer >= 1. Returns 0 or -1. */
int irq_parse_get (const cJSON *body, int64_t *ticket_id, char *err, size_t errsize);

/*  ticket.list filters; pointers borrowed, NULL = no filter. */
typedef struct {
    const char *branch, *status, *kind, *customer_id;
    int limit;
    cur_page_t page; /* the page: after the body's cursor, if any (db/cursor.h) */
} irq_list_t;

/*  Reads a ticket.list body (limit 1..500, default 50; cursor). Returns 0 or -1. */
int irq_parse_list (const cJSON *body, irq_list_t *out, char *err, size_t errsize);

/*  ticket.event body; pointers borrowed, NULL when absent. */
typedef struct {
    int64_t ticket_id;
    int64_t escalation_id;  /* escalation_acknowledged only; else 0 */
    const char *event, *actor, *note, *reason, *request_id;
} irq_event_t;

/*  Reads a ticket.event body and what its schema cannot say: reason with
 *  paused only, escalation_id with escalation_acknowledged only. The actor
 *  is the caller (their staff id; an actor other than the caller is
 *  refused); with no caller (NULL) the body must name one. Whether the
 *  ticket's state allows the event is the ticket desk's to say. out
 *  borrows from body and caller. Returns 0 or -1. */
int irq_parse_event (const cJSON *body, const char *caller, irq_event_t *out, char *err,
                     size_t errsize);

#endif
