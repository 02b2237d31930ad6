"""TumblingWindowTrigger: windows sent as pulumi-azure's TriggerTumblingWindow, every documented
rule at its edges, and the stack's dependencies between windows."""

from __future__ import annotations

from typing import Any

import pytest

from components.tumbling_window import TumblingWindowTrigger, timespan_seconds
from components.validation import InvalidArgs
from tests.conftest import Render, base, pipeline
from tools import contract, engine

WINDOW = "azure:datafactory/triggerTumblingWindow:TriggerTumblingWindow"
HOURLY = {"frequency": "Hour", "interval": 1, "startTime": "2025-01-01T00:00:00Z"}
"""Hourly windows from a start in the past: every window since is run (backfill)."""
WINDOW_PARAMETERS = {
    "folder": {"type": "String", "default": "product_data"},
    "windowStart": {"type": "String"},
    "windowEnd": {"type": "String"},
}


def windowed(name: str = "load", **window: Any) -> dict[str, Any]:
    return pipeline(
        name=name,
        parameters=WINDOW_PARAMETERS,
        schedule=None,
        tumblingWindow={**HOURLY, **window},
    )


def by_name(result: engine.Result, trigger: str) -> engine.Registration:
    return next(r for r in result.of_type(WINDOW) if r.inputs["name"] == trigger)


def test_a_tumbling_window_with_every_setting_renders_and_passes_the_models(render: Render) -> None:
    p = windowed(
        endTime="2027-01-01T00:00:00Z",
        delay="00:10:00",
        maxConcurrency=10,
        retry={"count": 2, "intervalSeconds": 60},
        dependsOn=[{"self": True, "offset": "-01:00:00", "size": "01:00:00"}],
        parameters={
            "windowStart": "@trigger().outputs.windowStartTime",
            "windowEnd": "@trigger().outputs.windowEndTime",
        },
    )
    result = render(base(pipelines=[p]))
    trigger = result.one(WINDOW)
    assert trigger.inputs == {
        "name": "load-window",
        "dataFactoryId": result.one("azure-native:datafactory:Factory").id,
        "description": "Runs load for hourly windows from 2025-01-01T00:00:00Z",
        "pipeline": {
            "name": "load",
            # The window reaches the pipeline as its parameters.
            "parameters": {
                "windowStart": "@trigger().outputs.windowStartTime",
                "windowEnd": "@trigger().outputs.windowEndTime",
            },
        },
        "frequency": "Hour",
        "interval": 1,
        "startTime": "2025-01-01T00:00:00Z",
        "endTime": "2027-01-01T00:00:00Z",
        "delay": "00:10:00",
        "maxConcurrency": 10,
        "retry": {"count": 2, "interval": 60},
        # A self-dependency has no trigger name (azurerm sends SelfDependencyTumblingWindowTriggerReference).
        "triggerDependencies": [{"offset": "-01:00:00", "size": "01:00:00"}],
        "activated": True,
    }
    assert contract.check_resource(trigger.type, trigger.inputs) == []
    # Started once the grants its runs need have propagated, and the pipeline exists.
    assert result.one("time:index/sleep:Sleep").urn in trigger.dependencies
    assert result.one("azure-native:datafactory:Pipeline").urn in trigger.dependencies
    # frequency, interval and startTime replace it (azurerm ForceNew), under the same name.
    assert trigger.delete_before_replace
    assert result.outputs["triggers"] == {"load-window": True}
    assert trigger.provider == result.one("pulumi:providers:azure").urn


def test_defaults_concurrency_50_and_no_retry_block(render: Render) -> None:
    """maxConcurrency is required by the API (azurerm's default 50); azurerm's retry block needs a
    count of at least 1, so no retries means no block (Data Factory's default, 0)."""
    trigger = render(base(pipelines=[windowed(retry={"count": 0})])).one(WINDOW).inputs
    assert trigger["maxConcurrency"] == 50
    assert "retry" not in trigger
    assert "triggerDependencies" not in trigger


def test_a_disabled_window_is_created_stopped(render: Render) -> None:
    result = render(base(pipelines=[windowed(enabled=False)]))
    assert result.one(WINDOW).inputs["activated"] is False
    assert result.outputs["triggers"] == {"load-window": False}


def test_a_window_waits_for_the_windows_it_depends_on(render: Render) -> None:
    """Data Factory takes a dependency on a trigger that exists: it is created first, whatever
    the order of the pipelines."""
    aggregate = windowed(
        "aggregate",
        interval=2,
        dependsOn=[{"trigger": "load-window", "size": "02:00:00"}, {"trigger": "extract-window"}],
    )
    result = render(base(pipelines=[aggregate, windowed("load"), windowed("extract")]))
    dependent = by_name(result, "aggregate-window")
    assert dependent.inputs["triggerDependencies"] == [
        {"triggerName": "load-window", "size": "02:00:00"},
        {"triggerName": "extract-window"},
    ]
    assert by_name(result, "load-window").urn in dependent.dependencies
    assert by_name(result, "extract-window").urn in dependent.dependencies
    assert contract.check_resource(dependent.type, dependent.inputs) == []


def test_a_stack_of_windows_only_declares_no_schedule_trigger(render: Render) -> None:
    result = render(base(pipelines=[windowed()]))
    assert result.of_type("azure:datafactory/triggerSchedule:TriggerSchedule") == []


# ---------------------------------------------------------------- the rules, at their edges


def args(**spec: Any) -> dict[str, Any]:
    return {
        "spec": {"frequency": "Hour", "interval": 1, "start_time": "2025-01-01T00:00:00Z", **spec},
        "trigger_name": "load-window",
        "factory_id": "/subscriptions/x/resourceGroups/rg/providers/Microsoft.DataFactory/factories/f",
        "pipeline_name": "load",
    }


def problems(**spec: Any) -> list[str]:
    with pytest.raises(InvalidArgs) as caught:
        TumblingWindowTrigger("t", args(**spec))
    return [str(p) for p in caught.value.problems]


@pytest.mark.parametrize(
    "spec",
    [
        {"frequency": "Minute", "interval": 15},
        {"frequency": "Month", "interval": 1},
        {"max_concurrency": 1},
        {"max_concurrency": 50},
        {"retry": {"count": 0, "interval_seconds": 30}},
        {"retry": {"count": 1, "interval_seconds": 86400}},
        {"delay": "00:00:00"},
        {"delay": "1.00:00:00"},
        {"end_time": "2025-01-01T00:00:01Z"},
        {"depends_on": [{"self": True, "offset": "-00:00:01"}]},
        {"depends_on": [{"self": True, "offset": "-12345.00:00:00"}]},
        {
            "depends_on": [{"trigger": f"w{i}", "offset": "-01:00:00"} for i in range(5)]
            + [{"self": True, "offset": "-01:00:00"}]
        },
        {"depends_on": [{"trigger": "w", "offset": "01:00:00", "size": "00:00:01"}]},
        {"depends_on": [{"trigger": "w", "offset": "00:00:00"}]},
        {"parameters": {"windowStart": "@trigger().outputs.windowStartTime", "day": "x"}},
    ],
    ids=lambda spec: str(spec)[:60],
)
def test_what_data_factory_takes_is_taken(spec: dict[str, Any]) -> None:
    # Validation passes; constructing the component outside a program fails only afterwards.
    with pytest.raises(Exception) as caught:
        TumblingWindowTrigger("t", args(**spec))
    assert not isinstance(caught.value, InvalidArgs), caught.value


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ({"frequency": "Day"}, "spec.frequency: expected one of Minute, Hour, Month, got 'Day'"),
        ({"interval": 0}, "spec.interval: expected an integer >= 1, got 0"),
        (
            {"frequency": "Minute", "interval": 14},
            "spec.interval: expected at least 15 with frequency Minute (Data Factory's shortest window), got 14",
        ),
        ({"max_concurrency": 0}, "spec.maxConcurrency: expected an integer from 1 to 50, got 0"),
        ({"max_concurrency": 51}, "spec.maxConcurrency: expected an integer from 1 to 50, got 51"),
        ({"retry": {"count": -1}}, "spec.retry.count: expected an integer >= 0, got -1"),
        (
            {"retry": {"count": 1, "interval_seconds": 29}},
            "spec.retry.intervalSeconds: expected an integer from 30 to 86400, got 29",
        ),
        (
            {"retry": {"count": 1, "interval_seconds": 86401}},
            "spec.retry.intervalSeconds: expected an integer from 30 to 86400, got 86401",
        ),
        (
            {"delay": "-00:10:00"},
            "spec.delay: expected a timespan [d.]hh:mm:ss, e.g. 00:10:00, got '-00:10:00'",
        ),
        ({"delay": "10m"}, "spec.delay: expected a timespan [d.]hh:mm:ss, e.g. 00:10:00, got '10m'"),
        (
            {"start_time": "2025-01-01T00:00:00"},
            "spec.startTime: expected a UTC time (ending in Z), got '2025-01-01T00:00:00'"
            " (tumbling windows are in UTC only)",
        ),
        (
            {"end_time": "2025-01-01T00:00:00Z"},
            "spec.endTime: expected a time after startTime (2025-01-01T00:00:00Z), got '2025-01-01T00:00:00Z'",
        ),
        (
            {"depends_on": [{"self": True}]},
            "spec.dependsOn[0].offset: is required with self: a self-dependency names which earlier window",
        ),
        (
            {"depends_on": [{"self": True, "offset": "-00:00:00"}]},
            "spec.dependsOn[0].offset: expected a negative offset for a self-dependency (an earlier window),"
            " got '-00:00:00'",
        ),
        (
            {"depends_on": [{"self": True, "offset": "01:00:00"}]},
            "spec.dependsOn[0].offset: expected a negative offset for a self-dependency (an earlier window),"
            " got '01:00:00'",
        ),
        (
            {"depends_on": [{"trigger": "w", "size": "00:00:00"}]},
            "spec.dependsOn[0].size: expected a positive size, got '00:00:00'",
        ),
        (
            {"depends_on": [{"trigger": "w", "size": "-01:00:00"}]},
            "spec.dependsOn[0].size: expected a timespan [d.]hh:mm:ss of 8 to 15 characters, e.g. 02:00:00,"
            " got '-01:00:00'",
        ),
        (
            {"depends_on": [{"trigger": "w", "offset": "-1234567.00:00:00"}]},
            "spec.dependsOn[0].offset: expected a timespan [-][d.]hh:mm:ss of 8 to 15 characters, e.g. -01:00:00,"
            " got '-1234567.00:00:00'",
        ),
        (
            {"depends_on": [{"trigger": "w", "self": True, "offset": "-01:00:00"}]},
            "spec.dependsOn[0]: expected exactly one of trigger (another tumbling-window trigger) and self: true",
        ),
        (
            {"depends_on": [{"offset": "-01:00:00"}]},
            "spec.dependsOn[0]: expected exactly one of trigger (another tumbling-window trigger) and self: true",
        ),
        (
            {"depends_on": [{"self": False, "offset": "-01:00:00"}]},
            "spec.dependsOn[0]: expected exactly one of trigger (another tumbling-window trigger) and self: true",
        ),
        (
            {"depends_on": [{"trigger": "w"}, {"trigger": "w"}]},
            "spec.dependsOn[1]: duplicate of dependsOn[0]",
        ),
        (
            {"depends_on": [{"trigger": f"w{i}"} for i in range(6)]},
            "spec.dependsOn: expected at most 5 other triggers (Data Factory's limit), got 6",
        ),
        # What a schedule's or a storage event's run has, not a window's (components.expressions).
        (
            {"parameters": {"at": "@trigger().outputs.body.fileName"}},
            "spec.parameters.at: at character 20: trigger().outputs has no such property"
            " (the value is not shown: it may be secret)",
        ),
        (
            {"parameters": {"day": "@trigger().scheduledTime"}},
            "spec.parameters.day: at character 12: a TumblingWindowTrigger sets no such trigger() property"
            " (the value is not shown: it may be secret)",
        ),
        (
            {"parameters": {"n": 5}},
            "spec.parameters.n: expected a string, got a int: the trigger sends every argument as a string and"
            " Data Factory does not convert it to the parameter's type; only String and SecureString"
            " parameters can be set by a tumbling window",
        ),
    ],
    ids=lambda value: str(value)[:50],
)
def test_what_data_factory_refuses_is_refused(spec: dict[str, Any], expected: str) -> None:
    assert problems(**spec) == [expected]


def test_every_problem_at_once() -> None:
    assert problems(
        frequency="Minute",
        interval=5,
        max_concurrency=60,
        delay="soon",
        depends_on=[{"self": True, "offset": "00:10:00"}],
    ) == [
        "spec.interval: expected at least 15 with frequency Minute (Data Factory's shortest window), got 5",
        "spec.maxConcurrency: expected an integer from 1 to 50, got 60",
        "spec.delay: expected a timespan [d.]hh:mm:ss, e.g. 00:10:00, got 'soon'",
        "spec.dependsOn[0].offset: expected a negative offset for a self-dependency (an earlier window),"
        " got '00:10:00'",
    ]


@pytest.mark.parametrize(
    ("timespan", "seconds"),
    [("00:00:01", 1), ("-01:00:00", -3600), ("1.02:03:04", 93784), ("-00:00:00", 0), ("00:60:00", 3600)],
)
def test_timespans_in_seconds(timespan: str, seconds: int) -> None:
    assert timespan_seconds(timespan) == seconds


# ---------------------------------------------------------------- what the stack adds


def stack_problems(render: Render, *pipelines: dict[str, Any]) -> list[str]:
    with pytest.raises(Exception) as caught:
        render(base(pipelines=list(pipelines)))
    return str(caught.value).splitlines()


def test_a_dependency_names_another_pipelines_window(render: Render) -> None:
    lines = stack_problems(
        render,
        windowed("load", dependsOn=[{"trigger": "load-window"}, {"trigger": "extract"}]),
        windowed("extract"),
    )
    assert lines == [
        "adf-databricks:pipelines[0].tumblingWindow.dependsOn[0].trigger: names this pipeline's own trigger"
        " 'load-window': a self-dependency is self: true",
        "adf-databricks:pipelines[0].tumblingWindow.dependsOn[1].trigger: expected the tumbling-window trigger"
        " of another pipeline (extract-window), got 'extract'",
    ]


def test_windows_that_depend_on_each_other_in_a_cycle_are_refused(render: Render) -> None:
    lines = stack_problems(
        render,
        windowed("a", dependsOn=[{"trigger": "b-window"}]),
        windowed("b", dependsOn=[{"trigger": "a-window"}]),
    )
    assert len(lines) == 1
    assert lines[0].startswith("adf-databricks:pipelines: tumbling windows depend on each other in a cycle: ")


def test_window_arguments_set_declared_string_parameters(render: Render) -> None:
    p = windowed(
        parameters={
            "windowStart": "@trigger().outputs.windowStartTime",
            "n": "5",
            "typo": "x",
        }
    )
    p["parameters"] = {**WINDOW_PARAMETERS, "n": {"type": "Int", "default": 1}}
    lines = stack_problems(render, p)
    assert lines == [
        "adf-databricks:pipelines[0].tumblingWindow.parameters.n: a tumbling window cannot set a Int parameter:"
        " its trigger sends every argument as a string and Data Factory does not convert it to the parameter's"
        " type (Azure/Azure-DataFactory#518, #529); set the value as parameters.n.default instead, or declare"
        " the parameter String and convert it in the pipeline (@int(), @float(), @bool(), @json())",
        "adf-databricks:pipelines[0].tumblingWindow.parameters.typo: unknown key; known keys: folder, n,"
        " windowEnd, windowStart",
    ]


def test_a_secure_string_window_argument_stays_secret(render: Render) -> None:
    p = windowed(parameters={"key": "s3cr3t-value"})
    p["parameters"] = {**WINDOW_PARAMETERS, "key": {"type": "SecureString"}}
    trigger = render(base(pipelines=[p])).one(WINDOW)
    assert trigger.inputs["pipeline"] == {"name": "load", "parameters": engine.SECRET}
    assert trigger.raw_inputs["pipeline"]["parameters"] == {"key": "s3cr3t-value"}
