/*  notify — delivers a notification (an SLA warning or escalation) to a
 *  person through an adapter. The interface is one function, notify_send;
 *  an adapter is a small table of functions behind it, so SMS or instant
 *  messaging is one more constructor and one send function.
 *
 *  Adapters in this release:
 *    - file: appends one JSON object per notification, one line each, to a
 *      file (config notify.file) with a single write(2) on an O_APPEND
 *      descriptor, so several processes may share the file without
 *      interleaving lines;
 *    - log: the same JSON object as a "notification" line of the service
 *      log (when notify.file is not set).
 *  An SMTP adapter for a configurable relay is a later slice (docs/sla.md).
 *
 *  Delivery guarantee: the adapter sends what it is given. The dispatcher
 *  makes delivery at least once by marking each recorded escalation
 *  notified only after notify_send returned 0 (docs/dispatch.md).
 */
#ifndef KEFU_NOTIFY_H
#define KEFU_NOTIFY_H

#include <stddef.h>

typedef struct notify_s notify_t;

/*  Who receives a notification; every pointer is borrowed. email and phone
 *  may be NULL. */
typedef struct {
    const char *name;
    const char *email;
    const char *phone;
} notify_recipient_t;

/*  The file adapter: appends to `path` (created with mode 0640 when
 *  missing). Opens the file at once; returns NULL with a reason in err when
 *  it cannot. */
notify_t *notify_new_file (const char *path, char *err, size_t errsize);
/*  The log adapter (log.h, event "notification"). Never fails but for memory. */
notify_t *notify_new_log (void);
/*  Closes and frees; sets *self_p to NULL; safe on NULL and twice. */
void notify_destroy (notify_t **self_p);

/*  Sends one notification. `key` identifies it for the receiver's
 *  de-duplication (the escalation record's id; may be NULL); subject and
 *  body are UTF-8 text. Returns 0 when delivered, -1 with a reason in err. */
int notify_send (notify_t *self, const notify_recipient_t *recipient, const char *key,
                 const char *subject, const char *body, char *err, size_t errsize);

/*  The adapter's name ("file", "log"), for logs. */
const char *notify_adapter_name (const notify_t *self);

#endif
