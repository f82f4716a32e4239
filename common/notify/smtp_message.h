/*  smtp_message — formats one notification as an Internet message (RFC
 *  5322 + MIME) ready for DATA: CRLF line endings, header values encoded as
 *  RFC 2047 UTF-8 words where needed, a text/plain UTF-8 body in base64 (or
 *  8bit when the relay offered 8BITMIME), and a Message-ID derived from the
 *  notification's key so that a receiver can drop a duplicate delivery.
 *  No socket here: notify_smtp.c sends what this builds.
 */
#ifndef KEFU_SMTP_MESSAGE_H
#define KEFU_SMTP_MESSAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*  What goes into one message; every pointer is borrowed. */
typedef struct {
    const char *from; /* sender address (checked by smtp_address_problem) */
    const char *to_name; /* recipient's display name, UTF-8; NULL or "" for none */
    const char *to; /* recipient address (checked) */
    const char *subject; /* UTF-8 */
    const char *body; /* UTF-8, any line endings */
    const char *key; /* de-duplication key ("escalation-42"); NULL = a random one */
    int64_t date_us; /* the Date header, microseconds since the epoch */
    bool eight_bit; /* the relay offered 8BITMIME: body as 8bit when its lines allow */
} smtp_message_t;

/*  The message (headers, blank line, body), every line ending CRLF, not
 *  dot-stuffed (libcurl does that as it sends DATA). Returns it (caller frees) or NULL (out of memory). */
char *smtp_message_build (const smtp_message_t *msg);

/*  "Mon, 23 Nov 2026 01:48:00 +0000" (RFC 5322 3.3, UTC). out needs 32 bytes. */
char *smtp_message_date (int64_t us, char *out, size_t size);

/*  "<escalation-42@kefu.example.cn>": the key with characters a msg-id
 *  cannot hold replaced by '-', at the sender's domain (the same from every
 *  dispatcher host, so a redelivery carries the same id). NULL key: a
 *  random UUID instead. Returns out, or NULL when no UUID could be made. */
char *smtp_message_id (const char *key, const char *from, char *out, size_t size);

#endif
