/*  ops_addr — the address of an operator's listener (services.<name>.metrics,
 *  services.<name>.health): "host:port" or "[v6]:port", port 0..65535
 *  (0: any free port, logged when bound), or "off" for no listener.
 */
#ifndef KEFU_OPS_ADDR_H
#define KEFU_OPS_ADDR_H

#include <stdbool.h>
#include <stddef.h>

#define OPS_ADDR_MAX 300
#define OPS_OFF "off"

/*  Whether text says no listener ("off"). */
bool ops_addr_off (const char *text);

/*  Splits text into host (no brackets) and port 0..65535: the one reading of
 *  "host:port" (the gateway's `http` uses it too). Returns 0, or
 *  OPS_ADDR_BAD_FORM (not host:port, or host over hostsize), or
 *  OPS_ADDR_BAD_HOST (host then holds the host that is not one). */
enum { OPS_ADDR_BAD_FORM = -1, OPS_ADDR_BAD_HOST = -2 };
int ops_addr_split (const char *text, char *host, size_t hostsize, int *port);

/*  Splits text into host (no brackets) and port. Returns 0, or -1 with
 *  "what is wrong" in err (no more than the text's first 60 bytes quoted). */
int ops_addr_parse (const char *text, char *host, size_t hostsize, int *port, char *err, size_t errsize);

/*  The default health address of a service: 127.0.0.1:7191 (intake) …
 *  7197 (gateway); NULL for an unknown name. */
const char *ops_default_health (const char *service);

#endif
