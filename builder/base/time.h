/*
 * timeutil.h - calendar arithmetic in UTC without the C library's time zone
 * and locale machinery, so output never depends on TZ or LC_TIME.
 */
#ifndef DT_TIMEUTIL_H
#define DT_TIMEUTIL_H

#include "common.h"

struct dt_civil {
    int year, month, day, hour, min, sec; /* month 1..12, day 1..31 */
};

/* Seconds since 1970-01-01T00:00:00Z for a civil UTC time (proleptic
 * Gregorian; no leap seconds). Fields are not range-checked here. */
int64_t dt_time_civil_to_epoch(const struct dt_civil *c);
void dt_time_epoch_to_civil(int64_t t, struct dt_civil *c);
/* Day of week, 0 = Sunday. */
int dt_time_weekday(int64_t t);
/* True if the fields form a real date and time (sec 0..59). */
bool dt_time_civil_valid(const struct dt_civil *c);

/* "Sat Nov 30 23:59:59 2024" - the form nss-addbuiltin and certdata.txt
 * comments use. buf must hold 32 bytes. */
void dt_time_format_ctime(int64_t t, char buf[32]);
/* "2024-11-30T23:59:59Z". buf must hold 32 bytes. */
void dt_time_format_rfc3339(int64_t t, char buf[32]);

/* Parses an RFC 3339 date-time ("2024-11-30T23:59:59Z", offsets "+01:00",
 * lower-case t/z accepted). *frac is set when fractional seconds were given
 * (they are dropped). NULL on success, else a reason. */
const char *dt_time_parse_rfc3339(const char *s, int64_t *t, bool *frac);
/* Accepts a full RFC 3339 date-time or a plain date "2024-11-30". */
const char *dt_time_parse_date_or_datetime(const char *s);

/* 13-byte UTCTime "YYMMDDHHMMSSZ" (plus NUL) for 1950 <= year <= 2049.
 * Returns false outside that range. */
bool dt_time_to_utctime(int64_t t, char out[14]);

#endif
