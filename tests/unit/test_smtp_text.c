/*  Unit tests for the pure parts of SMTP mail (common/notify/smtp_text.h,
 *  common/notify/smtp_message.h): base64, RFC 2047 encoded-words, reply
 *  parsing, address checks, loopback hosts and the formatted message. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "notify/smtp_message.h"
#include "notify/smtp_text.h"
#include "unit.h"

/*  Decodes base64 (test oracle, independent of the encoder). Returns the
 *  byte count written to out, or -1 on a bad character. */
static int s_unbase64 (const char *in, size_t len, char *out)
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    unsigned value = 0;
    int bits = 0, n = 0;
    for (size_t i = 0; i < len; i++) {
        if (in[i] == '=' || in[i] == '\r' || in[i] == '\n')
            continue;
        const char *p = strchr (alphabet, in[i]);
        if (!p || !in[i])
            return -1;
        value = (value << 6) | (unsigned) (p - alphabet);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[n++] = (char) ((value >> bits) & 0xff);
        }
    }
    out[n] = '\0';
    return n;
}

static char *s_header (const char *text, size_t used, bool phrase)
{
    smtp_buf_t buf = {0};
    smtp_header_value_add (&buf, text, used, phrase);
    return smtp_buf_finish (&buf);
}

static char *s_base64 (const char *data, size_t len)
{
    smtp_buf_t buf = {0};
    smtp_base64_add (&buf, data, len, 0);
    return smtp_buf_finish (&buf);
}

UNIT_TEST (smtp_base64_matches_rfc4648_vectors)
{
    const char *in[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
    const char *want[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
    for (int i = 0; i < 7; i++) {
        char *got = s_base64 (in[i], strlen (in[i]));
        UNIT_ASSERT_STR_EQ (got, want[i]);
        free (got);
    }
    char *plain = s_base64 ("\0user\0secret", 12); /* AUTH PLAIN's token */
    UNIT_ASSERT_STR_EQ (plain, "AHVzZXIAc2VjcmV0");
    free (plain);
    /* MIME lines: 76 characters, CRLF after each and after the last */
    char data[60];
    memset (data, 'x', sizeof data);
    smtp_buf_t buf = {0};
    smtp_base64_add (&buf, data, sizeof data, 76);
    char *lines = smtp_buf_finish (&buf);
    UNIT_ASSERT (lines);
    UNIT_ASSERT_INT_EQ (strlen (lines), 80 + 4);
    UNIT_ASSERT_INT_EQ (strcspn (lines, "\r"), 76);
    UNIT_ASSERT (strcmp (lines + 76, "\r\neHh4\r\n") == 0);
    free (lines);
}

UNIT_TEST (smtp_header_values_encode_chinese_as_rfc2047_words)
{
    char *plain = s_header ("[kefu] ticket 12: SLA at risk (team_lead)", 9, false);
    UNIT_ASSERT_STR_EQ (plain, "[kefu] ticket 12: SLA at risk (team_lead)");
    free (plain);
    char *cn = s_header ("工单 12 已超时", 9, false);
    UNIT_ASSERT_STR_EQ (cn, "=?UTF-8?B?5bel5Y2VIDEyIOW3sui2heaXtg==?=");
    free (cn);
    /* text that looks like an encoded word, or a control character, is encoded too */
    char *tricky = s_header ("=?UTF-8?B?eA==?=", 9, false);
    UNIT_ASSERT (strncmp (tricky, "=?UTF-8?B?", 10) == 0);
    free (tricky);
    char *ctl = s_header ("a\r\nBcc: x@example.com", 9, false);
    UNIT_ASSERT (!strstr (ctl, "Bcc"));
    free (ctl);
    /* display names: only plain words stay plain */
    char *name = s_header ("Chen Jing", 4, true);
    UNIT_ASSERT_STR_EQ (name, "Chen Jing");
    free (name);
    char *comma = s_header ("Chen, Jing", 4, true);
    UNIT_ASSERT (strncmp (comma, "=?UTF-8?B?", 10) == 0);
    free (comma);
}

UNIT_TEST (smtp_long_header_values_fold_between_utf8_characters)
{
    const char *text = "客服班长陈静：工单 4711 的首次响应已超过承诺时限，请立即处理并回访客户。"
                       "此工单已标记为安全风险，按规定直接升级到总经理。";
    char *got = s_header (text, 9, false);
    UNIT_ASSERT (got);
    char decoded[1024] = "";
    size_t first = 9;
    int words = 0;
    for (char *line = got; *line;) {
        size_t len = strcspn (line, "\r");
        UNIT_ASSERT (len + first <= 76); /* RFC 2047 6.1 */
        first = 0;
        char *word = line + (line == got ? 0 : 1); /* continuation lines start with a space */
        UNIT_ASSERT (strncmp (word, "=?UTF-8?B?", 10) == 0);
        char *end = strstr (word, "?=");
        UNIT_ASSERT (end && end < line + len + 1);
        char part[256];
        int n = s_unbase64 (word + 10, (size_t) (end - word - 10), part);
        UNIT_ASSERT (n > 0);
        /* each word holds whole characters: it starts with a lead byte and ends complete */
        UNIT_ASSERT (((unsigned char) part[0] & 0xC0) != 0x80);
        UNIT_ASSERT ((unsigned char) part[n - 1] < 0x80 || ((unsigned char) part[n - 1] & 0xC0) == 0x80);
        strcat (decoded, part);
        words++;
        line += len;
        if (*line)
            UNIT_ASSERT (strncmp (line, "\r\n ", 3) == 0);
        line += strspn (line, "\r\n");
    }
    UNIT_ASSERT (words >= 4);
    UNIT_ASSERT_STR_EQ (decoded, text);
    free (got);
}

UNIT_TEST (smtp_loopback_hosts_are_only_this_machine)
{
    const char *loopback[] = {"localhost", "LocalHost.", "127.0.0.1", "127.1.2.3", "::1", "::ffff:127.0.0.1"};
    for (size_t i = 0; i < sizeof loopback / sizeof *loopback; i++)
        UNIT_ASSERT (smtp_host_is_loopback (loopback[i]));
    const char *other[] = {"192.0.2.25", "10.0.0.1", "128.0.0.1", "::2", "::ffff:10.0.0.1", "mail.example.com",
                           "localhost.example.com", "127.0.0.1.example.com", "", NULL};
    for (size_t i = 0; i < sizeof other / sizeof *other; i++)
        UNIT_ASSERT (!smtp_host_is_loopback (other[i]));
}

UNIT_TEST (smtp_replies_parse_single_and_multi_line)
{
    smtp_reply_t r;
    size_t used = 0;
    char err[200] = "";
    const char *greet = "220 mail.example ESMTP ready\r\n";
    UNIT_ASSERT_INT_EQ (smtp_reply_parse (greet, strlen (greet), &r, &used, err, sizeof err), 1);
    UNIT_ASSERT_INT_EQ (r.code, 220);
    UNIT_ASSERT_STR_EQ (r.text, "mail.example ESMTP ready");
    UNIT_ASSERT_INT_EQ (used, strlen (greet));

    const char *ehlo = "250-mail.example\r\n250-8BITMIME\r\n250-AUTH PLAIN LOGIN\r\n250 SIZE 10240000\r\n"
                       "250 next reply\r\n";
    UNIT_ASSERT_INT_EQ (smtp_reply_parse (ehlo, strlen (ehlo), &r, &used, err, sizeof err), 1);
    UNIT_ASSERT_INT_EQ (r.code, 250);
    UNIT_ASSERT_INT_EQ (r.n_lines, 4);
    UNIT_ASSERT_INT_EQ (used, strlen (ehlo) - strlen ("250 next reply\r\n")); /* one reply only */
    UNIT_ASSERT (smtp_reply_has (&r, "8bitmime", NULL));
    UNIT_ASSERT (smtp_reply_has (&r, "AUTH", "PLAIN"));
    UNIT_ASSERT (smtp_reply_has (&r, "AUTH", "login"));
    UNIT_ASSERT (!smtp_reply_has (&r, "AUTH", "CRAM-MD5"));
    UNIT_ASSERT (!smtp_reply_has (&r, "SIZ", NULL));
    UNIT_ASSERT (!smtp_reply_has (&r, "mail.example", NULL)); /* the greeting line is no extension */

    const char *old = "250-x\r\n250 AUTH=LOGIN\n"; /* old servers; bare LF */
    UNIT_ASSERT_INT_EQ (smtp_reply_parse (old, strlen (old), &r, &used, err, sizeof err), 1);
    UNIT_ASSERT (smtp_reply_has (&r, "AUTH", "LOGIN"));

    const char *bare = "250\r\n";
    UNIT_ASSERT_INT_EQ (smtp_reply_parse (bare, strlen (bare), &r, &used, err, sizeof err), 1);
    UNIT_ASSERT_INT_EQ (r.code, 250);
    UNIT_ASSERT_STR_EQ (r.text, "");

    const char *refused = "550-5.1.1 no such user\r\n550 5.1.1 see https://example.com\r\n";
    UNIT_ASSERT_INT_EQ (smtp_reply_parse (refused, strlen (refused), &r, &used, err, sizeof err), 1);
    char summary[64];
    UNIT_ASSERT_STR_EQ (smtp_reply_summary (&r, summary, sizeof summary), "550 5.1.1 no such user");
}

UNIT_TEST (smtp_replies_wait_for_more_or_refuse_malformed_lines)
{
    smtp_reply_t r;
    size_t used = 0;
    char err[200] = "";
    const char *partial[] = {"", "25", "250-a\r\n250 b", "250-a\r\n"};
    for (int i = 0; i < 4; i++)
        UNIT_ASSERT_INT_EQ (smtp_reply_parse (partial[i], strlen (partial[i]), &r, &used, err, sizeof err),
                            0);

    const char *bad[] = {"25 x\r\n",  "2500 x\r\n", "600 x\r\n", "190 x\r\n",
                         "260 x\r\n", "abc x\r\n",  "250_x\r\n", "\r\n"};
    for (int i = 0; i < 8; i++) {
        err[0] = '\0';
        UNIT_ASSERT_INT_EQ (smtp_reply_parse (bad[i], strlen (bad[i]), &r, &used, err, sizeof err), -1);
        UNIT_ASSERT_CONTAINS (err, "malformed reply line");
    }
    const char *changed = "250-a\r\n251 b\r\n";
    UNIT_ASSERT_INT_EQ (smtp_reply_parse (changed, strlen (changed), &r, &used, err, sizeof err), -1);
    UNIT_ASSERT_CONTAINS (err, "reply code changed from 250 to 251");

    char long_line[SMTP_REPLY_LINE_MAX + 10];
    memset (long_line, 'x', sizeof long_line);
    memcpy (long_line, "250 ", 4);
    UNIT_ASSERT_INT_EQ (smtp_reply_parse (long_line, sizeof long_line, &r, &used, err, sizeof err), -1);
    UNIT_ASSERT_CONTAINS (err, "reply line longer than");
}

UNIT_TEST (smtp_addresses_that_could_break_the_dialogue_are_refused)
{
    UNIT_ASSERT (smtp_address_problem ("team-lead@kefu.example.cn") == NULL);
    UNIT_ASSERT (smtp_address_problem ("a.b+tag@mail.example.com") == NULL);
    const char *bad[] = {"",
                         "nobody",
                         "a@b",
                         "a@@b.cn",
                         "@b.cn",
                         "a b@c.cn",
                         "<a@b.cn>",
                         "a@b..cn",
                         "a@.b.cn",
                         "a@b.cn.",
                         "张@b.cn",
                         "a@例子.cn",
                         "a@b.cn>\r\nRCPT TO:<x@y.cn",
                         "a@b_c.cn"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        if (!smtp_address_problem (bad[i]))
            unit_fail (__FILE__, __LINE__, "accepted \"%s\"", bad[i]);
    }
    UNIT_ASSERT (smtp_address_problem (NULL));
}

UNIT_TEST (smtp_message_has_mime_headers_and_a_base64_body)
{
    smtp_message_t m = {
        .from = "kefu@kefu.example.cn",
        .to_name = "客服班长 陈静",
        .to = "team-lead@kefu.example.cn",
        .subject = "工单 12 已超时",
        .body = "第一行\n.第二行",
        .key = "escalation-42",
        .date_us = 1795395600LL * 1000000 + 999999, /* Monday 2026-11-23 09:00 in Shanghai */
    };
    char *text = smtp_message_build (&m);
    UNIT_ASSERT (text);
    UNIT_ASSERT (strncmp (text, "Date: Mon, 23 Nov 2026 01:00:00 +0000\r\n", 39) == 0);
    UNIT_ASSERT_CONTAINS (text, "\r\nFrom: kefu@kefu.example.cn\r\n");
    UNIT_ASSERT_CONTAINS (text,
                          "\r\nTo: =?UTF-8?B?5a6i5pyN54+t6ZW/IOmZiOmdmQ==?= <team-lead@kefu.example.cn>\r\n");
    UNIT_ASSERT_CONTAINS (text, "\r\nSubject: =?UTF-8?B?5bel5Y2VIDEyIOW3sui2heaXtg==?=\r\n");
    UNIT_ASSERT_CONTAINS (text, "\r\nMessage-ID: <escalation-42@kefu.example.cn>\r\n");
    UNIT_ASSERT_CONTAINS (text, "\r\nMIME-Version: 1.0\r\n");
    UNIT_ASSERT_CONTAINS (text, "\r\nContent-Type: text/plain; charset=UTF-8\r\n");
    UNIT_ASSERT_CONTAINS (
        text, "\r\nContent-Transfer-Encoding: base64\r\n\r\n56ys5LiA6KGMDQou56ys5LqM6KGMDQo=\r\n");
    for (const char *c = text; *c; c++)
        if (*c == '\n')
            UNIT_ASSERT (c > text && c[-1] == '\r'); /* no bare LF anywhere */
    free (text);

    m.eight_bit = true; /* the relay offered 8BITMIME */
    m.key = "esc 7/a@b";
    text = smtp_message_build (&m);
    UNIT_ASSERT (text);
    UNIT_ASSERT_CONTAINS (text, "\r\nContent-Transfer-Encoding: 8bit\r\n\r\n第一行\r\n.第二行\r\n");
    UNIT_ASSERT_CONTAINS (text, "\r\nMessage-ID: <esc-7-a-b@kefu.example.cn>\r\n");
    free (text);

    char long_body[1200];
    memset (long_body, 'x', sizeof long_body - 1);
    long_body[sizeof long_body - 1] = '\0';
    m.body = long_body; /* a line over 998 bytes cannot go as 8bit */
    m.key = NULL;
    m.to_name = NULL;
    text = smtp_message_build (&m);
    UNIT_ASSERT (text);
    UNIT_ASSERT_CONTAINS (text, "Content-Transfer-Encoding: base64");
    UNIT_ASSERT_CONTAINS (text, "\r\nTo: team-lead@kefu.example.cn\r\n");
    UNIT_ASSERT_CONTAINS (text, "\r\nMessage-ID: <"); /* a random one */
    free (text);
}

UNIT_TEST (smtp_message_date_is_rfc5322_utc)
{
    char out[40];
    UNIT_ASSERT_STR_EQ (smtp_message_date (0, out, sizeof out), "Thu, 01 Jan 1970 00:00:00 +0000");
    UNIT_ASSERT_STR_EQ (smtp_message_date (-1, out, sizeof out), "Wed, 31 Dec 1969 23:59:59 +0000");
    UNIT_ASSERT_STR_EQ (smtp_message_date (1795395600LL * 1000000, out, sizeof out),
                        "Mon, 23 Nov 2026 01:00:00 +0000");
}
