/*  ticket_updated — the body of a ticket.updated message (a person's event
 *  on a ticket, schemas/messages/ticket.updated.v1.json) as a C struct,
 *  decoded once after the bus checked it against its schema; the handler
 *  takes this struct and reads no JSON field again. Like ticket_created.h,
 *  the decoder checks what it reads and refuses a body it cannot use with
 *  the field and the reason.
 */
#ifndef KEFU_TICKET_UPDATED_H
#define KEFU_TICKET_UPDATED_H

#include <stdint.h>

#include "msg/envelope.h"

/*  Strings are borrowed from the message's body (valid while it lives). */
typedef struct {
    int64_t ticket_id;
    char ticket_id_text[24];
    const char *branch, *event, *actor;
    const char *at;          /* RFC 3339, as sent */
    int64_t at_us;           /* the same instant */
    const char *reason;      /* paused: waiting_customer or waiting_parts; else NULL */
    int64_t escalation_id;   /* escalation_acknowledged: the escalation; else 0 */
    char escalation_id_text[24];
} ticket_updated_t;

/*  Decodes msg's body into *out. Returns 0, or -1 with "body.<field>: what
 *  was wrong" in err. escalation_acknowledged without an escalation_id is
 *  refused here. */
int ticket_updated_decode (const env_t *msg, ticket_updated_t *out, char *err, size_t errsize);

#endif
