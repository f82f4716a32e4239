/*  test_schema — the JSON Schema validator (common/msg/schema.c): every supported
 *  keyword, the exact error texts, code-point lengths, refusals at load time,
 *  and the real contract files in schemas/ (loaded from the repository root,
 *  where the runner is started).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "msg/schema.h"
#include "unit.h"

#define SCHEMA_HEAD "{\"$schema\": \"https://json-schema.org/draft/2020-12/schema\", "

/*  A throwaway schemas directory holding one file "t.v1.json" (or `file`). */
typedef struct {
    char dir[64];
    char path[128];
} s_tmp_t;

static int s_tmp_write (s_tmp_t *tmp, const char *file, const char *text)
{
    if (unit_temp_dir ("schema", tmp->dir, sizeof tmp->dir) != 0)
        return -1;
    snprintf (tmp->path, sizeof tmp->path, "%s/%s", tmp->dir, file);
    return unit_write_file (tmp->dir, file, text);
}

static void s_tmp_remove (s_tmp_t *tmp)
{
    unlink (tmp->path);
    rmdir (tmp->dir);
}

/*  Loads one schema text as "t.v1"; NULL with err set when refused. */
static schema_set_t *s_load_text (const char *text, char *err, size_t errsize)
{
    s_tmp_t tmp;
    if (s_tmp_write (&tmp, "t.v1.json", text) != 0) {
        snprintf (err, errsize, "cannot write temp file");
        return NULL;
    }
    schema_set_t *set = schema_set_load (tmp.dir, err, errsize);
    s_tmp_remove (&tmp);
    return set;
}

/*  Validates the JSON text `doc` against "t.v1"; returns 0/-1 like schema_validate. */
static int s_check (const schema_set_t *set, const char *doc, char *err, size_t errsize)
{
    cJSON *json = cJSON_Parse (doc);
    if (!json) {
        snprintf (err, errsize, "test document does not parse");
        return -2;
    }
    int rc = schema_validate (set, "t.v1", json, "body", err, errsize);
    cJSON_Delete (json);
    return rc;
}

static const char *s_submit_schema = SCHEMA_HEAD
    "\"type\": \"object\", \"additionalProperties\": false, \"required\": [\"channel\", \"kind\"],"
    "\"properties\": {"
    "  \"channel\": {\"type\": \"string\", \"maxLength\": 16},"
    "  \"kind\": {\"type\": \"string\", \"enum\": [\"consultation\", \"repair\", \"installation\"]},"
    "  \"count\": {\"type\": \"integer\", \"minimum\": 1, \"maximum\": 10},"
    "  \"ratio\": {\"type\": \"number\", \"minimum\": 0.5},"
    "  \"note\": {\"type\": [\"string\", \"null\"], \"minLength\": 2, \"maxLength\": 4},"
    "  \"flag\": {\"type\": \"boolean\"},"
    "  \"version\": {\"const\": 1}"
    "}}";

UNIT_TEST (schema_type_properties_required_additional)
{
    char err[512];
    schema_set_t *set = s_load_text (s_submit_schema, err, sizeof err);
    UNIT_ASSERT (set);
    UNIT_ASSERT_INT_EQ (s_check (set, "{\"channel\":\"web\",\"kind\":\"repair\"}", err, sizeof err), 0);
    UNIT_ASSERT_INT_EQ (s_check (set, "{\"kind\":\"repair\"}", err, sizeof err), -1);
    UNIT_ASSERT_STR_EQ (err, "body: missing required field \"channel\"");
    UNIT_ASSERT_INT_EQ (s_check (set, "{\"channel\":\"web\",\"kind\":\"repair\",\"colour\":1}", err, sizeof err), -1);
    UNIT_ASSERT_STR_EQ (err, "body: unknown field \"colour\"");
    UNIT_ASSERT_INT_EQ (s_check (set, "{\"channel\":7,\"kind\":\"repair\"}", err, sizeof err), -1);
    UNIT_ASSERT_STR_EQ (err, "body.channel: expected string, got integer");
    UNIT_ASSERT_INT_EQ (s_check (set, "[1]", err, sizeof err), -1);
    UNIT_ASSERT_STR_EQ (err, "body: expected object, got array");
    UNIT_ASSERT_INT_EQ (s_check (set, "{\"channel\":\"web\",\"kind\":\"repair\",\"count\":1.5}", err, sizeof err), -1);
    UNIT_ASSERT_STR_EQ (err, "body.count: expected integer, got number");
    /* 2.0 is an integral number: an integer in JSON Schema */
    UNIT_ASSERT_INT_EQ (s_check (set, "{\"channel\":\"web\",\"kind\":\"repair\",\"count\":2.0}", err, sizeof err), 0);
    UNIT_ASSERT_INT_EQ (s_check (set, "{\"channel\":\"web\",\"kind\":\"repair\",\"flag\":\"yes\"}", err, sizeof err), -1);
    UNIT_ASSERT_STR_EQ (err, "body.flag: expected boolean, got string");
    UNIT_ASSERT_INT_EQ (s_check (set, "{\"channel\":\"web\",\"kind\":\"repair\",\"note\":5}", err, sizeof err), -1);
    UNIT_ASSERT_STR_EQ (err, "body.note: expected null or string, got integer");
    UNIT_ASSERT_INT_EQ (s_check (set, "{\"channel\":\"web\",\"kind\":\"repair\",\"note\":null}", err, sizeof err), 0);
    /* no prefix: the path starts at the field */
    cJSON *doc = cJSON_Parse ("{\"kind\":\"repair\",\"channel\":[]}");
    UNIT_ASSERT (schema_validate (set, "t.v1", doc, NULL, err, sizeof err) == -1);
    cJSON_Delete (doc);
    UNIT_ASSERT_STR_EQ (err, "channel: expected string, got array");
    UNIT_ASSERT (schema_validate (set, "t.v1", NULL, "body", err, sizeof err) == -1);
    UNIT_ASSERT (schema_validate (set, "nope.v1", NULL, "body", err, sizeof err) == -1);
    UNIT_ASSERT_STR_EQ (err, "no schema named \"nope.v1\" is loaded");
    schema_set_destroy (&set);
    schema_set_destroy (&set);
    UNIT_ASSERT (set == NULL);
}

UNIT_TEST (schema_enum_const_and_numbers)
{
    char err[512];
    schema_set_t *set = s_load_text (s_submit_schema, err, sizeof err);
    UNIT_ASSERT (set);
    UNIT_ASSERT_INT_EQ (s_check (set, "{\"channel\":\"web\",\"kind\":\"fix\"}", err, sizeof err), -1);
    UNIT_ASSERT_STR_EQ (err, "body.kind: \"fix\" is not one of consultation, repair, installation");
    UNIT_ASSERT_INT_EQ (s_check (set, "{\"channel\":\"web\",\"kind\":\"repair\",\"version\":2}", err, sizeof err), -1);
    UNIT_ASSERT_STR_EQ (err, "body.version: must be 1, got 2");
    UNIT_ASSERT_INT_EQ (s_check (set, "{\"channel\":\"web\",\"kind\":\"repair\",\"version\":1}", err, sizeof err), 0);
    UNIT_ASSERT_INT_EQ (s_check (set, "{\"channel\":\"web\",\"kind\":\"repair\",\"count\":0}", err, sizeof err), -1);
    UNIT_ASSERT_STR_EQ (err, "body.count: 0 is less than the minimum 1");
    UNIT_ASSERT_INT_EQ (s_check (set, "{\"channel\":\"web\",\"kind\":\"repair\",\"count\":11}", err, sizeof err), -1);
    UNIT_ASSERT_STR_EQ (err, "body.count: 11 is greater than the maximum 10");
    UNIT_ASSERT_INT_EQ (s_check (set, "{\"channel\":\"web\",\"kind\":\"repair\",\"count\":10}", err, sizeof err), 0);
    UNIT_ASSERT_INT_EQ (s_check (set, "{\"channel\":\"web\",\"kind\":\"repair\",\"ratio\":0.25}", err, sizeof err), -1);
    UNIT_ASSERT_STR_EQ (err, "body.ratio: 0.25 is less than the minimum 0.5");
    UNIT_ASSERT_INT_EQ (s_check (set, "{\"channel\":\"web\",\"kind\":\"repair\",\"ratio\":0.5}", err, sizeof err), 0);
    schema_set_destroy (&set);
}

UNIT_TEST (schema_lengths_count_code_points)
{
    char err[512];
    schema_set_t *set = s_load_text (SCHEMA_HEAD "\"type\": \"string\", \"minLength\": 2, \"maxLength\": 4}",
                                     err, sizeof err);
    UNIT_ASSERT (set);
    /* four Chinese characters are twelve bytes but four code points */
    UNIT_ASSERT_INT_EQ (s_check (set, "\"欧阳娜娜\"", err, sizeof err), 0);
    UNIT_ASSERT_INT_EQ (s_check (set, "\"欧阳娜娜娜\"", err, sizeof err), -1);
    UNIT_ASSERT_STR_EQ (err, "body: longer than 4 characters");
    UNIT_ASSERT_INT_EQ (s_check (set, "\"欧\"", err, sizeof err), -1);
    UNIT_ASSERT_STR_EQ (err, "body: shorter than 2 characters");
    UNIT_ASSERT_INT_EQ (s_check (set, "\"\\u6b27\\u9633\"", err, sizeof err), 0);
    /* a string built in-process with invalid UTF-8 is refused, not measured */
    cJSON *bad = cJSON_CreateString ("ab\xff\xfe");
    UNIT_ASSERT (schema_validate (set, "t.v1", bad, "body", err, sizeof err) == -1);
    cJSON_Delete (bad);
    UNIT_ASSERT_STR_EQ (err, "body: not valid UTF-8");
    schema_set_destroy (&set);

    set = s_load_text (SCHEMA_HEAD "\"type\": \"string\", \"minLength\": 1}", err, sizeof err);
    UNIT_ASSERT (set);
    UNIT_ASSERT_INT_EQ (s_check (set, "\"\"", err, sizeof err), -1);
    UNIT_ASSERT_STR_EQ (err, "body: must not be empty");
    schema_set_destroy (&set);
}

UNIT_TEST (schema_pattern_is_a_search_and_hides_the_value)
{
    char err[512];
    schema_set_t *set = s_load_text (SCHEMA_HEAD "\"type\": \"object\", \"properties\": {"
                                     "\"phone\": {\"type\": \"string\", \"pattern\": \"^\\\\+?[0-9][0-9 -]{5,19}$\"},"
                                     "\"word\": {\"type\": \"string\", \"pattern\": \"ab\"},"
                                     "\"line\": {\"type\": \"string\", \"pattern\": \"^[^\\u0001-\\u001f]*$\"}}}",
                                     err, sizeof err);
    UNIT_ASSERT (set);
    UNIT_ASSERT_INT_EQ (s_check (set, "{\"phone\":\"+86 139-1234-5678\"}", err, sizeof err), 0);
    UNIT_ASSERT_INT_EQ (s_check (set, "{\"phone\":\"13912345678x\"}", err, sizeof err), -1);
    UNIT_ASSERT_STR_EQ (err, "body.phone: does not match the pattern ^\\+?[0-9][0-9 -]{5,19}$");
    UNIT_ASSERT (!strstr (err, "13912345678"));
    UNIT_ASSERT_INT_EQ (s_check (set, "{\"word\":\"xxabyy\"}", err, sizeof err), 0);
    UNIT_ASSERT_INT_EQ (s_check (set, "{\"word\":\"xxbayy\"}", err, sizeof err), -1);
    UNIT_ASSERT_INT_EQ (s_check (set, "{\"line\":\"上海市浦东新区世纪大道100号\"}", err, sizeof err), 0);
    UNIT_ASSERT_INT_EQ (s_check (set, "{\"line\":\"two\\nlines\"}", err, sizeof err), -1);
    UNIT_ASSERT_STR_EQ (err, "body.line: does not match the pattern ^[^\\u0001-\\u001f]*$");
    schema_set_destroy (&set);
}

UNIT_TEST (schema_formats)
{
    char err[512];
    schema_set_t *set = s_load_text (SCHEMA_HEAD "\"type\": \"object\", \"properties\": {"
                                     "\"d\": {\"format\": \"date\"}, \"dt\": {\"format\": \"date-time\"},"
                                     "\"u\": {\"format\": \"uuid\"}, \"e\": {\"format\": \"email\"}}}",
                                     err, sizeof err);
    UNIT_ASSERT (set);
    const char *good[] = {
        "{\"d\":\"2024-02-29\"}", "{\"dt\":\"2026-11-22T06:48:42.123456Z\"}",
        "{\"dt\":\"2026-11-22T14:48:42+08:00\"}", "{\"dt\":\"2026-11-22t06:48:42z\"}",
        "{\"u\":\"6F1C0A4E-1B2C-4D3E-8F90-0123456789AB\"}", "{\"e\":\"wang@example.cn\"}",
        "{\"d\":17}", /* formats apply to strings only */
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        if (s_check (set, good[i], err, sizeof err) != 0)
            unit_fail (__FILE__, __LINE__, "%s refused: %s", good[i], err);
    }
    const char *bad[] = {
        "{\"d\":\"2023-02-29\"}", "{\"d\":\"2024-13-01\"}", "{\"d\":\"2024-1-01\"}",
        "{\"dt\":\"2026-11-22 06:48:42Z\"}", "{\"dt\":\"2026-11-22T24:00:00Z\"}",
        "{\"dt\":\"2026-11-22T06:48:42\"}", "{\"dt\":\"2026-11-22T06:48:42.Z\"}",
        "{\"dt\":\"2026-11-22T06:48:42+0800\"}", "{\"u\":\"6f1c0a4e1b2c4d3e8f900123456789ab\"}",
        "{\"u\":\"6f1c0a4e-1b2c-4d3e-8f90-0123456789ag\"}", "{\"e\":\"wang\"}", "{\"e\":\"wang@cn\"}",
        "{\"e\":\"a b@example.cn\"}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (s_check (set, bad[i], err, sizeof err) != -1)
            unit_fail (__FILE__, __LINE__, "%s accepted", bad[i]);
    }
    UNIT_ASSERT_INT_EQ (s_check (set, "{\"dt\":\"yesterday\"}", err, sizeof err), -1);
    UNIT_ASSERT_STR_EQ (err, "body.dt: \"yesterday\" is not a valid date-time (RFC 3339, e.g. 2026-11-22T06:48:42Z)");
    schema_set_destroy (&set);
}

UNIT_TEST (schema_arrays)
{
    char err[512];
    schema_set_t *set = s_load_text (SCHEMA_HEAD "\"type\": \"array\", \"minItems\": 1, \"maxItems\": 3,"
                                     "\"uniqueItems\": true, \"items\": {\"type\": \"string\", \"maxLength\": 3}}",
                                     err, sizeof err);
    UNIT_ASSERT (set);
    UNIT_ASSERT_INT_EQ (s_check (set, "[\"a\",\"b\"]", err, sizeof err), 0);
    UNIT_ASSERT_INT_EQ (s_check (set, "[]", err, sizeof err), -1);
    UNIT_ASSERT_STR_EQ (err, "body: fewer than 1 items");
    UNIT_ASSERT_INT_EQ (s_check (set, "[\"a\",\"b\",\"c\",\"d\"]", err, sizeof err), -1);
    UNIT_ASSERT_STR_EQ (err, "body: more than 3 items");
    UNIT_ASSERT_INT_EQ (s_check (set, "[\"a\",\"long\"]", err, sizeof err), -1);
    UNIT_ASSERT_STR_EQ (err, "body[1]: longer than 3 characters");
    UNIT_ASSERT_INT_EQ (s_check (set, "[\"a\",\"b\",\"a\"]", err, sizeof err), -1);
    UNIT_ASSERT_STR_EQ (err, "body: items [0] and [2] are equal; items must be unique");
    schema_set_destroy (&set);
}

UNIT_TEST (schema_one_of_any_of_ref)
{
    char err[1024];
    schema_set_t *set = s_load_text (SCHEMA_HEAD "\"type\": \"object\", \"properties\": {"
        "\"customer\": {\"oneOf\": ["
        "  {\"title\": \"known customer\", \"type\": \"object\", \"additionalProperties\": false,"
        "   \"required\": [\"id\"], \"properties\": {\"id\": {\"$ref\": \"#/$defs/code\"}}},"
        "  {\"title\": \"new customer\", \"type\": \"object\", \"additionalProperties\": false,"
        "   \"required\": [\"name\", \"phone\"], \"properties\": {\"name\": {\"type\": \"string\"},"
        "   \"phone\": {\"type\": \"string\", \"pattern\": \"^[0-9]{6,20}$\"}}}]},"
        "\"either\": {\"oneOf\": [{\"type\": \"integer\"}, {\"minimum\": 0}]},"
        "\"some\": {\"anyOf\": [{\"type\": \"integer\"}, {\"type\": \"string\", \"maxLength\": 2}]},"
        "\"never\": false, \"anything\": true},"
        "\"$defs\": {\"code\": {\"type\": \"string\", \"pattern\": \"^[A-Z0-9]+$\", \"maxLength\": 8}}}",
        err, sizeof err);
    UNIT_ASSERT (set);
    UNIT_ASSERT_INT_EQ (s_check (set, "{\"customer\":{\"id\":\"C1001\"}}", err, sizeof err), 0);
    UNIT_ASSERT_INT_EQ (s_check (set, "{\"customer\":{\"name\":\"张三\",\"phone\":\"13912345678\"}}", err, sizeof err), 0);
    /* $ref: the referenced rules apply */
    UNIT_ASSERT_INT_EQ (s_check (set, "{\"customer\":{\"id\":\"c-1\"}}", err, sizeof err), -1);
    UNIT_ASSERT_STR_EQ (err, "body.customer.id: does not match the pattern ^[A-Z0-9]+$");
    /* the branch that got furthest is reported */
    UNIT_ASSERT_INT_EQ (s_check (set, "{\"customer\":{\"name\":\"张三\",\"phone\":\"12\"}}", err, sizeof err), -1);
    UNIT_ASSERT_STR_EQ (err, "body.customer.phone: does not match the pattern ^[0-9]{6,20}$");
    /* no branch got further: every alternative is explained */
    UNIT_ASSERT_INT_EQ (s_check (set, "{\"customer\":{\"name\":\"张三\"}}", err, sizeof err), -1);
    UNIT_ASSERT_STR_EQ (err, "body.customer: matches none of the 2 alternatives: known customer: "
                             "unknown field \"name\"; new customer: missing required field \"phone\"");
    /* every alternative says the same: said once */
    UNIT_ASSERT_INT_EQ (s_check (set, "{\"customer\":\"C1001\"}", err, sizeof err), -1);
    UNIT_ASSERT_STR_EQ (err, "body.customer: expected object, got string");
    /* oneOf means exactly one */
    UNIT_ASSERT_INT_EQ (s_check (set, "{\"either\":-1}", err, sizeof err), 0);
    UNIT_ASSERT_INT_EQ (s_check (set, "{\"either\":0.5}", err, sizeof err), 0);
    UNIT_ASSERT_INT_EQ (s_check (set, "{\"either\":3}", err, sizeof err), -1);
    UNIT_ASSERT_STR_EQ (err, "body.either: matches more than one of the 2 alternatives (1 and 2); "
                             "exactly one must match");
    UNIT_ASSERT_INT_EQ (s_check (set, "{\"some\":3}", err, sizeof err), 0);
    UNIT_ASSERT_INT_EQ (s_check (set, "{\"some\":\"ab\"}", err, sizeof err), 0);
    UNIT_ASSERT_INT_EQ (s_check (set, "{\"some\":\"abc\"}", err, sizeof err), -1);
    UNIT_ASSERT_STR_EQ (err, "body.some: matches none of the 2 alternatives: alternative 1: "
                             "expected integer, got string; alternative 2: longer than 2 characters");
    /* boolean schemas */
    UNIT_ASSERT_INT_EQ (s_check (set, "{\"anything\":[1,{}]}", err, sizeof err), 0);
    UNIT_ASSERT_INT_EQ (s_check (set, "{\"never\":1}", err, sizeof err), -1);
    UNIT_ASSERT_STR_EQ (err, "body.never: no value is allowed here");
    schema_set_destroy (&set);
}

UNIT_TEST (schema_recursion_is_bounded)
{
    char err[512];
    schema_set_t *set = s_load_text (SCHEMA_HEAD "\"$ref\": \"#/$defs/node\", \"$defs\": {"
                                     "\"node\": {\"type\": \"array\", \"items\": {\"$ref\": \"#/$defs/node\"}},"
                                     "\"a\": {\"$ref\": \"#/$defs/b\"}, \"b\": {\"$ref\": \"#/$defs/a\"}}}",
                                     err, sizeof err);
    UNIT_ASSERT (set);
    UNIT_ASSERT_INT_EQ (s_check (set, "[[[]],[]]", err, sizeof err), 0);
    char deep[400];
    memset (deep, '[', 150);
    memset (deep + 150, ']', 150);
    deep[300] = '\0';
    UNIT_ASSERT_INT_EQ (s_check (set, deep, err, sizeof err), -1);
    UNIT_ASSERT_CONTAINS (err, "nested deeper than 64 levels");
    schema_set_destroy (&set);
}

/*  Every refusal at load time names the file, where in it, and why. */
UNIT_TEST (schema_load_refuses_what_it_cannot_enforce)
{
    struct {
        const char *text, *expect;
    } cases[] = {
        { SCHEMA_HEAD "\"type\": \"object\", \"properties\": {\"a\": {\"enumm\": [1]}}}",
          "t.v1.json: at /properties/a: unsupported keyword \"enumm\"" },
        { SCHEMA_HEAD "\"patternProperties\": {}}", "unsupported keyword \"patternProperties\"" },
        { SCHEMA_HEAD "\"type\": \"strin\"}", "at /: unknown name in \"type\"" },
        { SCHEMA_HEAD "\"pattern\": \"([a-z\"}", "\"pattern\" does not compile" },
        { SCHEMA_HEAD "\"$ref\": \"#/$defs/missing\"}", "\"#/$defs/missing\", which is not defined" },
        { SCHEMA_HEAD "\"$ref\": \"other.json#/x\"}", "\"$ref\" must be \"#/$defs/<name>\"" },
        { SCHEMA_HEAD "\"properties\": {\"a\": {\"$defs\": {}}}}", "only at the top of a file" },
        { "{\"type\": \"object\"}", "missing \"$schema\"" },
        { "{\"$schema\": \"http://json-schema.org/draft-07/schema#\"}", "\"$schema\" must be" },
        { SCHEMA_HEAD "\"maxLength\": -1}", "\"maxLength\" must be a non-negative integer" },
        { SCHEMA_HEAD "\"minLength\": 5, \"maxLength\": 2}", "\"minLength\" is greater than \"maxLength\"" },
        { SCHEMA_HEAD "\"format\": \"hostname\"}", "unsupported \"format\"" },
        { SCHEMA_HEAD "\"additionalProperties\": {\"type\": \"string\"}}", "must be true or false" },
        { SCHEMA_HEAD "\"required\": [\"a\", \"a\"]}", "names \"a\" twice" },
        { SCHEMA_HEAD "\"oneOf\": []}", "\"oneOf\" must be a non-empty array" },
        { SCHEMA_HEAD "\"enum\": 3}", "\"enum\" must be a non-empty array" },
        { SCHEMA_HEAD "\"items\": 3}", "a schema must be an object or a boolean" },
        { SCHEMA_HEAD "\"type\": \"object\",}", "t.v1.json: malformed JSON" },
        { "[1, 2]", "the top of a schema file must be an object" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char err[512] = "";
        schema_set_t *set = s_load_text (cases[i].text, err, sizeof err);
        if (set) {
            unit_fail (__FILE__, __LINE__, "case %zu loaded: %s", i, cases[i].text);
            schema_set_destroy (&set);
            return;
        }
        if (!strstr (err, cases[i].expect)) {
            unit_fail (__FILE__, __LINE__, "case %zu: \"%s\" does not contain \"%s\"", i, err,
                       cases[i].expect);
            return;
        }
    }
    char err[512];
    UNIT_ASSERT (schema_set_load ("/nonexistent/kefu", err, sizeof err) == NULL);
    UNIT_ASSERT_CONTAINS (err, "/nonexistent/kefu: cannot open directory");
    char dir[64];
    UNIT_ASSERT (unit_temp_dir ("schema-empty", dir, sizeof dir) == 0);
    schema_set_t *set = schema_set_load (dir, err, sizeof err);
    rmdir (dir);
    UNIT_ASSERT (set == NULL);
    UNIT_ASSERT_CONTAINS (err, "no *.json schema files found");
}

UNIT_TEST (schema_real_contract_loads)
{
    char err[512];
    schema_set_t *set = schema_set_load ("schemas", err, sizeof err);
    if (!set)
        unit_fail (__FILE__, __LINE__, "schemas/ refused: %s", err);
    UNIT_ASSERT (set);
    const char *names[] = { "envelope.v1", "ticket.created.v1", "workorder.assigned.v1",
                            "workorder.unassigned.v1", "request.v1", "ticket.submit.v1",
                            "ticket.get.v1", "ticket.list.v1" };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        UNIT_ASSERT (schema_set_has (set, names[i]));
    UNIT_ASSERT (!schema_set_has (set, "ticket.created"));
    UNIT_ASSERT_STR_EQ (schema_set_group (set, "ticket.created.v1"), "messages");
    UNIT_ASSERT_STR_EQ (schema_set_group (set, "ticket.submit.v1"), "requests");
    UNIT_ASSERT_STR_EQ (schema_set_group (set, "envelope.v1"), "");
    UNIT_ASSERT (schema_set_group (set, "nope.v1") == NULL);
    int versions[4];
    UNIT_ASSERT_INT_EQ (schema_set_versions (set, "messages", "ticket.created", versions, 4), 1);
    UNIT_ASSERT_INT_EQ (versions[0], 1);
    UNIT_ASSERT_INT_EQ (schema_set_versions (set, "messages", "ticket.submit", versions, 4), 0);
    UNIT_ASSERT_INT_EQ (schema_set_versions (set, "messages", "ticket", versions, 4), 0);
    schema_set_destroy (&set);
}

static int s_real (const schema_set_t *set, const char *name, const char *doc, char *err, size_t errsize)
{
    cJSON *json = cJSON_Parse (doc);
    if (!json) {
        snprintf (err, errsize, "test document does not parse");
        return -2;
    }
    int rc = schema_validate (set, name, json, "body", err, errsize);
    cJSON_Delete (json);
    return rc;
}

UNIT_TEST (schema_real_ticket_submit)
{
    char err[1024];
    schema_set_t *set = schema_set_load ("schemas", err, sizeof err);
    UNIT_ASSERT (set);
    UNIT_ASSERT_INT_EQ (s_real (set, "ticket.submit.v1",
        "{\"channel\":\"walk_in\",\"kind\":\"repair\",\"priority\":\"high\","
        "\"customer\":{\"name\":\"欧阳娜娜\",\"phone\":\"13912345678\","
        "\"address\":\"上海市浦东新区世纪大道100号\",\"region\":\"SH\"},"
        "\"product\":{\"code\":\"RF-500\",\"serial\":\"SN 0001\",\"warranty_card\":\"W1\"},"
        "\"description\":\"冰箱冷藏室结霜严重\\n第二行\","
        "\"request_id\":\"6f1c0a4e-1b2c-4d3e-8f90-0123456789ab\"}", err, sizeof err), 0);
    UNIT_ASSERT_INT_EQ (s_real (set, "ticket.submit.v1",
        "{\"channel\":\"hotline\",\"kind\":\"consultation\",\"customer\":{\"id\":\"C1002\"},"
        "\"description\":\"保修期多长？\",\"answered\":true,\"resolution\":\"整机保修一年\"}", err, sizeof err), 0);
    UNIT_ASSERT_INT_EQ (s_real (set, "ticket.submit.v1",
        "{\"channel\":\"fax\",\"kind\":\"repair\",\"customer\":{\"id\":\"C1\"},\"description\":\"x\"}",
        err, sizeof err), -1);
    UNIT_ASSERT_STR_EQ (err, "body.channel: \"fax\" is not one of hotline, web, chat, email, walk_in, dealer");
    UNIT_ASSERT_INT_EQ (s_real (set, "ticket.submit.v1",
        "{\"channel\":\"web\",\"kind\":\"fix\",\"customer\":{\"id\":\"C1\"},\"description\":\"x\"}",
        err, sizeof err), -1);
    UNIT_ASSERT_STR_EQ (err, "body.kind: \"fix\" is not one of consultation, repair, installation, "
                             "complaint, return, suggestion");
    /* a 65-character Chinese name: the name's own limit, not the shared line limit */
    char doc[1024] = "{\"channel\":\"web\",\"kind\":\"repair\",\"description\":\"x\",\"customer\":"
                     "{\"phone\":\"13912345678\",\"address\":\"北京\",\"region\":\"BJ\",\"name\":\"";
    for (int i = 0; i < 65; i++)
        strcat (doc, "王");
    strcat (doc, "\"}}");
    UNIT_ASSERT_INT_EQ (s_real (set, "ticket.submit.v1", doc, err, sizeof err), -1);
    UNIT_ASSERT_STR_EQ (err, "body.customer.name: longer than 64 characters");
    UNIT_ASSERT_INT_EQ (s_real (set, "ticket.submit.v1",
        "{\"channel\":\"web\",\"kind\":\"repair\",\"customer\":{\"id\":\"C1\"}}", err, sizeof err), -1);
    UNIT_ASSERT_STR_EQ (err, "body: missing required field \"description\"");
    UNIT_ASSERT_INT_EQ (s_real (set, "ticket.submit.v1",
        "{\"channel\":\"web\",\"kind\":\"repair\",\"customer\":{\"id\":\"C1\",\"name\":\"x\"},"
        "\"description\":\"x\"}", err, sizeof err), -1);
    UNIT_ASSERT_CONTAINS (err, "body.customer: matches none of the 2 alternatives: known customer: "
                               "unknown field \"name\"");
    UNIT_ASSERT_INT_EQ (s_real (set, "ticket.submit.v1",
        "{\"channel\":\"web\",\"kind\":\"repair\",\"customer\":{\"id\":\"C1\"},\"description\":\"x\","
        "\"request_id\":\"not-a-uuid\"}", err, sizeof err), -1);
    UNIT_ASSERT_CONTAINS (err, "body.request_id: ");
    /* the wrapper and the other requests */
    UNIT_ASSERT_INT_EQ (s_real (set, "request.v1", "{\"request\":\"ticket.get\",\"version\":1,\"body\":{}}",
                                err, sizeof err), 0);
    UNIT_ASSERT_INT_EQ (s_real (set, "request.v1", "{\"request\":\"ticket.get\",\"version\":2,\"body\":{}}",
                                err, sizeof err), -1);
    UNIT_ASSERT_STR_EQ (err, "body.version: must be 1, got 2");
    UNIT_ASSERT_INT_EQ (s_real (set, "ticket.get.v1", "{\"ticket_id\":0}", err, sizeof err), -1);
    UNIT_ASSERT_STR_EQ (err, "body.ticket_id: 0 is less than the minimum 1");
    UNIT_ASSERT_INT_EQ (s_real (set, "ticket.list.v1", "{\"limit\":501,\"status\":\"open\"}", err, sizeof err), -1);
    UNIT_ASSERT_STR_EQ (err, "body.limit: 501 is greater than the maximum 500");
    UNIT_ASSERT_INT_EQ (s_real (set, "ticket.list.v1", "{\"limit\":500,\"status\":\"unassigned\",\"branch\":\"SH01\"}",
                                err, sizeof err), 0);
    schema_set_destroy (&set);
}
