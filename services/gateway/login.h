/*  login — the rules of a staff log-in (docs/security.md "Passwords" and
 *  "Failed log-ins"), without HTTP or SQL: what a log-in body must hold,
 *  when failed log-ins throttle the next attempt and for how long, and the
 *  password check itself, at most GW_LOGIN_HASHES at once per process.
 *
 *  Failed log-ins are counted in PostgreSQL (auth.login_failures, every
 *  gateway instance sees them) over the last GW_LOGIN_WINDOW_S seconds:
 *    - an address that logged in to the account successfully within
 *      GW_LOGIN_KNOWN_DAYS (a known pair) is throttled only by its own
 *      failures on that account (GW_LOGIN_PAIR_LIMIT): an attacker elsewhere
 *      cannot lock its user out, however often they fail;
 *    - any other attempt is throttled when the account has
 *      GW_LOGIN_ACCOUNT_LIMIT failures in the window, or the address has
 *      GW_LOGIN_ADDRESS_LIMIT (on any accounts, known or not);
 *  until enough of those failures have left the window (Retry-After). An
 *  attempt within the limits is counted as a failure before its password
 *  is checked (one statement under locks on the account and the address,
 *  so concurrent attempts cannot all pass on the same old count) and
 *  forgotten when the password was right. A throttled attempt checks no
 *  password and is not counted, so the store and the hashing stay bounded
 *  under any flood; an attempt that cannot be counted is refused (503).
 */
#ifndef KEFU_GW_LOGIN_H
#define KEFU_GW_LOGIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GW_LOGIN_WINDOW_S 900
#define GW_LOGIN_ACCOUNT_LIMIT 10
#define GW_LOGIN_ADDRESS_LIMIT 30
#define GW_LOGIN_PAIR_LIMIT 10
#define GW_LOGIN_KNOWN_DAYS 90
/*  The most failure times a rule reads per count: the largest limit. */
#define GW_LOGIN_TIMES_MAX 30

/*  Password checks (Argon2id) running at once in this process, and how
 *  long a log-in waits for its turn before the answer is 503. */
#define GW_LOGIN_HASHES 2
#define GW_LOGIN_HASH_WAIT_MS 3000

#define GW_STAFF_MAX 64          /* characters of a staff id (auth.staff.id) */

/*  A log-in body {"staff": "...", "password": "..."}, checked. */
typedef struct {
    char staff[GW_STAFF_MAX + 1];
    char password[129];                 /* PASSWORD_MAX bytes */
} gw_login_body_t;

/*  Parses and checks a log-in body (len bytes, not necessarily NUL-ended):
 *  a JSON object with exactly the strings staff (a staff id: 1..64 of
 *  A-Z a-z 0-9 _ -) and password (1..128 bytes). Returns 0, or -1 with
 *  "<field>: <what is wrong> (expected …)" in err (never quoting the
 *  password). */
int gw_login_parse (const char *body, size_t len, gw_login_body_t *out, char *err, size_t errsize);

/*  What the database reported before an attempt (auth.login_begin): each
 *  list the newest failure times (µs since the epoch, newest first) inside
 *  the window, at most GW_LOGIN_TIMES_MAX. */
typedef struct {
    bool counted;                        /* within the limits: written as a failure already */
    bool known;                          /* the pair logged in successfully lately */
    int64_t account[GW_LOGIN_TIMES_MAX];
    int n_account;
    int64_t address[GW_LOGIN_TIMES_MAX];
    int n_address;
    int64_t pair[GW_LOGIN_TIMES_MAX];
    int n_pair;
} gw_login_record_t;

/*  Seconds the attempt must wait (at least 1) by the rule above, or 0 when
 *  it may check its password now. */
int64_t gw_login_retry_after_s (const gw_login_record_t *record, int64_t now_us);

/*  How one password check ended. */
typedef enum {
    GW_CHECK_MATCH = 0,
    GW_CHECK_WRONG,      /* wrong password, or no such active staff member with one */
    GW_CHECK_BUSY,       /* GW_LOGIN_HASHES checks were running for GW_LOGIN_HASH_WAIT_MS,
                            or there is no dummy hash (gw_login_start failed) */
} gw_check_t;

/*  Makes the dummy hash gw_login_check uses for an unknown account, once
 *  (at start-up: the gateway refuses to start without it). Returns 0, or
 *  -1 with the reason in err. */
int gw_login_start (char *err, size_t errsize);

/*  Checks password against hash (the stored Argon2id hash; NULL when the
 *  account is unknown: then a dummy hash is checked, so an unknown id and
 *  a wrong password take the same time and give the same answer). Without
 *  the dummy hash (gw_login_start failed) nothing is checked: GW_CHECK_BUSY. */
gw_check_t gw_login_check (const char *hash, const char *password);

/*  The most password checks that ran at once in this process so far
 *  (never above GW_LOGIN_HASHES; for tests and the start-up log). */
int gw_login_hash_peak (void);

#endif
