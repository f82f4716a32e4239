/*  exchange — the response helpers (exchange.h). */
#include "exchange.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"

int gw_response_json (gw_response_t *self, int status, const cJSON *item)
{
    free (self->body);
    self->body = json_print (item);
    self->status = self->body ? status : 500;
    self->content_type = self->body ? "application/json" : NULL;
    self->body_len = self->body ? strlen (self->body) : 0;
    return self->body ? 0 : -1;
}

int gw_response_header (gw_response_t *self, const char *name, const char *value)
{
    if (self->n_headers >= GW_MAX_HEADERS)
        return -1;
    char *copy = strdup (value);
    if (!copy)
        return -1;
    self->headers[self->n_headers].name = name;
    self->headers[self->n_headers].value = copy;
    self->n_headers++;
    return 0;
}

void gw_response_error (gw_response_t *self, int status, const char *code, const char *fmt, ...)
{
    char message[600];
    va_list ap;
    va_start (ap, fmt);
    vsnprintf (message, sizeof message, fmt, ap);
    va_end (ap);
    gw_response_clear (self);
    cJSON *item = cJSON_CreateObject ();
    if (item && cJSON_AddStringToObject (item, "code", code)
        && cJSON_AddStringToObject (item, "message", message))
        gw_response_json (self, status, item);
    else
        self->status = 500;
    cJSON_Delete (item);
    if (status == 401)
        gw_response_header (self, "WWW-Authenticate", "Bearer realm=\"kefu\"");
    if (status == 429 || status == 503)
        gw_response_header (self, "Retry-After", "1");
}

void gw_response_clear (gw_response_t *self)
{
    free (self->body);
    for (int i = 0; i < self->n_headers; i++)
        free (self->headers[i].value);
    if (self->stream.state && self->stream.free)
        self->stream.free (self->stream.state);
    memset (self, 0, sizeof *self);
}
