/*  provider_rules — the providers file (billing.providers_file, default
 *  deploy/demo/providers.yaml; docs/providers.md "The providers file"):
 *  how a provider's quarter is judged.
 *
 *    threshold: 85                a month scored at or below it counts 0 in the
 *                                 quarter's average (points, two decimals at most)
 *    grades:                      bands of the quarter's average: at or above
 *      - {grade: A, min: 95, coefficient: 1.2}    min the grade applies; one band
 *      - …                                         must start at 0
 *      - {grade: E, min: 0, coefficient: 0}
 *    eligibility:                 what a provider must meet to earn a reward at all
 *      callback_satisfaction_min: 80   percent of the quarter's recorded callbacks
 *                                      answered satisfied (omit: not a rule)
 *      no_media_exposure: true         no media-exposure incident in the year so far
 *    fraud_factor: 10             a fraud finding is fined this many times the
 *                                 amount involved (1..1000)
 *
 *  Points are kept in hundredths (92.5 → 9250), coefficients in
 *  thousandths (1.2 → 1200), percentages in hundredths (80 → 8000). The
 *  file is validated completely; the first problem is reported as
 *  "file:line: key: reason".
 */
#ifndef KEFU_BILLING_PROVIDER_RULES_H
#define KEFU_BILLING_PROVIDER_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "grade.h"

#define PR_MAX_GRADES 16

typedef struct {
    int32_t threshold;                  /* hundredths of a point, 0..10000 */
    grade_band_t grades[PR_MAX_GRADES]; /* in the file's order */
    int n_grades;
    bool satisfaction_rule;             /* callback_satisfaction_min given */
    int32_t satisfaction_min;           /* hundredths of a percent, 0..10000 */
    bool no_media_exposure;
    int32_t fraud_factor;               /* 1..1000 */
} pr_rules_t;

/*  Loads and validates the file. Returns the rules (caller destroys) or
 *  NULL with "file:line: key: reason" in err. */
pr_rules_t *pr_load_file (const char *path, char *err, size_t errsize);
/*  The same from text; name stands for the file in errors (tests, fuzzing). */
pr_rules_t *pr_load_string (const char *name, const char *text, char *err, size_t errsize);
void pr_destroy (pr_rules_t **self_p);

/*  Parses a non-negative decimal with at most `digits` decimals into
 *  units of 10^-digits ("1.2", 3 → 1200; "92.5", 2 → 9250). Returns 0, or
 *  -1 when it is no such number or it passes max (in those units). */
int pr_parse_decimal (const char *text, int digits, int64_t max, int64_t *out);

#endif
