/*  fuzz target "console_path": a request's method and decoded path through
 *  the console's file serving (services/gateway/console_files.c), from the
 *  real console folder. The input is "METHOD path". Beyond "no crash, no
 *  leak": the answer is one of 200, 302, 404, 405 (or none, for a path that
 *  is not the console's); a 200 for an asset names a file inside the folder
 *  (no part empty or starting with a dot) of a kind served, with the
 *  content security policy.
 */
#include <string.h>

#include "../../services/gateway/console_files.h"
#include "fuzz.h"

static char s_dir[4096];

static void fuzz_setup (void)
{
    fuzz_repo_path ("services/gateway/console", s_dir, sizeof s_dir);
}

static bool s_inside (const char *name)
{
    if (*name == '\0')
        return false;
    for (const char *part = name; part; part = strchr (part, '/')) {
        if (*part == '/')
            part++;
        if (*part == '.' || *part == '/' || *part == '\0')
            return false;
    }
    return true;
}

static void s_serve (const char *text)
{
    const char *space = strchr (text, ' ');
    if (!space || space - text > 15)
        return;
    char method[16];
    memcpy (method, text, (size_t) (space - text));
    method[space - text] = '\0';
    gw_request_t req = {.method = method, .path = space + 1};
    gw_response_t resp = {0};
    bool ours = gw_console_answer (s_dir, &req, &resp);
    if (!ours) {
        FUZZ_CHECK (resp.status == 0 && !resp.body, "not the console's, yet answered %d", resp.status);
        return;
    }
    int st = resp.status;
    FUZZ_CHECK (st == 200 || st == 302 || st == 404 || st == 405, "status %d for %s", st, text);
    if (st == 200) {
        FUZZ_CHECK (resp.content_type != NULL && resp.body != NULL, "a 200 without a body: %s", text);
        bool csp = false;
        for (int i = 0; i < resp.n_headers; i++)
            csp |= strcmp (resp.headers[i].name, "Content-Security-Policy") == 0;
        FUZZ_CHECK (csp, "a 200 without the policy: %s", text);
        static const char assets[] = "/console/assets/";
        if (strncmp (req.path, assets, sizeof assets - 1) == 0) {
            const char *name = req.path + sizeof assets - 1;
            FUZZ_CHECK (s_inside (name) && gw_console_type (name), "served %s", name);
        }
    }
    gw_response_clear (&resp);
}

FUZZ_TEXT_TARGET (s_serve)
