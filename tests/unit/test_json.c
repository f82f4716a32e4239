/*  test_json — strict UTF-8 validation, strict JSON parsing and the typed
 *  lookups of common/base/json.c. */
#include "base/json.h"
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>

/*  Parses a C string literal (length from sizeof, so embedded NULs count). */
#define PARSE(lit, err) json_parse_strict ((lit), sizeof (lit) - 1, (err), sizeof (err))

static bool s_valid (const char *bytes, size_t len, size_t *off)
{
    return json_utf8_valid (bytes, len, off);
}

UNIT_TEST (json_utf8_accepts_well_formed)
{
    const char ok[] = "plain ASCII, \xC3\xA9 (é), 张伟 上海市浦东新区, \xF0\x9F\x98\x80, "
                      "\xEF\xBF\xBF \xF4\x8F\xBF\xBF \xED\x9F\xBF \xEE\x80\x80";
    UNIT_ASSERT (s_valid (ok, sizeof ok - 1, NULL));
    UNIT_ASSERT (s_valid ("", 0, NULL));
    UNIT_ASSERT (s_valid (NULL, 0, NULL));
}

UNIT_TEST (json_utf8_rejects_bad_sequences_with_offset)
{
    struct {
        const char *bytes;
        size_t len, offset;
    } cases[] = {
        { "ab\xC0\xAF", 4, 2 },            /* overlong '/' */
        { "\xC1\xBF", 2, 0 },              /* overlong */
        { "x\xE0\x80\xAF", 4, 1 },         /* 3-byte overlong */
        { "\xF0\x80\x80\xAF", 4, 0 },      /* 4-byte overlong */
        { "ok\xED\xA0\x80", 5, 2 },        /* U+D800 */
        { "\xED\xBF\xBF", 3, 0 },          /* U+DFFF */
        { "\xF4\x90\x80\x80", 4, 0 },      /* U+110000 */
        { "\xF5\x80\x80\x80", 4, 0 },      /* lead beyond F4 */
        { "\xFF", 1, 0 },
        { "abc\x80", 4, 3 },               /* lone continuation */
        { "\xE4\xB8", 2, 0 },              /* truncated 3-byte */
        { "\xE4\xB8x", 3, 0 },             /* interrupted */
        { "\xF0\x9F\x98", 3, 0 },          /* truncated 4-byte */
        { "a\0b", 3, 1 },                  /* NUL */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t off = 999;
        if (s_valid (cases[i].bytes, cases[i].len, &off)) {
            unit_fail (__FILE__, __LINE__, "case %zu accepted", i);
            return;
        }
        UNIT_ASSERT_INT_EQ (off, cases[i].offset);
    }
    size_t off = 7;
    UNIT_ASSERT (!s_valid (NULL, 3, &off));
    UNIT_ASSERT_INT_EQ (off, 0);
}

UNIT_TEST (json_utf8_length_counts_code_points)
{
    UNIT_ASSERT_INT_EQ (json_utf8_length (""), 0);
    UNIT_ASSERT_INT_EQ (json_utf8_length ("abc"), 3);
    UNIT_ASSERT_INT_EQ (json_utf8_length ("上海市浦东新区"), 7);
    UNIT_ASSERT_INT_EQ (json_utf8_length ("a\xF0\x9F\x98\x80z"), 3);
    UNIT_ASSERT_INT_EQ (json_utf8_length (NULL), 0);
}

UNIT_TEST (json_parse_accepts_valid_documents)
{
    char err[128];
    cJSON *j = PARSE ("  {\"name\":\"张伟\",\"n\":-12.5e2,\"a\":[true,false,null,0,\"\\u4e0a\\ud83d\\ude00\"],"
                      "\"o\":{}}\n",
                      err);
    UNIT_ASSERT (j != NULL);
    UNIT_ASSERT_STR_EQ (json_str (j, "name", NULL), "张伟");
    const cJSON *n = cJSON_GetObjectItemCaseSensitive (j, "n");
    UNIT_ASSERT (cJSON_IsNumber (n) && n->valuedouble == -1250.0);
    const cJSON *a = cJSON_GetObjectItemCaseSensitive (j, "a");
    UNIT_ASSERT_INT_EQ (cJSON_GetArraySize (a), 5);
    UNIT_ASSERT_STR_EQ (cJSON_GetArrayItem (a, 4)->valuestring, "上\xF0\x9F\x98\x80");
    cJSON_Delete (j);

    /* scalars are fine: callers check the type they need */
    j = PARSE ("42", err);
    UNIT_ASSERT (cJSON_IsNumber (j));
    cJSON_Delete (j);
    j = PARSE ("\"x\"", err);
    UNIT_ASSERT (cJSON_IsString (j));
    cJSON_Delete (j);
}

UNIT_TEST (json_parse_does_not_read_past_len)
{
    /* the buffer is not terminated right after the value */
    const char buf[] = "{\"a\":1}GARBAGE";
    char err[128];
    cJSON *j = json_parse_strict (buf, 7, err, sizeof err);
    UNIT_ASSERT (j != NULL);
    UNIT_ASSERT_INT_EQ (json_int (j, "a", -1), 1);
    cJSON_Delete (j);
    /* exactly-sized heap buffer: ASan would catch a read past the end */
    char *heap = malloc (2);
    UNIT_ASSERT (heap != NULL);
    memcpy (heap, "[]", 2);
    j = json_parse_strict (heap, 2, err, sizeof err);
    free (heap);
    UNIT_ASSERT (cJSON_IsArray (j));
    cJSON_Delete (j);
}

UNIT_TEST (json_parse_reports_specific_reasons)
{
    struct {
        const char *text;
        size_t len;
        const char *reason;
    } cases[] = {
        { "{\"a\":\"\xC3\x28\"}", 10, "invalid UTF-8 at byte 6" },
        { "{\"a\":1}\0", 8, "NUL byte at byte 7" },
        { "{\"a\":1} x", 9, "trailing data after JSON value at byte 8" },
        { "{\"a\":1}{}", 9, "trailing data after JSON value at byte 7" },
        { "", 0, "empty input" },
        { "   \n", 4, "empty input" },
        { "{\"a\" 1}", 7, "malformed JSON near byte 5: expected ':'" },
        { "{\"a\":}", 6, "malformed JSON near byte 5: expected a JSON value" },
        { "{\"a\":1,}", 8, "malformed JSON near byte 7: expected a string key" },
        { "[1,]", 4, "malformed JSON near byte 3: expected a JSON value" },
        { "[1 2]", 5, "malformed JSON near byte 3: expected ',' or ']'" },
        { "{\"a\":1", 6, "unterminated object" },
        { "[1", 2, "unterminated array" },
        { "\"abc", 4, "near byte 0: unterminated string" },
        { "{'a':1}", 7, "expected a string key" },
        { "01", 2, "leading zero" },
        { "-01", 3, "leading zero" },
        { "1.", 2, "after the decimal point" },
        { "-.5", 3, "expected a digit" },
        { ".5", 2, "expected a JSON value" },
        { "+1", 2, "expected a JSON value" },
        { "1e", 2, "exponent" },
        { "1e400", 5, "out of range" },
        { "NaN", 3, "expected a JSON value" },
        { "Infinity", 8, "expected a JSON value" },
        { "tru", 3, "expected a JSON value" },
        { "nul", 3, "expected a JSON value" },
        { "\"a\tb\"", 5, "control character in string" },
        { "\"a\\x\"", 5, "invalid escape" },
        { "\"\\u12\"", 6, "four hex digits" },
        { "\"\\u0000\"", 8, "\\u0000 is not allowed" },
        { "\"\\udc00\"", 8, "unpaired low surrogate" },
        { "\"\\ud800\"", 8, "not followed by a low surrogate" },
        { "\"\\ud800\\u0041\"", 14, "not followed by a low surrogate" },
        { "\x01{}", 3, "expected a JSON value" },        /* cJSON would skip it */
        { "\xEF\xBB\xBF{}", 5, "near byte 0" },          /* byte-order mark */
        { "{\"a\":1,\"a\":2}", 13, "duplicate key \"a\"" },
        { "{\"k\":[{\"x\":1,\"y\":2,\"x\":3}]}", 27, "duplicate key \"x\"" },
        { "{\"a\":1,\"\\u0061\":2}", 18, "duplicate key \"a\"" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char err[160] = "unset";
        cJSON *j = json_parse_strict (cases[i].text, cases[i].len, err, sizeof err);
        if (j) {
            cJSON_Delete (j);
            unit_fail (__FILE__, __LINE__, "case %zu (%s) accepted", i, cases[i].reason);
            return;
        }
        if (!strstr (err, cases[i].reason)) {
            unit_fail (__FILE__, __LINE__, "case %zu: \"%s\" does not contain \"%s\"", i, err,
                       cases[i].reason);
            return;
        }
    }
}

UNIT_TEST (json_parse_limits_depth_and_number_length)
{
    char err[128];
    char deep[200];
    size_t n = 0;
    for (int i = 0; i < 64; i++)
        deep[n++] = '[';
    for (int i = 0; i < 64; i++)
        deep[n++] = ']';
    cJSON *j = json_parse_strict (deep, n, err, sizeof err);
    UNIT_ASSERT (j != NULL); /* 64 levels is the limit, still fine */
    cJSON_Delete (j);
    n = 0;
    for (int i = 0; i < 65; i++)
        deep[n++] = '[';
    for (int i = 0; i < 65; i++)
        deep[n++] = ']';
    j = json_parse_strict (deep, n, err, sizeof err);
    UNIT_ASSERT (j == NULL);
    UNIT_ASSERT_CONTAINS (err, "nested deeper than 64 levels");

    char num[80];
    memset (num, '1', 64);
    j = json_parse_strict (num, 63, err, sizeof err);
    UNIT_ASSERT (cJSON_IsNumber (j));
    cJSON_Delete (j);
    j = json_parse_strict (num, 64, err, sizeof err);
    UNIT_ASSERT (j == NULL);
    UNIT_ASSERT_CONTAINS (err, "number longer than 63 characters");
}

UNIT_TEST (json_parse_tolerates_null_err_buffer)
{
    UNIT_ASSERT (json_parse_strict ("{", 1, NULL, 0) == NULL);
    UNIT_ASSERT (json_parse_strict (NULL, 5, NULL, 0) == NULL);
    char err[8];
    UNIT_ASSERT (json_parse_strict ("{\"a\":\xFF}", 7, err, sizeof err) == NULL);
    UNIT_ASSERT (strlen (err) < sizeof err); /* truncated, terminated */
}

UNIT_TEST (json_parse_roundtrips_chinese_byte_for_byte)
{
    const char in[] = "{\"name\":\"欧阳娜娜\",\"address\":\"广东省深圳市南山区科技园南区 T3 栋 12 楼\"}";
    char err[128];
    cJSON *j = PARSE (in, err);
    UNIT_ASSERT (j != NULL);
    char *out = json_print (j);
    cJSON_Delete (j);
    UNIT_ASSERT_STR_EQ (out, in);
    free (out);
}

UNIT_TEST (json_typed_lookups_fall_back_on_wrong_type)
{
    char err[128];
    cJSON *j = PARSE ("{\"s\":\"x\",\"i\":42,\"neg\":-7,\"f\":1.5,\"b\":true,\"nb\":false,\"z\":null,"
                      "\"big\":9007199254740993,\"max\":9007199254740991,\"minmax\":-9007199254740991}",
                      err);
    UNIT_ASSERT (j != NULL);
    UNIT_ASSERT_STR_EQ (json_str (j, "s", NULL), "x");
    UNIT_ASSERT_STR_EQ (json_str (j, "i", "fb"), "fb");
    UNIT_ASSERT_STR_EQ (json_str (j, "missing", "fb"), "fb");
    UNIT_ASSERT (json_str (j, "z", NULL) == NULL);
    UNIT_ASSERT_INT_EQ (json_int (j, "i", -1), 42);
    UNIT_ASSERT_INT_EQ (json_int (j, "neg", 0), -7);
    UNIT_ASSERT_INT_EQ (json_int (j, "f", -1), -1);
    UNIT_ASSERT_INT_EQ (json_int (j, "s", -1), -1);
    UNIT_ASSERT_INT_EQ (json_int (j, "big", -1), -1);
    UNIT_ASSERT_INT_EQ (json_int (j, "max", -1), 9007199254740991LL);
    UNIT_ASSERT_INT_EQ (json_int (j, "minmax", 0), -9007199254740991LL);
    UNIT_ASSERT (json_bool (j, "b", false) == true);
    UNIT_ASSERT (json_bool (j, "nb", true) == false);
    UNIT_ASSERT (json_bool (j, "i", true) == true);
    UNIT_ASSERT (json_bool (j, "missing", false) == false);
    UNIT_ASSERT (json_is_integer (cJSON_GetObjectItemCaseSensitive (j, "i")));
    UNIT_ASSERT (!json_is_integer (cJSON_GetObjectItemCaseSensitive (j, "f")));
    UNIT_ASSERT (!json_is_integer (cJSON_GetObjectItemCaseSensitive (j, "s")));
    UNIT_ASSERT (!json_is_integer (NULL));
    /* NULL objects and non-objects are not crashes */
    UNIT_ASSERT_STR_EQ (json_str (NULL, "s", "fb"), "fb");
    UNIT_ASSERT_INT_EQ (json_int (NULL, "i", 5), 5);
    UNIT_ASSERT (json_bool (NULL, "b", true));
    UNIT_ASSERT_STR_EQ (json_str (j, NULL, "fb"), "fb");
    cJSON *arr = PARSE ("[1]", err);
    UNIT_ASSERT_INT_EQ (json_int (arr, "0", 9), 9);
    cJSON_Delete (arr);
    cJSON_Delete (j);
}

UNIT_TEST (json_print_is_compact)
{
    cJSON *o = cJSON_CreateObject ();
    cJSON_AddNumberToObject (o, "id", 7);
    cJSON_AddStringToObject (o, "s", "a\"b\n");
    char *text = json_print (o);
    cJSON_Delete (o);
    UNIT_ASSERT_STR_EQ (text, "{\"id\":7,\"s\":\"a\\\"b\\n\"}");
    free (text);
    UNIT_ASSERT (json_print (NULL) == NULL);
}

UNIT_TEST (json_add_id_takes_whole_ids_from_1_to_2_53_only)
{
    cJSON *obj = cJSON_CreateObject ();
    UNIT_ASSERT (obj);
    UNIT_ASSERT (json_add_id (obj, "a", "1") == 0);
    UNIT_ASSERT (json_add_id (obj, "b", "9007199254740991") == 0);
    UNIT_ASSERT_INT_EQ (json_int (obj, "b", 0), 9007199254740991LL);
    const char *bad[] = { "0", "-3", "", "12x", "007", "9007199254740992", "99999999999999999999", " 5", NULL };
    for (int i = 0; bad[i]; i++)
        UNIT_ASSERT (json_add_id (obj, "c", bad[i]) == -1);
    UNIT_ASSERT (json_add_id (obj, "c", NULL) == -1);
    UNIT_ASSERT (!cJSON_HasObjectItem (obj, "c"));
    cJSON_Delete (obj);
}
