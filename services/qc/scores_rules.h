/*  scores_rules — the scores file (qc.scores_file, docs/scores.md
 *  "Configuration"): what a month's score is made of.
 *
 *    threshold: 85                 a month scored at or below it counts 0 in
 *                                  the quarterly average (billing's reward)
 *    agents:
 *      sample_percent: 10          share of each agent's tickets sampled a month
 *      complaint_points: 2         deducted per complaint naming the agent
 *      form: [{item, weight}]      the call-handling form; weights sum to 100
 *    technicians: {PART: WEIGHT}   the measured parts of a technician's score
 *    providers:   {PART: WEIGHT}   and of a service provider's; each sums to 100
 *    events: [{code, points, name}] the standard of recorded events: a
 *                                  deduction (points < 0) or a bonus (> 0)
 *
 *  The parts are first_pass, arrival_sla, callback_satisfaction,
 *  complaint_handling and regional_assessment; a part left out weighs 0.
 *  Points are kept in hundredths of a point (centipoints), so every sum is
 *  exact. The file is validated completely; the first problem is reported
 *  as "file:line: key: reason".
 */
#ifndef KEFU_QC_SCORES_RULES_H
#define KEFU_QC_SCORES_RULES_H

#include <stddef.h>
#include <stdint.h>

#define SR_NAME_MAX 64
#define SR_MAX_FORM_ITEMS 32
#define SR_MAX_EVENTS 64

typedef enum {
    SR_FIRST_PASS = 0,
    SR_ARRIVAL_SLA,
    SR_CALLBACK_SATISFACTION,
    SR_COMPLAINT_HANDLING,
    SR_REGIONAL_ASSESSMENT,
    SR_PART_COUNT
} sr_part_t;

/*  "first_pass", …; NULL past the end. */
extern const char *const sr_part_names[];

typedef struct {
    char *item;
    int weight; /* whole points; the items' weights sum to 100 */
} sr_form_item_t;

typedef struct {
    char *code;
    char *name;     /* what it is called in the report (may be NULL) */
    int64_t points; /* centipoints: < 0 a deduction, > 0 a bonus */
} sr_event_t;

typedef struct {
    int threshold;          /* whole points, 0..100 */
    int sample_percent;     /* 1..100 */
    int64_t complaint_cp;   /* centipoints deducted per complaint naming an agent */
    sr_form_item_t form[SR_MAX_FORM_ITEMS];
    int n_form;
    int technician[SR_PART_COUNT]; /* weights, sum 100 */
    int provider[SR_PART_COUNT];
    sr_event_t events[SR_MAX_EVENTS];
    int n_events;
} sr_rules_t;

/*  Loads and validates the file. Returns the rules (caller destroys) or
 *  NULL with "file:line: key: reason" in err. */
sr_rules_t *sr_load_file (const char *path, char *err, size_t errsize);
/*  The same from text; name stands for the file in errors (tests, fuzzing). */
sr_rules_t *sr_load_string (const char *name, const char *text, char *err, size_t errsize);
void sr_destroy (sr_rules_t **self_p);

/*  The event of the standard called code, or NULL. Borrowed. */
const sr_event_t *sr_event (const sr_rules_t *self, const char *code);
/*  The form item's index, or -1. */
int sr_form_index (const sr_rules_t *self, const char *item);

/*  Parses a number of points with at most two decimals ("-2", "1.5",
 *  "0.25") into centipoints. Returns 0, or -1 when it is no such number or
 *  its magnitude passes max_points. */
int sr_parse_points (const char *text, int max_points, int64_t *cp);

#endif
