/*  smtp_text — base64, encoded-words, reply parsing, address checks and
 *  loopback hosts for SMTP (contract in smtp_text.h).
 */
#include "smtp_text.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---------------------------------------------------------------- buffer */

void smtp_buf_add (smtp_buf_t *buf, const void *data, size_t len)
{
    if (buf->failed)
        return;
    if (buf->len + len + 1 > buf->cap) {
        size_t cap = (buf->len + len + 1) * 2;
        char *grown = realloc (buf->data, cap);
        if (!grown) {
            buf->failed = true;
            return;
        }
        buf->data = grown, buf->cap = cap;
    }
    memcpy (buf->data + buf->len, data, len);
    buf->len += len;
    buf->data[buf->len] = '\0';
}

void smtp_buf_str (smtp_buf_t *buf, const char *text)
{
    smtp_buf_add (buf, text, strlen (text));
}

char *smtp_buf_finish (smtp_buf_t *buf)
{
    smtp_buf_add (buf, "", 0); /* "" rather than NULL for an empty buffer */
    if (buf->failed) {
        free (buf->data);
        buf->data = NULL;
        return NULL;
    }
    char *text = buf->data;
    buf->data = NULL;
    return text;
}

/* ---------------------------------------------------------------- base64 */

void smtp_base64_add (smtp_buf_t *buf, const void *data, size_t len, size_t line_len)
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const unsigned char *in = data;
    size_t column = 0;
    for (size_t i = 0; i < len; i += 3) {
        unsigned value = (unsigned) in[i] << 16;
        if (i + 1 < len)
            value |= (unsigned) in[i + 1] << 8;
        if (i + 2 < len)
            value |= in[i + 2];
        char quad[4] = {
            alphabet[(value >> 18) & 63],
            alphabet[(value >> 12) & 63],
            i + 1 < len ? alphabet[(value >> 6) & 63] : '=',
            i + 2 < len ? alphabet[value & 63] : '=',
        };
        smtp_buf_add (buf, quad, 4);
        column += 4;
        if (line_len && column >= line_len) {
            smtp_buf_add (buf, "\r\n", 2);
            column = 0;
        }
    }
    if (line_len && column)
        smtp_buf_add (buf, "\r\n", 2);
}

/* ---------------------------------------------------------------- headers */

#define S_LINE_MAX 76 /* RFC 2047 6.1: lines with encoded-words */
#define S_WORD_OVERHEAD 12 /* "=?UTF-8?B?" and "?=" */

/*  True when the value may be written as it is. */
static bool s_plain (const char *text, size_t used, bool phrase)
{
    if (strstr (text, "=?") || used + strlen (text) > S_LINE_MAX + 2)
        return false;
    for (const unsigned char *c = (const unsigned char *) text; *c; c++) {
        if (*c < 0x20 || *c > 0x7e)
            return false;
        if (phrase
            && !((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == ' '
                 || *c == '.' || *c == '-' || *c == '_'))
            return false;
    }
    return true;
}

size_t smtp_header_value_add (smtp_buf_t *buf, const char *text, size_t used, bool phrase)
{
    if (s_plain (text, used, phrase)) {
        smtp_buf_str (buf, text);
        return used + strlen (text);
    }
    size_t len = strlen (text), at = 0, line = used;
    do {
        if (at > 0 || line + S_WORD_OVERHEAD + 4 > S_LINE_MAX) {
            smtp_buf_add (buf, "\r\n ", 3); /* fold: the next word on a line of its own */
            line = 1;
        }
        size_t room = S_LINE_MAX - line - S_WORD_OVERHEAD; /* base64 characters that fit */
        size_t take = room / 4 * 3;
        if (take > len - at)
            take = len - at;
        /* never split a UTF-8 character between two words (RFC 2047 5) */
        size_t cut = take;
        while (at + cut < len && cut > 0 && ((unsigned char) text[at + cut] & 0xC0) == 0x80)
            cut--;
        if (cut > 0)
            take = cut;
        smtp_buf_str (buf, "=?UTF-8?B?");
        smtp_base64_add (buf, text + at, take, 0);
        smtp_buf_str (buf, "?=");
        line += S_WORD_OVERHEAD + (take + 2) / 3 * 4;
        at += take;
    } while (at < len);
    return line;
}

/* ---------------------------------------------------------------- replies */

/*  Copies a line's text into the reply (whole lines only). */
static void s_reply_add_line (smtp_reply_t *out, const char *text, size_t len)
{
    size_t used = strlen (out->text);
    size_t need = (out->n_lines ? 1 : 0) + len;
    if (used + need + 1 > sizeof out->text)
        return;
    if (out->n_lines)
        out->text[used++] = '\n';
    memcpy (out->text + used, text, len);
    out->text[used + len] = '\0';
}

int smtp_reply_parse (const char *data, size_t len, smtp_reply_t *out, size_t *consumed, char *err,
                      size_t errsize)
{
    out->code = 0;
    out->n_lines = 0;
    out->text[0] = '\0';
    size_t at = 0;
    for (;;) {
        const char *line = data + at;
        const char *nl = memchr (line, '\n', len - at);
        size_t line_len = nl ? (size_t) (nl - line) : len - at;
        if (line_len > SMTP_REPLY_LINE_MAX) {
            snprintf (err, errsize, "reply line longer than %d bytes", SMTP_REPLY_LINE_MAX);
            return -1;
        }
        if (!nl)
            return 0;
        if (line_len > 0 && line[line_len - 1] == '\r')
            line_len--;
        bool digits = line_len >= 3 && line[0] >= '2' && line[0] <= '5' && line[1] >= '0' && line[1] <= '5'
                      && line[2] >= '0' && line[2] <= '9';
        char sep = line_len > 3 ? line[3] : ' ';
        if (!digits || (sep != ' ' && sep != '-')) {
            snprintf (err, errsize,
                      "malformed reply line \"%.*s\" (expected a code 200-559, then - or space)",
                      (int) (line_len > 60 ? 60 : line_len), line);
            for (char *c = err; *c; c++)
                if ((unsigned char) *c < 0x20 || *c == 0x7f)
                    *c = '?';
            return -1;
        }
        int code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
        if (out->n_lines && code != out->code) {
            snprintf (err, errsize, "reply code changed from %d to %d within a multi-line reply", out->code,
                      code);
            return -1;
        }
        out->code = code;
        s_reply_add_line (out, line + (line_len > 3 ? 4 : 3), line_len > 3 ? line_len - 4 : 0);
        out->n_lines++;
        at = (size_t) (nl - data) + 1;
        if (sep == ' ') {
            *consumed = at;
            return 1;
        }
    }
}

bool smtp_reply_has (const smtp_reply_t *reply, const char *keyword, const char *param)
{
    size_t klen = strlen (keyword);
    const char *line = strchr (reply->text, '\n'); /* the first line greets */
    while (line) {
        line++;
        size_t line_len = strcspn (line, "\n");
        if (line_len >= klen && strncasecmp (line, keyword, klen) == 0
            && (line_len == klen || line[klen] == ' ' || line[klen] == '=')) {
            if (!param)
                return true;
            size_t plen = strlen (param);
            for (const char *w = line + klen; w < line + line_len;) {
                w += strspn (w, " =");
                size_t wlen = strcspn (w, " \n");
                if (wlen == plen && strncasecmp (w, param, plen) == 0)
                    return true;
                w += wlen;
            }
        }
        line = strchr (line, '\n');
    }
    return false;
}

char *smtp_reply_summary (const smtp_reply_t *reply, char *out, size_t size)
{
    size_t first = strcspn (reply->text, "\n");
    snprintf (out, size, "%d%s%.*s", reply->code, first ? " " : "", (int) first, reply->text);
    for (char *c = out; *c; c++)
        if ((unsigned char) *c < 0x20 || *c == 0x7f)
            *c = '?';
    return out;
}

/* ---------------------------------------------------------------- addresses */

const char *smtp_address_problem (const char *address)
{
    if (!address || !*address)
        return "empty";
    if (strlen (address) > 254)
        return "longer than 254 bytes";
    const char *at = strchr (address, '@');
    if (!at || at == address || strchr (at + 1, '@'))
        return "expected local@domain with one @";
    if (at - address > 64)
        return "the part before @ is longer than 64 bytes";
    for (const unsigned char *c = (const unsigned char *) address; c < (const unsigned char *) at; c++)
        if (*c <= 0x20 || *c >= 0x7f || strchr ("<>()[],;:\"\\", *c))
            return "the part before @ may hold only printable ASCII without spaces or <>()[],;:\"\\";
    const char *domain = at + 1;
    if (!*domain || *domain == '.' || domain[strlen (domain) - 1] == '.' || strstr (domain, "..")
        || !strchr (domain, '.'))
        return "expected a dotted domain after @ (name@example.com)";
    for (const char *c = domain; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '-'
              || *c == '.'))
            return "the domain may hold only letters, digits, - and .";
    return NULL;
}

bool smtp_host_is_loopback (const char *host)
{
    if (!host)
        return false;
    if (strcasecmp (host, "localhost") == 0 || strcasecmp (host, "localhost.") == 0)
        return true;
    unsigned char addr[16];
    if (inet_pton (AF_INET, host, addr) == 1)
        return addr[0] == 127;
    if (inet_pton (AF_INET6, host, addr) != 1)
        return false;
    static const unsigned char loopback6[16] = {[15] = 1};
    static const unsigned char mapped4[12] = {[10] = 0xff, [11] = 0xff};
    return memcmp (addr, loopback6, 16) == 0 || (memcmp (addr, mapped4, 12) == 0 && addr[12] == 127);
}
