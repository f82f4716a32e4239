/*  fuzz target "lookup_request": a JSON body through the readers of
 *  customer.find, screenpop.open and screenpop.get
 *  (services/intake/lookup_request.h) and the phone number check under
 *  them (phone.h), which take what a phone system and the console send.
 *  A refusal names its field; an accepted phone's key holds only digits
 *  (and a + in front), at least 3 of them, and is never longer than the
 *  text; an accepted id is 22 URL-safe characters.
 */
#include <cjson/cJSON.h>

#include "../../services/intake/lookup_request.h"
#include "fuzz.h"

static void fuzz_setup (void)
{
}

static void s_check_key (const char *key)
{
    size_t len = strlen (key), digits = strspn (key + (key[0] == '+'), "0123456789");
    FUZZ_CHECK (digits + (key[0] == '+') == len, "key with other than digits: %s", key);
    FUZZ_CHECK (digits >= IPH_MIN_DIGITS && len <= IPH_MAX_TEXT, "key of %zu digits", digits);
}

static void s_body (const char *text)
{
    cJSON *body = cJSON_Parse (text);
    char err[512] = "", key[IPH_KEY_SIZE];
    ilr_find_t q;
    if (ilr_parse_find (body, &q, err, sizeof err) == 0) {
        FUZZ_CHECK (q.limit >= 1 && q.limit <= ILR_FIND_MAX, "limit %d", q.limit);
        FUZZ_CHECK (!q.name == (q.phone_key[0] != '\0'), "phone and name both or neither");
        if (!q.name)
            s_check_key (q.phone_key);
    } else
        FUZZ_CHECK (strncmp (err, "body", 4) == 0, "refusal without its field: %s", err);
    err[0] = '\0';
    if (ilr_parse_open (body, key, sizeof key, err, sizeof err) == 0)
        s_check_key (key);
    else
        FUZZ_CHECK (strncmp (err, "body", 4) == 0, "refusal without its field: %s", err);
    const char *id = NULL;
    err[0] = '\0';
    if (ilr_parse_get (body, &id, err, sizeof err) == 0)
        FUZZ_CHECK (strlen (id) == ILR_POP_ID_LEN, "id of %zu characters", strlen (id));
    else
        FUZZ_CHECK (strncmp (err, "body", 4) == 0, "refusal without its field: %s", err);
    cJSON_Delete (body);
}

FUZZ_TEXT_TARGET (s_body)
