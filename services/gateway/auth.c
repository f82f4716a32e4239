/*  auth — bearer, cookie and CSRF (auth.h). */
#include "auth.h"

#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

void gw_csrf_of (const char *token, char out[GW_CSRF_LEN + 1])
{
    static const char prefix[] = "kefu-csrf:";
    unsigned char hash[16];
    crypto_generichash_state st;
    crypto_generichash_init (&st, NULL, 0, sizeof hash);
    crypto_generichash_update (&st, (const unsigned char *) prefix, sizeof prefix - 1);
    crypto_generichash_update (&st, (const unsigned char *) token, strlen (token));
    crypto_generichash_final (&st, hash, sizeof hash);
    sodium_bin2hex (out, GW_CSRF_LEN + 1, hash, sizeof hash);
}

/*  A token's form: 1..GW_TOKEN_MAX of the URL-safe alphabet (kefu_ and
 *  base64url); anything else is no token of ours. */
static bool s_token_form (const char *t, size_t n)
{
    if (n == 0 || n > GW_TOKEN_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((t[i] >= 'a' && t[i] <= 'z') || (t[i] >= 'A' && t[i] <= 'Z') || (t[i] >= '0' && t[i] <= '9')
              || t[i] == '_' || t[i] == '-'))
            return false;
    return true;
}

int gw_cookie_value (const char *header, const char *name, char *out, size_t outsize)
{
    size_t name_len = strlen (name);
    for (const char *p = header; p && *p;) {
        while (*p == ' ' || *p == '\t')
            p++;
        size_t n = strcspn (p, ";");
        const char *eq = memchr (p, '=', n);
        if (eq && (size_t) (eq - p) == name_len && memcmp (p, name, name_len) == 0) {
            size_t vn = n - name_len - 1;
            const char *v = eq + 1;
            if (vn >= 2 && v[0] == '"' && v[vn - 1] == '"')
                v++, vn -= 2;
            if (vn >= outsize)
                return -1;
            memcpy (out, v, vn);
            out[vn] = '\0';
            return 1;
        }
        p += n;
        if (*p == ';')
            p++;
    }
    return 0;
}

static int s_unauthenticated (gw_response_t *resp, const char *why)
{
    gw_response_error (resp, 401, "unauthenticated", "%s", why);
    return 401;
}

int gw_auth_token (const gw_request_t *req, char *out, size_t outsize, gw_response_t *resp)
{
    if (req->authorization) {
        const char *a = req->authorization;
        if (strncasecmp (a, "Bearer ", 7) != 0)
            return s_unauthenticated (resp, "Authorization: expected \"Bearer <token>\"");
        a += 7;
        while (*a == ' ')
            a++;
        size_t n = strlen (a);
        while (n > 0 && a[n - 1] == ' ')
            n--;
        if (!s_token_form (a, n) || n >= outsize)
            return s_unauthenticated (resp, "Authorization: the token is malformed (expected kefu_ and "
                                            "letters, digits, - and _)");
        memcpy (out, a, n);
        out[n] = '\0';
        return 0;
    }
    int found = req->cookie ? gw_cookie_value (req->cookie, GW_SESSION_COOKIE, out, outsize) : 0;
    if (found == 0)
        return s_unauthenticated (resp, "no credentials: send Authorization: Bearer <token> or log in "
                                        "(POST /api/v1/session)");
    if (found < 0 || !s_token_form (out, strlen (out)))
        return s_unauthenticated (resp, "cookie " GW_SESSION_COOKIE ": malformed; log in again");
    if (strcmp (req->method, "GET") == 0 || strcmp (req->method, "HEAD") == 0)
        return 0;
    char want[GW_CSRF_LEN + 1];
    gw_csrf_of (out, want);
    if (!req->csrf || strlen (req->csrf) != GW_CSRF_LEN || sodium_memcmp (req->csrf, want, GW_CSRF_LEN) != 0) {
        out[0] = '\0';
        gw_response_error (resp, 403, "csrf", "X-CSRF-Token: %s (a request with the session cookie "
                           "that changes something carries the session's csrf value)",
                           req->csrf ? "does not match the session" : "missing");
        return 403;
    }
    return 0;
}
