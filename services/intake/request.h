/*  request — the pure part of intake's request API: reading a request body
 *  that already passed its JSON Schema into a typed struct, the cross-field
 *  rules a schema cannot say (a customer is given by id XOR inline, only a
 *  consultation may be answered at intake, …), the reply documents, and how
 *  the frames a ROUTER receives split into routing envelope and payload.
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

/*  Largest request payload accepted; larger ones are refused unparsed. */
#define IRQ_MAX_PAYLOAD (64 * 1024)
/*  ticket.list limit: default and range. */
#define IRQ_LIST_DEFAULT 50
#define IRQ_LIST_MAX 500

/*  The error codes of the request API (docs/architecture.md). */
typedef enum {
    IRQ_OK = 0,
    IRQ_INVALID,      /* the request is wrong: fix it, do not retry as is */
    IRQ_NOT_FOUND,    /* it names something that does not exist */
    IRQ_CONFLICT,     /* the ticket's state does not allow it now (e.g. closed) */
    IRQ_UNAVAILABLE,  /* the database is down: retry (same request_id) */
    IRQ_INTERNAL,     /* a defect or an unexpected database error */
} irq_code_t;

/*  "invalid", "not_found", "conflict", "unavailable", "internal" ("ok" for IRQ_OK). */
const char *irq_code_name (irq_code_t code);

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
} irq_list_t;

/*  Reads a ticket.list body (limit 1..500, default 50). Returns 0 or -1. */
int irq_parse_list (const cJSON *body, irq_list_t *out, char *err, size_t errsize);

/*  {"ok":true,"result":…}. Takes ownership of *result_p (NULLs it). Returns
 *  a malloc'd string (caller frees) or NULL when out of memory. */
char *irq_reply_ok (cJSON **result_p);
/*  {"ok":false,"error":{"code":…,"message":…}}; caller frees; NULL on OOM. */
char *irq_reply_error (irq_code_t code, const char *message);

/*  Given the frames a ROUTER received ([identity]…[payload]), returns how
 *  many leading frames form the routing envelope to echo back (identity,
 *  any further identities, the empty delimiter REQ adds): always n - 1, the
 *  payload being the last frame. Returns -1 when there is no payload frame
 *  (n < 2) or the identity frame is empty. */
int irq_envelope_frames (int n, const size_t *sizes);

/*  The field a validation message is about: the text before the first ": "
 *  ("body.customer.phone" of "body.customer.phone: longer than …"), copied
 *  into out. Lets logs name the field without repeating customer data. */
char *irq_error_field (const char *message, char *out, size_t size);

#endif
