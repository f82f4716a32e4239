/*  login — see login.h. */
#include "login.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "auth/password.h"
#include "base/clock.h"
#include "base/ident.h"
#include "base/json.h"

int gw_login_parse (const char *body, size_t len, gw_login_body_t *out, char *err, size_t errsize)
{
    memset (out, 0, sizeof *out);
    char why[160];
    cJSON *root = body ? json_parse_strict (body, len, why, sizeof why) : NULL;
    int rc = -1;
    if (!root) {
        snprintf (err, errsize, "body: %s (expected a JSON object {\"staff\", \"password\"})",
                  body ? why : "missing");
        return -1;
    }
    if (!cJSON_IsObject (root)) {
        snprintf (err, errsize, "body: not a JSON object (expected {\"staff\", \"password\"})");
        goto cleanup;
    }
    for (const cJSON *item = root->child; item; item = item->next)
        if (strcmp (item->string, "staff") != 0 && strcmp (item->string, "password") != 0) {
            snprintf (err, errsize, "body: unknown field (expected only staff and password)");
            goto cleanup;
        }
    const cJSON *staff = cJSON_GetObjectItemCaseSensitive (root, "staff");
    const cJSON *password = cJSON_GetObjectItemCaseSensitive (root, "password");
    if (!cJSON_IsString (staff) || !ident_valid (staff->valuestring, GW_STAFF_MAX)) {
        snprintf (err, errsize, "staff: %s (expected a staff id: 1 to %d of A-Z a-z 0-9 _ -)",
                  !staff ? "missing" : cJSON_IsString (staff) ? "not a staff id" : "not a string",
                  GW_STAFF_MAX);
        goto cleanup;
    }
    size_t plen = cJSON_IsString (password) ? strlen (password->valuestring) : 0;
    if (!cJSON_IsString (password) || plen < 1 || plen > PASSWORD_MAX) {
        snprintf (err, errsize, "password: %s (expected a string of 1 to %d bytes)",
                  !password                   ? "missing"
                  : !cJSON_IsString (password) ? "not a string"
                  : plen < 1                   ? "empty"
                                               : "too long",
                  PASSWORD_MAX);
        goto cleanup;
    }
    memcpy (out->staff, staff->valuestring, strlen (staff->valuestring) + 1);
    memcpy (out->password, password->valuestring, plen + 1);
    rc = 0;
cleanup:
    if (rc != 0)
        sodium_memzero (out, sizeof *out);
    /* the password's copy in the tree, before cJSON frees it */
    for (cJSON *item = cJSON_IsObject (root) ? root->child : NULL; item; item = item->next)
        if (cJSON_IsString (item) && item->valuestring)
            sodium_memzero (item->valuestring, strlen (item->valuestring));
    cJSON_Delete (root);
    return rc;
}

/*  µs until fewer than `limit` of the newest-first times are inside the
 *  window (0 when they already are): the limit-th newest must leave it. */
static int64_t s_wait_us (const int64_t *times, int n, int limit, int64_t now_us)
{
    if (n < limit)
        return 0;
    int64_t until = times[limit - 1] + (int64_t) GW_LOGIN_WINDOW_S * 1000000;
    return until > now_us ? until - now_us : 0;
}

int64_t gw_login_retry_after_s (const gw_login_record_t *record, int64_t now_us)
{
    int64_t wait;
    if (record->known)
        wait = s_wait_us (record->pair, record->n_pair, GW_LOGIN_PAIR_LIMIT, now_us);
    else {
        int64_t account = s_wait_us (record->account, record->n_account, GW_LOGIN_ACCOUNT_LIMIT, now_us);
        int64_t address = s_wait_us (record->address, record->n_address, GW_LOGIN_ADDRESS_LIMIT, now_us);
        wait = account > address ? account : address;
    }
    return wait > 0 ? (wait + 999999) / 1000000 : 0;
}

/*  The hash slots and the dummy hash an unknown account is checked
 *  against (made once, from a random password nobody knows). Without the
 *  dummy an unknown id would be answered at once, so no check runs then. */
static sem_t s_slots;
static char s_dummy[PASSWORD_HASH_MAX];
static char s_why[200];
static atomic_bool s_ready;
static pthread_once_t s_once = PTHREAD_ONCE_INIT;
static atomic_int s_running, s_peak;

static void s_init (void)
{
    unsigned char random[24];
    char secret[2 * sizeof random + 1], err[128] = "";
    if (sem_init (&s_slots, 0, GW_LOGIN_HASHES) != 0 || sodium_init () < 0) {
        snprintf (s_why, sizeof s_why, "cannot start libsodium or the check slots");
        return;
    }
    randombytes_buf (random, sizeof random);
    sodium_bin2hex (secret, sizeof secret, random, sizeof random);
    if (password_hash (secret, s_dummy, err, sizeof err) != 0) {
        s_dummy[0] = '\0';
        snprintf (s_why, sizeof s_why, "cannot make the dummy password hash: %s", err);
    }
    else
        atomic_store (&s_ready, true);
    sodium_memzero (secret, sizeof secret);
    sodium_memzero (random, sizeof random);
}

int gw_login_start (char *err, size_t errsize)
{
    pthread_once (&s_once, s_init);
    if (atomic_load (&s_ready))
        return 0;
    snprintf (err, errsize, "log-in: %s", s_why);
    return -1;
}

gw_check_t gw_login_check (const char *hash, const char *password)
{
    pthread_once (&s_once, s_init);
    if (!atomic_load (&s_ready))
        return GW_CHECK_BUSY;
    struct timespec until;
    clock_deadline (CLOCK_REALTIME, GW_LOGIN_HASH_WAIT_MS, &until);
    while (sem_timedwait (&s_slots, &until) != 0)
        if (errno != EINTR)
            return GW_CHECK_BUSY;
    int running = atomic_fetch_add (&s_running, 1) + 1;
    for (int peak = atomic_load (&s_peak); running > peak
                                           && !atomic_compare_exchange_weak (&s_peak, &peak, running);)
        ;
    bool match = password_verify (hash ? hash : s_dummy, password);
    atomic_fetch_sub (&s_running, 1);
    sem_post (&s_slots);
    return match && hash ? GW_CHECK_MATCH : GW_CHECK_WRONG;
}

int gw_login_hash_peak (void)
{
    return atomic_load (&s_peak);
}
