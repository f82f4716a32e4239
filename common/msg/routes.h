/*  routes — who consumes which message type. This table is the contract of
 *  the message flow (docs/architecture.md, "Messages", draws it; see also
 *  docs/messaging.md); bus_emit() writes one outbox row per destination
 *  listed here.
 */
#ifndef KEFU_ROUTES_H
#define KEFU_ROUTES_H

/*  NULL-terminated list of destination services for a message type, or
 *  NULL when nobody consumes it (emitting it is then an error). */
const char *const *routes_for (const char *type);

/*  NULL-terminated list of every message type in the table. */
const char *const *routes_types (void);

#endif
