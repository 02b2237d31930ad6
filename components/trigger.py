"""ScheduleTrigger: a Data Factory schedule trigger that is started, and safely updated, by Pulumi.

`ScheduleSpec` is also the stack config's `pipelines[].schedule`: the rules declared here
check both (paths relative to the schedule: `startTime`, `timeZone`).
"""

import difflib
import functools
import re
from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta
from typing import Any, TypedDict

import pulumi
import pulumi_azure.datafactory as azure_datafactory
import pulumi_azure_native.datafactory as datafactory
from typing_extensions import NotRequired
from tzlocal import windows_tz

from . import expressions, lifecycle, outputs, validation
from .enums import Frequency, WeekDay
from .names import DATA_FACTORY_NAME
from .validation import check, checks, describe, rule, rules

UTC = "UTC"
"""Data Factory's id of the UTC time zone, the default."""
WALL_CLOCK = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}"
"""Data Factory's yyyy-MM-ddTHH:mm:ss, whole seconds (azurerm reads back no fraction)."""
SCHEDULE_TIME = rf"^({WALL_CLOCK})(Z|[+-]\d{{2}}:\d{{2}})?$"
"""The shape of a schedule time; schedule_time and local_time say which fit the time zone."""
UTC_TIME_FORMAT = "a UTC time as yyyy-MM-ddTHH:mm:ssZ (whole seconds), e.g. 2026-12-01T06:00:00Z"
"""How messages name a valid time of a UTC schedule."""
LOCAL_TIME_FORMAT = (
    "a local time as yyyy-MM-ddTHH:mm:ss without Z or an offset (whole seconds), e.g. 2026-12-01T06:30:00"
)
"""How messages name a valid time of a schedule in another time zone."""
TIME_FORMAT = (
    "yyyy-MM-ddTHH:mm:ss (whole seconds): with Z in UTC (2026-12-01T06:00:00Z), without a zone"
    " in another timeZone (2026-12-01T06:30:00)"
)
"""How messages name a valid schedule time before the time zone is known."""
ZONE_FORMAT = "a Windows time zone id, e.g. UTC, W. Europe Standard Time, Pacific Standard Time"
"""How messages name a valid time zone."""
ZONED_TIMES = (
    "Data Factory reads a time with Z or an offset as UTC and then ignores timeZone (Microsoft's"
    ' announcement of time zone support: a Z "will render timeZone field useless")'
)
"""Why a schedule in another time zone takes only zoneless times."""

# Windows time zone ids and the IANA names they map to, from Unicode CLDR's windowsZones.xml as
# tzlocal generates it: the ids Data Factory's schedule triggers take (Learn,
# data-factory/how-to-create-schedule-trigger, "Time zone option"; an unknown id fails the
# trigger's start with InvalidWorkflowTriggerRecurrence "invalid time zone").
WINDOWS_ZONES: Mapping[str, str] = windows_tz.win_tz
IANA_ZONES: Mapping[str, str] = windows_tz.tz_win

# Which recurrence keys each frequency takes (Learn, data-factory/how-to-create-schedule-trigger,
# "Schema defaults, limits, and examples": hours and minutes need Day, Week or Month (minutes
# also Hour), weekDays Week, monthDays Month).
ONLY_WITH: Mapping[str, tuple[Frequency, ...]] = {
    "hours": (Frequency.DAY, Frequency.WEEK, Frequency.MONTH),
    "minutes": (Frequency.HOUR, Frequency.DAY, Frequency.WEEK, Frequency.MONTH),
    "weekDays": (Frequency.WEEK,),
    "monthDays": (Frequency.MONTH,),
}


_NOT_ZERO: dict[str, Any] = {"not": {"const": 0}}
"""JSON Schema for "not 0" (`not` is a Python keyword)."""


def time_zone(value: Any) -> str:
    """The schedule's time zone: a Windows time zone id, as Data Factory takes it.

    Data Factory fires a schedule in a zone other than UTC at its local wall-clock times, and
    moves with daylight saving time (Learn, how-to-create-schedule-trigger, "Time zone option").
    An IANA name or a misspelt id is refused with its Windows spelling first.
    """
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"expected a non-empty string, got {describe(value)}")
    if value == UTC or value in WINDOWS_ZONES:
        return value
    by_case = {zone.lower(): zone for zone in WINDOWS_ZONES}
    iana = {zone.lower(): windows for zone, windows in IANA_ZONES.items()}
    if value.lower() in by_case:
        hint = f" (Windows spells it {by_case[value.lower()]!r})"
    elif value.lower() in iana:
        hint = f" (an IANA name; Data Factory's id for it is {iana[value.lower()]!r})"
    else:
        # "UTC+1" is one character from the id UTC+12: an offset gets no look-alike.
        offset = re.match(r"(UTC|GMT)?\s*[+-]\d", value, re.IGNORECASE)
        close = [] if offset else difflib.get_close_matches(value.lower(), by_case, n=1)
        hint = (
            f" (not a Windows time zone id; did you mean {by_case[close[0]]!r}?)"
            if close
            else " (not a Windows time zone id)"
        )
    raise ValueError(f"expected {ZONE_FORMAT}, got {describe(value)}{hint}")


def iana_zone(zone: str) -> str:
    """The IANA name of a Windows time zone id (for Kusto's datetime_utc_to_local and
    Python's zoneinfo), from the same CLDR table."""
    return "Etc/UTC" if zone == UTC else WINDOWS_ZONES[zone]


def schedule_time(value: Any) -> str:
    """A schedule time as Data Factory takes UTC times: `yyyy-MM-ddTHH:mm:ssZ`, whole seconds.

    `+00:00` is rewritten to Z; Data Factory refuses to start a UTC schedule whose times lack
    the Z. Fractions are refused: azurerm reads times back with Format(time.RFC3339), so a
    fraction would show as a diff on every preview.
    """
    match = re.fullmatch(SCHEDULE_TIME, value) if isinstance(value, str) else None
    parsed = None
    if match:
        try:
            parsed = _parse_time(value)
        except ValueError:
            parsed = None
    if match is None or parsed is None:
        raise ValueError(f"expected {UTC_TIME_FORMAT}, got {describe(value)}")
    wall, offset = match.groups()
    if offset is None or parsed.utcoffset() != timedelta(0):
        raise ValueError(f"expected a UTC time (ending in Z), got {describe(value)}")
    return f"{wall}Z"


def local_time(value: Any) -> str:
    """A time of a schedule in another time zone: `yyyy-MM-ddTHH:mm:ss`, no Z, no offset.

    Data Factory takes a zone other than UTC only with zoneless times (Learn,
    how-to-create-schedule-trigger, "Schema overview"); with a Z or an offset it reads the time
    as UTC and ignores the zone. Whole seconds, as for UTC times.
    """
    match = re.fullmatch(SCHEDULE_TIME, value) if isinstance(value, str) else None
    parsed = None
    if match:
        try:
            parsed = _parse_time(value)
        except ValueError:
            parsed = None
    if match is None or parsed is None:
        raise ValueError(f"expected {LOCAL_TIME_FORMAT}, got {describe(value)}")
    wall, offset = match.groups()
    if offset is not None:
        raise ValueError(
            f"expected a local time without Z or an offset: {ZONED_TIMES}; got {describe(value)}"
        )
    return wall


def zone_time(zone: str, value: Any) -> str:
    """A schedule time as the trigger of a schedule in `zone` sends it."""
    return schedule_time(value) if zone == UTC else local_time(value)


def _parse_time(value: str) -> datetime:
    """A time as schedule_time writes it; Python 3.10's fromisoformat does not read Z."""
    return datetime.fromisoformat(value[:-1] + "+00:00" if value.endswith("Z") else value)


@rules(
    interval=rule(minimum=1, default=1),
    start_time=rule(TIME_FORMAT, pattern=SCHEDULE_TIME),
    end_time=rule(TIME_FORMAT, pattern=SCHEDULE_TIME),
    time_zone=rule(default=UTC),
    hours=rule(items=rule(minimum=0, maximum=23)),
    minutes=rule(items=rule(minimum=0, maximum=59)),
    month_days=rule(items=rule("days from -31 to 31 other than 0", minimum=-31, maximum=31, **_NOT_ZERO)),
    enabled=rule(default=True),
)
class ScheduleSpec(TypedDict):
    """When a pipeline runs (a Data Factory schedule trigger's recurrence)."""

    frequency: Frequency
    """Recurrence unit."""
    interval: NotRequired[int]
    """Run every `interval` units."""
    start_time: str
    """First run, in whole seconds: in UTC with Z, `2026-12-01T06:00:00Z` (`+00:00` is taken and
    sent as Z: Data Factory refuses to start a UTC trigger without the Z); in another timeZone
    as its local wall-clock time without a zone, `2026-12-01T06:30:00`. Never the clock, so
    previews stay unchanged."""
    end_time: NotRequired[str]
    """No runs after this time, which is after startTime; written like startTime."""
    time_zone: NotRequired[str]
    """Time zone the schedule is read in, a Windows id as Data Factory takes it (`W. Europe
    Standard Time`): hours and minutes are its local wall-clock times, and Data Factory moves
    them with daylight saving time. An IANA name (`Europe/Berlin`) or a misspelt id is refused
    with Data Factory's id for it. Moving a schedule between UTC and another zone replaces its
    trigger (another resource starts it)."""
    hours: NotRequired[list[int]]
    """Hours of the day to run at (Day, Week, Month)."""
    minutes: NotRequired[list[int]]
    """Minutes of the hour to run at (Hour, Day, Week, Month)."""
    week_days: NotRequired[list[WeekDay]]
    """Days of the week (Week)."""
    month_days: NotRequired[list[int]]
    """Days of the month, negative counting from the end (Month)."""
    parameters: NotRequired[dict[str, Any]]
    """Values for the pipeline's String and SecureString parameters, sent to each run as
    written. An Int, Float, Bool, Array or Object parameter is refused: the trigger sends every
    argument as a string, and Data Factory does not convert it to the parameter's type. Give
    such a parameter the value as its default (sent typed), or declare it String and convert it
    in the pipeline (`@int()`, `@float()`, `@bool()`, `@json()`)."""
    enabled: NotRequired[bool]
    """Started (fires) when true; created stopped when false."""


@checks(ScheduleSpec, "startTime", "endTime", "timeZone")
def _times_fit_the_zone(schedule: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    zone = schedule["timeZone"]  # filled by the rules (default UTC)
    if zone != UTC and zone not in WINDOWS_ZONES:
        return  # _time_zone_is_known says why
    times: dict[str, str] = {}
    for key in ("startTime", "endTime"):
        if isinstance(schedule.get(key), str):
            try:
                times[key] = zone_time(zone, schedule[key])
            except ValueError as err:
                yield key, str(err)
    if len(times) == 2 and _parse_time(times["endTime"]) <= _parse_time(times["startTime"]):
        yield (
            "endTime",
            f"expected a time after startTime ({times['startTime']}), got {schedule['endTime']!r}",
        )


@checks(ScheduleSpec, "parameters")
def _arguments_are_strings(schedule: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """The trigger sends its arguments as strings, and Data Factory keeps them strings.

    pulumi-azure's TriggerSchedule takes `pipelines[].parameters` as a map of strings
    (terraform-provider-azurerm data_factory_trigger_schedule_resource.go: TypeMap of
    TypeString), and Data Factory does not convert a string argument to an Int, Bool, Array or
    Object parameter's type (Azure/Azure-DataFactory#518, #529): a value of another type would
    reach the run as its text. A pipeline knows its parameters' types and says which one is
    refused (components.pipeline.SCHEDULE_PARAMETER_TYPES); this rule is for a schedule alone.
    """
    yield from lifecycle.string_arguments(
        schedule,
        "the trigger sends every argument as a string and Data Factory does not convert it to the"
        " parameter's type (Azure/Azure-DataFactory#518, #529); only String and SecureString"
        " parameters can be set by a schedule",
    )


def argument_problem(value: Any, secret: bool = True) -> str | None:
    """What is wrong with a schedule's argument as an expression (components.expressions), or
    None. Data Factory evaluates the arguments when the trigger fires, where trigger() is the
    schedule trigger's (scheduledTime, startTime) and the run's pipeline() does not exist yet
    (Learn, control-flow-system-variables.md, "Schedule trigger scope"). `secret`: quote none
    of the value (it may be a SecureString parameter's)."""
    context = expressions.Context(
        scope=expressions.Scope.TRIGGER, trigger=expressions.TriggerType.SCHEDULE, secret=secret
    )
    return expressions.problem(value, context)


@checks(ScheduleSpec, "parameters")
def _arguments_are_expressions(schedule: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    # A schedule alone does not know its parameters' types: every value may be a secret. A
    # pipeline knows them, and says more first (pipeline._schedule_passes_declared_parameters).
    for key, value in (schedule.get("parameters") or {}).items():
        if problem := argument_problem(value):
            yield f"parameters.{key}", problem


@checks(ScheduleSpec, "timeZone")
def _time_zone_is_known(schedule: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    try:
        time_zone(schedule["timeZone"])
    except ValueError as err:
        yield "timeZone", str(err)


def _frequency_takes(key: str, schedule: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    frequency = Frequency(schedule["frequency"])
    if key in schedule and frequency not in ONLY_WITH[key]:
        names = " or ".join(f.value for f in ONLY_WITH[key])
        yield key, f"applies only with frequency {names}, not {frequency.value}"


# One check per key, so that a broken value of one key does not hide another key's problem.
for _key in ONLY_WITH:
    check(ScheduleSpec, functools.partial(_frequency_takes, _key), "frequency", _key)


@rules(trigger_name=DATA_FACTORY_NAME, pipeline_name=DATA_FACTORY_NAME, secret_parameters=rule(default=False))
class ScheduleTriggerArgs(TypedDict):
    """Inputs of ScheduleTrigger. It starts once what `opts.depends_on` names exists (e.g. the
    role assignments its runs need), and is stopped and deleted before it."""

    spec: ScheduleSpec
    """The schedule."""
    trigger_name: str
    """Trigger name in the factory."""
    factory_id: pulumi.Input[str]
    """ARM id of the factory."""
    pipeline_name: pulumi.Input[str]
    """Pipeline the trigger runs."""
    description: NotRequired[str]
    """A meaningful description."""
    secret_parameters: NotRequired[bool]
    """The schedule's parameters include a SecureString parameter's value: keep them all secret."""


NATIVE_TRIGGER = "azure-native:datafactory:Trigger"
"""The type of the trigger of a schedule in another time zone."""
CLASSIC_TRIGGER = "azure:datafactory/triggerSchedule:TriggerSchedule"
"""The type of the trigger of a UTC schedule."""


class ScheduleTrigger(pulumi.ComponentResource):
    """A schedule trigger that really fires.

    azure-native cannot start triggers (starting is a separate POST, pulumi-azure-native
    issue #3540). A UTC schedule is pulumi-azure's TriggerSchedule, whose `activated` flag
    starts the trigger after create, stops it around updates and restarts it, and stops it
    before delete; pulumi-azure 6 needs a subscription id: pass a `pulumi_azure.Provider` with
    `opts=ResourceOptions(providers=[...])`, or set `azure:subscriptionId`. A schedule in another
    time zone is azure-native's Trigger with zoneless local times, which pulumi-azure cannot
    send, started and stopped by resource hooks (components.lifecycle: `pulumi destroy` needs
    `--run-program`). The trigger waits for what `opts.depends_on` names.
    """

    trigger: azure_datafactory.TriggerSchedule | None
    """The trigger of a UTC schedule (pulumi-azure)."""
    zoned_trigger: datafactory.Trigger | None
    """The trigger of a schedule in another time zone (azure-native, started by hooks)."""
    trigger_id: pulumi.Output[str]
    """ARM id of the trigger."""
    activated: pulumi.Output[bool | None]
    """Whether the trigger is started."""

    def __init__(
        self, name: str, args: ScheduleTriggerArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        args = validation.parse(ScheduleTriggerArgs, args, f"ScheduleTrigger {name}: ")
        own, waits = lifecycle.split_waits(opts)
        super().__init__("adf-databricks:index:ScheduleTrigger", name, None, own)
        spec = args["spec"]
        hours = sorted(set(spec.get("hours", [])))
        minutes = sorted(set(spec.get("minutes", [])))
        week_days = [WeekDay(d).value for d in dict.fromkeys(spec.get("week_days", []))]
        month_days = sorted(set(spec.get("month_days", [])))
        # Strings only (_arguments_are_strings): sent as they are.
        parameters = lifecycle.arguments("ScheduleTrigger", "a schedule", name, args)
        end_time = spec.get("end_time")
        zone = spec["time_zone"]  # pyright: ignore[reportTypedDictNotRequiredAccess] - the rules fill it (UTC)
        self.trigger = None
        self.zoned_trigger = None
        if zone == UTC:
            self.trigger = azure_datafactory.TriggerSchedule(
                f"{name}-trigger",
                name=args["trigger_name"],
                data_factory_id=args["factory_id"],
                description=args.get("description"),
                pipelines=[
                    azure_datafactory.TriggerSchedulePipelineArgs(
                        name=args["pipeline_name"], parameters=parameters
                    )
                ],
                frequency=Frequency(spec["frequency"]).value,
                interval=spec.get("interval"),
                # Validated as UTC; sent with Z, as Data Factory takes UTC times.
                start_time=schedule_time(spec["start_time"]),
                end_time=schedule_time(end_time) if end_time else None,
                time_zone=zone,
                schedule=azure_datafactory.TriggerScheduleScheduleArgs(
                    hours=hours or None,
                    minutes=minutes or None,
                    days_of_weeks=week_days or None,
                    days_of_months=month_days or None,
                )
                if hours or minutes or week_days or month_days
                else None,
                activated=spec.get("enabled"),
                opts=pulumi.ResourceOptions(
                    parent=self,
                    depends_on=waits,
                    # A schedule moved here from another time zone: its azure-native trigger
                    # (same name in the factory) is deleted first, then this one is created.
                    aliases=[pulumi.Alias(type_=NATIVE_TRIGGER)],
                    delete_before_replace=True,
                ),
            )
            self.trigger_id = self.trigger.id
            self.activated = self.trigger.activated
        else:
            schedule = {
                key: value
                for key, value in {
                    "hours": hours,
                    "minutes": minutes,
                    "week_days": week_days,
                    "month_days": month_days,
                }.items()
                if value
            }
            recurrence: dict[str, Any] = {
                "frequency": Frequency(spec["frequency"]).value,
                "interval": spec.get("interval"),
                # Zoneless local times: Data Factory reads them in time_zone (local_time).
                "start_time": local_time(spec["start_time"]),
                "time_zone": zone,
            }
            if end_time:
                recurrence["end_time"] = local_time(end_time)
            if schedule:
                recurrence["schedule"] = schedule
            properties: dict[str, Any] = {
                "type": "ScheduleTrigger",
                "recurrence": recurrence,
                "pipelines": lifecycle.pipelines(args, parameters),
            }
            started = lifecycle.started(
                name,
                args,
                properties,
                parent=self,
                depends_on=waits,
                # A schedule moved here from UTC: its pulumi-azure trigger goes first.
                aliases=[pulumi.Alias(type_=CLASSIC_TRIGGER)],
            )
            self.zoned_trigger = started.trigger
            self.trigger_id = started.trigger.id
            self.activated = started.activated
        outputs.register(self)
