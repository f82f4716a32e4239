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
 *      log (when notify.file is not set);
 *    - smtp: one mail per notification through a relay, by libcurl, over
 *      STARTTLS, implicit TLS or (only when chosen) plain TCP
 *      (notify_smtp.c; docs/sla.md "Notifications").
 *  Another channel (SMS, instant messaging) is one send function and a
 *  constructor that hands it to notify_new_adapter.
 *
 *  Delivery guarantee: the adapter sends what it is given. The dispatcher
 *  makes delivery at least once by marking each recorded escalation
 *  notified only after notify_send returned 0 (docs/dispatch.md).
 */
#ifndef KEFU_NOTIFY_H
#define KEFU_NOTIFY_H

#include <stdbool.h>
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

/*  How the SMTP adapter reaches the relay (config notify.smtp.tls). The
 *  zero value is the safe one: STARTTLS, required. */
typedef enum {
    NOTIFY_SMTP_STARTTLS, /* plain connect, then STARTTLS; a relay without it is refused */
    NOTIFY_SMTP_SMTPS,    /* TLS from the first byte (RFC 8314, port 465) */
    NOTIFY_SMTP_PLAIN,    /* no TLS: AUTH only to a loopback relay */
} notify_smtp_tls_t;

/*  The SMTP adapter's settings (config notify.smtp.*); strings are copied. */
typedef struct {
    const char *host;     /* relay: a host name or IP address */
    int port;             /* 1-65535 */
    const char *from;     /* envelope and header sender, name@example.com */
    const char *helo;     /* the name given in EHLO / HELO; NULL = this host's name */
    int timeout_ms;       /* limit for connecting, and for the whole delivery of one mail */
    const char *username; /* AUTH when set (the best mechanism both sides know); NULL = no AUTH */
    const char *password;
    notify_smtp_tls_t tls;
    const char *ca_file;  /* PEM CA certificates that verify the relay; NULL = the system's */
    bool no_verify;       /* accept any certificate: only when set explicitly (never the default) */
} notify_smtp_opts_t;

/*  The SMTP adapter (libcurl): each notify_send opens a connection to the
 *  relay, sends one message (EHLO or HELO, STARTTLS when chosen, AUTH when
 *  configured, MAIL FROM, RCPT TO, DATA, QUIT) and closes it. It returns 0
 *  only once the relay answered 250 to the message; any other outcome is -1
 *  with a reason naming relay, step and reply ("smtp 127.0.0.1:2525: RCPT
 *  TO: 550 5.1.1 no such user"); the reason never holds the recipient's
 *  address (replaced by "<recipient>" where the relay echoes it) nor the
 *  password. The relay's certificate is verified (host name included)
 *  unless no_verify; TLS 1.2 at least. AUTH is never sent in clear: with
 *  NOTIFY_SMTP_PLAIN and a username the host must be loopback (refused
 *  here otherwise) and every address it resolves to must be too (checked
 *  as the adapter connects). With a username, a relay that offers no AUTH
 *  is refused before MAIL FROM. The body is always base64 (libcurl sends no
 *  BODY=8BITMIME). A recipient without a usable e-mail address is skipped
 *  (logged as "notify_skipped", returns 0): no retry can reach them, and
 *  retrying would hold back every later notification. Blocks for at most
 *  timeout_ms per notification. Returns NULL with a reason in err when
 *  opts are unusable (a CA file that cannot be read, too); does not
 *  connect. */
notify_t *notify_new_smtp (const notify_smtp_opts_t *opts, char *err, size_t errsize);

/*  The adapter the configuration chooses: notify_new_from_config in
 *  notify_config.h (the notify: section and its options). */

/*  The adapter interface. `send` delivers one notification to the
 *  recipient (arguments as for notify_send, already checked non-NULL) and
 *  returns 0 or -1 with a reason; `impl` is its state, freed by `impl_free`
 *  (may be NULL) when the adapter is destroyed. Takes ownership of impl,
 *  also on failure. `name` must be a literal ("sms"). */
typedef int (*notify_send_fn) (void *impl, const notify_recipient_t *recipient, const char *key,
                               const char *subject, const char *body, char *err, size_t errsize);
notify_t *notify_new_adapter (const char *name, notify_send_fn send, void *impl, void (*impl_free) (void *));
/*  Closes and frees; sets *self_p to NULL; safe on NULL and twice. */
void notify_destroy (notify_t **self_p);

/*  Sends one notification. `key` identifies it for the receiver's
 *  de-duplication (the escalation record's id; may be NULL); subject and
 *  body are UTF-8 text. Returns 0 when delivered, -1 with a reason in err. */
int notify_send (notify_t *self, const notify_recipient_t *recipient, const char *key,
                 const char *subject, const char *body, char *err, size_t errsize);

/*  The adapter's name ("file", "log", "smtp"), for logs. */
const char *notify_adapter_name (const notify_t *self);

#endif
