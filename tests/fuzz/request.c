/*  fuzz target "request": one request payload through intake's request
 *  table with no socket and no ticket desk (iapi_serve → rqe_serve): the
 *  size check, strict JSON, request.v1 and the body's schema, the typed
 *  reading of the body (request.h), and the reply.
 *
 *  Beyond "no crash, no leak": every reply is one valid reply.v1 document
 *  that refuses the request, and only a request that passed every check
 *  may be refused "internal" (there is no ticket desk to serve it).
 */
#include <cjson/cJSON.h>

#include "base/json.h"
#include "fuzz.h"
#include "../../services/intake/api.h"
#include "msg/schema.h"

static schema_set_t *s_schemas;

static void fuzz_setup (void)
{
    s_schemas = fuzz_load_schemas ();
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    char *reply = iapi_serve (s_schemas, NULL, (const char *) data, size);
    FUZZ_CHECK (reply, "no reply");
    cJSON *doc = cJSON_Parse (reply);
    char err[512] = "";
    FUZZ_CHECK (doc, "reply is not JSON: %s", reply);
    FUZZ_CHECK (schema_validate (s_schemas, "reply.v1", doc, NULL, err, sizeof err) == 0,
                "%s: %s", err, reply);
    FUZZ_CHECK (cJSON_IsFalse (cJSON_GetObjectItemCaseSensitive (doc, "ok")),
                "served with no ticket desk: %s", reply);
    const cJSON *error = cJSON_GetObjectItemCaseSensitive (doc, "error");
    const char *code = json_str (error, "code", "");
    const char *message = json_str (error, "message", "");
    FUZZ_CHECK (strcmp (code, "invalid") == 0
                    || (strcmp (code, "internal") == 0
                        && strcmp (message, "request: intake has no ticket desk") == 0),
                "unexpected refusal: %s", reply);
    cJSON_Delete (doc);
    free (reply);
    return 0;
}
