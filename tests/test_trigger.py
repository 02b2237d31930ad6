"""ScheduleTrigger: started on create (pulumi-azure `activated`), schedule fields as configured."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pulumi
import pulumi_azure_native.resources as resources
import pytest

from components import lifecycle, trigger
from components.enums import Frequency
from components.trigger import ScheduleTrigger
from components.validation import InvalidArgs
from tests.conftest import Render, base, pipeline
from tools import contract, engine

TRIGGER = "azure:datafactory/triggerSchedule:TriggerSchedule"


def test_daily_trigger_is_started(render: Render) -> None:
    result = render(base())
    trigger = result.one(TRIGGER)
    factory = result.one("azure-native:datafactory:Factory")
    pipe = result.one("azure-native:datafactory:Pipeline")
    assert trigger.inputs["activated"] is True
    assert trigger.inputs["name"] == "process-data-schedule"
    assert trigger.inputs["frequency"] == "Day"
    assert trigger.inputs["interval"] == 1
    assert trigger.inputs["startTime"] == "2026-01-01T06:00:00Z"
    assert trigger.inputs["timeZone"] == "UTC"
    assert trigger.inputs["pipelines"] == [{"name": "process-data"}]
    # No interval in the config: Data Factory's default of 1, said as "every day".
    assert trigger.inputs["description"] == "Runs process-data every day"
    assert trigger.inputs["dataFactoryId"] == engine.arm_id(
        "adf-databricks-test", "Microsoft.DataFactory", "factories", result.outputs["factoryName"]
    )
    assert factory.urn in trigger.dependencies
    # Started only once the pipeline it runs exists.
    assert pipe.urn in trigger.dependencies
    assert "schedule" not in trigger.inputs
    assert result.outputs["triggers"] == {"process-data-schedule": True}


def test_disabled_trigger_stays_stopped(render: Render) -> None:
    p = pipeline(schedule={"frequency": "Day", "startTime": "2026-01-01T06:00:00Z", "enabled": False})
    result = render(base(pipelines=[p]))
    assert result.one(TRIGGER).inputs["activated"] is False
    assert result.outputs["triggers"] == {"process-data-schedule": False}


def test_weekly_schedule_with_parameters(render: Render) -> None:
    p = pipeline(
        schedule={
            "frequency": "Week",
            "interval": 2,
            "startTime": "2026-01-05T00:00:00Z",
            "endTime": "2027-01-01T00:00:00Z",
            "hours": [18, 6],
            "minutes": [30],
            "weekDays": ["Monday", "Thursday"],
            "parameters": {"folder": "weekly"},
        }
    )
    trigger = render(base(pipelines=[p])).one(TRIGGER).inputs
    assert trigger["schedule"] == {"hours": [6, 18], "minutes": [30], "daysOfWeeks": ["Monday", "Thursday"]}
    assert trigger["interval"] == 2
    assert trigger["description"] == "Runs process-data every 2 weeks"
    assert trigger["timeZone"] == "UTC"
    assert trigger["pipelines"] == [{"name": "process-data", "parameters": {"folder": "weekly"}}]


def test_monthly_schedule(render: Render) -> None:
    p = pipeline(schedule={"frequency": "Month", "startTime": "2026-01-01T00:00:00Z", "monthDays": [-1, 1]})
    trigger = render(base(pipelines=[p])).one(TRIGGER).inputs
    assert trigger["schedule"] == {"daysOfMonths": [-1, 1]}


def test_secure_string_arguments_stay_secret(render: Render) -> None:
    p = pipeline(
        parameters={"folder": {"type": "String"}, "key": {"type": "SecureString"}},
        schedule={
            "frequency": "Day",
            "startTime": "2026-01-01T06:00:00Z",
            "parameters": {"folder": "x", "key": "s3cr3t-value"},
        },
    )
    trigger = render(base(pipelines=[p])).one(TRIGGER)
    assert trigger.inputs["pipelines"] == [{"name": "process-data", "parameters": engine.SECRET}]
    assert trigger.raw_inputs["pipelines"][0]["parameters"] == {"folder": "x", "key": "s3cr3t-value"}


def test_trigger_sends_string_arguments_as_written(render: Render) -> None:
    p = pipeline(
        parameters={"folder": {"type": "String"}, "n": {"type": "Int", "default": 5}},
        schedule={"frequency": "Hour", "startTime": "2026-01-01T00:00:00Z", "parameters": {"folder": "x"}},
    )
    trigger = render(base(pipelines=[p])).one(TRIGGER).inputs
    # The Int parameter is not sent: its run takes the pipeline's typed default.
    assert trigger["pipelines"][0]["parameters"] == {"folder": "x"}


def test_trigger_uses_an_explicit_provider_with_the_subscription(render: Render) -> None:
    """pulumi-azure 6 refuses to start without a subscription id; azure-native's is used."""
    result = render(base())
    provider = result.one("pulumi:providers:azure")
    assert provider.raw_inputs["subscriptionId"] == engine.SUBSCRIPTION
    assert result.one(TRIGGER).provider == provider.urn


def test_trigger_provider_registers_no_resource_providers(render: Render) -> None:
    """azurerm v4 registers its whole legacy set of resource providers unless told "none",
    which needs register rights on the whole subscription."""
    provider = render(base()).one("pulumi:providers:azure")
    assert provider.raw_inputs["resourceProviderRegistrations"] == "none"
    assert provider.raw_inputs.get("skipProviderRegistration") in (None, "false")
    assert "resourceProvidersToRegisters" not in provider.raw_inputs


@pytest.mark.parametrize(
    "auth", [{"mode": "msi"}, {"mode": "token"}], ids=["msi-contributor", "token-key-vault-reader"]
)
def test_trigger_starts_after_the_grants_have_propagated(render: Render, auth: dict[str, str]) -> None:
    """The first scheduled run must not come before the factory may reach the workspace (or
    the vault): the trigger is created and started only after the propagation wait."""
    result = render(base(auth=auth))
    wait = result.one("time:index/sleep:Sleep")
    trigger = result.one(TRIGGER)
    assert wait.urn in trigger.dependencies


def test_trigger_with_an_inline_token_has_nothing_to_wait_for(render: Render) -> None:
    result = render(base(auth={"mode": "token", "keyVault": False}))
    assert result.of_type("time:index/sleep:Sleep") == []
    assert not [d for d in result.one(TRIGGER).dependencies if "time:index/sleep" in d]


def test_no_schedule_no_trigger(render: Render) -> None:
    result = render(base(pipelines=[pipeline(schedule=None)]))
    assert result.of_type(TRIGGER) == []
    assert result.of_type("pulumi:providers:azure") == []
    assert result.outputs["triggers"] == {}


def test_trigger_uses_pulumi_azure_not_azure_native(render: Render) -> None:
    """azure-native cannot start a trigger; only pulumi-azure's resource may declare it."""
    result = render(base())
    assert result.of_type("azure-native:datafactory:Trigger") == []
    assert len(result.of_type(TRIGGER)) == 1


def test_utc_schedule_is_sent_as_written(render: Render) -> None:
    p = pipeline(
        schedule={
            "frequency": "Day",
            "startTime": "2026-01-01T06:00:00+00:00",
            "endTime": "2027-01-01T00:00:00Z",
        }
    )
    trigger = render(base(pipelines=[p])).one(TRIGGER).inputs
    assert (trigger["startTime"], trigger["endTime"]) == ("2026-01-01T06:00:00Z", "2027-01-01T00:00:00Z")
    assert trigger["timeZone"] == "UTC"


# ---------------------------------------------------------------- the rules, table-style


@pytest.mark.parametrize(
    ("value", "sent"),
    [
        ("2026-01-01T06:00:00Z", "2026-01-01T06:00:00Z"),
        ("2026-01-01T06:00:00+00:00", "2026-01-01T06:00:00Z"),
        ("2026-12-31T23:59:59Z", "2026-12-31T23:59:59Z"),
    ],
)
def test_schedule_time_accepts(value: str, sent: str) -> None:
    assert trigger.schedule_time(value) == sent


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        # Data Factory refuses to start a UTC trigger whose times lack the Z.
        ("2026-01-01T06:00:00", "expected a UTC time (ending in Z)"),
        ("2026-01-01T06:00:00+01:00", "expected a UTC time (ending in Z)"),
        # azurerm reads back whole seconds (Format(time.RFC3339)): a fraction would diff forever.
        ("2026-01-01T06:00:00.5Z", "yyyy-MM-ddTHH:mm:ssZ (whole seconds)"),
        # Forms Python reads but azurerm's RFC 3339 check or Data Factory's format do not.
        ("2026-01-01T06:00Z", "e.g. 2026-12-01T06:00:00Z"),
        ("2026-01-01 06:00:00Z", "e.g. 2026-12-01T06:00:00Z"),
        ("2026-01-01", "e.g. 2026-12-01T06:00:00Z"),
        ("2026-01-01T06:00:00z", "e.g. 2026-12-01T06:00:00Z"),
        ("2026-02-30T06:00:00Z", "e.g. 2026-12-01T06:00:00Z"),
        ("tomorrow", "got 'tomorrow'"),
        (20260101, "got 20260101"),
    ],
)
def test_schedule_time_refuses(value: Any, fragment: str) -> None:
    with pytest.raises(ValueError) as caught:
        trigger.schedule_time(value)
    assert fragment in str(caught.value)


@pytest.mark.parametrize("zone", ["UTC", "W. Europe Standard Time", "Pacific Standard Time", "UTC+12"])
def test_time_zone_accepts_windows_ids(zone: str) -> None:
    assert trigger.time_zone(zone) == zone


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("Europe/Berlin", "(an IANA name; Data Factory's id for it is 'W. Europe Standard Time')"),
        ("America/New_York", "Data Factory's id for it is 'Eastern Standard Time'"),
        ("Asia/Calcutta", "Data Factory's id for it is 'India Standard Time'"),
        ("Etc/UTC", "Data Factory's id for it is 'UTC'"),
        ("europe/berlin", "Data Factory's id for it is 'W. Europe Standard Time'"),
        # tzdata's own aliases are IANA names too.
        ("CET", "Data Factory's id for it is 'Romance Standard Time'"),
        ("w. europe standard time", "(Windows spells it 'W. Europe Standard Time')"),
        ("W Europe Standard Time", "did you mean 'W. Europe Standard Time'?"),
        ("Pacific Standard Tme", "did you mean 'Pacific Standard Time'?"),
        # "UTC+1" is one character from UTC+12: an offset gets no look-alike.
        ("UTC+1", "got 'UTC+1' (not a Windows time zone id)"),
        ("utc+1", "got 'utc+1' (not a Windows time zone id)"),
        ("+01:00", "(not a Windows time zone id)"),
        ("", "expected a non-empty string"),
    ],
)
def test_time_zone_refuses(value: str, fragment: str) -> None:
    with pytest.raises(ValueError, match="expected") as caught:
        trigger.time_zone(value)
    message = str(caught.value)
    assert fragment in message
    if value:
        assert message.startswith(f"expected {trigger.ZONE_FORMAT}, got {value!r}")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            "Europe/Berlin",
            f"expected {trigger.ZONE_FORMAT}, got 'Europe/Berlin'"
            " (an IANA name; Data Factory's id for it is 'W. Europe Standard Time')",
        ),
        ("", "expected a non-empty string, got ''"),
        (5, "expected a non-empty string, got 5"),
    ],
)
def test_time_zone_message_in_full(value: Any, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        trigger.time_zone(value)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("value", "sent"),
    [("2026-01-05T06:30:00", "2026-01-05T06:30:00"), ("2026-12-31T23:59:59", "2026-12-31T23:59:59")],
)
def test_local_time_accepts(value: str, sent: str) -> None:
    assert trigger.local_time(value) == sent


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        # Data Factory would read these as UTC and ignore the zone.
        ("2026-01-05T06:30:00Z", "expected a local time without Z or an offset: Data Factory reads"),
        ("2026-01-05T06:30:00+01:00", "and then ignores timeZone"),
        ("2026-01-05T06:30:00.5", "(whole seconds), e.g. 2026-12-01T06:30:00"),
        ("2026-01-05T06:30", "e.g. 2026-12-01T06:30:00"),
        ("2026-02-30T06:30:00", "e.g. 2026-12-01T06:30:00"),
        (20260105, "got 20260105"),
    ],
)
def test_local_time_refuses(value: Any, fragment: str) -> None:
    with pytest.raises(ValueError) as caught:
        trigger.local_time(value)
    assert fragment in str(caught.value)


def test_iana_names_of_windows_ids() -> None:
    """The missed-run query reads local times with Kusto's datetime_utc_to_local, which takes IANA
    names: the same CLDR table gives them."""
    assert trigger.iana_zone("W. Europe Standard Time") == "Europe/Berlin"
    assert trigger.iana_zone("UTC") == "Etc/UTC"


def test_time_zone_hints_cover_data_factorys_documented_list() -> None:
    """Every id in Learn's "Time zone option" table is a known Windows id (no look-alike hint)."""
    documented = [
        "Pacific Standard Time",
        "Central Standard Time",
        "Eastern Standard Time",
        "GMT Standard Time",
        "W. Europe Standard Time",
        "India Standard Time",
        "China Standard Time",
    ]
    assert all(zone in trigger.WINDOWS_ZONES for zone in documented)


# ---------------------------------------------------------------- the component on its own

PENDING: list[Callable[[], None]] = []
"""What `build`'s one-component program declares."""


def build(tmp_path: Path, declare: Callable[[], None]) -> engine.Result:
    """Run a program that declares only what `declare` does, as a component user would."""
    program = tmp_path / "trigger_program.py"
    program.write_text("from tests.test_trigger import PENDING\nPENDING[0]()\n")
    PENDING[:] = [declare]
    return engine.run({}, "test", preview=False, program=program)


def args(**spec: Any) -> dict[str, Any]:
    return {
        "spec": {"frequency": "Day", "start_time": "2026-01-01T06:00:00Z", **spec},
        "trigger_name": "nightly",
        "factory_id": "/subscriptions/x/resourceGroups/rg/providers/Microsoft.DataFactory/factories/f",
        "pipeline_name": "load",
    }


def test_component_takes_closed_sets_as_plain_strings(tmp_path: Path) -> None:
    """Args as another language sends them: a plain dict, enum values as strings."""
    weekly = args(frequency="Week", week_days=["Friday", "Monday", "Friday"], hours=[18, 6], minutes=[0])
    result = build(tmp_path, lambda: ScheduleTrigger("t", weekly))
    sent = result.one(TRIGGER).inputs
    assert sent["frequency"] == "Week"
    assert sent["schedule"] == {"hours": [6, 18], "minutes": [0], "daysOfWeeks": ["Friday", "Monday"]}
    assert (sent["interval"], sent["timeZone"], sent["activated"]) == (1, "UTC", True)
    # The same with the enum member.
    again = build(
        tmp_path,
        lambda: ScheduleTrigger("t", {**weekly, "spec": {**weekly["spec"], "frequency": Frequency.WEEK}}),
    )
    assert again.one(TRIGGER).inputs == sent


@pytest.mark.parametrize(
    ("spec", "schedule"),
    [
        ({"hours": [18, 6, 18]}, {"hours": [6, 18]}),
        ({"minutes": [45, 15, 45]}, {"minutes": [15, 45]}),
        (
            {"frequency": "Week", "week_days": ["Sunday", "Monday", "Sunday"]},
            {"daysOfWeeks": ["Sunday", "Monday"]},
        ),
        ({"frequency": "Month", "month_days": [15, -1, 15]}, {"daysOfMonths": [-1, 15]}),
    ],
    ids=["hours", "minutes", "weekDays", "monthDays"],
)
def test_component_sends_each_schedule_key_on_its_own(
    tmp_path: Path, spec: dict[str, Any], schedule: dict[str, Any]
) -> None:
    """Any one of hours, minutes, weekDays, monthDays makes a schedule block (without it the
    trigger fires at startTime's clock), each sorted and without repeats."""
    sent = build(tmp_path, lambda: ScheduleTrigger("t", args(**spec))).one(TRIGGER).inputs
    assert sent["schedule"] == schedule


def test_component_sends_parameters_known_only_at_deploy(tmp_path: Path) -> None:
    """A program can pass another resource's output as a parameter value."""

    def declare() -> None:
        ScheduleTrigger("t", args(parameters={"folder": pulumi.Output.from_input("daily")}))

    sent = build(tmp_path, declare).one(TRIGGER).inputs
    assert sent["pipelines"] == [{"name": "load", "parameters": {"folder": "daily"}}]


def test_component_refuses_arguments_that_are_not_strings() -> None:
    """A schedule alone does not know its pipeline's parameter types: a string is all it sends,
    and every other value is refused, all at once, naming only its type (it may be secret)."""
    with pytest.raises(InvalidArgs) as caught:
        ScheduleTrigger("t", args(parameters={"n": 5, "folder": "x", "flags": ["a"], "on": True}))
    reason = (
        ": the trigger sends every argument as a string and Data Factory does not convert it to the"
        " parameter's type (Azure/Azure-DataFactory#518, #529); only String and SecureString"
        " parameters can be set by a schedule"
    )
    assert str(caught.value).splitlines() == [
        f"ScheduleTrigger t: spec.parameters.n: expected a string, got a int{reason}",
        f"ScheduleTrigger t: spec.parameters.flags: expected a string, got a list{reason}",
        f"ScheduleTrigger t: spec.parameters.on: expected a string, got a bool{reason}",
    ]


def test_component_checks_arguments_as_the_trigger_evaluates_them() -> None:
    """A schedule's arguments are evaluated when it fires: trigger() is a schedule trigger's and
    no run exists yet. Alone, a schedule does not know which argument is a SecureString: no
    message quotes the value."""
    with pytest.raises(InvalidArgs) as caught:
        ScheduleTrigger(
            "t",
            args(
                parameters={
                    "at": "@trigger().scheduledTime",
                    "window": "@trigger().outputs.windowStartTime",
                    "run": "@pipeline().RunId",
                    "secret": "@hunter2",
                }
            ),
        )
    hidden = " (the value is not shown: it may be secret)"
    assert str(caught.value).splitlines() == [
        "ScheduleTrigger t: spec.parameters.window: at character 12: trigger().outputs (windowStartTime,"
        " windowEndTime) is set only by a tumbling window trigger, not a ScheduleTrigger, which sets"
        f" trigger().scheduledTime and trigger().startTime{hidden}",
        "ScheduleTrigger t: spec.parameters.run: at character 2: pipeline() is available only in a"
        " pipeline's activities, not in a trigger's arguments to its pipeline: the trigger evaluates its"
        f" arguments before the pipeline run exists{hidden}",
        "ScheduleTrigger t: spec.parameters.secret: at character 9: expected '(' after a function name,"
        " got the end of the value (a value that starts with @ is an expression; write @@ for a literal"
        f" @){hidden}",
    ]


def test_component_refuses_a_deferred_argument_that_is_not_a_string(tmp_path: Path) -> None:
    def declare() -> None:
        ScheduleTrigger("t", args(parameters={"batch": pulumi.Output.from_input({"size": 2})}))

    with pytest.raises(
        Exception, match=r"ScheduleTrigger t: spec\.parameters\.batch: expected a string, got a dict"
    ):
        build(tmp_path, declare)


def test_component_sends_utc_times_with_z(tmp_path: Path) -> None:
    """`+00:00` is a UTC time as config takes it; Data Factory wants the Z."""
    spec = args(start_time="2026-01-01T06:00:00+00:00", end_time="2027-01-01T00:00:00-00:00")
    sent = build(tmp_path, lambda: ScheduleTrigger("t", spec)).one(TRIGGER).inputs
    assert (sent["startTime"], sent["endTime"]) == ("2026-01-01T06:00:00Z", "2027-01-01T00:00:00Z")


def test_component_keeps_secret_arguments_secret(tmp_path: Path) -> None:
    secret = {**args(parameters={"key": "s3cr3t-value"}), "secret_parameters": True}
    sent = build(tmp_path, lambda: ScheduleTrigger("t", secret)).one(TRIGGER)
    assert sent.inputs["pipelines"] == [{"name": "load", "parameters": engine.SECRET}]
    assert sent.raw_inputs["pipelines"][0]["parameters"] == {"key": "s3cr3t-value"}


def test_component_trigger_waits_for_its_depends_on(tmp_path: Path) -> None:
    """What the component waits for, its trigger (which starts runs) waits for; the component
    itself is registered as before, so existing stacks' state does not change."""

    def declare() -> None:
        wait = resources.ResourceGroup("grants", location="westeurope")
        ScheduleTrigger("t", args(), opts=pulumi.ResourceOptions(depends_on=[wait]))

    result = build(tmp_path, declare)
    wait = result.one("azure-native:resources:ResourceGroup").urn
    assert wait in result.one(TRIGGER).dependencies
    assert result.one("adf-databricks:index:ScheduleTrigger").dependencies == []


@pytest.mark.parametrize(
    ("value", "zone"),
    [
        ("2026-12-01T06:00:00", "UTC"),
        ("2026-12-01T06:00:00.5Z", "UTC"),
        # Data Factory would read these as UTC and ignore the zone.
        ("2026-12-01T06:00:00Z", "W. Europe Standard Time"),
        ("2026-12-01T06:00:00+01:00", "W. Europe Standard Time"),
        ("Europe/Berlin", "W. Europe Standard Time"),
    ],
)
def test_component_refuses_times_it_cannot_send(value: str, zone: str) -> None:
    """The component is usable without this project's settings: a wrong form fails, not shifts."""
    # No mocks are set: reaching the engine would fail differently.
    with pytest.raises(InvalidArgs, match=r"ScheduleTrigger t: spec\.(startTime|timeZone): expected"):
        ScheduleTrigger("t", args(start_time=value, time_zone=zone))


def test_component_refuses_bad_args_with_every_problem() -> None:
    bad = {
        **args(
            frequency="Daily",
            interval=0,
            start_time="tomorrow 6am",
            time_zone="Europe/Berlin",
            hours=[24],
            month_days=[0],
            enabled="yes",
        ),
        "trigger_name": "a/b",
        "colour": "red",
    }
    with pytest.raises(InvalidArgs) as caught:
        ScheduleTrigger("t", bad)
    assert isinstance(caught.value, pulumi.RunError)
    assert [str(p) for p in caught.value.problems] == [
        "spec.frequency: expected one of Minute, Hour, Day, Week, Month, got 'Daily'",
        # In the order the keys are written: args() writes frequency and start_time first.
        f"spec.startTime: expected {trigger.TIME_FORMAT}, got 'tomorrow 6am'",
        "spec.interval: expected an integer >= 1, got 0",
        f"spec.timeZone: expected {trigger.ZONE_FORMAT}, got 'Europe/Berlin'"
        " (an IANA name; Data Factory's id for it is 'W. Europe Standard Time')",
        "spec.hours[0]: expected an integer from 0 to 23, got 24",
        "spec.monthDays[0]: expected days from -31 to 31 other than 0, got 0",
        "spec.enabled: expected true or false, got 'yes'",
        "triggerName: expected a Data Factory name (letter, digit or _ first;"
        " none of . + ? / < > * % & : \\ #; at most 140 characters), got 'a/b'",
        "colour: unknown key; known keys: spec, triggerName, factoryId, pipelineName, description,"
        " secretParameters",
    ]
    assert str(caught.value).splitlines()[0].startswith("ScheduleTrigger t: spec.frequency: ")


@pytest.mark.parametrize(
    ("spec", "problem"),
    [
        pytest.param({"start_time": None}, "spec.startTime: is required", id="start required"),
        pytest.param(
            {"minutes": [60]}, "spec.minutes[0]: expected an integer from 0 to 59, got 60", id="minutes range"
        ),
        pytest.param(
            {"frequency": "Week", "week_days": ["Mon"]},
            "spec.weekDays[0]: expected one of Monday, Tuesday, Wednesday, Thursday, Friday, Saturday,"
            " Sunday, got 'Mon'",
            id="week day names",
        ),
        pytest.param(
            {"frequency": "Month", "month_days": [32]},
            "spec.monthDays[0]: expected days from -31 to 31 other than 0, got 32",
            id="month day range",
        ),
        pytest.param(
            {"end_time": "2026-01-01T06:00:00Z"},
            "spec.endTime: expected a time after startTime (2026-01-01T06:00:00Z), got '2026-01-01T06:00:00Z'",
            id="end after start",
        ),
    ],
)
def test_component_refuses(spec: dict[str, Any], problem: str) -> None:
    with pytest.raises(InvalidArgs) as caught:
        ScheduleTrigger("t", args(**spec))
    assert str(caught.value) == f"ScheduleTrigger t: {problem}"


def test_component_refuses_keys_of_another_frequency() -> None:
    with pytest.raises(InvalidArgs) as caught:
        ScheduleTrigger("t", args(frequency="Hour", hours=[1], week_days=["Monday"], month_days=[1]))
    assert [str(p) for p in caught.value.problems] == [
        "spec.hours: applies only with frequency Day or Week or Month, not Hour",
        "spec.weekDays: applies only with frequency Week, not Hour",
        "spec.monthDays: applies only with frequency Month, not Hour",
    ]


def test_component_refuses_an_end_before_the_start() -> None:
    with pytest.raises(
        InvalidArgs, match=r"spec\.endTime: expected a time after startTime \(2026-01-01T06:00:00Z\)"
    ):
        ScheduleTrigger("t", args(end_time="2026-01-01T05:00:00Z"))


# ---------------------------------------------------------------- a schedule in another time zone

NATIVE = "azure-native:datafactory:Trigger"
STATE = "time:index/static:Static"
BERLIN = {
    "frequency": "Week",
    "startTime": "2026-01-05T06:30:00",
    "endTime": "2026-12-31T23:59:59",
    "timeZone": "W. Europe Standard Time",
    "hours": [6],
    "minutes": [30],
    "weekDays": ["Monday", "Wednesday", "Friday"],
}
"""Mon/Wed/Fri 06:30 in Berlin, with an end: Data Factory moves it with daylight saving time."""


def state_record(result: engine.Result) -> engine.Registration:
    return next(r for r in result.of_type(STATE) if r.name.endswith("-state"))


def test_berlin_schedule_renders_local_times_and_the_zone(render: Render) -> None:
    result = render(base(pipelines=[pipeline(schedule=BERLIN)]))
    assert result.of_type(TRIGGER) == []
    native = result.one(NATIVE)
    assert native.inputs == {
        "triggerName": "process-data-schedule",
        "factoryName": result.outputs["factoryName"],
        "resourceGroupName": "adf-databricks-test",
        "properties": {
            "type": "ScheduleTrigger",
            "description": "Runs process-data every week",
            "pipelines": [
                {"pipelineReference": {"referenceName": "process-data", "type": "PipelineReference"}}
            ],
            "recurrence": {
                "frequency": "Week",
                "interval": 1,
                # Zoneless: Data Factory reads them on Berlin's clock (a Z would make them UTC).
                "startTime": "2026-01-05T06:30:00",
                "endTime": "2026-12-31T23:59:59",
                "timeZone": "W. Europe Standard Time",
                "schedule": {"hours": [6], "minutes": [30], "weekDays": ["Monday", "Wednesday", "Friday"]},
            },
        },
    }
    assert contract.check_resource(native.type, native.inputs) == []
    # Started by the lifecycle (components.lifecycle), once the grants have propagated.
    assert result.one("time:index/sleep:Sleep").urn in native.dependencies
    assert result.outputs["triggers"] == {"process-data-schedule": True}
    # No UTC schedule, so no pulumi-azure provider either.
    assert result.of_type("pulumi:providers:azure") == []


def test_zoned_trigger_is_stopped_before_an_update_or_a_delete(render: Render) -> None:
    native = render(base(pipelines=[pipeline(schedule=BERLIN)])).one(NATIVE)
    assert native.hooks == {
        "before_update": [lifecycle.STOP_HOOK],
        "before_delete": [lifecycle.STOP_HOOK],
    }
    # Same name in the factory: the old trigger goes (stopped) before its replacement.
    assert native.delete_before_replace
    # A schedule moved from UTC replaces the pulumi-azure trigger it had.
    assert any(
        alias.endswith(f"${TRIGGER}::adf-databricks-trigger-process-data-trigger") for alias in native.aliases
    )


def test_zoned_trigger_is_started_by_its_state_record(render: Render) -> None:
    result = render(base(pipelines=[pipeline(schedule=BERLIN)]))
    native, record = result.one(NATIVE), state_record(result)
    assert record.hooks == {"before_create": [lifecycle.ENSURE_HOOK]}
    triggers = record.inputs["triggers"]
    assert triggers["trigger"] == native.id
    assert triggers["state"] == "Started"
    # Found as it should be (here: not there yet).
    assert triggers["found"] == ""
    assert len(triggers["definition"]) == 16


def test_a_disabled_zoned_trigger_is_kept_stopped(render: Render) -> None:
    result = render(base(pipelines=[pipeline(schedule={**BERLIN, "enabled": False})]))
    assert state_record(result).inputs["triggers"]["state"] == "Stopped"
    assert result.outputs["triggers"] == {"process-data-schedule": False}


@pytest.mark.parametrize(
    ("found", "enabled", "noted"),
    [
        ("Stopped", True, "Stopped"),
        ("Started", True, ""),
        ("Started", False, "Started"),
        ("Stopped", False, ""),
    ],
)
def test_a_trigger_found_otherwise_replaces_its_state_record(
    render: Render, monkeypatch: pytest.MonkeyPatch, found: str, enabled: bool, noted: str
) -> None:
    """Stopped (or started) by hand: the state record notes it, so it is replaced, and its hook
    starts (or stops) the trigger again."""
    monkeypatch.setitem(engine.TRIGGER_STATES, "process-data-schedule", found)
    result = render(base(pipelines=[pipeline(schedule={**BERLIN, "enabled": enabled})]))
    assert state_record(result).inputs["triggers"]["found"] == noted


def test_the_definition_digest_follows_what_is_sent(render: Render) -> None:
    """An update stops the trigger (its before_update hook): the changed digest replaces the state
    record, whose hook starts it again. The same schedule gives the same digest."""
    digest = state_record(render(base(pipelines=[pipeline(schedule=BERLIN)]))).inputs["triggers"][
        "definition"
    ]
    again = state_record(render(base(pipelines=[pipeline(schedule=BERLIN)]))).inputs["triggers"]["definition"]
    later = state_record(render(base(pipelines=[pipeline(schedule={**BERLIN, "hours": [7]})])))
    assert digest == again
    assert later.inputs["triggers"]["definition"] != digest


def test_a_zoned_trigger_keeps_secret_arguments_secret(render: Render) -> None:
    p = pipeline(
        parameters={"folder": {"type": "String"}, "key": {"type": "SecureString"}},
        schedule={**BERLIN, "parameters": {"key": "s3cr3t-value"}},
    )
    result = render(base(pipelines=[p]))
    native = result.one(NATIVE)
    assert native.inputs["properties"]["pipelines"][0]["parameters"] == engine.SECRET
    # Derived from the secret, so secret too.
    assert state_record(result).inputs["triggers"]["definition"] == engine.SECRET


def test_a_utc_schedule_moved_from_another_zone_replaces_its_trigger(render: Render) -> None:
    classic = render(base()).one(TRIGGER)
    assert classic.delete_before_replace
    assert any(
        alias.endswith(f"${NATIVE}::adf-databricks-trigger-process-data-trigger") for alias in classic.aliases
    )
