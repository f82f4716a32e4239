/*  cb_rest — rest hours: the times of day a customer must not be called
 *  (docs/callback.md "Rest hours"). A set is up to CBR_MAX_WINDOWS windows
 *  of local wall time written "HH:MM-HH:MM"; a window that runs past
 *  midnight says so with "+1" on its end ("20:00-09:00+1"), so that an end
 *  before its start without "+1" can be refused as inverted instead of
 *  guessed at. Windows may not overlap (touching is fine) and may not
 *  cover the whole day.
 *
 *  Text form (kefu.yaml, requests, kefuctl): windows separated by commas,
 *  "12:00-14:00,20:00-09:00+1"; "" or "none" is the empty set (call any
 *  time the branch is open). Pure logic, no database: tests/unit covers it.
 *
 *  Implemented in callback_config.c: the Makefile compiles a service's
 *  <name>_config.c into libkefu.a, and the section's check (which kefuctl
 *  admin check-config runs too) parses rest hours, so the parser lives there.
 */
#ifndef KEFU_CB_REST_H
#define KEFU_CB_REST_H

#include <stdbool.h>
#include <stddef.h>

#define CBR_MAX_WINDOWS 4
/*  Longest text form cbr_format writes (4 windows of "HH:MM-HH:MM+1,"). */
#define CBR_TEXT_MAX 64

typedef struct {
    int start_min; /* minute of the day it starts, 0..1439 */
    int end_min;   /* minute it ends, 1..1440; before start_min: the next day */
} cbr_window_t;

typedef struct {
    cbr_window_t w[CBR_MAX_WINDOWS];
    int n;
} cbr_set_t;

/*  Parses one window "HH:MM-HH:MM" or "HH:MM-HH:MM+1". Returns 0, or -1
 *  with the reason in err ("\"14:00-12:00\": inverted (ends before it
 *  starts; a window past midnight ends in +1, e.g. 20:00-09:00+1)"). */
int cbr_window_parse (const char *text, cbr_window_t *out, char *err, size_t errsize);

/*  Parses the text form into *out, checking each window and the set
 *  (overlaps, the whole day covered). Returns 0, or -1 with the reason in
 *  err naming the window. out is untouched on failure. */
int cbr_parse (const char *text, cbr_set_t *out, char *err, size_t errsize);

/*  Adds a parsed window to a set after the same checks. Returns 0 or -1. */
int cbr_add (cbr_set_t *set, const cbr_window_t *w, const char *text, char *err, size_t errsize);

/*  True when local minute-of-day `minute` (0..1439) falls in a window;
 *  then *minutes_left (may be NULL) is how long until that window ends. */
bool cbr_resting (const cbr_set_t *set, int minute, int *minutes_left);

/*  The text form of a set ("none" when empty) in out (CBR_TEXT_MAX bytes
 *  suffice). Returns out. */
char *cbr_format (const cbr_set_t *set, char *out, size_t size);

#endif
