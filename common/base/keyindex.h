/*  keyindex — finds a string among strings the caller keeps in an array,
 *  in constant time: an open-addressing hash index (FNV-1a, linear
 *  probing, kept at most half full) of positions in that array. A YAML
 *  mapping's keys use it, so that loading a mapping of n keys, with its
 *  duplicate check, and looking keys up cost O(n), not O(n²).
 *
 *      keyindex_t ix = { 0 };
 *      keys[n] = key;  keyindex_add (&ix, keys, n);  n++;
 *      ptrdiff_t at = keyindex_find (&ix, keys, "name");
 *      keyindex_free (&ix);
 */
#ifndef KEFU_KEYINDEX_H
#define KEFU_KEYINDEX_H

#include <stddef.h>

typedef struct {
    size_t *slots;  /* 1 + position in the keys array, or 0 (empty) */
    size_t n_slots; /* 0, or a power of two at least twice the keys entered */
} keyindex_t;

/*  The position of key in keys, or -1 when it was never entered. */
ptrdiff_t keyindex_find (const keyindex_t *self, char *const *keys, const char *key);

/*  Enters keys[at] (already stored; positions are entered in order 0, 1,
 *  …), growing the index first when it would be more than half full.
 *  Returns 0, or -1 when memory ran out (the index is unchanged). */
int keyindex_add (keyindex_t *self, char *const *keys, size_t at);

/*  Frees the index (not the keys); it is empty again afterwards. */
void keyindex_free (keyindex_t *self);

#endif
