-- week_start / iso_week: the contract of ext/time.c, case by case.
-- 2026-07-16 is a Thursday: its week starts Monday 2026-07-13 (Sunday 07-12).
SELECT week_start('2026-07-16T10:00:00Z'), week_start('2026-07-16', 'sunday'), iso_week('2026-07-16');
-- default first_day is monday; 'MONDAY' / 'Sunday' are case-insensitive
SELECT week_start('2026-07-16', 'MONDAY'), week_start('2026-07-16', 'Sunday');
-- a Monday starts its own week; a Sunday is the last day of a Monday week
SELECT week_start('2026-07-13'), week_start('2026-07-19'), week_start('2026-07-19', 'sunday');
-- offsets move the instant to UTC: 00:30+01:00 on Monday is Sunday 23:30 UTC
SELECT week_start('2026-07-13T00:30:00+01:00'), week_start('2026-07-12T23:30:00-01:00');
-- compact and hours-only offsets, lower-case t and z, space separator, no seconds
SELECT week_start('2026-07-13T00:30+0100'), week_start('2026-07-13t00:30:00-02'), week_start('2026-07-13 00:00z');
-- fractional seconds never round into the next day
SELECT week_start('2026-07-12T23:59:59.9999999Z'), week_start('2026-07-12T23:59:59.999999999999Z');
-- unix seconds: integer, real, numeric text; 1700000000 = 2023-11-14T22:13:20Z (Tuesday)
SELECT week_start(1700000000), week_start(1700000000.75), week_start('1700000000'), iso_week(1700000000);
-- before 1970: -1 is 1969-12-31 (Wednesday)
SELECT week_start(-1), week_start(-0.5), iso_week(-1);
-- ISO week-year at year boundaries
SELECT iso_week('2027-01-01'), iso_week('2024-12-30'), iso_week('2021-01-03'), iso_week('2020-12-31'), iso_week('2026-12-28');
SELECT week_start('2027-01-01'), week_start('2025-01-01'), week_start('2025-01-01', 'sunday');
-- the ends of the supported range
SELECT week_start('0001-01-01'), iso_week('0001-01-01'), week_start('0001-01-01', 'sunday'), iso_week('9999-12-31T23:59:59Z');
-- NULL in, NULL out
SELECT week_start(NULL), week_start(NULL, 'sunday'), iso_week(NULL);
-- errors name the value
SELECT week_start('2026-13-01');
SELECT iso_week('2026-02-29');
SELECT week_start('yesterday');
SELECT week_start('2026-07-16T25:00:00Z');
SELECT week_start(x'00');
SELECT week_start(1700000000123456789);
SELECT week_start('2026-07-16', 'friday');
SELECT week_start('2026-07-16', NULL);
