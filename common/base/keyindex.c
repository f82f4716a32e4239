/*  keyindex — see keyindex.h. */
#include "keyindex.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static size_t s_hash (const char *key)
{
    uint64_t h = 14695981039346656037ULL; /* FNV-1a */
    for (const unsigned char *p = (const unsigned char *) key; *p; p++)
        h = (h ^ *p) * 1099511628211ULL;
    return (size_t) h;
}

ptrdiff_t keyindex_find (const keyindex_t *self, char *const *keys, const char *key)
{
    assert (self && key);
    if (self->n_slots == 0)
        return -1;
    size_t mask = self->n_slots - 1;
    for (size_t at = s_hash (key) & mask;; at = (at + 1) & mask) {
        size_t slot = self->slots[at];
        if (slot == 0)
            return -1;
        if (strcmp (keys[slot - 1], key) == 0)
            return (ptrdiff_t) (slot - 1);
    }
}

static void s_put (size_t *slots, size_t n_slots, const char *key, size_t at)
{
    size_t mask = n_slots - 1, i = s_hash (key) & mask;
    while (slots[i] != 0)
        i = (i + 1) & mask;
    slots[i] = at + 1;
}

int keyindex_add (keyindex_t *self, char *const *keys, size_t at)
{
    assert (self && keys && keys[at]);
    if (2 * (at + 1) > self->n_slots) {
        size_t n_slots = self->n_slots ? self->n_slots * 2 : 16;
        size_t *slots = calloc (n_slots, sizeof *slots);
        if (!slots)
            return -1;
        for (size_t i = 0; i < at; i++)
            s_put (slots, n_slots, keys[i], i);
        free (self->slots);
        self->slots = slots;
        self->n_slots = n_slots;
    }
    s_put (self->slots, self->n_slots, keys[at], at);
    return 0;
}

void keyindex_free (keyindex_t *self)
{
    assert (self);
    free (self->slots);
    *self = (keyindex_t) { 0 };
}
