/*  fuzz target "login_body": the body of POST /api/v1/session through the
 *  log-in body check (services/gateway/login.c). A refusal names its field
 *  and never quotes the password; an accepted body has a staff id of
 *  A-Z a-z 0-9 _ - and a password of 1 to 128 bytes.
 */
#include <string.h>

#include "../../services/gateway/login.h"
#include "base/ident.h"
#include "fuzz.h"

static void fuzz_setup (void)
{
}

static void s_parse (const char *text)
{
    gw_login_body_t body;
    char err[256] = "";
    if (gw_login_parse (text, strlen (text), &body, err, sizeof err) != 0) {
        FUZZ_CHECK (strncmp (err, "body: ", 6) == 0 || strncmp (err, "staff: ", 7) == 0
                        || strncmp (err, "password: ", 10) == 0,
                    "a refusal that names no field: %s", err);
        return;
    }
    FUZZ_CHECK (ident_valid (body.staff, GW_STAFF_MAX), "staff %s accepted", body.staff);
    size_t len = strlen (body.password);
    FUZZ_CHECK (len >= 1 && len <= 128, "a password of %zu bytes accepted", len);
}

FUZZ_TEXT_TARGET (s_parse)
