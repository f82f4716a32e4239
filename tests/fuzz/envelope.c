/*  fuzz target "envelope": bytes as they arrive off the bus through
 *  env_decode (UTF-8, strict JSON, envelope.v1, the body's schema), then
 *  the typed decoders of ticket.created and ticket.updated.
 *
 *  Beyond "no crash, no leak": an envelope that decodes encodes again, and
 *  that encoding decodes to the same envelope.
 */

#include "fuzz.h"
#include "msg/envelope.h"
#include "msg/schema.h"
#include "msg/ticket_created.h"
#include "msg/ticket_updated.h"

static schema_set_t *s_schemas;

static void fuzz_setup (void)
{
    s_schemas = fuzz_load_schemas ();
}

/*  The fields env_encode writes, compared one by one. */
static void s_check_same (const env_t *a, const env_t *b, const char *text)
{
    FUZZ_CHECK (strcmp (a->id, b->id) == 0 && strcmp (a->type, b->type) == 0
                    && a->version == b->version && a->ts_us == b->ts_us
                    && strcmp (a->service, b->service) == 0
                    && strcmp (a->instance, b->instance) == 0
                    && strcmp (a->branch, b->branch) == 0
                    && strcmp (a->correlation_id, b->correlation_id) == 0
                    && cJSON_Compare (a->body, b->body, 1),
                "re-encoded envelope decodes differently: %s", text);
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    char id[KUUID_STR_LEN] = "", err[512] = "";
    env_t *env = env_decode ((const char *) data, size, s_schemas, id, err, sizeof err);
    if (!env) {
        FUZZ_CHECK (err[0], "refused without a reason");
        return 0;
    }
    char *text = env_encode (env);
    FUZZ_CHECK (text, "a decoded envelope does not encode");
    env_t *again = env_decode (text, strlen (text), s_schemas, NULL, err, sizeof err);
    FUZZ_CHECK (again, "%s: %s", err, text);
    s_check_same (env, again, text);
    env_destroy (&again);
    free (text);

    if (strcmp (env->type, "ticket.created") == 0) {
        ticket_created_t msg;
        (void) ticket_created_decode (env, &msg, err, sizeof err);
    } else if (strcmp (env->type, "ticket.updated") == 0) {
        ticket_updated_t msg;
        (void) ticket_updated_decode (env, &msg, err, sizeof err);
    }
    env_destroy (&env);
    return 0;
}
