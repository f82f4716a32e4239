/*  warranty — see warranty.h. */
#include "model/warranty.h"

#include <string.h>

#include "time/tz.h"

#define WARRANTY_MONTHS_MAX 1200

static const char *const s_names[WARRANTY_REASON_COUNT] = {
    [WARRANTY_COVERED] = "covered",
    [WARRANTY_NO_CARD] = "no_card",
    [WARRANTY_NOT_AUTHORISED_INSTALL] = "not_authorised_install",
    [WARRANTY_MISUSE] = "misuse",
    [WARRANTY_UNAUTHORISED_MAINTENANCE] = "unauthorised_maintenance",
    [WARRANTY_FORCE_MAJEURE] = "force_majeure",
    [WARRANTY_NO_START] = "no_start",
    [WARRANTY_EXPIRED] = "expired",
};

static bool s_leap (int year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static int s_days_in_month (int year, int month)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return month == 2 && s_leap (year) ? 29 : days[month - 1];
}

int32_t warranty_last_day (int32_t start_day, int months)
{
    if (start_day == WARRANTY_NO_DATE || months < 0 || months > WARRANTY_MONTHS_MAX)
        return WARRANTY_NO_DATE;
    int year, month, day;
    tz_civil_from_days (start_day, &year, &month, &day);
    int index = month - 1 + months;
    year += index / 12;
    month = index % 12 + 1;
    int last = s_days_in_month (year, month);
    /* no such day in that month: the period ends on the month's last day */
    int64_t end =
        day > last ? tz_days_from_civil (year, month, last) : tz_days_from_civil (year, month, day) - 1;
    return (int32_t) end;
}

warranty_reason_t warranty_decide (const warranty_facts_t *f)
{
    if (!f->has_card)
        return WARRANTY_NO_CARD;
    if (f->installed_by_unauthorised)
        return WARRANTY_NOT_AUTHORISED_INSTALL;
    if (f->misuse_confirmed)
        return WARRANTY_MISUSE;
    if (f->unauthorised_maintenance)
        return WARRANTY_UNAUTHORISED_MAINTENANCE;
    if (f->force_majeure_confirmed)
        return WARRANTY_FORCE_MAJEURE;
    int32_t start = f->basis == WARRANTY_FROM_INSTALLATION ? f->install_day : f->purchase_day;
    if (start == WARRANTY_NO_DATE)
        return WARRANTY_NO_START;
    int32_t last = warranty_last_day (start, f->months);
    if (last == WARRANTY_NO_DATE || f->service_day == WARRANTY_NO_DATE || f->service_day > last)
        return WARRANTY_EXPIRED;
    return WARRANTY_COVERED;
}

const char *warranty_reason_name (warranty_reason_t reason)
{
    return (int) reason >= 0 && reason < WARRANTY_REASON_COUNT ? s_names[reason] : NULL;
}

int warranty_basis_parse (const char *name, warranty_basis_t *out)
{
    if (name && strcmp (name, "purchase") == 0)
        *out = WARRANTY_FROM_PURCHASE;
    else if (name && strcmp (name, "installation") == 0)
        *out = WARRANTY_FROM_INSTALLATION;
    else
        return -1;
    return 0;
}
