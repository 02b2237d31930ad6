"""ScheduleTrigger: a Data Factory schedule trigger that is started, and safely updated, by Pulumi."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_azure.datafactory as azure_datafactory

from components.enums import Frequency, WeekDay

UTC = "UTC"
"""Data Factory's id of the UTC time zone, the default."""
WALL_CLOCK = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}"
"""Data Factory's yyyy-MM-ddTHH:mm:ss, whole seconds (azurerm reads back no fraction)."""


def azurerm_time(value: str, time_zone: str) -> str:
    """A schedule time as pulumi-azure's TriggerSchedule sends it: UTC, `yyyy-MM-ddTHH:mm:ssZ`.

    Only UTC schedules: azurerm sends RFC 3339 times (with Z or an offset) and Data Factory
    reads those as UTC whatever timeZone says, while it takes other zones' times only without
    an offset (see components.settings.time_zone for the sources). Whole seconds, because
    azurerm reads times back with Format(time.RFC3339) and a fraction would diff on every
    preview. Refused here too, so the component is safe to use without this project's config.
    """
    if time_zone != UTC or not re.fullmatch(WALL_CLOCK + "Z", value):
        raise ValueError(
            f"schedule time {value!r} with time zone {time_zone!r}: expected time zone UTC and a"
            " UTC time like 2026-12-01T06:00:00Z"
        )
    return value


@dataclass(frozen=True)
class ScheduleSpec:
    """When a pipeline runs. Validated by components.settings when read from config."""

    frequency: Frequency
    """Recurrence unit."""
    start_time: str
    """First run, a UTC time `2026-12-01T06:00:00Z`; never the clock, so previews stay unchanged."""
    interval: int = 1
    """Run every `interval` units."""
    end_time: str | None = None
    """No runs after this time; written like start_time."""
    time_zone: str = UTC
    """Time zone the schedule is read in: only `UTC` (see azurerm_time)."""
    hours: Sequence[int] = ()
    """Hours of the day to run at (Day, Week, Month)."""
    minutes: Sequence[int] = ()
    """Minutes of the hour to run at (Hour, Day, Week, Month)."""
    week_days: Sequence[WeekDay] = ()
    """Days of the week (Week)."""
    month_days: Sequence[int] = ()
    """Days of the month, negative counting from the end (Month)."""
    parameters: Mapping[str, str] = field(default_factory=dict)
    """Pipeline parameter values passed to each run."""
    secret_parameters: bool = False
    """The values include a SecureString parameter: keep them all secret."""
    enabled: bool = True
    """Started (fires) when true; created stopped when false."""


@dataclass(frozen=True)
class ScheduleTriggerArgs:
    """Inputs of ScheduleTrigger."""

    spec: ScheduleSpec
    """The schedule."""
    trigger_name: str
    """Trigger name in the factory."""
    factory_id: pulumi.Input[str]
    """ARM id of the factory."""
    pipeline_name: pulumi.Input[str]
    """Pipeline the trigger runs."""
    description: str | None = None
    """A meaningful description."""
    depends_on: Sequence[pulumi.Resource] = ()
    """Created (and so started) only after these, e.g. the wait after the role assignments its
    runs need (WorkspaceAccess.grants_propagated); stopped and deleted before them."""


class ScheduleTrigger(pulumi.ComponentResource):
    """A schedule trigger that really fires.

    azure-native cannot start triggers (starting is a separate POST, pulumi-azure-native
    issue #3540), so this uses pulumi-azure's TriggerSchedule, whose `activated` flag starts
    the trigger after create, stops it around updates and restarts it, and stops it before
    delete. pulumi-azure 6 needs a subscription id: pass a `pulumi_azure.Provider` with
    `opts=ResourceOptions(providers=[...])`, or set `azure:subscriptionId`.
    """

    trigger: azure_datafactory.TriggerSchedule
    """The trigger."""
    activated: pulumi.Output[bool | None]
    """Whether the trigger is started."""

    def __init__(
        self, name: str, args: ScheduleTriggerArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("adf-databricks:index:ScheduleTrigger", name, None, opts)
        spec = args.spec
        advanced = spec.hours or spec.minutes or spec.week_days or spec.month_days
        parameters: pulumi.Input[dict[str, str]] | None = dict(spec.parameters) or None
        if parameters and spec.secret_parameters:
            parameters = pulumi.Output.secret(parameters)
        self.trigger = azure_datafactory.TriggerSchedule(
            f"{name}-trigger",
            name=args.trigger_name,
            data_factory_id=args.factory_id,
            description=args.description,
            pipelines=[
                azure_datafactory.TriggerSchedulePipelineArgs(name=args.pipeline_name, parameters=parameters)
            ],
            frequency=spec.frequency.value,
            interval=spec.interval,
            start_time=azurerm_time(spec.start_time, spec.time_zone),
            end_time=azurerm_time(spec.end_time, spec.time_zone) if spec.end_time else None,
            time_zone=spec.time_zone,
            schedule=azure_datafactory.TriggerScheduleScheduleArgs(
                hours=list(spec.hours) or None,
                minutes=list(spec.minutes) or None,
                days_of_weeks=[d.value for d in spec.week_days] or None,
                days_of_months=list(spec.month_days) or None,
            )
            if advanced
            else None,
            activated=spec.enabled,
            opts=pulumi.ResourceOptions(parent=self, depends_on=list(args.depends_on)),
        )
        self.activated = self.trigger.activated
        self.register_outputs({"name": self.trigger.name, "activated": self.activated})
