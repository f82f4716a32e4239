/*  keyring — loading, checking and making CurveZMQ keys (see keyring.h). */
#include "keyring.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zmq.h>

#include "base/err.h"
#include "conf/config.h"

#define S_MAX_KEYS 64          /* installed keys per name */
#define S_NAMES (CFG_SERVICE_COUNT + 1) /* the six services, then clients */
#define S_MAX_FILE 16384       /* a .pub file of 64 keys with comments fits */
#define S_PATH_MAX 4096

typedef char s_key_t[KEYRING_Z85_LEN + 1];

struct keyring_s {
    s_key_t public_key, secret_key;
    s_key_t keys[S_NAMES][S_MAX_KEYS];
    int n_keys[S_NAMES];
};

static const char *s_name (int i)
{
    return i < CFG_SERVICE_COUNT ? cfg_service_names[i] : KEYRING_CLIENT;
}

/*  clients.pub holds the keys of KEYRING_CLIENT. */
static const char *s_file_stem (int i)
{
    return i < CFG_SERVICE_COUNT ? cfg_service_names[i] : "clients";
}

static int s_index (const char *name)
{
    for (int i = 0; name && i < S_NAMES; i++)
        if (strcmp (s_name (i), name) == 0)
            return i;
    return -1;
}

bool keyring_z85_valid (const char *text)
{
    uint8_t raw[32];
    return text && strlen (text) == KEYRING_Z85_LEN && zmq_z85_decode (raw, text) != NULL;
}

typedef enum {
    S_PUBLIC,      /* any regular file */
    S_SECRET,      /* group and others have no access, the running user owns it */
    S_CREDENTIAL,  /* group and others have no access; systemd chose its owner */
} s_kind_t;

/*  Reads a whole small file into buf (NUL-terminated), checked as kind
 *  says. Returns 0, 1 when it does not exist (and !must_exist), or -1. */
static int s_read (const char *path, s_kind_t kind, bool must_exist, char *buf, size_t size,
                   char *err, size_t errsize)
{
    bool secret = kind != S_PUBLIC;
    int fd = open (path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT && !must_exist)
            return 1;
        err_set (err, errsize, "%s: %s", path, strerror (errno));
        return -1;
    }
    struct stat st;
    int rc = -1;
    if (fstat (fd, &st) != 0) {
        err_set (err, errsize, "%s: %s", path, strerror (errno));
        goto cleanup;
    }
    if (!S_ISREG (st.st_mode)) {
        err_set (err, errsize, "%s: not a regular file", path);
        goto cleanup;
    }
    if (secret && (st.st_mode & (S_IRWXG | S_IRWXO))) {
        err_set (err, errsize,
                 "%s: a secret key must be readable only by its owner, but its mode is %04o "
                 "(chmod 600 %s)", path, (unsigned) (st.st_mode & 07777), path);
        goto cleanup;
    }
    if (kind == S_SECRET && st.st_uid != geteuid ()) {
        err_set (err, errsize, "%s: a secret key must belong to the user the service runs as "
                 "(uid %ld), not uid %ld", path, (long) geteuid (), (long) st.st_uid);
        goto cleanup;
    }
    size_t len = 0;
    for (;;) {
        ssize_t n = read (fd, buf + len, size - 1 - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            err_set (err, errsize, "%s: %s", path, strerror (errno));
            goto cleanup;
        }
        if (n == 0)
            break;
        len += (size_t) n;
        if (len == size - 1) {
            err_set (err, errsize, "%s: longer than %zu bytes", path, size - 1);
            goto cleanup;
        }
    }
    buf[len] = '\0';
    rc = 0;
cleanup:
    close (fd);
    return rc;
}

/*  Parses the keys of a file's text (one a line, blanks and # comments
 *  skipped) into keys. Returns the count, or -1 with the line in err. */
static int s_parse_keys (const char *path, char *text, s_key_t *keys, int max, char *err,
                         size_t errsize)
{
    int n = 0, line = 0;
    for (char *save = NULL, *l = strtok_r (text, "\n", &save); l; l = strtok_r (NULL, "\n", &save)) {
        line++;
        size_t len = strlen (l);
        while (len && (l[len - 1] == '\r' || l[len - 1] == ' ' || l[len - 1] == '\t'))
            l[--len] = '\0';
        while (*l == ' ' || *l == '\t')
            l++;
        if (!*l || *l == '#')
            continue;
        if (!keyring_z85_valid (l)) {
            err_set (err, errsize, "%s: line %d: expected a key of 40 Z85 characters "
                     "(as kefuctl admin keys writes)", path, line);
            return -1;
        }
        if (n == max) {
            err_set (err, errsize, "%s: more than %d keys", path, max);
            return -1;
        }
        memcpy (keys[n++], l, KEYRING_Z85_LEN + 1);
    }
    return n;
}

/*  The secret key at path, and the public key it makes. */
static int s_load_secret (keyring_t *self, const char *path, s_kind_t kind, char *err,
                          size_t errsize)
{
    char text[256];
    s_key_t key[1];
    if (s_read (path, kind, true, text, sizeof text, err, errsize) != 0)
        return -1;
    int n = s_parse_keys (path, text, key, 1, err, errsize);
    memset (text, 0, sizeof text);
    if (n != 1) {
        if (n == 0)
            err_set (err, errsize, "%s: no secret key in it", path);
        return -1;
    }
    memcpy (self->secret_key, key[0], sizeof self->secret_key);
    memset (key, 0, sizeof key);
    if (zmq_curve_public (self->public_key, self->secret_key) != 0) {
        err_set (err, errsize, "%s: cannot derive the public key: %s", path, zmq_strerror (errno));
        return -1;
    }
    return 0;
}

static int s_path (char *out, const char *dir, const char *name, const char *ext, char *err,
                   size_t errsize)
{
    int n = snprintf (out, S_PATH_MAX, "%s/%s%s", dir, name, ext);
    if (n < 0 || n >= S_PATH_MAX) {
        err_set (err, errsize, "%s: path too long", dir);
        return -1;
    }
    return 0;
}

keyring_t *keyring_load (const char *dir, const char *service, char *err, size_t errsize)
{
    if (!dir || !*dir || cfg_service_index (service) < 0) {
        err_set (err, errsize, "keys: no keys directory or no service");
        return NULL;
    }
    keyring_t *self = calloc (1, sizeof *self);
    char *text = malloc (S_MAX_FILE);
    char path[S_PATH_MAX];
    if (!self || !text) {
        err_set (err, errsize, "keys: out of memory");
        goto fail;
    }
    const char *creds = getenv ("CREDENTIALS_DIRECTORY");
    if (s_path (path, creds && *creds ? creds : dir, service, ".key", err, errsize) != 0
        || s_load_secret (self, path, creds && *creds ? S_CREDENTIAL : S_SECRET, err, errsize) != 0)
        goto fail;
    for (int i = 0; i < S_NAMES; i++) {
        if (s_path (path, dir, s_file_stem (i), ".pub", err, errsize) != 0)
            goto fail;
        int rc = s_read (path, S_PUBLIC, false, text, S_MAX_FILE, err, errsize);
        if (rc < 0)
            goto fail;
        if (rc == 1)
            continue;
        int n = s_parse_keys (path, text, self->keys[i], S_MAX_KEYS, err, errsize);
        if (n < 0)
            goto fail;
        self->n_keys[i] = n;
    }
    free (text);
    return self;
fail:
    free (text);
    keyring_destroy (&self);
    return NULL;
}

keyring_t *keyring_load_client (const char *path, char *err, size_t errsize)
{
    keyring_t *self = calloc (1, sizeof *self);
    if (!self) {
        err_set (err, errsize, "keys: out of memory");
        return NULL;
    }
    if (!path || !*path || s_load_secret (self, path, S_SECRET, err, errsize) != 0) {
        if (!path || !*path)
            err_set (err, errsize, "keys: no client key file given");
        keyring_destroy (&self);
    }
    return self;
}

void keyring_destroy (keyring_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    /* the secret key does not linger in freed memory */
    memset (*self_p, 0, sizeof **self_p);
    free (*self_p);
    *self_p = NULL;
}

const char *keyring_public (const keyring_t *self)
{
    return self->public_key;
}

const char *keyring_secret (const keyring_t *self)
{
    return self->secret_key;
}

const char *keyring_owner (const keyring_t *self, const char *z85)
{
    for (int i = 0; self && z85 && i < S_NAMES; i++)
        for (int k = 0; k < self->n_keys[i]; k++)
            if (strcmp (self->keys[i][k], z85) == 0)
                return s_name (i);
    return NULL;
}

bool keyring_trusts (const keyring_t *self, const char *service, const char *z85)
{
    int i = s_index (service);
    for (int k = 0; self && z85 && i >= 0 && k < self->n_keys[i]; k++)
        if (strcmp (self->keys[i][k], z85) == 0)
            return true;
    return false;
}

int keyring_count (const keyring_t *self, const char *name)
{
    int i = s_index (name);
    return self && i >= 0 ? self->n_keys[i] : 0;
}

int keyring_read_public (const char *path, char *out, char *err, size_t errsize)
{
    char text[S_MAX_FILE];
    s_key_t keys[2];
    if (s_read (path, S_PUBLIC, true, text, sizeof text, err, errsize) != 0)
        return -1;
    int n = s_parse_keys (path, text, keys, 2, err, errsize);
    if (n < 0)
        return -1;
    if (n != 1) {
        err_set (err, errsize, n == 0 ? "%s: no public key in it"
                                      : "%s: more than one public key: name the one to use", path);
        return -1;
    }
    memcpy (out, keys[0], KEYRING_Z85_LEN + 1);
    return 0;
}

/*  Writes text to a new file at path with mode. Returns 0 or -1. */
static int s_write_new (const char *path, const char *text, mode_t mode, char *err, size_t errsize)
{
    int fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
    if (fd < 0) {
        err_set (err, errsize, "%s: %s%s", path, strerror (errno),
                 errno == EEXIST ? " (kefuctl admin keys never overwrites a key)" : "");
        return -1;
    }
    size_t len = strlen (text);
    bool ok = fchmod (fd, mode) == 0 && write (fd, text, len) == (ssize_t) len;
    int saved = errno;
    ok = close (fd) == 0 && ok;
    if (!ok) {
        err_set (err, errsize, "%s: %s", path, strerror (saved));
        unlink (path);
        return -1;
    }
    return 0;
}

int keyring_generate (const char *dir, const char *name, char *err, size_t errsize)
{
    char pub[KEYRING_Z85_LEN + 2], sec[KEYRING_Z85_LEN + 2];
    char pub_path[S_PATH_MAX], sec_path[S_PATH_MAX];
    if (s_path (pub_path, dir, name, ".pub", err, errsize) != 0
        || s_path (sec_path, dir, name, ".key", err, errsize) != 0)
        return -1;
    if (zmq_curve_keypair (pub, sec) != 0) {
        err_set (err, errsize, "cannot make a key pair: %s", zmq_strerror (errno));
        return -1;
    }
    strcat (pub, "\n");
    strcat (sec, "\n");
    int rc = -1;
    if (access (pub_path, F_OK) == 0) {
        err_set (err, errsize, "%s: already exists (kefuctl admin keys never overwrites a key)",
                 pub_path);
        goto cleanup;
    }
    if (s_write_new (sec_path, sec, 0600, err, errsize) != 0)
        goto cleanup;
    if (s_write_new (pub_path, pub, 0644, err, errsize) != 0) {
        unlink (sec_path);
        goto cleanup;
    }
    rc = 0;
cleanup:
    memset (sec, 0, sizeof sec);
    return rc;
}
