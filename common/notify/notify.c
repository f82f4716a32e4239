/*  notify — the notification adapters (contract in notify.h).
 */
#include "notify.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/json.h"
#include "base/log.h"

/*  What an adapter does with one rendered notification (a JSON line). */
typedef int (*s_deliver_fn) (notify_t *self, const char *line, char *err, size_t errsize);

struct notify_s {
    const char *name;
    s_deliver_fn deliver;
    int fd;  /* file adapter; -1 otherwise */
    /* an adapter of its own (notify_new_adapter): gets the parts, not a JSON line */
    notify_send_fn send;
    void *impl;
    void (*impl_free) (void *);
};

static int s_deliver_file (notify_t *self, const char *line, char *err, size_t errsize)
{
    size_t len = strlen (line);
    char *buf = malloc (len + 2);
    if (!buf) {
        snprintf (err, errsize, "out of memory");
        return -1;
    }
    memcpy (buf, line, len);
    buf[len] = '\n';
    /* one write on O_APPEND: lines of several processes never interleave */
    ssize_t w = write (self->fd, buf, len + 1);
    int saved = errno;
    free (buf);
    if (w != (ssize_t) (len + 1)) {
        snprintf (err, errsize, "write failed: %s", w < 0 ? strerror (saved) : "short write");
        return -1;
    }
    return 0;
}

static int s_deliver_log (notify_t *self, const char *line, char *err, size_t errsize)
{
    (void) self;
    (void) err;
    (void) errsize;
    log_kv (LOG_INFO, "notification", "notification", line, NULL);
    return 0;
}

notify_t *notify_new_file (const char *path, char *err, size_t errsize)
{
    if (!path || !*path) {
        snprintf (err, errsize, "notify.file: no path");
        return NULL;
    }
    int fd = open (path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
    if (fd < 0) {
        snprintf (err, errsize, "notify.file: cannot open \"%s\": %s", path, strerror (errno));
        return NULL;
    }
    notify_t *self = calloc (1, sizeof *self);
    if (!self) {
        close (fd);
        snprintf (err, errsize, "out of memory");
        return NULL;
    }
    self->name = "file";
    self->deliver = s_deliver_file;
    self->fd = fd;
    return self;
}

notify_t *notify_new_log (void)
{
    notify_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->name = "log";
    self->deliver = s_deliver_log;
    self->fd = -1;
    return self;
}

notify_t *notify_new_adapter (const char *name, notify_send_fn send, void *impl, void (*impl_free) (void *))
{
    notify_t *self = send ? calloc (1, sizeof *self) : NULL;
    if (!self) {
        if (impl_free)
            impl_free (impl);
        return NULL;
    }
    self->name = name ? name : "adapter";
    self->send = send;
    self->impl = impl;
    self->impl_free = impl_free;
    self->fd = -1;
    return self;
}

void notify_destroy (notify_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    if ((*self_p)->fd >= 0)
        close ((*self_p)->fd);
    if ((*self_p)->impl_free)
        (*self_p)->impl_free ((*self_p)->impl);
    free (*self_p);
    *self_p = NULL;
}

const char *notify_adapter_name (const notify_t *self)
{
    return self ? self->name : "none";
}

int notify_send (notify_t *self, const notify_recipient_t *recipient, const char *key,
                 const char *subject, const char *body, char *err, size_t errsize)
{
    if (!self || !recipient || !recipient->name || !subject || !body) {
        snprintf (err, errsize, "notify_send: missing adapter, recipient, subject or body");
        return -1;
    }
    if (self->send)
        return self->send (self->impl, recipient, key, subject, body, err, errsize);
    char now[40];
    clock_format_us (clock_now_us (), now, sizeof now);
    cJSON *obj = cJSON_CreateObject ();
    if (!obj) {
        snprintf (err, errsize, "out of memory");
        return -1;
    }
    cJSON_AddStringToObject (obj, "sent_at", now);
    if (key)
        cJSON_AddStringToObject (obj, "key", key);
    cJSON *to = cJSON_AddObjectToObject (obj, "to");
    if (to) {
        cJSON_AddStringToObject (to, "name", recipient->name);
        if (recipient->email)
            cJSON_AddStringToObject (to, "email", recipient->email);
        if (recipient->phone)
            cJSON_AddStringToObject (to, "phone", recipient->phone);
    }
    cJSON_AddStringToObject (obj, "subject", subject);
    cJSON_AddStringToObject (obj, "body", body);
    char *line = json_print (obj);
    cJSON_Delete (obj);
    if (!line) {
        snprintf (err, errsize, "out of memory");
        return -1;
    }
    int rc = self->deliver (self, line, err, errsize);
    free (line);
    return rc;
}
