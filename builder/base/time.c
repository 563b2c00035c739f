/*
 * timeutil.c - UTC calendar arithmetic (days-from-civil, after Howard
 * Hinnant's public-domain algorithm description).
 */
#include "time.h"

#include <stdio.h>
#include <string.h>

static const char *const wday_names[7] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
static const char *const mon_names[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

int64_t dt_time_civil_to_epoch(const struct dt_civil *c)
{
    return days_from_civil(c->year, c->month, c->day) * 86400 + (int64_t)c->hour * 3600 +
           (int64_t)c->min * 60 + c->sec;
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if ((a % b) != 0 && ((a < 0) != (b < 0)))
        q--;
    return q;
}

void dt_time_epoch_to_civil(int64_t t, struct dt_civil *c)
{
    int64_t days = floor_div(t, 86400);
    int64_t rem = t - days * 86400;
    int64_t y;
    civil_from_days(days, &y, &c->month, &c->day);
    c->year = (int)y;
    c->hour = (int)(rem / 3600);
    c->min = (int)(rem % 3600 / 60);
    c->sec = (int)(rem % 60);
}

int dt_time_weekday(int64_t t)
{
    int64_t days = floor_div(t, 86400);
    int64_t w = (days + 4) % 7; /* 1970-01-01 was a Thursday */
    return (int)(w < 0 ? w + 7 : w);
}

static bool is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

bool dt_time_civil_valid(const struct dt_civil *c)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (c->month < 1 || c->month > 12 || c->day < 1)
        return false;
    int md = mdays[c->month - 1] + (c->month == 2 && is_leap(c->year));
    return c->day <= md && c->hour >= 0 && c->hour <= 23 && c->min >= 0 && c->min <= 59 &&
           c->sec >= 0 && c->sec <= 59;
}

void dt_time_format_ctime(int64_t t, char buf[32])
{
    struct dt_civil c;
    dt_time_epoch_to_civil(t, &c);
    snprintf(buf, 32, "%s %s %02d %02d:%02d:%02d %04d", wday_names[dt_time_weekday(t)],
             mon_names[c.month - 1], c.day, c.hour, c.min, c.sec, c.year);
}

void dt_time_format_rfc3339(int64_t t, char buf[32])
{
    struct dt_civil c;
    dt_time_epoch_to_civil(t, &c);
    snprintf(buf, 32, "%04d-%02d-%02dT%02d:%02d:%02dZ", c.year, c.month, c.day, c.hour, c.min,
             c.sec);
}

static bool digits(const char *s, int n, int *v)
{
    int x = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        x = x * 10 + (s[i] - '0');
    }
    *v = x;
    return true;
}

static const char *parse_date(const char *s, struct dt_civil *c)
{
    if (!digits(s, 4, &c->year) || s[4] != '-' || !digits(s + 5, 2, &c->month) || s[7] != '-' ||
        !digits(s + 8, 2, &c->day))
        return "expected a date as YYYY-MM-DD";
    return NULL;
}

const char *dt_time_parse_rfc3339(const char *s, int64_t *t, bool *frac)
{
    struct dt_civil c = {0, 0, 0, 0, 0, 0};
    *frac = false;
    if (strlen(s) < 19)
        return "expected an RFC 3339 date-time such as 2024-11-30T23:59:59Z";
    const char *why = parse_date(s, &c);
    if (why)
        return "expected an RFC 3339 date-time such as 2024-11-30T23:59:59Z";
    if ((s[10] != 'T' && s[10] != 't') || !digits(s + 11, 2, &c.hour) || s[13] != ':' ||
        !digits(s + 14, 2, &c.min) || s[16] != ':' || !digits(s + 17, 2, &c.sec))
        return "expected an RFC 3339 date-time such as 2024-11-30T23:59:59Z";
    const char *p = s + 19;
    if (*p == '.') {
        p++;
        if (*p < '0' || *p > '9')
            return "fractional seconds need at least one digit";
        while (*p >= '0' && *p <= '9')
            p++;
        *frac = true;
    }
    int off = 0;
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int oh, om;
        if (!digits(p + 1, 2, &oh) || p[3] != ':' || !digits(p + 4, 2, &om) || oh > 23 || om > 59)
            return "bad time zone offset (expected Z or +hh:mm)";
        off = (oh * 60 + om) * 60 * (*p == '-' ? -1 : 1);
        p += 6;
    } else {
        return "missing time zone (end the time with Z or an offset such as +01:00)";
    }
    if (*p)
        return "unexpected characters after the time";
    if (c.sec == 60)
        return "leap seconds are not supported";
    if (!dt_time_civil_valid(&c))
        return "no such date or time";
    *t = dt_time_civil_to_epoch(&c) - off;
    return NULL;
}

const char *dt_time_parse_date_or_datetime(const char *s)
{
    struct dt_civil c = {0, 0, 0, 0, 0, 0};
    if (strlen(s) == 10) {
        if (parse_date(s, &c) || !dt_time_civil_valid(&c))
            return "expected a date (YYYY-MM-DD) or an RFC 3339 date-time";
        return NULL;
    }
    int64_t t;
    bool frac;
    return dt_time_parse_rfc3339(s, &t, &frac);
}

bool dt_time_to_utctime(int64_t t, char out[14])
{
    struct dt_civil c;
    dt_time_epoch_to_civil(t, &c);
    if (c.year < 1950 || c.year > 2049)
        return false;
    char tmp[64];
    snprintf(tmp, sizeof(tmp), "%02d%02d%02d%02d%02d%02dZ", c.year % 100, c.month, c.day, c.hour,
             c.min, c.sec);
    memcpy(out, tmp, 13);
    out[13] = '\0';
    return true;
}
