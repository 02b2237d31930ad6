"""TumblingWindowTrigger: fixed, contiguous windows from a start (backfill from the past), started by Pulumi.

`TumblingWindowSpec` is also the stack config's `pipelines[].tumblingWindow`: the rules declared
here check both (paths relative to it: `interval`, `dependsOn[0].offset`).

Data Factory's rules, each refused here with its source (Learn,
data-factory/how-to-create-tumbling-window-trigger.md and tumbling-window-trigger-dependency.md;
azure-mgmt-datafactory's TumblingWindowTrigger, RetryPolicy and the two dependency references,
whose `_validation` and docstrings carry the REST API's limits):

- frequency Minute, Hour or Month, interval a positive integer, and at least 15 minutes ("The
  minimum interval allowed is 15 Minutes");
- startTime and endTime in UTC ("Only UTC time is currently supported"), the start may be in the
  past: every window since it runs (backfill), oldest first;
- delay a timespan `[d.]hh:mm:ss`, 0 or more;
- maxConcurrency 1 to 50 (required by the API; 50 when unset, azurerm's default);
- retry count 0 or more, intervalInSeconds 30 to 86400;
- at most five other tumbling-window triggers depended on; a self-dependency needs an offset,
  negative; a size is positive; offsets and sizes are timespans of 8 to 15 characters.

pulumi-azure's TriggerTumblingWindow starts the trigger after create, stops it around an update
and restarts it, stops it before delete, and reads `activated` back on refresh, so a trigger
stopped by hand is started by the next `pulumi up` (terraform-provider-azurerm
internal/services/datafactory/data_factory_trigger_tumbling_window_resource.go). Its times are
RFC 3339, which is what Data Factory takes here (UTC only). It replaces the trigger when
frequency, interval or startTime change (ForceNew): the new trigger runs every window since its
startTime again.
"""

from collections.abc import Iterator, Mapping
from typing import Any, TypedDict

import pulumi
import pulumi_azure.datafactory as azure_datafactory
from typing_extensions import NotRequired

from . import expressions, lifecycle, outputs, validation
from .enums import WindowFrequency
from .names import DATA_FACTORY_NAME
from .trigger import SCHEDULE_TIME, UTC_TIME_FORMAT, _parse_time, schedule_time
from .validation import checks, rule, rules

MIN_MINUTES = 15
"""The shortest window: "The minimum interval allowed is 15 Minutes" (TumblingWindowTrigger.interval)."""
MAX_DEPENDENCIES = 5
""""A tumbling window trigger can depend on a maximum of five other triggers" (Learn,
tumbling-window-trigger-dependency.md)."""

TIMESPAN = r"^((\d+)\.)?(\d\d):(60|([0-5][0-9])):(60|([0-5][0-9]))$"
"""A non-negative timespan, as the API's pattern for delay and size (anchored)."""
SIGNED_TIMESPAN = r"^-?((\d+)\.)?(\d\d):(60|([0-5][0-9])):(60|([0-5][0-9]))$"
"""A timespan with an optional minus, as the API's pattern for a dependency's offset."""
MIN_TIMESPAN_LENGTH, MAX_TIMESPAN_LENGTH = 8, 15
"""Offsets and sizes are 8 to 15 characters (TumblingWindowTriggerDependencyReference._validation)."""


def timespan_seconds(value: str) -> int:
    """A validated timespan (`[-][d.]hh:mm:ss`) in seconds."""
    sign = -1 if value.startswith("-") else 1
    days, _, clock = value.lstrip("-").rpartition(".")
    hours, minutes, seconds = (int(part) for part in clock.split(":"))
    return sign * (((int(days or 0) * 24 + hours) * 60 + minutes) * 60 + seconds)


@rules(
    count=rule(minimum=0, default=0),
    interval_seconds=rule(minimum=30, maximum=86400, default=30),
)
class WindowRetry(TypedDict):
    """How a window whose pipeline run failed is run again."""

    count: NotRequired[int]
    """Retries before the window's run counts as failed (default 0: none)."""
    interval_seconds: NotRequired[int]
    """Seconds between retries, 30 to 86400 (default 30)."""


@rules(
    trigger=DATA_FACTORY_NAME,
    offset=rule(
        "a timespan [-][d.]hh:mm:ss of 8 to 15 characters, e.g. -01:00:00",
        pattern=SIGNED_TIMESPAN,
        minLength=MIN_TIMESPAN_LENGTH,
        maxLength=MAX_TIMESPAN_LENGTH,
    ),
    size=rule(
        "a timespan [d.]hh:mm:ss of 8 to 15 characters, e.g. 02:00:00",
        pattern=TIMESPAN,
        minLength=MIN_TIMESPAN_LENGTH,
        maxLength=MAX_TIMESPAN_LENGTH,
    ),
)
class WindowDependency(TypedDict):
    """A window runs once the windows it depends on (of another tumbling-window trigger, or its
    own earlier ones) have succeeded: exactly one of trigger and self."""

    trigger: NotRequired[str]
    """Another tumbling-window trigger of the factory, by name (AdfDatabricks names a pipeline's
    `<pipeline>-window`)."""
    self: NotRequired[bool]
    """true: depend on this trigger's own earlier windows (needs a negative offset)."""
    offset: NotRequired[str]
    """Where the window depended on starts, relative to this one's start; negative for self."""
    size: NotRequired[str]
    """How long the window depended on is, positive (default: this trigger's window)."""


@rules(
    frequency=rule(),
    interval=rule(minimum=1),
    start_time=rule(UTC_TIME_FORMAT, pattern=SCHEDULE_TIME),
    end_time=rule(UTC_TIME_FORMAT, pattern=SCHEDULE_TIME),
    delay=rule("a timespan [d.]hh:mm:ss, e.g. 00:10:00", pattern=TIMESPAN),
    max_concurrency=rule(minimum=1, maximum=50, default=50),
    parameters=rule("a map of strings"),
    enabled=rule(default=True),
)
class TumblingWindowSpec(TypedDict):
    """Fixed-size, contiguous windows from startTime, each run once its time has passed (a Data
    Factory tumbling-window trigger)."""

    frequency: WindowFrequency
    """Unit of a window."""
    interval: int
    """Window length in units of frequency; at least 15 minutes."""
    start_time: str
    """Start of the first window, a UTC time in whole seconds (`2026-01-01T00:00:00Z`); in the past
    it backfills every window since, oldest first. Changing it, frequency or interval replaces the
    trigger, which then runs every window since startTime again."""
    end_time: NotRequired[str]
    """No windows after this time, which is after startTime; written like startTime."""
    delay: NotRequired[str]
    """How long after a window ends its run starts (`00:10:00`); the window itself stays."""
    max_concurrency: NotRequired[int]
    """Windows run at once, 1 to 50 (default 50): a backfill of 24 hourly windows with 10 runs 10,
    then the next 10."""
    retry: NotRequired[WindowRetry]
    """Runs of a window whose pipeline run failed (none when unset)."""
    depends_on: NotRequired[list[WindowDependency]]
    """Windows that must have succeeded first: of at most five other tumbling-window triggers, and
    of this trigger itself."""
    parameters: NotRequired[dict[str, Any]]
    """Values for the pipeline's String and SecureString parameters: text, or an expression such as
    `@trigger().outputs.windowStartTime` and `@trigger().outputs.windowEndTime` (the window)."""
    enabled: NotRequired[bool]
    """Started (runs its windows) when true; created stopped when false."""


@checks(TumblingWindowSpec, "frequency", "interval")
def _window_is_long_enough(spec: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    if spec["frequency"] == WindowFrequency.MINUTE.value and spec["interval"] < MIN_MINUTES:
        yield (
            "interval",
            f"expected at least {MIN_MINUTES} with frequency Minute (Data Factory's shortest window),"
            f" got {spec['interval']}",
        )


@checks(TumblingWindowSpec, "startTime", "endTime")
def _times_are_utc(spec: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    times: dict[str, str] = {}
    for key in ("startTime", "endTime"):
        if key in spec:
            try:
                times[key] = schedule_time(spec[key])
            except ValueError as err:
                yield key, f"{err} (tumbling windows are in UTC only)"
    if len(times) == 2 and _parse_time(times["endTime"]) <= _parse_time(times["startTime"]):
        yield "endTime", f"expected a time after startTime ({times['startTime']}), got {spec['endTime']!r}"


@checks(TumblingWindowSpec, "dependsOn")
def _dependencies_are_sound(spec: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    dependencies = spec.get("dependsOn", [])
    others = 0
    seen: dict[tuple[Any, ...], int] = {}
    for i, dependency in enumerate(dependencies):
        path = f"dependsOn[{i}]"
        on_self = dependency.get("self") is True
        if ("trigger" in dependency) == on_self or dependency.get("self") is False:
            yield path, "expected exactly one of trigger (another tumbling-window trigger) and self: true"
            continue
        others += not on_self
        offset, size = dependency.get("offset"), dependency.get("size")
        if on_self and offset is None:
            yield f"{path}.offset", "is required with self: a self-dependency names which earlier window"
        elif on_self and offset is not None and timespan_seconds(offset) >= 0:
            yield (
                f"{path}.offset",
                f"expected a negative offset for a self-dependency (an earlier window), got {offset!r}",
            )
        if size is not None and timespan_seconds(size) <= 0:
            yield f"{path}.size", f"expected a positive size, got {size!r}"
        key = (dependency.get("trigger"), on_self, offset, size)
        if key in seen:
            yield path, f"duplicate of dependsOn[{seen[key]}]"
        seen.setdefault(key, i)
    if others > MAX_DEPENDENCIES:
        yield (
            "dependsOn",
            f"expected at most {MAX_DEPENDENCIES} other triggers (Data Factory's limit), got {others}",
        )


def argument_problem(value: Any, secret: bool = True) -> str | None:
    """What is wrong with a tumbling window's argument as an expression (components.expressions),
    or None: there trigger() is the window's (`trigger().outputs.windowStartTime`,
    `windowEndTime`). `secret`: quote none of the value (it may be a SecureString parameter's)."""
    context = expressions.Context(
        scope=expressions.Scope.TRIGGER, trigger=expressions.TriggerType.TUMBLING_WINDOW, secret=secret
    )
    return expressions.problem(value, context)


@checks(TumblingWindowSpec, "parameters")
def _arguments_are_strings(spec: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """pulumi-azure's TriggerTumblingWindow sends `pipeline.parameters` as a map of strings
    (azurerm: TypeMap of TypeString), and Data Factory does not convert a string to another
    parameter type (Azure/Azure-DataFactory#518, #529; components.pipeline). A window alone does
    not know its parameters' types: every value may be a secret."""
    yield from lifecycle.string_arguments(
        spec,
        "the trigger sends every argument as a string and Data Factory does not convert it to the"
        " parameter's type; only String and SecureString parameters can be set by a tumbling window",
        argument_problem,
    )


@rules(trigger_name=DATA_FACTORY_NAME, pipeline_name=DATA_FACTORY_NAME, secret_parameters=rule(default=False))
class TumblingWindowTriggerArgs(TypedDict):
    """Inputs of TumblingWindowTrigger. It starts once what `opts.depends_on` names exists (the
    role assignments its runs need, the triggers it depends on), and is stopped and deleted before
    them."""

    spec: TumblingWindowSpec
    """The windows."""
    trigger_name: str
    """Trigger name in the factory."""
    factory_id: pulumi.Input[str]
    """ARM id of the factory."""
    pipeline_name: pulumi.Input[str]
    """The one pipeline the trigger runs."""
    description: NotRequired[str]
    """A meaningful description."""
    secret_parameters: NotRequired[bool]
    """The parameters include a SecureString parameter's value: keep them all secret."""


class TumblingWindowTrigger(pulumi.ComponentResource):
    """A tumbling-window trigger that really runs its windows: pulumi-azure's
    TriggerTumblingWindow, started (`activated`) after what `opts.depends_on` names. Pass a
    `pulumi_azure.Provider` (`opts=ResourceOptions(providers=[...])`) or set
    `azure:subscriptionId`."""

    trigger: azure_datafactory.TriggerTumblingWindow
    """The trigger."""
    activated: pulumi.Output[bool | None]
    """Whether the trigger is started."""

    def __init__(
        self, name: str, args: TumblingWindowTriggerArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        args = validation.parse(TumblingWindowTriggerArgs, args, f"TumblingWindowTrigger {name}: ")
        # As ScheduleTrigger: what the component waits for, its trigger waits for.
        own, waits = lifecycle.split_waits(opts)
        super().__init__("adf-databricks:index:TumblingWindowTrigger", name, None, own)
        spec = args["spec"]
        parameters = lifecycle.arguments("TumblingWindowTrigger", "a tumbling window", name, args)
        retry = spec.get("retry") or {}
        end_time = spec.get("end_time")
        self.trigger = azure_datafactory.TriggerTumblingWindow(
            f"{name}-trigger",
            name=args["trigger_name"],
            data_factory_id=args["factory_id"],
            description=args.get("description"),
            pipeline=azure_datafactory.TriggerTumblingWindowPipelineArgs(
                name=args["pipeline_name"], parameters=parameters
            ),
            frequency=WindowFrequency(spec["frequency"]).value,
            interval=spec["interval"],
            start_time=schedule_time(spec["start_time"]),
            end_time=schedule_time(end_time) if end_time else None,
            delay=spec.get("delay"),
            max_concurrency=spec.get("max_concurrency"),
            # azurerm's retry block needs a count of at least 1: without retries it is left out,
            # which Data Factory reads as its default, 0.
            retry=azure_datafactory.TriggerTumblingWindowRetryArgs(
                count=retry.get("count", 0), interval=retry.get("interval_seconds")
            )
            if retry.get("count")
            else None,
            # A self-dependency is the one without a trigger name (azurerm sends it as
            # SelfDependencyTumblingWindowTriggerReference).
            trigger_dependencies=[
                azure_datafactory.TriggerTumblingWindowTriggerDependencyArgs(
                    trigger_name=dependency.get("trigger"),
                    offset=dependency.get("offset"),
                    size=dependency.get("size"),
                )
                for dependency in spec.get("depends_on", [])
            ]
            or None,
            activated=spec.get("enabled"),
            opts=pulumi.ResourceOptions(
                parent=self,
                depends_on=waits,
                # frequency, interval and startTime replace it, under the same name: old first.
                delete_before_replace=True,
            ),
        )
        self.activated = self.trigger.activated
        outputs.register(self)


def window_trigger_name(pipeline: str) -> str:
    """The name AdfDatabricks gives a pipeline's tumbling-window trigger."""
    return f"{pipeline}-window"


def describe_window(spec: Mapping[str, Any]) -> str:
    """A tumbling window (a document: camelCase keys) in words: `hourly windows from 2026-01-01T00:00:00Z`."""
    unit = WindowFrequency(spec["frequency"]).value.lower()
    every = f"{unit}ly" if spec["interval"] == 1 else f"{spec['interval']}-{unit}"
    return f"{every} windows from {schedule_time(spec['startTime'])}"
