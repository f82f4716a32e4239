/*  fuzz target "credential": what a caller's credential goes through before
 *  any database is asked. The input as a bearer token through token_parse
 *  (common/auth/token.h), and as PostgreSQL's text of a role array through
 *  roles_parse_array (common/auth/roles.h), the form auth.credentials
 *  answers in.
 *
 *  Beyond "no crash, no leak": a token is accepted only when it has the
 *  shape of one (the prefix and 43 URL-safe base64 characters), its hash is
 *  64 lower-case hex digits, a refusal gives a reason that never quotes the
 *  input, and a role set survives formatting and parsing unchanged.
 */

#include "auth/roles.h"
#include "auth/token.h"
#include "fuzz.h"

static void fuzz_setup (void)
{
}

static void s_token (const uint8_t *data, size_t size)
{
    char hash[TOKEN_HASH_HEX], err[256] = "";
    if (token_parse ((const char *) data, size, hash, err, sizeof err) == 0) {
        FUZZ_CHECK (size == TOKEN_LEN && memcmp (data, TOKEN_PREFIX, 5) == 0, "accepted %zu bytes", size);
        FUZZ_CHECK (strlen (hash) == 64 && strspn (hash, "0123456789abcdef") == 64, "hash %s", hash);
        return;
    }
    FUZZ_CHECK (strncmp (err, "token: ", 7) == 0, "reason \"%s\"", err);
    if (size >= 8 && memchr (data, '\0', size) == NULL) {
        char *text = fuzz_text (data, size);
        if (text) {
            FUZZ_CHECK (!strstr (err, text), "the reason quotes the token");
            free (text);
        }
    }
}

static void s_roles (const uint8_t *data, size_t size)
{
    char *text = fuzz_text (data, size);
    if (!text)
        return;
    svc_roles_t roles = roles_parse_array (text);
    free (text);
    FUZZ_CHECK ((roles & ~ROLES_ALL) == 0, "bits outside the roles: %x", (unsigned) roles);
    if (!roles)
        return;
    char names[512], literal[520];
    snprintf (literal, sizeof literal, "{%s}", roles_format (roles, names, sizeof names));
    FUZZ_CHECK (roles_parse_array (literal) == roles, "%s does not parse back", literal);
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    s_token (data, size);
    s_roles (data, size);
    return 0;
}
