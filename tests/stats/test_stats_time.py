"""week_start() and iso_week() against Python's datetime.

The oracle builds each instant from its parts with datetime (never parsing
our text), converts it to UTC and takes date.weekday() / date.isocalendar().
Inputs: every day from Dec 25 to Jan 7 of 1990-2040 at several times of day,
written as ISO text with Z, with ±hh:mm / ±hhmm / ±hh offsets (which move
the UTC day across week and year boundaries), fractional seconds, a space
separator, no zone, date only, and as unix seconds (INTEGER, REAL, text).
Plus the extremes of the supported range and exact error messages.
"""
import datetime as dt
import random
import sqlite3
import unittest

import statsdb

statsdb.reexec_with_preload()

UTC = dt.timezone.utc


def week_start_oracle(instant, sunday=False):
    d = instant.astimezone(UTC).date()
    back = (d.weekday() + 1) % 7 if sunday else d.weekday()
    return (d - dt.timedelta(days=back)).isoformat()


def iso_week_oracle(instant):
    y, w, _ = instant.astimezone(UTC).date().isocalendar()
    return f"{y:04d}-W{w:02d}"


def offset_text(minutes, style):
    sign = "-" if minutes < 0 else "+"
    h, m = divmod(abs(minutes), 60)
    if style == "colon":
        return f"{sign}{h:02d}:{m:02d}"
    if style == "compact":
        return f"{sign}{h:02d}{m:02d}"
    return f"{sign}{h:02d}"          # hours only (m is 0)


def cases():
    """(input value, aware datetime it denotes)."""
    out = []
    times = [(0, 0, 0, 0), (23, 59, 59, 999999), (12, 30, 0, 0), (0, 0, 0, 500000)]
    offsets = [(0, "Z"), (330, "colon"), (-480, "colon"), (-600, "compact"), (840, "compact"),
               (-60, "hours"), (1380, "colon"), (-1439, "colon")]
    rng = random.Random(1)
    for year in range(1990, 2041):
        day = dt.date(year, 12, 25)
        while day <= dt.date(year + 1, 1, 7):
            for h, mi, s, us in times:
                for minutes, style in offsets:
                    tz = dt.timezone(dt.timedelta(minutes=minutes))
                    inst = dt.datetime(day.year, day.month, day.day, h, mi, s, us, tzinfo=tz)
                    base = f"{day.isoformat()}T{h:02d}:{mi:02d}:{s:02d}"
                    frac = f".{us:06d}" if us else ""
                    if us == 999999:
                        frac = ".9999999"     # more digits than datetime keeps: same day
                    zone = "Z" if style == "Z" else offset_text(minutes, style)
                    out.append((base + frac + zone, inst))
                # no zone = UTC; space separator; lower-case t and z
                inst = dt.datetime(day.year, day.month, day.day, h, mi, s, us, tzinfo=UTC)
                out.append((f"{day.isoformat()} {h:02d}:{mi:02d}:{s:02d}", inst.replace(microsecond=0)))
                out.append((f"{day.isoformat()}t{h:02d}:{mi:02d}z", inst.replace(second=0, microsecond=0)))
                # unix seconds: integer, real, numeric text
                ts = inst.timestamp()
                out.append((int(ts), dt.datetime.fromtimestamp(int(ts), UTC)))
                out.append((ts, inst))
                out.append((repr(ts), inst))
            out.append((day.isoformat(), dt.datetime(day.year, day.month, day.day, tzinfo=UTC)))
            out.append((f"  {day.isoformat()}T{rng.randint(0, 23):02d}:07  ",
                        None))   # filled below
            t, _ = out[-1]
            h = int(t.strip()[11:13])
            out[-1] = (t, dt.datetime(day.year, day.month, day.day, h, 7, tzinfo=UTC))
            day += dt.timedelta(days=1)
    # the ends of the range, leap days, before 1970
    extremes = [
        ("0001-01-07T23:59:59Z", dt.datetime(1, 1, 7, 23, 59, 59, tzinfo=UTC)),
        ("9999-12-31T23:59:59.999Z", dt.datetime(9999, 12, 31, 23, 59, 59, 999000, tzinfo=UTC)),
        ("2000-02-29", dt.datetime(2000, 2, 29, tzinfo=UTC)),
        ("2024-02-29T12:00:00+12:00", dt.datetime(2024, 2, 29, tzinfo=UTC)),
        (-1, dt.datetime(1969, 12, 31, 23, 59, 59, tzinfo=UTC)),
        (-0.5, dt.datetime(1969, 12, 31, 23, 59, 59, 500000, tzinfo=UTC)),
        (-86400 * 365 * 50 + 0.25, dt.datetime(1970, 1, 1, tzinfo=UTC) +
         dt.timedelta(seconds=-86400 * 365 * 50 + 0.25)),
        ("1.7e9", dt.datetime.fromtimestamp(1.7e9, UTC)),
        ("-12345", dt.datetime.fromtimestamp(-12345, UTC)),
        (0, dt.datetime(1970, 1, 1, tzinfo=UTC)),
    ]
    return out + extremes


class WeekOracle(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.con = statsdb.connect()
        cls.cases = cases()
        cls.con.execute("CREATE TABLE c(id INTEGER PRIMARY KEY, t)")
        cls.con.executemany("INSERT INTO c(t) VALUES (?)", [(t,) for t, _ in cls.cases])

    def test_against_datetime(self):
        got = self.con.execute(
            "SELECT id, week_start(t), week_start(t, 'sunday'), week_start(t, 'Monday'), iso_week(t) "
            "FROM c ORDER BY id").fetchall()
        self.assertEqual(len(got), len(self.cases))
        self.assertGreater(len(got), 20000)
        year_changes = 0
        for (ident, ws, ws_sun, ws_mon, iw), (t, inst) in zip(got, self.cases):
            want = (week_start_oracle(inst), week_start_oracle(inst, True),
                    week_start_oracle(inst), iso_week_oracle(inst))
            self.assertEqual((ws, ws_sun, ws_mon, iw), want, f"input {t!r} = {inst.isoformat()}")
            year_changes += iw[:4] != inst.astimezone(UTC).strftime("%Y")
        # the ISO week-year differs from the calendar year in many of these cases
        self.assertGreater(year_changes, 1000)

    def test_known_values(self):
        q = lambda sql: self.con.execute(sql).fetchone()
        self.assertEqual(q("SELECT week_start('2026-07-16T10:00:00Z'), iso_week('2026-07-16')"),
                         ("2026-07-13", "2026-W29"))
        self.assertEqual(q("SELECT iso_week('2027-01-01'), iso_week('2024-12-30'), iso_week('2021-01-03')"),
                         ("2026-W53", "2025-W01", "2020-W53"))
        # 0001-01-01 was a Monday; its Sunday-started week begins in year 0,
        # which Python's date cannot hold
        self.assertEqual(q("SELECT week_start('0001-01-01T00:00:00Z'), iso_week('0001-01-01'), "
                           "week_start('0001-01-01', 'sunday')"), ("0001-01-01", "0001-W01", "0000-12-31"))
        self.assertEqual(q("SELECT week_start(NULL), iso_week(NULL), week_start(NULL, 'sunday')"),
                         (None, None, None))

    def error(self, sql, params=()):
        with self.assertRaises(sqlite3.OperationalError) as cm:
            self.con.execute(sql, params).fetchall()
        return str(cm.exception)

    def test_unparsable_values_are_named(self):
        bad = ["2026-02-29", "2026-13-01", "2026-1-01", "2026-01-32", "2026-01-01T24:00",
               "2026-01-01T10:60", "2026-01-01T10:00:60", "2026-01-01T10:00+24:00",
               "2026-01-01T10:00+05:60", "2026-01-01T10:00:00.", "2026-01-01T", "2026-01-01X",
               "abc", "", "   ", "inf", "nan", "1e", "0x10", "2026-07-16T10:00:00 Z", "1 2"]
        for text in bad:
            for fn in ("week_start", "iso_week"):
                self.assertEqual(self.error(f"SELECT {fn}(?)", (text,)),
                                 f"{fn}: cannot parse time '{text}' (want ISO-8601 text or unix seconds)")
        long = "x" * 200
        self.assertEqual(self.error("SELECT iso_week(?)", (long,)),
                         f"iso_week: cannot parse time '{'x' * 77}...' (want ISO-8601 text or unix seconds)")
        self.assertEqual(self.error("SELECT week_start(x'01')"),
                         "week_start: cannot parse time a BLOB (want ISO-8601 text or unix seconds)")
        self.assertEqual(self.error("SELECT week_start(?)", (float("inf"),)),
                         "week_start: cannot parse time Inf (want ISO-8601 text or unix seconds)")

    def test_out_of_range_and_first_day(self):
        self.assertEqual(self.error("SELECT week_start(1700000000123456789)"),
                         "week_start: time out of range (years 0001-9999): 1700000000123456789")
        self.assertEqual(self.error("SELECT iso_week(-62135596801)"),
                         "iso_week: time out of range (years 0001-9999): -62135596801")
        self.assertEqual(self.con.execute("SELECT week_start(-62135596800, 'sunday')").fetchone(),
                         ("0000-12-31",))
        self.assertEqual(self.error("SELECT week_start('2026-01-01', 'friday')"),
                         "week_start: first_day must be 'monday' or 'sunday', not 'friday'")
        self.assertEqual(self.error("SELECT week_start('2026-01-01', NULL)"),
                         "week_start: first_day must be 'monday' or 'sunday', not NULL")
        self.assertEqual(self.error("SELECT week_start('2026-01-01', 0)"),
                         "week_start: first_day must be 'monday' or 'sunday', not 0")


if __name__ == "__main__":
    unittest.main()
