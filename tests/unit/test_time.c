/* Unit tests: time.c (UTC calendar arithmetic without the C library's time
 * zones): the ctime and RFC 3339 forms, parsing with every refusal, UTCTime
 * bounds, civil <-> epoch, weekdays. */
#include "time.h"
#include "unit.h"

static void test_format(void)
{
    char buf[32];
    dt_time_format_ctime(1733011199, buf);
    CHECK_STR(buf, "Sat Nov 30 23:59:59 2024", "ctime form (addbuiltin -d sample)");
    dt_time_format_ctime(0, buf);
    CHECK_STR(buf, "Thu Jan 01 00:00:00 1970", "epoch");
    dt_time_format_ctime(-631152000, buf);
    CHECK_STR(buf, "Sun Jan 01 00:00:00 1950", "before the epoch");
    dt_time_format_rfc3339(951782400, buf);
    CHECK_STR(buf, "2000-02-29T00:00:00Z", "leap day 2000");
    dt_time_format_rfc3339(-1, buf);
    CHECK_STR(buf, "1969-12-31T23:59:59Z", "one second before the epoch (floor, not truncation)");
    dt_time_format_ctime(253402300799, buf);
    CHECK_STR(buf, "Fri Dec 31 23:59:59 9999", "the last second of year 9999");
    dt_time_format_ctime(1733011199 - 86400 * 6, buf);
    CHECK_STR(buf, "Sun Nov 24 23:59:59 2024", "the day names go round (Sunday)");
}

static void test_parse(void)
{
    int64_t t = 0;
    bool frac = true;
    CHECK(dt_time_parse_rfc3339("2024-11-30T23:59:59Z", &t, &frac) == NULL && t == 1733011199 &&
              !frac,
          "parse Z (no fraction noticed)");
    CHECK(dt_time_parse_rfc3339("2024-12-01t00:59:59+01:00", &t, &frac) == NULL && t == 1733011199,
          "parse offset, lower-case t");
    CHECK(dt_time_parse_rfc3339("2024-11-30T23:29:59-00:30", &t, &frac) == NULL && t == 1733011199,
          "a negative offset is added");
    CHECK(dt_time_parse_rfc3339("2024-11-30T23:59:59z", &t, &frac) == NULL && t == 1733011199,
          "lower-case z");
    CHECK(dt_time_parse_rfc3339("2024-11-30T23:59:59.25Z", &t, &frac) == NULL && frac &&
              t == 1733011199,
          "fraction noticed, and dropped");
    t = 42;
    CHECK(dt_time_parse_rfc3339("2023-02-29T00:00:00Z", &t, &frac) != NULL && t == 42,
          "no Feb 29 2023 (and *t untouched)");
    CHECK(dt_time_parse_rfc3339("2024-11-30 23:59:59Z", &t, &frac) != NULL, "space refused");
    CHECK(dt_time_parse_rfc3339("2024-11-30T23:59:60Z", &t, &frac) != NULL, "leap second");
    CHECK(dt_time_parse_rfc3339("2024-11-30T23:59:59Zjunk", &t, &frac) != NULL, "junk after");

    static const struct {
        const char *in, *why;
    } bad[] = {
        {"2024-11-30T23:59:59", "missing time zone"},
        {"2024-11-30T23:59", "expected an RFC 3339 date-time"},
        {"", "expected an RFC 3339 date-time"},
        {"2024-11-30T23:59:59.Z", "fractional seconds need at least one digit"},
        {"2024-11-30T23:59:59+1:00", "bad time zone offset"},
        {"2024-11-30T23:59:59+24:00", "bad time zone offset"},
        {"2024-11-30T23:59:59+01:60", "bad time zone offset"},
        {"2024-11-30T23:59:59+0100", "bad time zone offset"},
        {"2024-11-30T23:59:59+01:00x", "unexpected characters after the time"},
        {"2024-11-30T24:00:00Z", "no such date or time"},
        {"2024-11-31T00:00:00Z", "no such date or time"},
        {"2024-00-10T00:00:00Z", "no such date or time"},
        {"2024-11-00T00:00:00Z", "no such date or time"},
        {"2024-11-30T23:60:00Z", "no such date or time"},
        {"2024/11/30T23:59:59Z", "expected an RFC 3339 date-time"},
        {"+024-11-30T23:59:59Z", "expected an RFC 3339 date-time"},
        {"2024-11-30T2a:59:59Z", "expected an RFC 3339 date-time"},
    };
    for (size_t i = 0; i < DT_ARRAY_LEN(bad); i++) {
        const char *why = dt_time_parse_rfc3339(bad[i].in, &t, &frac);
        CHECK(why && strstr(why, bad[i].why), "\"%s\" refused: %s", bad[i].in, bad[i].why);
    }
    CHECK(dt_time_parse_rfc3339("2024-11-30T23:59:59+23:59", &t, &frac) == NULL &&
              t == 1733011199 - 86340,
          "the largest offset, +23:59");

    CHECK(dt_time_parse_date_or_datetime("2024-02-29") == NULL, "plain date");
    CHECK(dt_time_parse_date_or_datetime("2024-13-01") != NULL, "month 13");
    CHECK(dt_time_parse_date_or_datetime("2023-02-29") != NULL, "a plain date that does not exist");
    CHECK(dt_time_parse_date_or_datetime("2024-02-2x") != NULL, "a plain date with a letter");
    CHECK(dt_time_parse_date_or_datetime("2024-02-29T12:00:00Z") == NULL,
          "a date-time is accepted too");
    CHECK(dt_time_parse_date_or_datetime("2024-02-29T12:00:00") != NULL,
          "and refused without its zone");
    CHECK(dt_time_parse_date_or_datetime("2024-2-29") != NULL, "a short date");
}

static void test_utctime(void)
{
    char utc[14];
    CHECK(dt_time_to_utctime(1733011199, utc) && !strcmp(utc, "241130235959Z"), "UTCTime");
    CHECK(!dt_time_to_utctime(2524608000, utc), "2050 not expressible");
    CHECK(dt_time_to_utctime(2524607999, utc) && !strcmp(utc, "491231235959Z"), "2049 ok");
    CHECK(!dt_time_to_utctime(-631152001, utc), "1949 not expressible");
    CHECK(dt_time_to_utctime(-631152000, utc) && !strcmp(utc, "500101000000Z"),
          "1950-01-01 is the first instant");
    CHECK(dt_time_to_utctime(0, utc) && !strcmp(utc, "700101000000Z") && utc[13] == '\0',
          "the epoch, terminated");
}

static void test_civil(void)
{
    /* Round trip over a range of days. */
    bool all = true;
    for (int64_t day = -30000; day < 60000; day += 37) {
        struct dt_civil c;
        dt_time_epoch_to_civil(day * 86400 + 3723, &c);
        if (dt_time_civil_to_epoch(&c) != day * 86400 + 3723 || !dt_time_civil_valid(&c))
            all = false;
    }
    CHECK(all, "civil <-> epoch round trip 1888..2134");
    struct dt_civil c;
    dt_time_epoch_to_civil(-1, &c);
    CHECK(c.year == 1969 && c.month == 12 && c.day == 31 && c.hour == 23 && c.min == 59 &&
              c.sec == 59,
          "epoch - 1 is 1969-12-31T23:59:59");
    dt_time_epoch_to_civil(4107542400, &c);
    CHECK(c.year == 2100 && c.month == 3 && c.day == 1,
          "2100 is not a leap year (Feb 28 -> Mar 1)");
    struct dt_civil feb29 = {2000, 2, 29, 0, 0, 0}, feb29_1900 = {1900, 2, 29, 0, 0, 0};
    CHECK(dt_time_civil_valid(&feb29) && !dt_time_civil_valid(&feb29_1900),
          "Feb 29: 2000 yes (400), 1900 no (100)");
    struct dt_civil bad[] = {{2024, 13, 1, 0, 0, 0}, {2024, 4, 31, 0, 0, 0}, {2024, 1, 1, 24, 0, 0},
                             {2024, 1, 1, 0, 60, 0}, {2024, 1, 1, 0, 0, 60}, {2024, 1, 0, 0, 0, 0},
                             {2024, 1, 1, -1, 0, 0}};
    size_t refused = 0;
    for (size_t i = 0; i < DT_ARRAY_LEN(bad); i++)
        refused += !dt_time_civil_valid(&bad[i]);
    CHECK(refused == DT_ARRAY_LEN(bad), "out-of-range fields refused (%zu of %zu)", refused,
          DT_ARRAY_LEN(bad));
    struct dt_civil end = {2024, 12, 31, 23, 59, 59};
    CHECK(dt_time_civil_valid(&end), "baseline: the last second of a year is valid");
    CHECK(dt_time_weekday(0) == 4 && dt_time_weekday(1733011199) == 6 && dt_time_weekday(-1) == 3 &&
              dt_time_weekday(-86400 * 4) == 0,
          "weekdays: Thursday 1970, Saturday 2024-11-30, Wednesday before, Sunday 1969-12-28");
}

int main(void)
{
    test_format();
    test_parse();
    test_utctime();
    test_civil();
    return unit_done();
}
