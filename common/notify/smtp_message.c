/*  smtp_message — one notification as a MIME message (contract in
 *  smtp_message.h).
 */
#include "smtp_message.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "smtp_text.h"
#include "base/uuid.h"

/* RFC 5321 4.5.3.1.6: a text line is at most 998 bytes and CRLF. */
#define S_LINE_LIMIT 998

char *smtp_message_date (int64_t us, char *out, size_t size)
{
    static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    int64_t secs = us / 1000000 - (us % 1000000 < 0 ? 1 : 0);
    time_t t = (time_t) secs;
    struct tm tm;
    if (!gmtime_r (&t, &tm) || tm.tm_wday < 0 || tm.tm_wday > 6 || tm.tm_mon < 0 || tm.tm_mon > 11) {
        snprintf (out, size, "Thu, 01 Jan 1970 00:00:00 +0000");
        return out;
    }
    snprintf (out, size, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday], tm.tm_mday,
              months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
    return out;
}

char *smtp_message_id (const char *key, const char *from, char *out, size_t size)
{
    char random[KUUID_STR_LEN];
    if (!key || !*key) {
        if (kuuid_new (random) != 0)
            return NULL;
        key = random;
    }
    const char *at = from ? strrchr (from, '@') : NULL;
    const char *domain = at && at[1] ? at + 1 : "kefu.invalid";
    char local[129];
    size_t n = 0;
    for (const char *c = key; *c && n < sizeof local - 1; c++) {
        bool ok = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9')
                  || *c == '-' || *c == '_' || *c == '+' || *c == '=';
        local[n++] = ok ? *c : '-';
    }
    local[n] = '\0';
    snprintf (out, size, "<%s@%s>", local, domain);
    return out;
}

/*  The body with CRLF line endings and a final CRLF (text/plain's canonical form). */
static char *s_canonical (const char *text)
{
    smtp_buf_t buf = {0};
    for (const char *c = text; *c; c++) {
        if (*c == '\r' || *c == '\n') {
            smtp_buf_add (&buf, "\r\n", 2);
            if (*c == '\r' && c[1] == '\n')
                c++;
        }
        else
            smtp_buf_add (&buf, c, 1);
    }
    if (buf.len < 2 || buf.data[buf.len - 1] != '\n')
        smtp_buf_add (&buf, "\r\n", 2);
    return smtp_buf_finish (&buf);
}

/*  True when every line of CRLF text fits the 998-byte limit. */
static bool s_lines_fit (const char *text)
{
    for (const char *line = text; *line;) {
        size_t len = strcspn (line, "\r");
        if (len > S_LINE_LIMIT)
            return false;
        line += len;
        line += strspn (line, "\r\n");
    }
    return true;
}

char *smtp_message_build (const smtp_message_t *msg)
{
    char date[40], id[320];
    if (!smtp_message_id (msg->key, msg->from, id, sizeof id))
        return NULL;
    smtp_message_date (msg->date_us, date, sizeof date);
    char *body = s_canonical (msg->body ? msg->body : "");
    if (!body)
        return NULL;
    bool eight_bit = msg->eight_bit && s_lines_fit (body);

    smtp_buf_t buf = {0};
    smtp_buf_str (&buf, "Date: ");
    smtp_buf_str (&buf, date);
    smtp_buf_str (&buf, "\r\nFrom: ");
    smtp_buf_str (&buf, msg->from);
    smtp_buf_str (&buf, "\r\nTo: ");
    if (msg->to_name && *msg->to_name) {
        size_t line = smtp_header_value_add (&buf, msg->to_name, 4, true);
        /* the address on a line of its own when it would make this one too long */
        smtp_buf_str (&buf, line + strlen (msg->to) + 3 > 78 ? "\r\n <" : " <");
        smtp_buf_str (&buf, msg->to);
        smtp_buf_str (&buf, ">");
    }
    else
        smtp_buf_str (&buf, msg->to);
    smtp_buf_str (&buf, "\r\nSubject: ");
    smtp_header_value_add (&buf, msg->subject ? msg->subject : "", 9, false);
    smtp_buf_str (&buf, "\r\nMessage-ID: ");
    smtp_buf_str (&buf, id);
    smtp_buf_str (&buf, "\r\nMIME-Version: 1.0\r\n"
                        "Content-Type: text/plain; charset=UTF-8\r\n");
    /* RFC 3834: an automatic notification; no vacation replies to it */
    smtp_buf_str (&buf, "Auto-Submitted: auto-generated\r\n");
    if (eight_bit) {
        smtp_buf_str (&buf, "Content-Transfer-Encoding: 8bit\r\n\r\n");
        smtp_buf_str (&buf, body);
    }
    else {
        smtp_buf_str (&buf, "Content-Transfer-Encoding: base64\r\n\r\n");
        smtp_base64_add (&buf, body, strlen (body), 76);
    }
    free (body);
    return smtp_buf_finish (&buf);
}
