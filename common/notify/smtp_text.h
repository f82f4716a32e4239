/*  smtp_text — the pure text parts of sending mail over SMTP (RFC 5321,
 *  RFC 2045, RFC 2047), apart from any socket so they can be unit-tested:
 *  base64, header encoded-words, reply parsing, address checks and which
 *  hosts are loopback. Used by the SMTP notification adapter (notify_smtp.c,
 *  which reads the relay's replies as libcurl reports them), the message
 *  formatter (smtp_message.c) and the notify section's checks.
 */
#ifndef KEFU_SMTP_TEXT_H
#define KEFU_SMTP_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/*  A growing text buffer; `failed` records an allocation failure, after
 *  which every add is a no-op and smtp_buf_finish returns NULL. Start with
 *  smtp_buf_t buf = { 0 }. */
typedef struct {
    char *data;
    size_t len, cap;
    bool failed;
} smtp_buf_t;

void smtp_buf_add (smtp_buf_t *buf, const void *data, size_t len);
void smtp_buf_str (smtp_buf_t *buf, const char *text);
/*  The text (caller frees; "" when nothing was added), or NULL when an
 *  allocation failed (the buffer is freed either way). */
char *smtp_buf_finish (smtp_buf_t *buf);

/*  Base64 (RFC 4648, with padding) of `len` bytes appended to buf. With
 *  line_len > 0, CRLF after every line_len characters (76 for MIME bodies,
 *  a multiple of 4) and after the last line; 0 writes one line without CRLF. */
void smtp_base64_add (smtp_buf_t *buf, const void *data, size_t len, size_t line_len);
/*  Appends a header value to buf. Printable ASCII that needs no quoting
 *  stays as it is; anything else (UTF-8, control characters, "=?", or more
 *  than fits the line) becomes RFC 2047 encoded-words "=?UTF-8?B?…?=",
 *  split only between UTF-8 characters and folded (CRLF SP) so that no line
 *  exceeds 76 characters. `used` is how much of the first line is taken
 *  already ("Subject: " is 9). `phrase`: the value is a display name (only
 *  letters, digits, space and . - _ stay plain). Returns the length of the
 *  last line written, for the caller's next decision. */
size_t smtp_header_value_add (smtp_buf_t *buf, const char *text, size_t used, bool phrase);

/*  One reply of the server: the code, and each line's text joined by '\n'
 *  (without the codes; truncated at whole lines to what fits). */
#define SMTP_REPLY_TEXT 4096
typedef struct {
    int code;
    int n_lines;
    char text[SMTP_REPLY_TEXT];
} smtp_reply_t;

/*  Most bytes of one reply line (RFC 5321 allows 512; servers send more). */
#define SMTP_REPLY_LINE_MAX 2048

/*  Parses one complete reply from the start of data[0..len): lines
 *  "ddd-text" (more follow) and a last "ddd text" or "ddd", each ended by
 *  CRLF (a bare LF is accepted), the same code on every line, first digit 2
 *  to 5, second 0 to 5. Returns 1 with *out and *consumed (the bytes of the
 *  reply) set, 0 when the data ends before the reply does, or -1 with the
 *  reason in err (a malformed line, a code that changes between lines, a
 *  line longer than SMTP_REPLY_LINE_MAX). */
int smtp_reply_parse (const char *data, size_t len, smtp_reply_t *out, size_t *consumed, char *err,
                      size_t errsize);

/*  True when an EHLO reply lists the extension `keyword` (case-insensitive,
 *  its own line after the greeting line). With `param`, the extension's
 *  parameters must include that word too (AUTH with PLAIN). "AUTH=PLAIN"
 *  (old servers) counts as AUTH PLAIN. */
bool smtp_reply_has (const smtp_reply_t *reply, const char *keyword, const char *param);

/*  The first line of a reply's text with control characters replaced,
 *  truncated to fit out: for error reasons ("550 no such user"). */
char *smtp_reply_summary (const smtp_reply_t *reply, char *out, size_t size);

/*  Checks an address for use in MAIL FROM / RCPT TO and a header: ASCII,
 *  local@domain, one @, no spaces, control characters or <>()[],;:"\,
 *  a dotted domain of letters, digits and hyphens, at most 254 bytes.
 *  Returns NULL when usable, else the reason. */
const char *smtp_address_problem (const char *address);

/*  True when `host` names this machine's loopback interface: "localhost",
 *  127.0.0.0/8, ::1 or ::ffff:127.x.y.z. The one place where a relay may
 *  be sent AUTH over a plain connection (docs/configuration.md "notify"). */
bool smtp_host_is_loopback (const char *host);

#endif
