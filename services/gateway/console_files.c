/*  console_files — the console's static files (console_files.h). */
#include "console_files.h"

#include <stdio.h>
#include <string.h>

#include "textfile.h"

#define ASSETS "/console/assets/"
#define FILE_MAX (4u << 20) /* the largest file served: the console's are a few KiB */

/* The pages may load only the console's own files and talk only to the
 * gateway itself; no other site may frame them. */
static const char s_csp[] = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                            "connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; "
                            "form-action 'self'";

const char *gw_console_type (const char *name)
{
    static const struct {
        const char *ext, *type;
    } types[] = {
        {".html", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".ico", "image/x-icon"},
        {".txt", "text/plain; charset=utf-8"},
        {".json", "application/json"},
    };
    const char *dot = strrchr (name, '.');
    for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++)
        if (strcmp (dot, types[i].ext) == 0)
            return types[i].type;
    return NULL;
}

/*  An asset's name is letters, digits, '_', '-', '.' and '/' between
 *  parts, no part starting with a dot: nothing can leave the folder. */
static bool s_name_valid (const char *name)
{
    size_t n = strlen (name);
    if (n == 0 || n > 200 || name[0] == '/'
        || strspn (name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-./") != n)
        return false;
    for (const char *part = name; part; part = strchr (part, '/')) {
        if (*part == '/')
            part++;
        if (*part == '.' || *part == '/' || *part == '\0')
            return false;
    }
    return true;
}

static void s_redirect (gw_response_t *resp)
{
    resp->status = 302;
    gw_response_header (resp, "Location", GW_CONSOLE_ROUTE "/");
}

static void s_file (const char *dir, const char *name, gw_response_t *resp)
{
    const char *type = gw_console_type (name);
    char path[4096];
    if (!type || snprintf (path, sizeof path, "%s/%s", dir, name) >= (int) sizeof path) {
        gw_response_error (resp, 404, "not_found", "no such file of the console");
        return;
    }
    size_t len = 0;
    char *bytes = gw_textfile_read (path, FILE_MAX, &len);
    if (!bytes) {
        gw_response_error (resp, 404, "not_found", "no such file of the console");
        return;
    }
    resp->status = 200;
    resp->content_type = type;
    resp->body = bytes;
    resp->body_len = len;
    gw_response_header (resp, "Content-Security-Policy", s_csp);
    gw_response_header (resp, "Referrer-Policy", "no-referrer");
    gw_response_header (resp, "X-Frame-Options", "DENY");
}

bool gw_console_answer (const char *dir, const gw_request_t *req, gw_response_t *resp)
{
    const char *path = req->path;
    bool ours = strcmp (path, "/") == 0 || strcmp (path, GW_CONSOLE_ROUTE) == 0
                || strncmp (path, GW_CONSOLE_ROUTE "/", sizeof GW_CONSOLE_ROUTE) == 0;
    if (!ours)
        return false;
    if (strcmp (req->method, "GET") != 0 && strcmp (req->method, "HEAD") != 0) {
        gw_response_error (resp, 405, "method_not_allowed", "%s: the console's pages take GET, HEAD",
                           req->method);
        gw_response_header (resp, "Allow", "GET, HEAD");
    }
    else if (strcmp (path, "/") == 0 || strcmp (path, GW_CONSOLE_ROUTE) == 0)
        s_redirect (resp);
    else if (strncmp (path, ASSETS, sizeof ASSETS - 1) == 0) {
        if (s_name_valid (path + sizeof ASSETS - 1))
            s_file (dir, path + 1 + sizeof GW_CONSOLE_ROUTE - 1, resp);
        else
            gw_response_error (resp, 404, "not_found", "no such file of the console");
    }
    else
        s_file (dir, "index.html", resp); /* a page: the script draws it from the path */
    return true;
}
