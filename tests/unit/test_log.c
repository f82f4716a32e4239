/*  test_log — JSON-lines output of common/base/log.c: fields, levels, escaping,
 *  real-clock timestamps, and masking of phone numbers and addresses. */
#include "base/clock.h"
#include "base/json.h"
#include "base/log.h"
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/*  Captures log output in memory for one test. */
typedef struct {
    FILE *mem;
    char *data;
    size_t len;
} s_capture_t;

static int s_capture_start (s_capture_t *c, log_level_t level)
{
    c->data = NULL;
    c->len = 0;
    c->mem = open_memstream (&c->data, &c->len);
    if (!c->mem)
        return -1;
    log_init ("intake", "i1", level);
    log_set_stream (c->mem);
    return 0;
}

/*  Stops capturing; returns the text (caller frees). */
static char *s_capture_stop (s_capture_t *c)
{
    log_set_stream (NULL);
    fclose (c->mem);
    log_init ("test", "unit", LOG_INFO);
    return c->data;
}

/*  Parses the only line of `text`; NULL unless there is exactly one line
 *  and it is valid JSON (checked by the strict parser). */
static cJSON *s_one_line (const char *text)
{
    if (!text)
        return NULL;
    const char *nl = strchr (text, '\n');
    if (!nl || nl[1] != '\0')
        return NULL;
    char err[128];
    return json_parse_strict (text, (size_t) (nl - text), err, sizeof err);
}

static int s_line_count (const char *text)
{
    int n = 0;
    for (const char *p = text; p && *p; p++)
        n += *p == '\n';
    return n;
}

UNIT_TEST (log_line_has_fixed_fields_then_pairs_in_order)
{
    s_capture_t cap;
    UNIT_ASSERT_INT_EQ (s_capture_start (&cap, LOG_DEBUG), 0);
    log_kv (LOG_INFO, "ticket_created", "ticket_id", "42", "branch", "SH01", "resolution", NULL,
            NULL);
    char *text = s_capture_stop (&cap);
    cJSON *j = s_one_line (text);
    UNIT_ASSERT (j != NULL);
    UNIT_ASSERT_STR_EQ (json_str (j, "level", NULL), "info");
    UNIT_ASSERT_STR_EQ (json_str (j, "service", NULL), "intake");
    UNIT_ASSERT_STR_EQ (json_str (j, "instance", NULL), "i1");
    UNIT_ASSERT_STR_EQ (json_str (j, "event", NULL), "ticket_created");
    UNIT_ASSERT_STR_EQ (json_str (j, "ticket_id", NULL), "42");
    UNIT_ASSERT_STR_EQ (json_str (j, "branch", NULL), "SH01");
    UNIT_ASSERT (cJSON_IsNull (cJSON_GetObjectItemCaseSensitive (j, "resolution")));
    cJSON_Delete (j);
    UNIT_ASSERT (strncmp (text, "{\"ts\":\"", 7) == 0);
    const char *order = strstr (text, "\"level\"");
    UNIT_ASSERT (order && strstr (order, "\"event\"") && strstr (text, "\"ticket_id\"") < strstr (text, "\"branch\""));
    free (text);
}

/*  A caller's key that the line already has is renamed, never written
 *  twice: the strict parser (which refuses duplicate keys) reads the line. */
UNIT_TEST (log_never_writes_a_key_twice)
{
    s_capture_t cap;
    UNIT_ASSERT_INT_EQ (s_capture_start (&cap, LOG_DEBUG), 0);
    log_kv (LOG_INFO, "sla_clock_started", "event", "created", "level", "2", "ts", "x", "service",
            "dispatch", "instance", "d9", "ticket_id", "7", "ticket_id", "8", "event_2", "taken",
            "phone", "13812345678", "phone", "13887654321", NULL);
    char *text = s_capture_stop (&cap);
    cJSON *j = s_one_line (text);
    UNIT_ASSERT (j != NULL);
    UNIT_ASSERT_STR_EQ (json_str (j, "event", NULL), "sla_clock_started");
    UNIT_ASSERT_STR_EQ (json_str (j, "level", NULL), "info");
    UNIT_ASSERT_STR_EQ (json_str (j, "service", NULL), "intake");
    UNIT_ASSERT_STR_EQ (json_str (j, "instance", NULL), "i1");
    UNIT_ASSERT_STR_EQ (json_str (j, "event_2", NULL), "created");
    UNIT_ASSERT_STR_EQ (json_str (j, "level_2", NULL), "2");
    UNIT_ASSERT_STR_EQ (json_str (j, "ts_2", NULL), "x");
    UNIT_ASSERT_STR_EQ (json_str (j, "service_2", NULL), "dispatch");
    UNIT_ASSERT_STR_EQ (json_str (j, "instance_2", NULL), "d9");
    UNIT_ASSERT_STR_EQ (json_str (j, "ticket_id", NULL), "7");
    UNIT_ASSERT_STR_EQ (json_str (j, "ticket_id_2", NULL), "8");
    UNIT_ASSERT_STR_EQ (json_str (j, "event_2_2", NULL), "taken");
    /* a renamed key is still masked by what it names */
    UNIT_ASSERT_STR_EQ (json_str (j, "phone", NULL), "138****5678");
    UNIT_ASSERT_STR_EQ (json_str (j, "phone_2", NULL), "138****4321");
    cJSON_Delete (j);
    free (text);
}

UNIT_TEST (log_leaves_out_fields_beyond_its_limit_and_counts_them)
{
    s_capture_t cap;
    UNIT_ASSERT_INT_EQ (s_capture_start (&cap, LOG_DEBUG), 0);
    /* 40 fields of one name, the last named like the counter */
#define S_K "k", "v"
    log_kv (LOG_INFO, "many", S_K, S_K, S_K, S_K, S_K, S_K, S_K, S_K, S_K, S_K, S_K, S_K, S_K,
            S_K, S_K, S_K, S_K, S_K, S_K, S_K, S_K, S_K, S_K, S_K, S_K, S_K, S_K, S_K, S_K, S_K,
            S_K, S_K, S_K, S_K, S_K, S_K, S_K, S_K, S_K, "fields_left_out", "mine", NULL);
#undef S_K
    char *text = s_capture_stop (&cap);
    cJSON *j = s_one_line (text);
    UNIT_ASSERT (j != NULL);
    UNIT_ASSERT_STR_EQ (json_str (j, "k", NULL), "v");
    UNIT_ASSERT_STR_EQ (json_str (j, "k_31", NULL), "v");
    UNIT_ASSERT (cJSON_GetObjectItemCaseSensitive (j, "k_32") == NULL);
    UNIT_ASSERT_STR_EQ (json_str (j, "fields_left_out", NULL), "9");
    cJSON_Delete (j);
    free (text);
}

UNIT_TEST (log_timestamp_is_real_utc_with_ms_even_when_clock_is_frozen)
{
    s_capture_t cap;
    UNIT_ASSERT_INT_EQ (s_capture_start (&cap, LOG_INFO), 0);
    clock_set (0); /* business time 1970: the log must not follow it */
    time_t now = time (NULL);
    log_kv (LOG_WARN, "frozen", NULL);
    clock_use_real ();
    char *text = s_capture_stop (&cap);
    cJSON *j = s_one_line (text);
    free (text);
    UNIT_ASSERT (j != NULL);
    const char *ts = json_str (j, "ts", "");
    char ts_copy[40];
    snprintf (ts_copy, sizeof ts_copy, "%s", ts);
    cJSON_Delete (j);
    /* 2026-11-22T06:48:42.123Z */
    UNIT_ASSERT_INT_EQ (strlen (ts_copy), 24);
    UNIT_ASSERT (ts_copy[10] == 'T' && ts_copy[19] == '.' && ts_copy[23] == 'Z');
    struct tm tm;
    gmtime_r (&now, &tm);
    char year[16];
    snprintf (year, sizeof year, "%04d-", tm.tm_year + 1900);
    UNIT_ASSERT (strncmp (ts_copy, year, 5) == 0);
    int64_t parsed;
    UNIT_ASSERT_INT_EQ (clock_parse_rfc3339 (ts_copy, &parsed), 0);
    UNIT_ASSERT (llabs (parsed / 1000000 - (int64_t) now) <= 2);
}

UNIT_TEST (log_levels_filter_and_parse)
{
    s_capture_t cap;
    UNIT_ASSERT_INT_EQ (s_capture_start (&cap, LOG_WARN), 0);
    UNIT_ASSERT (!log_enabled (LOG_DEBUG));
    UNIT_ASSERT (!log_enabled (LOG_INFO));
    UNIT_ASSERT (log_enabled (LOG_WARN));
    UNIT_ASSERT (log_enabled (LOG_ERROR));
    log_kv (LOG_DEBUG, "hidden_debug", NULL);
    log_kv (LOG_INFO, "hidden_info", NULL);
    log_msg (LOG_INFO, "hidden_msg", "x=%d", 1);
    log_kv (LOG_WARN, "shown_warn", NULL);
    log_msg (LOG_ERROR, "shown_error", "code %d", 7);
    char *text = s_capture_stop (&cap);
    int lines = s_line_count (text);
    bool hidden = strstr (text, "hidden") != NULL;
    bool warn = strstr (text, "\"level\":\"warn\",") && strstr (text, "shown_warn");
    bool error = strstr (text, "\"level\":\"error\",") && strstr (text, "\"msg\":\"code 7\"");
    free (text);
    UNIT_ASSERT_INT_EQ (lines, 2);
    UNIT_ASSERT (!hidden && warn && error);

    log_level_t lv = LOG_ERROR;
    UNIT_ASSERT_INT_EQ (log_level_parse ("debug", &lv), 0);
    UNIT_ASSERT_INT_EQ (lv, LOG_DEBUG);
    UNIT_ASSERT_INT_EQ (log_level_parse ("info", &lv), 0);
    UNIT_ASSERT_INT_EQ (lv, LOG_INFO);
    UNIT_ASSERT_INT_EQ (log_level_parse ("warn", &lv), 0);
    UNIT_ASSERT_INT_EQ (lv, LOG_WARN);
    UNIT_ASSERT_INT_EQ (log_level_parse ("error", &lv), 0);
    UNIT_ASSERT_INT_EQ (lv, LOG_ERROR);
    UNIT_ASSERT_INT_EQ (log_level_parse ("verbose", &lv), -1);
    UNIT_ASSERT_INT_EQ (log_level_parse ("", &lv), -1);
    UNIT_ASSERT_INT_EQ (log_level_parse ("info ", &lv), -1);
    UNIT_ASSERT_INT_EQ (log_level_parse (NULL, &lv), -1);
    UNIT_ASSERT_INT_EQ (lv, LOG_ERROR); /* untouched on failure */
}

UNIT_TEST (log_escapes_and_keeps_chinese_bytes)
{
    s_capture_t cap;
    UNIT_ASSERT_INT_EQ (s_capture_start (&cap, LOG_INFO), 0);
    log_kv (LOG_INFO, "escape", "quote", "say \"hi\"\\ now", "ctl", "a\nb\tc\x01" "d\x7f",
            "name", "张伟", "bad", "ok\xC3\x28\xFF" "end", "k\"ey", "v", NULL);
    char *text = s_capture_stop (&cap);
    cJSON *j = s_one_line (text);
    bool raw_chinese = text && strstr (text, "\"name\":\"张伟\"") != NULL;
    bool escaped_ctl = text && strstr (text, "\\u0001") && strstr (text, "\\u007f");
    free (text);
    UNIT_ASSERT (j != NULL);
    UNIT_ASSERT (raw_chinese && escaped_ctl);
    UNIT_ASSERT_STR_EQ (json_str (j, "quote", NULL), "say \"hi\"\\ now");
    UNIT_ASSERT_STR_EQ (json_str (j, "ctl", NULL), "a\nb\tc\x01" "d\x7f");
    UNIT_ASSERT_STR_EQ (json_str (j, "name", NULL), "张伟");
    /* invalid bytes become U+FFFD, the line stays valid UTF-8 */
    UNIT_ASSERT_STR_EQ (json_str (j, "bad", NULL), "ok\xEF\xBF\xBD(\xEF\xBF\xBD" "end");
    UNIT_ASSERT_STR_EQ (json_str (j, "k\"ey", NULL), "v");
    cJSON_Delete (j);
}

UNIT_TEST (log_cuts_huge_values_at_a_character_boundary)
{
    size_t n = 10000;
    char *big = malloc (n * 3 + 1);
    UNIT_ASSERT (big != NULL);
    for (size_t i = 0; i < n; i++)
        memcpy (big + i * 3, "汉", 3);
    big[n * 3] = '\0';
    s_capture_t cap;
    if (s_capture_start (&cap, LOG_INFO) != 0) {
        free (big);
        UNIT_ASSERT (cap.mem != NULL);
    }
    log_kv (LOG_INFO, "big", "payload", big, NULL);
    free (big);
    char *text = s_capture_stop (&cap);
    cJSON *j = s_one_line (text);
    size_t text_len = text ? strlen (text) : 0;
    free (text);
    UNIT_ASSERT (j != NULL);
    const char *v = json_str (j, "payload", "");
    size_t chars = json_utf8_length (v);
    bool ends = strlen (v) >= 3 && strcmp (v + strlen (v) - 3, "…") == 0;
    cJSON_Delete (j);
    UNIT_ASSERT (text_len < 5000);
    UNIT_ASSERT_INT_EQ (chars, 4096 / 3 + 1);
    UNIT_ASSERT (ends);
}

UNIT_TEST (log_msg_formats_long_messages_whole)
{
    s_capture_t cap;
    UNIT_ASSERT_INT_EQ (s_capture_start (&cap, LOG_INFO), 0);
    char word[1001];
    memset (word, 'w', 1000);
    word[1000] = '\0';
    log_msg (LOG_INFO, "long", "%s|%d|%s", word, 12345, "尾");
    char *text = s_capture_stop (&cap);
    cJSON *j = s_one_line (text);
    free (text);
    UNIT_ASSERT (j != NULL);
    const char *msg = json_str (j, "msg", "");
    bool ok = strlen (msg) == 1000 + 7 + 3 && strstr (msg, "|12345|尾") != NULL;
    cJSON_Delete (j);
    UNIT_ASSERT (ok);
}

UNIT_TEST (log_masks_phone_fields_by_key)
{
    s_capture_t cap;
    UNIT_ASSERT_INT_EQ (s_capture_start (&cap, LOG_INFO), 0);
    log_kv (LOG_INFO, "customer", "phone", "13812345678", "customer_phone", "138-1234-5678",
            "Mobile", "+86 139 8765 4321", "contact", "zhang@example.com", "customer.contact",
            "021-64381234", "contact_count", "2", "telephone", "13812345678", "cellphone_number", "13812345678", NULL);
    char *text = s_capture_stop (&cap);
    cJSON *j = s_one_line (text);
    bool leaked = text && (strstr (text, "12345678") || strstr (text, "87654321")
                           || strstr (text, "zhang") || strstr (text, "64381234"));
    free (text);
    UNIT_ASSERT (j != NULL);
    UNIT_ASSERT_STR_EQ (json_str (j, "phone", NULL), "138****5678");
    UNIT_ASSERT_STR_EQ (json_str (j, "customer_phone", NULL), "138****5678");
    UNIT_ASSERT_STR_EQ (json_str (j, "Mobile", NULL), "861****4321");
    UNIT_ASSERT_STR_EQ (json_str (j, "contact", NULL), "****");
    UNIT_ASSERT_STR_EQ (json_str (j, "customer.contact", NULL), "021****1234");
    /* words that merely contain the names are left alone */
    UNIT_ASSERT_STR_EQ (json_str (j, "contact_count", NULL), "2");
    UNIT_ASSERT_STR_EQ (json_str (j, "telephone", NULL), "138****5678");
    UNIT_ASSERT_STR_EQ (json_str (j, "cellphone_number", NULL), "138****5678");
    cJSON_Delete (j);
    UNIT_ASSERT (!leaked);
}

UNIT_TEST (log_mask_phone_rules)
{
    char out[32];
    UNIT_ASSERT_STR_EQ (log_mask_phone ("13812345678", out, sizeof out), "138****5678");
    UNIT_ASSERT_STR_EQ (log_mask_phone ("6543-2109", out, sizeof out), "****2109");
    UNIT_ASSERT_STR_EQ (log_mask_phone ("(010) 6543-2109", out, sizeof out), "010****2109");
    UNIT_ASSERT_STR_EQ (log_mask_phone ("95588", out, sizeof out), "****");
    UNIT_ASSERT_STR_EQ (log_mask_phone ("1234567", out, sizeof out), "****");
    UNIT_ASSERT_STR_EQ (log_mask_phone ("no digits", out, sizeof out), "****");
    UNIT_ASSERT_STR_EQ (log_mask_phone ("", out, sizeof out), "");
    UNIT_ASSERT_STR_EQ (log_mask_phone (NULL, out, sizeof out), "");
    char many[200];
    memset (many, '9', sizeof many - 1);
    many[sizeof many - 1] = '\0';
    many[0] = '1';
    many[sizeof many - 2] = '0';
    UNIT_ASSERT_STR_EQ (log_mask_phone (many, out, sizeof out), "199****9990");
    char tiny[5];
    UNIT_ASSERT_STR_EQ (log_mask_phone ("13812345678", tiny, sizeof tiny), "138*");
    char none[1] = { 'x' };
    log_mask_phone ("13812345678", none, sizeof none);
    UNIT_ASSERT (none[0] == '\0');
    UNIT_ASSERT (log_mask_phone ("1", NULL, 4) == NULL);
}

UNIT_TEST (log_masks_chinese_addresses)
{
    char out[64];
    UNIT_ASSERT_STR_EQ (log_mask_address ("上海市浦东新区张江路 88 弄 5 号 1201 室", out, sizeof out),
                        "上海市浦东新…");
    UNIT_ASSERT_STR_EQ (log_mask_address ("广东省深圳市南山区", out, sizeof out), "广东省深圳市…");
    UNIT_ASSERT_STR_EQ (log_mask_address ("12 Main Street, Springfield", out, sizeof out), "12 Mai…");
    /* short addresses keep only half, so they are never shown whole */
    UNIT_ASSERT_STR_EQ (log_mask_address ("北京市朝阳区", out, sizeof out), "北京市…");
    UNIT_ASSERT_STR_EQ (log_mask_address ("北", out, sizeof out), "…");
    UNIT_ASSERT_STR_EQ (log_mask_address ("", out, sizeof out), "");
    UNIT_ASSERT_STR_EQ (log_mask_address (NULL, out, sizeof out), "");
    /* invalid bytes count as one character and are not copied raw */
    UNIT_ASSERT_STR_EQ (log_mask_address ("\xFF上海市浦东新区", out, sizeof out), "?上海市浦东…");
    /* a small buffer never cuts a character in half */
    char small[8];
    UNIT_ASSERT_STR_EQ (log_mask_address ("上海市浦东新区张江路", small, sizeof small), "上…");
    UNIT_ASSERT (json_utf8_valid (small, strlen (small), NULL));
    char two[2];
    UNIT_ASSERT_STR_EQ (log_mask_address ("上海市浦东新区张江路", two, sizeof two), "");
}

UNIT_TEST (log_masks_address_fields_by_key)
{
    s_capture_t cap;
    UNIT_ASSERT_INT_EQ (s_capture_start (&cap, LOG_INFO), 0);
    log_kv (LOG_INFO, "customer", "address", "上海市浦东新区张江路 88 弄 5 号", "customer.address",
            "浙江省杭州市西湖区文三路 90 号", "ADDRESS", "江苏省南京市玄武区", "address_line2",
            "北京市海淀区中关村大街 1 号", "region", "华东", NULL);
    char *text = s_capture_stop (&cap);
    cJSON *j = s_one_line (text);
    bool leaked = text && (strstr (text, "张江路") || strstr (text, "文三路") || strstr (text, "玄武区")
                           || strstr (text, "中关村"));
    free (text);
    UNIT_ASSERT (j != NULL);
    UNIT_ASSERT (!leaked);
    UNIT_ASSERT_STR_EQ (json_str (j, "address", NULL), "上海市浦东新…");
    UNIT_ASSERT_STR_EQ (json_str (j, "customer.address", NULL), "浙江省杭州市…");
    UNIT_ASSERT_STR_EQ (json_str (j, "ADDRESS", NULL), "江苏省南京市…");
    UNIT_ASSERT_STR_EQ (json_str (j, "address_line2", NULL), "北京市海淀区…");
    UNIT_ASSERT_STR_EQ (json_str (j, "region", NULL), "华东");
    cJSON_Delete (j);
}

UNIT_TEST (log_init_names_are_stamped_and_event_defaults)
{
    s_capture_t cap;
    UNIT_ASSERT_INT_EQ (s_capture_start (&cap, LOG_INFO), 0);
    log_init ("dispatch", "", LOG_INFO);
    log_kv (LOG_INFO, NULL, NULL);
    char *text = s_capture_stop (&cap);
    cJSON *j = s_one_line (text);
    free (text);
    UNIT_ASSERT (j != NULL);
    UNIT_ASSERT_STR_EQ (json_str (j, "service", NULL), "dispatch");
    UNIT_ASSERT_STR_EQ (json_str (j, "instance", NULL), "");
    UNIT_ASSERT_STR_EQ (json_str (j, "event", NULL), "unnamed");
    cJSON_Delete (j);
}
