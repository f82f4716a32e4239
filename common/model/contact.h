/*  contact — how a customer's phone number and address are shown to whom
 *  is not the full value (docs/security.md, "Customer data"): lists and
 *  anyone but staff of the customer's branch see them masked.
 */
#ifndef KEFU_CONTACT_H
#define KEFU_CONTACT_H

#include <stddef.h>

/*  "13812345678" → "138****5678": the first 3 and the last 4 digits kept
 *  (a shorter number keeps its last 2). Returns out. */
char *contact_mask_phone (const char *phone, char *out, size_t size);

/*  "上海市徐汇区漕溪北路88号3栋1201室" → "上海市徐汇区****": the first 6
 *  characters (whole UTF-8 characters) kept. Returns out. */
char *contact_mask_address (const char *address, char *out, size_t size);

#endif
