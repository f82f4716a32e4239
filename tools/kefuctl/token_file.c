/*  token_file — where kefuctl finds the caller's token (docs/security.md,
 *  "kefuctl's token"): $KEFU_TOKEN, else the file $KEFU_TOKEN_FILE, else
 *  ~/.config/kefu/token when it exists. A token file must be a regular
 *  file of the user's own that nobody else may read or write (mode 0600 or
 *  0400): anything looser is refused, naming the path, before a request is
 *  sent.
 */
#include "token_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "auth/token.h"

/*  Reads the first line of the file at path into out. */
static int s_read (const char *cmd, const char *path, char *out, size_t size, bool must_exist)
{
    int fd = open (path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        if (!must_exist && errno == ENOENT)
            return 0;
        fprintf (stderr, "kefuctl %s: token file %s: %s\n", cmd, path, strerror (errno));
        return -1;
    }
    struct stat st;
    if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode) || st.st_uid != geteuid ()
        || (st.st_mode & (S_IRWXG | S_IRWXO))) {
        fprintf (stderr,
                 "kefuctl %s: token file %s: must be a file of yours that only you can read "
                 "(chmod 600 %s)\n",
                 cmd, path, path);
        close (fd);
        return -1;
    }
    char buf[256];
    ssize_t n = read (fd, buf, sizeof buf - 1);
    close (fd);
    if (n < 0) {
        fprintf (stderr, "kefuctl %s: token file %s: %s\n", cmd, path, strerror (errno));
        return -1;
    }
    buf[n] = '\0';
    buf[strcspn (buf, "\r\n")] = '\0';
    snprintf (out, size, "%s", buf);
    memset (buf, 0, sizeof buf);
    return 0;
}

int token_file_load (const char *cmd, char *out, size_t size)
{
    out[0] = '\0';
    const char *env = getenv ("KEFU_TOKEN");
    const char *file = getenv ("KEFU_TOKEN_FILE");
    int rc = 0;
    if (env && *env)
        snprintf (out, size, "%s", env);
    else if (file && *file)
        rc = s_read (cmd, file, out, size, true);
    else if (getenv ("HOME")) {
        char path[4096];
        snprintf (path, sizeof path, "%s/.config/kefu/token", getenv ("HOME"));
        rc = s_read (cmd, path, out, size, false);
    }
    if (rc != 0 || !out[0])
        return rc;
    char hash[TOKEN_HASH_HEX], err[256];
    if (token_parse (out, strlen (out), hash, err, sizeof err) != 0) {
        fprintf (stderr, "kefuctl %s: %s (from %s)\n", cmd, err,
                 env && *env ? "KEFU_TOKEN" : "the token file");
        out[0] = '\0';
        return -1;
    }
    return 0;
}
