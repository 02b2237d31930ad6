"""When a schedule is due, the window its missed-run query looks at, and the query itself.

The model (`fires`) is checked against Data Factory's documented recurrence examples, and the
Kusto conditions the query carries are evaluated here, over two years of minutes, to hold exactly
where the model fires.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest

from components import missed_runs
from components.enums import Frequency
from components.missed_runs import Recurrence

UTC = timezone.utc


def schedule(frequency: str, start: str = "2026-01-01T06:00:00Z", **keys: Any) -> Recurrence:
    return missed_runs.recurrence({"frequency": Frequency(frequency), "start_time": start, **keys})


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def runs(r: Recurrence, until: str) -> list[str]:
    return [t.strftime("%Y-%m-%d %H:%M") for t in missed_runs.fire_times(r, at(until))]


# ---------------------------------------------------------------- the model: Data Factory's examples
# Learn, data-factory/how-to-create-schedule-trigger.md, "startTime property" and "Examples of
# trigger recurrence schedules" (interval 1, the frequency the schedule needs).


def test_without_a_schedule_every_interval_from_the_start() -> None:
    # "the start time is 2017-04-07 at 2:00pm, so the next instance is two days from that time"
    r = schedule("Day", "2017-04-07T14:00:00Z", interval=2)
    assert runs(r, "2017-04-13 23:59") == [
        "2017-04-07 14:00",
        "2017-04-09 14:00",
        "2017-04-11 14:00",
        "2017-04-13 14:00",
    ]


def test_hours_take_the_start_minute() -> None:
    # {"hours":[5]}: "Run at 5:00 AM every day" (with a start on the hour).
    assert runs(schedule("Day", "2026-01-01T00:00:00Z", hours=[5]), "2026-01-02 23:59") == [
        "2026-01-01 05:00",
        "2026-01-02 05:00",
    ]


def test_hours_and_minutes() -> None:
    # {"minutes":[15,45], "hours":[5,17]}: 5:15, 5:45, 17:15 and 17:45 every day.
    r = schedule("Day", hours=[17, 5], minutes=[45, 15])
    assert runs(r, "2026-01-01 23:59") == ["2026-01-01 17:15", "2026-01-01 17:45"]
    assert runs(r, "2026-01-02 23:59")[2:] == [
        "2026-01-02 05:15",
        "2026-01-02 05:45",
        "2026-01-02 17:15",
        "2026-01-02 17:45",
    ]


def test_hourly_minutes() -> None:
    # {"minutes":[0,15,30,45]} with frequency Hour: every 15 minutes.
    r = schedule("Hour", "2026-01-01T06:00:00Z", minutes=[0, 15, 30, 45])
    assert runs(r, "2026-01-01 07:00") == [
        "2026-01-01 06:00",
        "2026-01-01 06:15",
        "2026-01-01 06:30",
        "2026-01-01 06:45",
        "2026-01-01 07:00",
    ]


def test_week_days_at_an_hour() -> None:
    # {"hours":[17], "weekDays":["monday", "wednesday", "friday"]}: 5 PM on those days.
    r = schedule("Week", "2026-01-05T00:00:00Z", hours=[17], week_days=["Monday", "Wednesday", "Friday"])
    assert runs(r, "2026-01-11 23:59") == ["2026-01-05 17:00", "2026-01-07 17:00", "2026-01-09 17:00"]


def test_a_week_without_week_days_runs_on_the_start_day() -> None:
    # 2026-01-01 is a Thursday.
    assert runs(schedule("Week"), "2026-01-15 23:59") == [
        "2026-01-01 06:00",
        "2026-01-08 06:00",
        "2026-01-15 06:00",
    ]


def test_last_and_first_day_of_the_month() -> None:
    # {"minutes":[0], "hours":[6], "monthDays":[1,-1]}: 6 AM on the first and last day.
    r = schedule("Month", "2026-01-01T00:00:00Z", minutes=[0], hours=[6], month_days=[1, -1])
    assert runs(r, "2026-03-01 23:59") == [
        "2026-01-01 06:00",
        "2026-01-31 06:00",
        "2026-02-01 06:00",
        "2026-02-28 06:00",
        "2026-03-01 06:00",
    ]


def test_a_month_day_some_months_lack() -> None:
    # "if a trigger with a monthly frequency is scheduled to run only on day 31, the trigger runs
    # only in those months that have a 31st day"
    r = schedule("Month", "2026-01-01T06:00:00Z", month_days=[31])
    assert runs(r, "2026-05-31 23:59") == ["2026-01-31 06:00", "2026-03-31 06:00", "2026-05-31 06:00"]


def test_end_time_ends_the_runs() -> None:
    r = schedule("Day", end_time="2026-01-03T00:00:00Z")
    assert runs(r, "2026-01-10 00:00") == ["2026-01-01 06:00", "2026-01-02 06:00"]


# ---------------------------------------------------------------- the window each schedule gets

EVERY_DAY = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


@pytest.mark.parametrize(
    ("r", "gap", "grace", "window", "time_range"),
    [
        (schedule("Minute", interval=15), timedelta(minutes=15), 5, timedelta(minutes=35), "PT45M"),
        (schedule("Hour"), timedelta(hours=1), 60, timedelta(minutes=135), "PT3H"),
        (schedule("Hour", minutes=[0, 10]), timedelta(minutes=50), 5, timedelta(minutes=70), "PT2H"),
        (schedule("Day"), timedelta(days=1), 60, timedelta(minutes=1515), "P2D"),
        (schedule("Day", hours=[6, 18]), timedelta(hours=12), 60, timedelta(minutes=795), "P1D"),
        (schedule("Day", hours=[2, 22]), timedelta(hours=20), 60, timedelta(minutes=1275), "P1D"),
        # Every other day is longer than an alert query can look back: the window stops there.
        (schedule("Day", interval=2), missed_runs.MAX_QUERY_RANGE, 60, missed_runs.MAX_QUERY_RANGE, "P2D"),
        (schedule("Week", week_days=EVERY_DAY), timedelta(days=1), 30, timedelta(minutes=1485), "P2D"),
        (
            schedule("Week", week_days=["Monday", "Thursday"]),
            missed_runs.MAX_QUERY_RANGE,
            60,
            missed_runs.MAX_QUERY_RANGE,
            "P2D",
        ),
        (
            schedule("Month", month_days=[1, -1]),
            missed_runs.MAX_QUERY_RANGE,
            60,
            missed_runs.MAX_QUERY_RANGE,
            "P2D",
        ),
        (
            schedule("Month", month_days=list(range(1, 32))),
            timedelta(days=1),
            60,
            timedelta(minutes=1515),
            "P2D",
        ),
    ],
)
def test_window_is_the_longest_gap_plus_grace_and_log_latency(
    r: Recurrence, gap: timedelta, grace: int, window: timedelta, time_range: str
) -> None:
    assert missed_runs.longest_gap(r) == gap
    assert missed_runs.query_window(r, timedelta(minutes=grace)) == window
    assert missed_runs.query_time_range(window) == time_range


def test_the_window_never_exceeds_what_an_alert_query_sees() -> None:
    longest = missed_runs.query_window(schedule("Day"), timedelta(minutes=1440))
    assert longest == timedelta(days=2)
    assert missed_runs.query_time_range(longest) == "P2D"


# ---------------------------------------------------------------- the Kusto conditions


def test_conditions_of_each_schedule() -> None:
    assert missed_runs.kql_predicate(schedule("Minute", interval=15)) == [
        "datetime_diff('minute', slot, start) % 15 == 0"
    ]
    assert missed_runs.kql_predicate(schedule("Hour", interval=2, minutes=[30, 0])) == [
        "datetime_diff('hour', slot, start) % 2 == 0",
        "datetime_part('minute', slot) in (0, 30)",
    ]
    assert missed_runs.kql_predicate(schedule("Day", hours=[18, 6], minutes=[30])) == [
        "hourofday(slot) in (6, 18)",
        "datetime_part('minute', slot) == 30",
    ]
    assert missed_runs.kql_predicate(
        schedule("Week", interval=2, hours=[6], week_days=["Thursday", "Monday"])
    ) == [
        "datetime_diff('week', slot, start) % 2 == 0",
        "toint(dayofweek(slot) / 1d) in (1, 4)",
        "hourofday(slot) == 6",
        "datetime_part('minute', slot) == 0",
    ]
    assert missed_runs.kql_predicate(schedule("Month", month_days=[1, -1], hours=[6])) == [
        "(dayofmonth(slot) == 1 or dayofmonth(slot) - dayofmonth(endofmonth(slot)) - 1 == -1)",
        "hourofday(slot) == 6",
        "datetime_part('minute', slot) == 0",
    ]


def _kusto_diff(unit: str, a: datetime, b: datetime) -> int:
    """Kusto's datetime_diff: boundaries of `unit` between b and a (weeks start on Sunday)."""
    if unit == "minute":
        return int((a.replace(second=0) - b.replace(second=0)).total_seconds() // 60)
    if unit == "hour":
        return int((a.replace(minute=0, second=0) - b.replace(minute=0, second=0)).total_seconds() // 3600)
    if unit == "day":
        return (a.date() - b.date()).days
    if unit == "week":

        def sunday(d: date) -> date:
            return d - timedelta(days=d.isoweekday() % 7)

        return (sunday(a.date()) - sunday(b.date())).days // 7
    return (a.year - b.year) * 12 + a.month - b.month


def _end_of_month(t: datetime) -> datetime:
    first_of_next = (t.replace(day=28) + timedelta(days=4)).replace(day=1, hour=0, minute=0)
    return first_of_next - timedelta(microseconds=1)


KUSTO: dict[str, Any] = {
    "datetime_diff": _kusto_diff,
    "datetime_part": lambda part, t: {"minute": t.minute, "hour": t.hour}[part],
    "hourofday": lambda t: t.hour,
    "dayofmonth": lambda t: t.day,
    "endofmonth": _end_of_month,
    "dayofweek": lambda t: timedelta(days=t.isoweekday() % 7),
    "toint": int,
    "ONE_DAY": timedelta(days=1),
}


def kusto(conditions: list[str], clock: str = "slot") -> Callable[[datetime, datetime], bool]:
    """The conditions, which use a Python-compatible part of Kusto, as a function of the time they
    read (`clock`: slot, or a zoned schedule's local) and start."""
    source = " and ".join(f"({c})" for c in conditions) or "True"
    source = re.sub(r"/ 1d\b", "/ ONE_DAY", source)
    code = compile(source, "<kql>", "eval")
    return lambda slot, start: bool(eval(code, {"__builtins__": {}}, {**KUSTO, clock: slot, "start": start}))


@pytest.mark.parametrize(
    "r",
    [
        schedule("Minute", interval=7),
        schedule("Hour", interval=3, minutes=[0, 45]),
        schedule("Day"),
        schedule("Day", interval=3, hours=[6, 18], minutes=[15]),
        schedule("Week", interval=2, hours=[6, 18], minutes=[30], week_days=["Monday", "Thursday", "Sunday"]),
        schedule("Week", "2026-01-03T23:00:00Z", interval=3),
        # Weeks start on Sunday: the Saturday after a Thursday start is still in the first week.
        schedule("Week", interval=2, week_days=["Saturday", "Sunday"]),
        schedule("Month", month_days=[1, 15, -1], hours=[6]),
        schedule("Month", "2026-01-31T05:00:00Z", interval=2, month_days=[29, -2, 31]),
    ],
    ids=lambda r: missed_runs.describe(r),
)
def test_kusto_conditions_hold_exactly_where_the_schedule_fires(r: Recurrence) -> None:
    holds = kusto(missed_runs.kql_predicate(r))
    # Every day of two years from the start (a leap day included), at hours and minutes the
    # schedule names and others.
    hours = sorted({0, 5, 6, 12, 18, 23, *r.hours})
    minutes = sorted({0, 7, 15, 30, 45, *r.minutes})
    for day in range(2 * 366):
        midnight = r.start.replace(hour=0, minute=0) + timedelta(days=day)
        for hour in hours:
            for minute in minutes:
                t = midnight + timedelta(hours=hour, minutes=minute)
                assert holds(t, r.start) == missed_runs.fires(r, t), t


# ---------------------------------------------------------------- the whole query

FACTORY = "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.DataFactory/factories/adf"


def test_query_of_a_daily_schedule() -> None:
    query = missed_runs.missed_run_query(
        schedule("Day", hours=[6]),
        pipeline="process-data",
        factory_id=FACTORY,
        grace=timedelta(minutes=60),
        watched_from="datetime(2026-01-15T09:30:00Z)",
    )
    assert query == "\n".join(
        [
            "let start = datetime(2026-01-01T06:00:00Z);",
            "let due = toscalar(",
            "    range slot from bin(now() - 1515m, 1m) to now() - 75m step 1m",
            "    | where slot >= start and slot >= datetime(2026-01-15T09:30:00Z)",
            "    | where hourofday(slot) == 6",
            "    | where datetime_part('minute', slot) == 0",
            "    | summarize max(slot));",
            "ADFPipelineRun",
            f'| where _ResourceId =~ "{FACTORY}" and PipelineName == "process-data"',
            "| where Start >= due",
            "| summarize runs = count()",
            "| where isnotnull(due) and runs == 0",
            '| project Pipeline = "process-data", DueAt = tostring(due)',
        ]
    )


@pytest.mark.parametrize(
    "r",
    [
        schedule("Minute", interval=15, end_time="2027-01-01T00:00:00Z"),
        schedule("Day"),
        schedule("Month", month_days=[1, -1], interval=2),
    ],
    ids=lambda r: missed_runs.describe(r),
)
def test_the_query_starts_with_its_table_and_uses_no_union_or_search(r: Recurrence) -> None:
    """Log search alert rules with `search` or `union` are not supported, cross-resource queries
    apart (Learn, azure-monitor/alerts/alerts-log-query.md); the `let` statements define values
    only, and the first tabular expression is the table."""
    query = missed_runs.missed_run_query(
        r, pipeline="p", factory_id=FACTORY, grace=timedelta(minutes=60), watched_from="datetime(2026-01-15)"
    )
    words = set(re.findall(r"[a-z_]+", query))
    assert {"union", "search", "isfuzzy", "datatable"} & words == set()
    statements = query.split(";\n")
    assert all(s.startswith("let ") for s in statements[:-1])
    assert statements[-1].splitlines()[0] == "ADFPipelineRun"


def test_the_alerting_row_has_no_timestamp_column() -> None:
    """A log alert bins the rows of a query that projects a timestamp column by it (azurerm
    monitor_scheduled_query_rules_alert_v2: `number_of_evaluation_periods` must be 1 "for queries
    that do not project timestamp column"): the one row is text, so it counts in the period the
    rule evaluates however long ago the run was due."""
    query = missed_runs.missed_run_query(
        schedule("Day", hours=[6]),
        pipeline="p",
        factory_id=FACTORY,
        grace=timedelta(minutes=60),
        watched_from="datetime(2026-01-15T09:30:00Z)",
    )
    last = query.splitlines()[-1]
    assert last == '| project Pipeline = "p", DueAt = tostring(due)'


def test_query_of_a_schedule_that_ends_and_a_name_with_quotes() -> None:
    query = missed_runs.missed_run_query(
        schedule("Minute", interval=15, end_time="2027-01-01T00:00:00Z"),
        pipeline='say "hi"',
        factory_id=FACTORY,
        grace=timedelta(minutes=5),
        watched_from="datetime(2026-01-15T09:30:00Z)",
    )
    lines = query.splitlines()
    # 15 minutes between runs, 5 of grace, 15 of log latency.
    assert lines[2] == "    range slot from bin(now() - 35m, 1m) to now() - 20m step 1m"
    assert "    | where slot <= datetime(2027-01-01T00:00:00Z)" in lines
    assert "    | where datetime_diff('minute', slot, start) % 15 == 0" in lines
    assert 'PipelineName == "say \\"hi\\""' in query


def test_failed_runs_query_reads_the_factory_failures_of_a_day() -> None:
    query = missed_runs.failed_runs_query(FACTORY)
    assert query.splitlines() == [
        "ADFPipelineRun",
        "| where TimeGenerated > ago(1d)",
        f'| where _ResourceId =~ "{FACTORY}"',
        '| where Status == "Failed"',
        # Columns of the ADFPipelineRun table (Azure Monitor tables reference), newest first.
        "| project TimeGenerated, PipelineName, RunId, Start, End, FailureType, ErrorCode, ErrorMessage",
        "| order by TimeGenerated desc",
    ]


@pytest.mark.parametrize(
    ("r", "words"),
    [
        (schedule("Day"), "every day at 06:00 UTC"),
        (schedule("Day", hours=[6, 18], minutes=[0]), "every day at 06:00, 18:00 UTC"),
        (schedule("Hour", interval=2, minutes=[0, 30]), "every 2 hours at minute 0, 30"),
        (
            schedule("Week", week_days=["Monday", "Thursday"], hours=[6]),
            "every week on Monday, Thursday at 06:00 UTC",
        ),
        (schedule("Month", month_days=[1, -1]), "every month on month days -1, 1 at 06:00 UTC"),
    ],
)
def test_schedules_in_words(r: Recurrence, words: str) -> None:
    assert missed_runs.describe(r) == words


def test_kql_times_are_utc_whatever_the_deployers_time_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    try:
        plus_two = timezone(timedelta(hours=2))
        assert (
            missed_runs.kql_datetime(datetime(2026, 1, 1, 8, 30, tzinfo=plus_two))
            == "datetime(2026-01-01T06:30:00Z)"
        )
    finally:
        monkeypatch.undo()
        time.tzset()


@pytest.mark.parametrize(
    ("month_days", "condition"),
    [
        ([15], "dayofmonth(slot) == 15"),
        ([-1], "dayofmonth(slot) - dayofmonth(endofmonth(slot)) - 1 == -1"),
        ([1, 15], "dayofmonth(slot) in (1, 15)"),
        ([1, -1], "(dayofmonth(slot) == 1 or dayofmonth(slot) - dayofmonth(endofmonth(slot)) - 1 == -1)"),
    ],
)
def test_month_days_read_as_one_condition(month_days: list[int], condition: str) -> None:
    assert missed_runs.kql_predicate(schedule("Month", month_days=month_days))[0] == condition


def test_kql_strings_escape_backslashes_and_quotes() -> None:
    assert missed_runs.kql_string('a\\b"c') == '"a\\\\b\\"c"'


def test_a_start_time_reads_as_utc_to_the_minute_whatever_the_deployers_time_zone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        r = schedule("Day", "2026-01-01T08:30:45.250+02:00")
        assert r.start == datetime(2026, 1, 1, 6, 30, tzinfo=UTC)
        assert r.start.tzinfo == UTC
    finally:
        monkeypatch.undo()
        time.tzset()


def test_intervals_count_whole_hours_and_months_from_the_start() -> None:
    assert runs(schedule("Hour", "2026-01-01T06:00:00Z", interval=3), "2026-01-01 18:00") == [
        "2026-01-01 06:00",
        "2026-01-01 09:00",
        "2026-01-01 12:00",
        "2026-01-01 15:00",
        "2026-01-01 18:00",
    ]
    assert runs(
        schedule("Month", "2026-01-15T06:00:00Z", interval=3, month_days=[15]), "2026-12-31 23:59"
    ) == [
        "2026-01-15 06:00",
        "2026-04-15 06:00",
        "2026-07-15 06:00",
        "2026-10-15 06:00",
    ]


def test_runs_across_midnight_are_listed_once() -> None:
    assert runs(schedule("Minute", "2026-01-01T23:30:00Z", interval=15), "2026-01-02 00:30") == [
        "2026-01-01 23:30",
        "2026-01-01 23:45",
        "2026-01-02 00:00",
        "2026-01-02 00:15",
        "2026-01-02 00:30",
    ]
    assert runs(schedule("Hour", "2026-01-01T22:00:00Z"), "2026-01-02 01:00") == [
        "2026-01-01 22:00",
        "2026-01-01 23:00",
        "2026-01-02 00:00",
        "2026-01-02 01:00",
    ]


def test_a_run_at_the_end_or_at_until_counts() -> None:
    # Midnight runs, up to and including `until` and endTime.
    daily = schedule("Day", "2026-01-01T00:00:00Z")
    assert runs(daily, "2026-01-03 00:00")[-1] == "2026-01-03 00:00"
    ending = schedule("Day", "2026-01-01T00:00:00Z", end_time="2026-01-02T00:00:00Z")
    assert runs(ending, "2026-01-05 00:00") == ["2026-01-01 00:00", "2026-01-02 00:00"]


def test_a_schedule_that_runs_once_has_no_gap_to_watch_within() -> None:
    once = schedule("Day", "2026-01-01T06:00:00Z", end_time="2026-01-01T12:00:00Z")
    assert missed_runs.longest_gap(once) == missed_runs.MAX_QUERY_RANGE


def test_defaults_come_from_the_start_time() -> None:
    # 2026-01-04 is a Sunday: a weekly schedule without weekDays runs on Sundays.
    assert runs(schedule("Week", "2026-01-04T06:00:00Z"), "2026-01-18 23:59") == [
        "2026-01-04 06:00",
        "2026-01-11 06:00",
        "2026-01-18 06:00",
    ]
    # A monthly schedule without monthDays runs on the start's day of the month.
    assert runs(schedule("Month", "2026-01-15T06:00:00Z"), "2026-03-31 23:59") == [
        "2026-01-15 06:00",
        "2026-02-15 06:00",
        "2026-03-15 06:00",
    ]
    # Months are counted from the start's month, across years.
    assert runs(schedule("Month", "2026-01-15T06:00:00Z", interval=5), "2027-12-31 23:59") == [
        "2026-01-15 06:00",
        "2026-06-15 06:00",
        "2026-11-15 06:00",
        "2027-04-15 06:00",
        "2027-09-15 06:00",
    ]


# ---------------------------------------------------------------- a schedule in another time zone

BERLIN = "W. Europe Standard Time"


def berlin(frequency: str, start: str = "2026-03-23T06:30:00", **keys: Any) -> Recurrence:
    return missed_runs.recurrence(
        {"frequency": Frequency(frequency), "start_time": start, "time_zone": BERLIN, **keys}
    )


def test_a_berlin_schedule_fires_on_berlins_clock_across_daylight_saving() -> None:
    # Mon/Wed/Fri 06:30 in Berlin: 05:30 UTC in winter time, 04:30 UTC from 2026-03-29 (CEST).
    r = berlin("Week", hours=[6], minutes=[30], week_days=["Monday", "Wednesday", "Friday"])
    assert runs(r, "2026-04-03 23:59") == [
        "2026-03-23 05:30",
        "2026-03-25 05:30",
        "2026-03-27 05:30",
        "2026-03-30 04:30",
        "2026-04-01 04:30",
        "2026-04-03 04:30",
    ]


def test_a_local_time_the_clocks_skip_is_never_due_and_one_they_repeat_is_due_once() -> None:
    # 02:30 does not exist in Berlin on 2026-03-29 and exists twice on 2026-10-25.
    spring = berlin("Day", "2026-03-28T02:30:00")
    assert runs(spring, "2026-03-30 23:59") == ["2026-03-28 01:30", "2026-03-30 00:30"]
    autumn = berlin("Day", "2026-10-24T02:30:00")
    # Its second occurrence, 01:30 UTC, as the query's max(slot) reads it.
    assert runs(autumn, "2026-10-26 23:59") == ["2026-10-24 00:30", "2026-10-25 01:30", "2026-10-26 01:30"]


def test_the_end_of_a_berlin_schedule_is_a_berlin_time() -> None:
    r = berlin("Day", "2026-06-01T06:30:00", end_time="2026-06-03T06:30:00")
    assert runs(r, "2026-06-10 23:59") == ["2026-06-01 04:30", "2026-06-02 04:30", "2026-06-03 04:30"]


def _berlin_local(t: datetime) -> datetime:
    """Kusto's datetime_utc_to_local(t, "Europe/Berlin"): the wall clock, without a zone."""
    from zoneinfo import ZoneInfo

    return t.astimezone(ZoneInfo("Europe/Berlin")).replace(tzinfo=None)


@pytest.mark.parametrize(
    "r",
    [
        berlin("Day", hours=[2, 6], minutes=[30]),
        berlin("Week", interval=2, hours=[6], minutes=[30], week_days=["Monday", "Wednesday", "Friday"]),
        berlin("Month", month_days=[1, -1], hours=[23], minutes=[30]),
        berlin("Hour", interval=3, minutes=[0]),
    ],
    ids=lambda r: missed_runs.describe(r),
)
def test_kusto_conditions_on_the_local_clock_hold_exactly_where_the_schedule_fires(r: Recurrence) -> None:
    """The query reads a zoned schedule on `local` (datetime_utc_to_local of each UTC slot): its
    conditions, evaluated on Berlin's wall clock, hold exactly where the model fires, across both
    changes of the clocks."""
    holds = kusto(missed_runs.kql_predicate(r, "local"), clock="local")
    start = r.start.replace(tzinfo=None)
    first = r.start.astimezone(UTC).replace(minute=0)
    for step in range(0, 366 * 24 * 4):
        t = first + timedelta(minutes=15 * step)
        local = _berlin_local(t)
        assert holds(local, start) == missed_runs.fires(r, t), t


def test_query_of_a_berlin_schedule_reads_the_local_clock() -> None:
    query = missed_runs.missed_run_query(
        berlin("Week", hours=[6], minutes=[30], week_days=["Monday"], end_time="2026-12-31T23:59:59"),
        pipeline="p",
        factory_id=FACTORY,
        grace=timedelta(minutes=60),
        watched_from="datetime(2026-01-15T09:30:00Z)",
    )
    lines = query.splitlines()
    # startTime and endTime are Berlin's wall clock; the slots stay UTC.
    assert lines[0] == "let start = datetime(2026-03-23T06:30:00);"
    assert lines[3] == '    | extend local = datetime_utc_to_local(slot, "Europe/Berlin")'
    assert lines[4] == "    | where local >= start and slot >= datetime(2026-01-15T09:30:00Z)"
    assert "    | where local <= datetime(2026-12-31T23:59:59)" in lines
    assert "    | where toint(dayofweek(local) / 1d) == 1" in lines
    assert "    | where hourofday(local) == 6" in lines
    assert "    | summarize max(slot));" in lines


def test_a_berlin_schedule_in_words() -> None:
    r = berlin("Week", hours=[6], minutes=[30], week_days=["Monday", "Wednesday", "Friday"])
    assert (
        missed_runs.describe(r) == "every week on Monday, Wednesday, Friday at 06:30 W. Europe Standard Time"
    )


# ---------------------------------------------------------------- a tumbling window


def window(frequency: str, interval: int, **keys: Any) -> Recurrence:
    return missed_runs.window_recurrence(
        {"frequency": frequency, "interval": interval, "start_time": "2026-01-01T00:00:00Z", **keys}
    )


def test_a_windows_run_is_due_at_its_end_plus_the_delay() -> None:
    # Hourly windows from midnight, 10 minutes' delay: the first window (00:00, 01:00) runs at 01:10.
    assert runs(window("Hour", 1, delay="00:10:00"), "2026-01-01 04:00") == [
        "2026-01-01 01:10",
        "2026-01-01 02:10",
        "2026-01-01 03:10",
    ]


def test_windows_of_minutes_and_months() -> None:
    assert runs(window("Minute", 15), "2026-01-01 01:00") == [
        "2026-01-01 00:15",
        "2026-01-01 00:30",
        "2026-01-01 00:45",
        "2026-01-01 01:00",
    ]
    assert runs(window("Month", 1, delay="1.02:00:00"), "2026-04-30 00:00") == [
        "2026-02-02 02:00",
        "2026-03-02 02:00",
        "2026-04-02 02:00",
    ]


def test_no_window_is_due_after_the_end() -> None:
    # Windows end at 01:00, 02:00, 03:00; endTime 03:00 is the last one's end, due at 03:05.
    r = window("Hour", 1, delay="00:05:00", end_time="2026-01-01T03:00:00Z")
    assert runs(r, "2026-01-01 10:00") == ["2026-01-01 01:05", "2026-01-01 02:05", "2026-01-01 03:05"]


def test_a_windows_query_looks_back_over_one_window_plus_grace() -> None:
    r = window("Hour", 2, delay="00:10:00")
    assert missed_runs.longest_gap(r) == timedelta(hours=2)
    assert missed_runs.kql_predicate(r) == [
        "datetime_diff('hour', slot, start) % 2 == 0",
        "datetime_part('minute', slot) == 10",
    ]
