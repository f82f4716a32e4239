/*  who — who is asking, handed to every handler of every service: a
 *  request's (request_endpoint.h) and a message's (handler.h).
 *
 *  Until requests and messages carry authenticated principals, principal is
 *  NULL for a request and the sending service for a message, and branches
 *  is NULL with n_branches 0: not restricted yet. The identity work fills
 *  this struct, once, where requests and messages come in; handlers that
 *  already take it then confine by it without being rewritten. Until then
 *  a handler must not read "no branches" as "no access": it does what it
 *  did before the context existed.
 */
#ifndef KEFU_WHO_H
#define KEFU_WHO_H

#include <stddef.h>

typedef struct {
    const char *principal;       /* who is asking */
    const char *const *branches; /* the branches they act for; NULL: not restricted yet */
    size_t n_branches;
} svc_who_t;

#endif
