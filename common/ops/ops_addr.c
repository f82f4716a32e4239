/*  ops_addr — see ops_addr.h. */
#include "ops_addr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf_section.h"

bool ops_addr_off (const char *text)
{
    return text && strcmp (text, OPS_OFF) == 0;
}

int ops_addr_split (const char *text, char *host, size_t hostsize, int *port)
{
    const char *colon = text ? strrchr (text, ':') : NULL;
    const char *h = text, *h_end = colon;
    bool bracketed = text && text[0] == '[';
    if (colon && bracketed) {
        h = text + 1;
        h_end = colon > text && colon[-1] == ']' ? colon - 1 : NULL;
    }
    else if (colon && memchr (text, ':', (size_t) (colon - text)))
        h_end = NULL; /* an IPv6 address needs its brackets */
    char *end = NULL;
    long p = colon ? strtol (colon + 1, &end, 10) : -1;
    size_t n = h_end && h_end >= h ? (size_t) (h_end - h) : 0;
    if (!colon || !h_end || n == 0 || n >= hostsize || !end || *end || colon[1] < '0' || colon[1] > '9'
        || p < 0 || p > 65535)
        return OPS_ADDR_BAD_FORM;
    memcpy (host, h, n);
    host[n] = '\0';
    if (bracketed ? strspn (host, "0123456789abcdefABCDEF:.") != n : !conf_host_valid (host))
        return OPS_ADDR_BAD_HOST;
    *port = (int) p;
    return 0;
}

int ops_addr_parse (const char *text, char *host, size_t hostsize, int *port, char *err, size_t errsize)
{
    int rc = ops_addr_split (text, host, hostsize, port);
    if (rc == OPS_ADDR_BAD_FORM)
        snprintf (err, errsize,
                  "\"%.60s\": expected host:port (127.0.0.1:7191, [::1]:7191; port 0-65535, 0 any "
                  "free port) or off",
                  text ? text : "");
    else if (rc == OPS_ADDR_BAD_HOST)
        snprintf (err, errsize, "\"%.60s\": \"%s\" is not a host name or an IP address", text, host);
    return rc == 0 ? 0 : -1;
}

const char *ops_default_health (const char *service)
{
    static const char *const names[] = {"intake",   "dispatch", "qc",     "billing",
                                        "callback", "claims",   "gateway"};
    static const char *const addrs[] = {"127.0.0.1:7191", "127.0.0.1:7192", "127.0.0.1:7193",
                                        "127.0.0.1:7194", "127.0.0.1:7195", "127.0.0.1:7196",
                                        "127.0.0.1:7197"};
    for (size_t i = 0; service && i < sizeof names / sizeof names[0]; i++)
        if (strcmp (names[i], service) == 0)
            return addrs[i];
    return NULL;
}
