"""When a scheduled pipeline should have run, and the log query that notices it did not.

A metric alert cannot see a run that never happened (metric alerts do not fire on missing data),
so the missed-run alert is a log search alert over the factory's `ADFPipelineRun` table. Its
query works out, from the pipeline's own schedule, the latest time the trigger was due to fire
(at least the grace window plus the log latency ago) and fires when the pipeline has no run
that started since then.

`Recurrence` is the schedule as Data Factory fires it; `fires` says whether it fires at a
minute, and `kql_predicate` says the same in Kusto, so the two can be checked against each
other and against Data Factory's documented examples (tests/test_missed_runs.py). How Data
Factory reads a recurrence (Learn, data-factory/how-to-create-schedule-trigger.md, "startTime
property" and "Examples of trigger recurrence schedules"):

- without a schedule the trigger fires at startTime and every `interval` units after it;
- "when the hours or minutes aren't set in the schedule for a trigger, the hours or minutes of
  the first execution are used as the defaults", so they come from startTime, as do the week
  day of a weekly and the month day of a monthly schedule without weekDays / monthDays;
- negative month days count from the end of the month (-1 is the last day).

Where that text leaves room (which week an every-other-week schedule counts from), the model
counts whole units from startTime's own unit, as Kusto's `datetime_diff` does (weeks from
Sunday to Saturday).

A schedule in another time zone fires at its local wall-clock times (Learn, same page, "Time
zone option": daylight saving time is followed). The model reads every field of the recurrence
on the local clock of the zone (Python's zoneinfo), and the query does the same with Kusto's
`datetime_utc_to_local` (Learn, kusto/query/datetime-utc-to-local-function.md, which takes IANA
names), from the same CLDR table that maps the Windows id. A local time that does not exist on
the day the clocks go forward is never due; one that exists twice when they go back is due at
its second occurrence.
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from .enums import Frequency, WeekDay, WindowFrequency
from .trigger import UTC, iana_zone

LOG_LATENCY = timedelta(minutes=15)
"""How late a pipeline run's record may reach Log Analytics: "Up to 15 minutes might elapse
between when an event is emitted and when it appears in Log Analytics" (Learn,
data-factory/monitor-configure-diagnostics.md)."""

MAX_QUERY_RANGE = timedelta(days=2)
"""The most a log search alert's query can look back: "The alert time range is limited to a
maximum of two days" (Learn, azure-monitor/alerts/alerts-create-log-alert-rule.md, "Override
query time range"); azurerm's `query_time_range_override` takes at most P2D."""

QUERY_RANGES: Sequence[tuple[timedelta, str]] = tuple(
    (timedelta(minutes=minutes), text)
    for minutes, text in (
        (5, "PT5M"),
        (10, "PT10M"),
        (15, "PT15M"),
        (20, "PT20M"),
        (30, "PT30M"),
        (45, "PT45M"),
        (60, "PT1H"),
        (120, "PT2H"),
        (180, "PT3H"),
        (240, "PT4H"),
        (300, "PT5H"),
        (360, "PT6H"),
        (1440, "P1D"),
        (2880, "P2D"),
    )
)
"""The query time ranges a log search alert takes (terraform-provider-azurerm
internal/services/monitor/monitor_scheduled_query_rules_alert_v2_resource.go,
`query_time_range_override`)."""

KUSTO_WEEK_DAYS = {
    WeekDay.SUNDAY: 0,
    WeekDay.MONDAY: 1,
    WeekDay.TUESDAY: 2,
    WeekDay.WEDNESDAY: 3,
    WeekDay.THURSDAY: 4,
    WeekDay.FRIDAY: 5,
    WeekDay.SATURDAY: 6,
}
"""Kusto's `dayofweek()` as whole days: Sunday is 0."""


@dataclass(frozen=True)
class Recurrence:
    """A schedule trigger's recurrence, every default filled in, to the minute, on the clock of
    its time zone."""

    frequency: Frequency
    interval: int
    start: datetime
    """startTime, floored to the minute, aware, in the schedule's zone."""
    end: datetime | None
    minutes: tuple[int, ...]
    """Minutes of the hour (all but Minute)."""
    hours: tuple[int, ...]
    """Hours of the day (Day, Week, Month)."""
    week_days: tuple[int, ...]
    """Kusto week days, Sunday 0 (Week)."""
    month_days: tuple[int, ...]
    """Days of the month, negative from its end (Month)."""
    zone: str = UTC
    """The schedule's time zone, a Windows id as Data Factory takes it."""

    @property
    def tz(self) -> tzinfo:
        return timezone.utc if self.zone == UTC else ZoneInfo(iana_zone(self.zone))


def _in_zone(text: str, zone: tzinfo) -> datetime:
    """A validated schedule time (UTC with Z or +00:00, or zoneless local) as an aware time of
    the schedule's zone."""
    parsed = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)
    return parsed.replace(tzinfo=zone) if parsed.tzinfo is None else parsed.astimezone(zone)


def recurrence(schedule: Mapping[str, Any]) -> Recurrence:
    """The recurrence of a validated schedule (ScheduleSpec, snake_case keys)."""
    frequency = Frequency(schedule["frequency"])
    zone = schedule.get("time_zone") or UTC
    tz = timezone.utc if zone == UTC else ZoneInfo(iana_zone(zone))
    start = _in_zone(schedule["start_time"], tz).replace(second=0, microsecond=0)
    end = _in_zone(schedule["end_time"], tz) if schedule.get("end_time") else None

    def listed(key: str, default: int) -> tuple[int, ...]:
        return tuple(sorted(set(schedule.get(key) or []))) or (default,)

    kusto_day = (start.weekday() + 1) % 7  # Python's Monday 0 as Kusto's Sunday 0
    week_days = tuple(sorted({KUSTO_WEEK_DAYS[WeekDay(d)] for d in schedule.get("week_days") or []}))
    return Recurrence(
        frequency=frequency,
        interval=int(schedule.get("interval", 1)),
        start=start,
        end=end,
        minutes=() if frequency is Frequency.MINUTE else listed("minutes", start.minute),
        hours=listed("hours", start.hour) if frequency in _DAILY else (),
        week_days=(week_days or (kusto_day,)) if frequency is Frequency.WEEK else (),
        month_days=listed("month_days", start.day) if frequency is Frequency.MONTH else (),
        zone=zone,
    )


_DAILY = (Frequency.DAY, Frequency.WEEK, Frequency.MONTH)


def _add_months(t: datetime, months: int) -> datetime:
    """t moved by whole months, the day kept where the month has it (else its last day)."""
    month = t.month - 1 + months
    year, month = t.year + month // 12, month % 12 + 1
    return t.replace(year=year, month=month, day=min(t.day, calendar.monthrange(year, month)[1]))


def _timespan(text: str) -> timedelta:
    """A tumbling window's delay, `[d.]hh:mm:ss` (validated), as a timedelta."""
    days, _, clock = text.rpartition(".")
    hours, minutes, seconds = (int(part) for part in clock.split(":"))
    return timedelta(days=int(days or 0), hours=hours, minutes=minutes, seconds=seconds)


def window_recurrence(window: Mapping[str, Any]) -> Recurrence:
    """When the runs of a validated tumbling window (TumblingWindowSpec, snake_case keys) are due:
    each window's run starts once it has ended, plus `delay` ("The pipeline run is started after
    the expected execution time plus the amount of delay"; Learn,
    data-factory/how-to-create-tumbling-window-trigger.md). That is a recurrence of the same unit
    and interval from the first window's end plus the delay, to the minute; windows after endTime
    are not due."""
    frequency = Frequency(WindowFrequency(window["frequency"]).value)
    interval = int(window["interval"])
    start = _in_zone(window["start_time"], timezone.utc).replace(second=0, microsecond=0)
    delay = _timespan(window.get("delay") or "00:00:00")
    if frequency is Frequency.MONTH:
        first = _add_months(start, interval) + delay
    else:
        unit = timedelta(minutes=1) if frequency is Frequency.MINUTE else timedelta(hours=1)
        first = start + interval * unit + delay
    first = first.replace(second=0, microsecond=0)
    end = _in_zone(window["end_time"], timezone.utc) + delay if window.get("end_time") else None
    return Recurrence(
        frequency=frequency,
        interval=interval,
        start=first,
        end=end,
        minutes=() if frequency is Frequency.MINUTE else (first.minute,),
        hours=(first.hour,) if frequency is Frequency.MONTH else (),
        week_days=(),
        month_days=(first.day,) if frequency is Frequency.MONTH else (),
    )


# ---------------------------------------------------------------- the model, in Python


def _units_since_start(r: Recurrence, t: datetime) -> int:
    """Whole units of the frequency between startTime's unit and t's (t on the schedule's clock),
    as Kusto's `datetime_diff(unit, t, start)` counts them (boundaries crossed, wall clock)."""
    start, t = r.start.replace(tzinfo=None), t.replace(tzinfo=None)
    if r.frequency is Frequency.MINUTE:
        return int((t - start) // timedelta(minutes=1))
    if r.frequency is Frequency.HOUR:
        return int((t.replace(minute=0) - start.replace(minute=0)) // timedelta(hours=1))
    if r.frequency is Frequency.DAY:
        return (t.date() - r.start.date()).days
    if r.frequency is Frequency.WEEK:
        return (_sunday(t.date()) - _sunday(r.start.date())).days // 7
    return (t.year - r.start.year) * 12 + t.month - r.start.month


def _sunday(day: date) -> date:
    return day - timedelta(days=(day.weekday() + 1) % 7)


def _month_day_matches(r: Recurrence, day: date) -> bool:
    last = calendar.monthrange(day.year, day.month)[1]
    return any(d == day.day if d > 0 else day.day == last + d + 1 for d in r.month_days)


def fires(r: Recurrence, t: datetime) -> bool:
    """Whether the trigger fires at minute t (aware), by the recurrence alone (start and end
    apart), read on the schedule's clock."""
    # Through UTC: astimezone to a time's own zone keeps a wall-clock time that does not exist.
    t = t.astimezone(timezone.utc).astimezone(r.tz)
    if _units_since_start(r, t) % r.interval:
        return False
    if r.minutes and t.minute not in r.minutes:
        return False
    if r.hours and t.hour not in r.hours:
        return False
    if r.week_days and (t.weekday() + 1) % 7 not in r.week_days:
        return False
    return not r.month_days or _month_day_matches(r, t.date())


def fire_times(r: Recurrence, until: datetime) -> Iterator[datetime]:
    """The minutes (in UTC) the trigger fires at from startTime until `until`, in order."""
    day = r.start.date()
    while True:
        midnight = datetime(day.year, day.month, day.day, tzinfo=r.tz)
        if midnight > until:
            return
        for t in _candidates(r, midnight):
            if r.start <= t <= until and (r.end is None or t <= r.end) and fires(r, t):
                yield t.astimezone(timezone.utc)
        day += timedelta(days=1)


def _candidates(r: Recurrence, midnight: datetime) -> Iterator[datetime]:
    """The wall-clock minutes of a local day the schedule may fire at, each at its last
    occurrence (the second one on the day the clocks go back, as the query reads it), in order."""
    if r.frequency is Frequency.MINUTE:
        times = [(m // 60, m % 60) for m in range(24 * 60)]
    else:
        times = [(h, m) for h in (r.hours or tuple(range(24))) for m in r.minutes]
    # Wall-clock arithmetic: datetime adds a timedelta to the local time of its own tzinfo.
    local = [(midnight + timedelta(hours=h, minutes=m)).replace(fold=1) for h, m in times]
    yield from sorted(set(local), key=lambda t: t.astimezone(timezone.utc))


def longest_gap(r: Recurrence) -> timedelta:
    """The longest time between two consecutive runs, up to MAX_QUERY_RANGE: a gap that long is
    past what an alert query can see anyway."""
    cycle = {
        Frequency.MINUTE: timedelta(minutes=r.interval),
        Frequency.HOUR: timedelta(hours=r.interval),
        Frequency.DAY: timedelta(days=r.interval),
        Frequency.WEEK: timedelta(weeks=r.interval),
        # Month lengths repeat every four years (the 400-year rule aside).
        Frequency.MONTH: timedelta(days=366 * 4 * r.interval),
    }[r.frequency]
    previous: datetime | None = None
    gap = timedelta(0)
    for t in fire_times(r, r.start + 2 * cycle + timedelta(days=1)):
        if previous is not None:
            gap = max(gap, t - previous)
            if gap >= MAX_QUERY_RANGE:
                return MAX_QUERY_RANGE
        previous = t
    return gap if previous is not None and gap else MAX_QUERY_RANGE


def query_window(r: Recurrence, grace: timedelta) -> timedelta:
    """How far back the missed-run query looks: the schedule's longest gap plus the grace window
    and the log latency, so that the latest due run is in it, at most MAX_QUERY_RANGE."""
    return min(longest_gap(r) + grace + LOG_LATENCY, MAX_QUERY_RANGE)


def query_time_range(window: timedelta) -> str:
    """The smallest query time range a log search alert takes that covers `window`."""
    return next(text for span, text in QUERY_RANGES if span >= window)


# ---------------------------------------------------------------- the model, in Kusto


def kql_string(text: str) -> str:
    """A Kusto string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def kql_datetime(t: datetime) -> str:
    return f"datetime({t.astimezone(timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')})"


def kql_local(t: datetime) -> str:
    """A wall-clock time of the schedule's zone as a Kusto datetime (which has no zone)."""
    return f"datetime({t.strftime('%Y-%m-%dT%H:%M:%S')})"


def _kql_in(expression: str, values: Sequence[int]) -> str:
    if len(values) == 1:
        return f"{expression} == {values[0]}"
    return f"{expression} in ({', '.join(str(v) for v in values)})"


_KUSTO_UNITS = {
    Frequency.MINUTE: "minute",
    Frequency.HOUR: "hour",
    Frequency.DAY: "day",
    Frequency.WEEK: "week",
    Frequency.MONTH: "month",
}


def kql_predicate(r: Recurrence, slot: str = "slot") -> list[str]:
    """Kusto conditions on the minute `slot` that hold where `fires` does (start and end apart)."""
    conditions: list[str] = []
    if r.interval > 1:
        unit = _KUSTO_UNITS[r.frequency]
        conditions.append(f"datetime_diff('{unit}', {slot}, start) % {r.interval} == 0")
    if r.month_days:
        positive = [d for d in r.month_days if d > 0]
        negative = [d for d in r.month_days if d < 0]
        days = [_kql_in(f"dayofmonth({slot})", positive)] if positive else []
        if negative:
            # -1 is the last day: day - last day - 1 == -1.
            days.append(_kql_in(f"dayofmonth({slot}) - dayofmonth(endofmonth({slot})) - 1", negative))
        conditions.append(days[0] if len(days) == 1 else "(" + " or ".join(days) + ")")
    if r.week_days:
        conditions.append(_kql_in(f"toint(dayofweek({slot}) / 1d)", r.week_days))
    if r.hours:
        conditions.append(_kql_in(f"hourofday({slot})", r.hours))
    if r.minutes:
        conditions.append(_kql_in(f"datetime_part('minute', {slot})", r.minutes))
    return conditions


def _kql_span(span: timedelta) -> str:
    return f"{math.ceil(span / timedelta(minutes=1))}m"


def missed_run_query(
    r: Recurrence,
    *,
    pipeline: str,
    factory_id: str,
    grace: timedelta,
    watched_from: str,
) -> str:
    """The log query that returns a row when the pipeline has not run since it was last due.

    A run is due at a minute the schedule fires at, no earlier than `watched_from` (when the
    rule started watching: a slot before it may predate the trigger or the diagnostic setting),
    and at least `grace` plus LOG_LATENCY ago.

    The query starts with its table: "We don't support creating or modifying log search alert
    rules that use `search` or `union` operators, except for cross-resource queries" (Learn,
    azure-monitor/alerts/alerts-log-query.md). The table is there before its first record:
    "Azure Monitor Logs creates Azure tables automatically based on ... diagnostic settings you
    configure" (Learn, azure-monitor/logs/logs-table-overview.md), and the rule is created after
    the factory's diagnostic setting (its `watched_from` waits for it).

    The row it returns has no datetime column, DueAt being text: a log alert bins the rows of a
    query that projects a timestamp column by that column (azurerm
    monitor_scheduled_query_rules_alert_v2 docs: "`number_of_evaluation_periods` must be `1` for
    queries that do not project timestamp column"), and a row stamped with the due run, up to
    two days back, would fall outside the one 15-minute period the rule evaluates.
    """
    window = query_window(r, grace)
    # A schedule in another zone is read on its local clock, `local`; startTime and endTime are
    # its wall-clock times.
    zoned = r.zone != UTC
    clock, as_kql = ("local", kql_local) if zoned else ("slot", kql_datetime)
    slot_filters = [f"{clock} >= start and slot >= {watched_from}"]
    if r.end is not None:
        slot_filters.append(f"{clock} <= {as_kql(r.end)}")
    slot_filters += kql_predicate(r, clock)
    local = (
        [f"    | extend local = datetime_utc_to_local(slot, {kql_string(iana_zone(r.zone))})"]
        if zoned
        else []
    )
    lines = [
        f"let start = {as_kql(r.start)};",
        "let due = toscalar(",
        f"    range slot from bin(now() - {_kql_span(window)}, 1m) to now() - {_kql_span(grace + LOG_LATENCY)} step 1m",
        *local,
        *(f"    | where {condition}" for condition in slot_filters),
        "    | summarize max(slot));",
        "ADFPipelineRun",
        f"| where _ResourceId =~ {kql_string(factory_id)} and PipelineName == {kql_string(pipeline)}",
        "| where Start >= due",
        "| summarize runs = count()",
        "| where isnotnull(due) and runs == 0",
        f"| project Pipeline = {kql_string(pipeline)}, DueAt = tostring(due)",
    ]
    return "\n".join(lines)


def failed_runs_query(factory_id: str) -> str:
    """The factory's failed pipeline runs of the last day, newest first (ready to paste into
    Log Analytics; columns from the ADFPipelineRun table reference)."""
    return "\n".join(
        [
            "ADFPipelineRun",
            "| where TimeGenerated > ago(1d)",
            f"| where _ResourceId =~ {kql_string(factory_id)}",
            '| where Status == "Failed"',
            "| project TimeGenerated, PipelineName, RunId, Start, End, FailureType, ErrorCode, ErrorMessage",
            "| order by TimeGenerated desc",
        ]
    )


def describe(r: Recurrence) -> str:
    """A schedule in words, for alert descriptions: `every day at 06:00 UTC`."""
    unit = r.frequency.value.lower()
    every = f"every {unit}" if r.interval == 1 else f"every {r.interval} {unit}s"
    parts = [every]
    if r.week_days:
        names = {v: k.value for k, v in KUSTO_WEEK_DAYS.items()}
        parts.append("on " + ", ".join(names[d] for d in r.week_days))
    if r.month_days:
        parts.append("on month days " + ", ".join(str(d) for d in r.month_days))
    if r.hours:
        parts.append("at " + ", ".join(f"{h:02d}:{m:02d}" for h in r.hours for m in r.minutes) + f" {r.zone}")
    elif r.minutes:
        parts.append("at minute " + ", ".join(str(m) for m in r.minutes))
    return " ".join(parts)
