/*  live — the listener thread and the topics' generations (live.h). */
#include "live.h"

#include <errno.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/log.h"

#define L_CHANNEL "kefu_changes"
#define L_BACKOFF_FIRST_MS 100
#define L_BACKOFF_MAX_MS 5000
#define L_CONNECT_MS 5000 /* the longest wait for each step of a connection */

static const char *const s_names[GW_TOPIC_COUNT] = {
    "ticket", "clock", "escalation", "workorder", "inspection", "callback", "settlement", "claim", "access",
};

struct gw_live_s {
    char *conninfo;
    int stream_limit;
    pthread_mutex_t lock; /* everything below */
    pthread_cond_t changed; /* on the monotonic clock */
    gw_live_gens_t gens;
    int streams;
    bool halted;
    bool listening; /* the thread runs */
    pthread_t thread;
    int stop_pipe[2]; /* the listener's poll wakes on its read end */
};

const char *gw_live_topic_name (int topic)
{
    return topic >= 0 && topic < GW_TOPIC_COUNT ? s_names[topic] : NULL;
}

int gw_live_topic_of (const char *payload)
{
    for (int i = 0; payload && i < GW_TOPIC_COUNT; i++)
        if (strcmp (payload, s_names[i]) == 0)
            return i;
    return -1;
}

gw_live_t *gw_live_new (const char *conninfo, int stream_limit)
{
    gw_live_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    if (!(self->conninfo = strdup (conninfo ? conninfo : ""))) {
        free (self);
        return NULL;
    }
    self->stream_limit = stream_limit;
    self->stop_pipe[0] = self->stop_pipe[1] = -1;
    pthread_condattr_t attr;
    pthread_condattr_init (&attr);
    pthread_condattr_setclock (&attr, CLOCK_MONOTONIC);
    pthread_mutex_init (&self->lock, NULL);
    pthread_cond_init (&self->changed, &attr);
    pthread_condattr_destroy (&attr);
    return self;
}

void gw_live_halt (gw_live_t *self)
{
    if (!self)
        return;
    pthread_mutex_lock (&self->lock);
    self->halted = true;
    pthread_cond_broadcast (&self->changed);
    pthread_mutex_unlock (&self->lock);
    if (self->stop_pipe[1] >= 0) {
        ssize_t n = write (self->stop_pipe[1], "x", 1);
        (void) n; /* a full pipe has woken the listener already */
    }
}

void gw_live_destroy (gw_live_t **self_p)
{
    gw_live_t *self = *self_p;
    if (!self)
        return;
    gw_live_halt (self);
    if (self->listening)
        pthread_join (self->thread, NULL);
    for (int i = 0; i < 2; i++)
        if (self->stop_pipe[i] >= 0)
            close (self->stop_pipe[i]);
    pthread_cond_destroy (&self->changed);
    pthread_mutex_destroy (&self->lock);
    free (self->conninfo);
    free (self);
    *self_p = NULL;
}

void gw_live_bump (gw_live_t *self, int topic)
{
    if (topic < 0 || topic >= GW_TOPIC_COUNT)
        return;
    pthread_mutex_lock (&self->lock);
    self->gens.gen[topic]++;
    pthread_cond_broadcast (&self->changed);
    pthread_mutex_unlock (&self->lock);
}

/*  After a (re)connection: whatever happened meanwhile is unknown. */
static void s_bump_all (gw_live_t *self)
{
    pthread_mutex_lock (&self->lock);
    for (int i = 0; i < GW_TOPIC_COUNT; i++)
        self->gens.gen[i]++;
    pthread_cond_broadcast (&self->changed);
    pthread_mutex_unlock (&self->lock);
}

static bool s_halted (gw_live_t *self)
{
    pthread_mutex_lock (&self->lock);
    bool halted = self->halted;
    pthread_mutex_unlock (&self->lock);
    return halted;
}

/*  Waits ms on the stop pipe (or less when it is written). */
static void s_pause (gw_live_t *self, int ms)
{
    struct pollfd p = {.fd = self->stop_pipe[0], .events = POLLIN};
    poll (&p, 1, ms);
}

/*  Connects without blocking the stop: PQconnectPoll, waiting on the
 *  socket and the stop pipe. Returns true when connected. */
static bool s_connect_poll (gw_live_t *self, PGconn *pg)
{
    PostgresPollingStatusType st = PGRES_POLLING_WRITING;
    while (st != PGRES_POLLING_OK && st != PGRES_POLLING_FAILED && !s_halted (self)) {
        struct pollfd p[2] = {
            {.fd = PQsocket (pg), .events = st == PGRES_POLLING_READING ? POLLIN : POLLOUT},
            {.fd = self->stop_pipe[0], .events = POLLIN},
        };
        int rc = p[0].fd < 0 ? 0 : poll (p, 2, L_CONNECT_MS);
        if (rc == 0 || (rc < 0 && errno != EINTR) || (rc > 0 && p[1].revents))
            return false; /* no socket, no answer within L_CONNECT_MS, or stopping */
        if (rc < 0)
            continue;
        st = PQconnectPoll (pg);
    }
    return st == PGRES_POLLING_OK;
}

/*  A connection listening on the channel, or NULL (logged). */
static PGconn *s_connect (gw_live_t *self)
{
    PGconn *pg = PQconnectStart (self->conninfo);
    if (pg && PQstatus (pg) != CONNECTION_BAD && s_connect_poll (self, pg)) {
        PGresult *res = PQexec (pg, "LISTEN " L_CHANNEL);
        bool ok = PQresultStatus (res) == PGRES_COMMAND_OK;
        PQclear (res);
        if (ok)
            return pg;
    }
    if (s_halted (self)) {
        PQfinish (pg);
        return NULL;
    }
    char reason[200];
    snprintf (reason, sizeof reason, "%s", pg ? PQerrorMessage (pg) : "out of memory");
    reason[strcspn (reason, "\n")] = '\0';
    log_kv (LOG_WARN, "changes_listen_failed", "reason", *reason ? reason : "no answer in time", NULL);
    PQfinish (pg);
    return NULL;
}

/*  Reads what arrived and bumps its topics. Returns -1 when the
 *  connection is lost. */
static int s_drain (gw_live_t *self, PGconn *pg)
{
    if (PQconsumeInput (pg) == 0)
        return -1;
    PGnotify *n;
    while ((n = PQnotifies (pg)) != NULL) {
        gw_live_bump (self, gw_live_topic_of (n->extra));
        PQfreemem (n);
    }
    return PQstatus (pg) == CONNECTION_OK ? 0 : -1;
}

static void *s_listen (void *arg)
{
    gw_live_t *self = arg;
    PGconn *pg = NULL;
    int backoff = L_BACKOFF_FIRST_MS;
    while (!s_halted (self)) {
        if (!pg) {
            if (!(pg = s_connect (self))) {
                s_pause (self, backoff);
                backoff = backoff * 2 < L_BACKOFF_MAX_MS ? backoff * 2 : L_BACKOFF_MAX_MS;
                continue;
            }
            backoff = L_BACKOFF_FIRST_MS;
            log_kv (LOG_INFO, "changes_listening", "channel", L_CHANNEL, NULL);
            s_bump_all (self);
        }
        struct pollfd p[2] = {
            {.fd = PQsocket (pg), .events = POLLIN},
            {.fd = self->stop_pipe[0], .events = POLLIN},
        };
        int rc = poll (p, 2, -1);
        if (rc < 0 && errno != EINTR)
            break;
        if (rc > 0 && p[0].revents && s_drain (self, pg) != 0) {
            log_kv (LOG_WARN, "changes_listen_lost", "reason", "the database connection was lost", NULL);
            PQfinish (pg);
            pg = NULL;
        }
    }
    PQfinish (pg);
    return NULL;
}

/*  Starts the listener (under the lock). Returns 0 or -1. */
static int s_start (gw_live_t *self)
{
    if (self->listening)
        return 0;
    if (self->stop_pipe[0] < 0 && pipe2 (self->stop_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
        self->stop_pipe[0] = self->stop_pipe[1] = -1;
        return -1;
    }
    if (pthread_create (&self->thread, NULL, s_listen, self) != 0)
        return -1;
    self->listening = true;
    return 0;
}

int gw_live_join (gw_live_t *self, gw_live_gens_t *now)
{
    pthread_mutex_lock (&self->lock);
    int rc = -1;
    if (!self->halted && self->streams < self->stream_limit && s_start (self) == 0) {
        self->streams++;
        *now = self->gens;
        rc = 0;
    }
    pthread_mutex_unlock (&self->lock);
    return rc;
}

void gw_live_leave (gw_live_t *self)
{
    pthread_mutex_lock (&self->lock);
    self->streams--;
    pthread_mutex_unlock (&self->lock);
}

bool gw_live_wait (gw_live_t *self, const gw_live_gens_t *seen, int64_t until_ms, gw_live_gens_t *now)
{
    pthread_mutex_lock (&self->lock);
    while (!self->halted && memcmp (&self->gens, seen, sizeof *seen) == 0) {
        int64_t left = until_ms - clock_mono_ms ();
        if (left <= 0)
            break;
        struct timespec until;
        clock_deadline (CLOCK_MONOTONIC, left > 60000 ? 60000 : (int) left, &until);
        pthread_cond_timedwait (&self->changed, &self->lock, &until);
    }
    bool halted = self->halted;
    *now = self->gens;
    pthread_mutex_unlock (&self->lock);
    return halted;
}
