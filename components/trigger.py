"""ScheduleTrigger: a Data Factory schedule trigger that is started, and safely updated, by Pulumi."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_azure.datafactory as azure_datafactory

from components.enums import Frequency, WeekDay


@dataclass(frozen=True)
class ScheduleSpec:
    """When a pipeline runs. Validated by components.settings when read from config."""

    frequency: Frequency
    """Recurrence unit."""
    start_time: str
    """First run, ISO 8601 with a zone (never the clock, so previews stay unchanged)."""
    interval: int = 1
    """Run every `interval` units."""
    end_time: str | None = None
    """No runs after this time."""
    time_zone: str = "UTC"
    """Time zone the schedule is read in."""
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
            start_time=spec.start_time,
            end_time=spec.end_time,
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
