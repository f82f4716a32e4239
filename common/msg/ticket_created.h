/*  ticket_created — the body of a ticket.created message
 *  (schemas/messages/ticket.created.v1.json) as a C struct, decoded once,
 *  after the bus checked it against its schema; every handler of the
 *  message takes this struct and reads no JSON field again.
 *
 *  The decoder still checks what it reads (types, the one rule for ids,
 *  the instant), so that a lax or missing schema can never make a handler
 *  read the wrong type: a body that does not decode is refused with the
 *  field and the reason.
 */
#ifndef KEFU_TICKET_CREATED_H
#define KEFU_TICKET_CREATED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "msg/envelope.h"

#define TICKET_CREATED_MAX_FLAGS 4

/*  Strings are borrowed from the message's body (valid while it lives). */
typedef struct {
    int64_t ticket_id;
    char ticket_id_text[24];  /* the same, in decimal */
    bool closed;              /* status "closed": opened and closed at intake */
    const char *branch, *customer_id, *region, *tier, *kind, *channel, *priority;
    const char *customer_class; /* NULL when the sender did not carry it */
    const char *created_at;     /* RFC 3339, as sent */
    int64_t created_us;         /* the same instant */
    bool has_product;           /* false: the request named none */
    const char *product_code, *product_line;
    bool premium;
    const char *flags[TICKET_CREATED_MAX_FLAGS]; /* risk flags */
    size_t n_flags;
} ticket_created_t;

/*  Decodes msg's body into *out. Returns 0, or -1 with "body.<field>: what
 *  was wrong" in err. */
int ticket_created_decode (const env_t *msg, ticket_created_t *out, char *err, size_t errsize);

#endif
