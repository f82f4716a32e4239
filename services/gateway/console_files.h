/*  console_files — the web console's static files (services/gateway/console/),
 *  served as they are: no build step. /console/assets/<file> is that file;
 *  every other /console/ path is the console's one page (index.html), whose
 *  script draws the screen the path names; / and /console go to /console/.
 */
#ifndef KEFU_GATEWAY_CONSOLE_FILES_H
#define KEFU_GATEWAY_CONSOLE_FILES_H

#include <stdbool.h>

#include "exchange.h"

#define GW_CONSOLE_ROUTE "/console"

/*  True when req's path is the console's ("/", "/console", "/console/…");
 *  then resp holds its answer, from the files under dir. */
bool gw_console_answer (const char *dir, const gw_request_t *req, gw_response_t *resp);

/*  The content type of a file name by its extension, or NULL for a kind the
 *  console does not serve. */
const char *gw_console_type (const char *name);

#endif
