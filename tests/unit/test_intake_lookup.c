/*  Unit tests of the customer look-up's and screen pops' input, which need
 *  no database (services/intake/phone.c, lookup_request.c): a phone from
 *  outside checked and brought to the key intake compares, the bodies of
 *  customer.find, screenpop.open and screenpop.get read with their rules
 *  and refused with the field and the reason, never quoting the number.
 */
#include <cjson/cJSON.h>
#include <string.h>

#include "../../services/intake/lookup_request.h"
#include "../../services/intake/phone.h"
#include "unit.h"

UNIT_TEST (intake_phone_key_drops_spaces_and_dashes)
{
    char key[IPH_KEY_SIZE], err[256];
    UNIT_ASSERT_INT_EQ (iph_parse ("body.phone", "138-1234 5678", key, sizeof key, err, sizeof err), 0);
    UNIT_ASSERT_STR_EQ (key, "13812345678");
    UNIT_ASSERT_INT_EQ (iph_parse ("body.phone", " +86 138 1234 5678", key, sizeof key, err, sizeof err), 0);
    UNIT_ASSERT_STR_EQ (key, "+8613812345678");
    UNIT_ASSERT_INT_EQ (iph_parse ("body.phone", "0512-66001234", key, sizeof key, err, sizeof err), 0);
    UNIT_ASSERT_STR_EQ (key, "051266001234");
    UNIT_ASSERT_INT_EQ (iph_parse ("body.phone", "110", key, sizeof key, err, sizeof err), 0);
    UNIT_ASSERT_STR_EQ (key, "110");
}

UNIT_TEST (intake_phone_refuses_what_is_no_number_without_quoting_it)
{
    static const struct {
        const char *text, *want;
    } cases[] = {
        { "", "body.phone: must not be empty" },
        { "1-2", "body.phone: fewer than 3 digits" },
        { "+", "body.phone: fewer than 3 digits" },
        { "138+1234", "body.phone: character 4 is not a digit" },
        { "++86138", "body.phone: character 2 is not a digit" },
        { "13812345678x", "body.phone: character 12 is not a digit" },
        { "138\n12345678", "body.phone: character 4 is not a digit" },
        { "号码13812345678", "body.phone: character 1 is not a digit" },
        { "13号8", "body.phone: character 3 is not a digit" },
        { "123456789012345678901234567890123", "body.phone: longer than 32 characters" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char key[IPH_KEY_SIZE], err[256] = "";
        UNIT_ASSERT (unit_refused (iph_parse ("body.phone", cases[i].text, key, sizeof key, err, sizeof err) == 0,
                                   cases[i].text, err, cases[i].want));
        UNIT_ASSERT (strstr (err, "1234") == NULL || strstr (cases[i].text, "1234") == NULL);
        UNIT_ASSERT_CONTAINS (err, "expected a phone number");
    }
}

static int s_find (const char *json, ilr_find_t *q, char *err, size_t errsize)
{
    cJSON *body = cJSON_Parse (json);
    int rc = ilr_parse_find (body, q, err, errsize);
    /* q->name borrows from body: the callers here look at it before this */
    cJSON_Delete (body);
    return rc;
}

UNIT_TEST (intake_lookup_find_by_phone_or_name)
{
    ilr_find_t q;
    char err[256];
    UNIT_ASSERT_INT_EQ (s_find ("{\"phone\":\"139 0000 1111\"}", &q, err, sizeof err), 0);
    UNIT_ASSERT_STR_EQ (q.phone_key, "13900001111");
    UNIT_ASSERT (q.name == NULL);
    UNIT_ASSERT_INT_EQ (q.limit, ILR_FIND_DEFAULT);
    cJSON *body = cJSON_Parse ("{\"name\":\"张\",\"limit\":5}");
    UNIT_ASSERT_INT_EQ (ilr_parse_find (body, &q, err, sizeof err), 0);
    UNIT_ASSERT_STR_EQ (q.name, "张");
    UNIT_ASSERT_INT_EQ (q.limit, 5);
    UNIT_ASSERT_STR_EQ (q.phone_key, "");
    cJSON_Delete (body);
}

UNIT_TEST (intake_lookup_refuses_bad_bodies_with_specific_errors)
{
    static const struct {
        const char *json, *want;
    } cases[] = {
        { "[]", "body: expected an object" },
        { "{}", "body: missing \"phone\" or \"name\"" },
        { "{\"phone\":\"13812345678\",\"name\":\"张伟\"}", "body: give \"phone\" or \"name\", not both" },
        { "{\"phone\":13812345678}", "body.phone: expected a string" },
        { "{\"name\":\"   \"}", "body.name: must not be empty" },
        { "{\"name\":\"\"}", "body.name: must not be empty" },
        { "{\"name\":\"a\\u0001\"}", "body.name: holds a control character" },
        { "{\"name\":\"张\",\"limit\":0}", "body.limit: expected an integer from 1 to 100" },
        { "{\"name\":\"张\",\"limit\":1.5}", "body.limit: expected an integer" },
        { "{\"name\":\"张\",\"limit\":101}", "body.limit" },
        { "{\"phone\":\"12\"}", "body.phone: fewer than 3 digits" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ilr_find_t q;
        char err[256] = "";
        UNIT_ASSERT (unit_refused (s_find (cases[i].json, &q, err, sizeof err) == 0, cases[i].json, err,
                                   cases[i].want));
    }
}

UNIT_TEST (intake_lookup_screen_pop_bodies)
{
    char key[IPH_KEY_SIZE], err[256] = "";
    cJSON *body = cJSON_Parse ("{\"phone\":\"021-5555-0199\"}");
    UNIT_ASSERT_INT_EQ (ilr_parse_open (body, key, sizeof key, err, sizeof err), 0);
    UNIT_ASSERT_STR_EQ (key, "02155550199");
    cJSON_Delete (body);
    body = cJSON_Parse ("{}");
    UNIT_ASSERT (unit_refused (ilr_parse_open (body, key, sizeof key, err, sizeof err) == 0, "{}", err,
                               "body: missing required field \"phone\""));
    cJSON_Delete (body);

    const char *id = NULL;
    body = cJSON_Parse ("{\"id\":\"Ab3_-xYz0123456789abcd\"}");
    UNIT_ASSERT_INT_EQ (ilr_parse_get (body, &id, err, sizeof err), 0);
    UNIT_ASSERT_STR_EQ (id, "Ab3_-xYz0123456789abcd");
    cJSON_Delete (body);
    static const char *const bad[] = { "{\"id\":\"short\"}", "{\"id\":\"Ab3_-xYz0123456789abc!\"}",
                                       "{\"id\":\"Ab3_-xYz0123456789abcde\"}", "{\"id\":7}", "{}" };
    static const char *const want[] = { "body.id: expected a screen pop's id", "body.id: expected a screen pop's id",
                                        "body.id: expected a screen pop's id", "body.id: expected a string",
                                        "body: missing required field \"id\"" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        body = cJSON_Parse (bad[i]);
        UNIT_ASSERT (unit_refused (ilr_parse_get (body, &id, err, sizeof err) == 0, bad[i], err, want[i]));
        cJSON_Delete (body);
    }
}
