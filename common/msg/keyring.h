/*  keyring — the CurveZMQ keys of one process (docs/messaging.md "Keys").
 *
 *  A service instance has a key pair: its secret key in <service>.key (the
 *  40 Z85 characters of zmq_curve_keypair, one line), readable only by the
 *  service's user, and its public key in <service>.pub. The keys a bus
 *  socket accepts are the ones the operator installed in the keys
 *  directory (messaging.keys_dir): <service>.pub for each of the six
 *  services, one Z85 key a line (several while a key is being rotated, or
 *  for instances on several hosts; blank lines and "# comments" ignored),
 *  and clients.pub, the client keys the CURVE request endpoints accept
 *  (services.<name>.api_curve). A key published in the database
 *  (<service>.endpoints.public_key) is trusted only when it is also here.
 *
 *  The keyring is read once at start and never changes, so the ZAP thread
 *  (zap.h) reads it without locks. Secret keys are never logged.
 */
#ifndef KEFU_KEYRING_H
#define KEFU_KEYRING_H

#include <stdbool.h>
#include <stddef.h>

#define KEYRING_Z85_LEN 40 /* a 32-byte key in Z85 */
#define KEYRING_CLIENT "client" /* the owner of a key from clients.pub */

typedef struct keyring_s keyring_t;

/*  The keys of one service instance: its secret key from
 *  $CREDENTIALS_DIRECTORY/<service>.key when that variable is set (systemd
 *  LoadCredential=), else <dir>/<service>.key; and the installed public
 *  keys of every service and client from dir (a missing .pub file: no key
 *  for that name). Refuses a secret key that is not a regular file, not
 *  owned by the running user, or open to group or others, naming the path.
 *  Returns NULL with the reason in err. */
keyring_t *keyring_load (const char *dir, const char *service, char *err, size_t errsize);

/*  The key pair of a client (kefuctl) from the secret key file at path,
 *  checked as above; it trusts no one (a client names its server's key).
 *  Returns NULL with the reason in err. */
keyring_t *keyring_load_client (const char *path, char *err, size_t errsize);

void keyring_destroy (keyring_t **self_p);

/*  This process's public key, Z85 (borrowed). */
const char *keyring_public (const keyring_t *self);
/*  This process's secret key, Z85 (borrowed). Never log it. */
const char *keyring_secret (const keyring_t *self);

/*  Whose installed key z85 is: a service name, KEYRING_CLIENT, or NULL
 *  when the operator installed it for no one. */
const char *keyring_owner (const keyring_t *self, const char *z85);

/*  Whether z85 is one of the keys installed for service. */
bool keyring_trusts (const keyring_t *self, const char *service, const char *z85);

/*  How many keys are installed for name (a service or KEYRING_CLIENT). */
int keyring_count (const keyring_t *self, const char *name);

/*  Reads the only public key of a .pub file into out (KEYRING_Z85_LEN + 1
 *  bytes). Returns 0, or -1 with the reason in err (no key, or more than
 *  one: the caller must say which). */
int keyring_read_public (const char *path, char *out, char *err, size_t errsize);

/*  A new key pair for name in dir: <dir>/<name>.key (mode 0600) and
 *  <dir>/<name>.pub (0644). Refuses to overwrite either. Returns 0, or -1
 *  with the reason (naming the path) in err. */
int keyring_generate (const char *dir, const char *name, char *err, size_t errsize);

/*  Whether text is 40 characters of valid Z85. */
bool keyring_z85_valid (const char *text);

#endif
