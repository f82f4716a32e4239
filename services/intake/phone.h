/*  phone — a phone number from outside (a phone system, the console's
 *  look-up), checked and brought to the form intake compares: the digits
 *  and a leading + without the spaces and dashes people type. It is the
 *  form ticket.submit stores (tickets.c, itk_normalise_phone) and the one
 *  ref.customers.phone_key computes for every customer (migration 0042),
 *  so a number written "0512-6600 1234" finds the customer loaded as
 *  "051266001234".
 *
 *  A phone number is customer data: the error messages never quote it.
 */
#ifndef KEFU_INTAKE_PHONE_H
#define KEFU_INTAKE_PHONE_H

#include <stddef.h>

/*  Most characters a phone number may have as typed, and its key's size. */
#define IPH_MAX_TEXT 32
#define IPH_KEY_SIZE (IPH_MAX_TEXT + 1)
/*  Fewest digits a number has. */
#define IPH_MIN_DIGITS 3

/*  Checks `text` (1..32 characters of digits, spaces and dashes, with one
 *  + only in front, at least 3 digits) and writes its key into key
 *  (IPH_KEY_SIZE bytes). Returns 0, or -1 with "<path>: what was wrong
 *  (what was expected)" in err. */
int iph_parse (const char *path, const char *text, char *key, size_t keysize, char *err, size_t errsize);

#endif
