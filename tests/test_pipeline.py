"""NotebookPipeline: typed Notebook activities carrying every setting of the Learn module."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pulumi
import pytest
from pulumi.provider.experimental.analyzer import Analyzer

from components import validation
from components.enums import ParameterType
from components.pipeline import (
    NotebookActivity,
    NotebookPipeline,
    NotebookPipelineArgs,
    PipelineSpec,
    schedule_parameter_refused,
)
from components.trigger import ScheduleTrigger
from components.validation import InvalidArgs
from tests.conftest import Render, activity, base, pipeline
from tools import engine

PIPELINE = "azure-native:datafactory:Pipeline"

FULL_ACTIVITY = {
    "name": "Process Data",
    "description": "Copies products into DBFS",
    "notebook": "notebooks/process_data.py",
    "timeout": "0.02:30:00",
    "retries": 3,
    "retryIntervalSeconds": 120,
    "secureInput": True,
    "secureOutput": True,
    "baseParameters": {"folder": "@pipeline().parameters.folder", "mode": "full"},
    "libraries": [
        {"jar": "dbfs:/libs/a.jar"},
        {"egg": "dbfs:/libs/b.egg"},
        {"whl": "/Workspace/libs/c.whl"},
        {"pypi": {"package": "requests==2.32.3", "repo": "https://pypi.org/simple"}},
        {"maven": {"coordinates": "com.x:y:1.0", "exclusions": ["org.z:w"]}},
        {"cran": {"package": "dplyr"}},
    ],
    "userProperties": {"source": "products", "team": "data"},
}


def test_activity_carries_every_setting(render: Render) -> None:
    p = pipeline(
        description="Loads products",
        folder="databricks/loads",
        concurrency=2,
        parameters={
            "folder": {"type": "String", "default": "product_data"},
            "limit": {"type": "Int", "default": 10},
            "ratio": {"type": "Float", "default": 0.5},
            "full": {"type": "Bool", "default": False},
            "tags": {"type": "Array", "default": ["a"]},
            "opts": {"type": "Object", "default": {"k": "v"}},
            "key": {"type": "SecureString"},
        },
        activities=[
            FULL_ACTIVITY,
            {
                "name": "Audit",
                "notebookPath": "/Shared/audit",
                "dependsOn": [{"activity": "Process Data", "conditions": ["Succeeded", "Failed"]}],
            },
        ],
    )
    result = render(base(pipelines=[p]))
    inputs = result.one(PIPELINE).inputs
    assert inputs["pipelineName"] == "process-data"
    assert inputs["description"] == "Loads products"
    assert inputs["folder"] == {"name": "databricks/loads"}
    assert inputs["concurrency"] == 2
    assert inputs["parameters"] == {
        "folder": {"type": "String", "defaultValue": "product_data"},
        "limit": {"type": "Int", "defaultValue": 10},
        "ratio": {"type": "Float", "defaultValue": 0.5},
        "full": {"type": "Bool", "defaultValue": False},
        "tags": {"type": "Array", "defaultValue": ["a"]},
        "opts": {"type": "Object", "defaultValue": {"k": "v"}},
        "key": {"type": "SecureString"},
    }
    first, second = inputs["activities"]
    assert first == {
        "type": "DatabricksNotebook",
        "name": "Process Data",
        "description": "Copies products into DBFS",
        "notebookPath": "/adf-databricks/test/process_data",
        "baseParameters": {
            "volume": "/Volumes/adf_databricks_test/adf_databricks_test/landing",
            "folder": "@pipeline().parameters.folder",
            "mode": "full",
        },
        "libraries": [
            {"jar": "dbfs:/libs/a.jar"},
            {"egg": "dbfs:/libs/b.egg"},
            {"whl": "/Workspace/libs/c.whl"},
            {"pypi": {"package": "requests==2.32.3", "repo": "https://pypi.org/simple"}},
            {"maven": {"coordinates": "com.x:y:1.0", "exclusions": ["org.z:w"]}},
            {"cran": {"package": "dplyr"}},
        ],
        "linkedServiceName": {"referenceName": "AzureDatabricks", "type": "LinkedServiceReference"},
        "policy": {
            "timeout": "0.02:30:00",
            "retry": 3,
            "retryIntervalInSeconds": 120,
            "secureInput": True,
            "secureOutput": True,
        },
        "userProperties": [{"name": "source", "value": "products"}, {"name": "team", "value": "data"}],
    }
    assert second["notebookPath"] == "/Shared/audit"
    assert second["dependsOn"] == [
        {"activity": "Process Data", "dependencyConditions": ["Succeeded", "Failed"]}
    ]
    assert second["policy"] == {
        "timeout": "0.12:00:00",
        "retry": 0,
        "retryIntervalInSeconds": 30,
        "secureInput": False,
        "secureOutput": False,
    }


def test_pipeline_waits_for_notebook_factory_and_linked_service(render: Render) -> None:
    result = render(base())
    deps = set(result.one(PIPELINE).dependencies)
    notebook = result.one("databricks:index/notebook:Notebook").urn
    factory = result.one("azure-native:datafactory:Factory").urn
    ls = result.one("azure-native:datafactory:LinkedService").urn
    assert {notebook, factory, ls} <= deps


def test_secure_string_default_is_secret(render: Render) -> None:
    p = pipeline(
        parameters={
            "folder": {"type": "String", "default": "product_data"},
            "key": {"type": "SecureString", "default": "s3cr3t-value"},
        },
        schedule=None,
    )
    result = render(base(pipelines=[p]))
    pipe = result.one(PIPELINE)
    assert pipe.inputs["parameters"]["key"]["defaultValue"] == engine.SECRET
    assert pipe.raw_inputs["parameters"]["key"]["defaultValue"] == "s3cr3t-value"


def test_one_pipeline_per_config_entry(render: Render) -> None:
    second = pipeline(name="audit", activities=[activity(name="Audit")], schedule=None)
    result = render(base(pipelines=[pipeline(), second]))
    names = sorted(r.inputs["pipelineName"] for r in result.of_type(PIPELINE))
    assert names == ["audit", "process-data"]
    # The shared notebook is uploaded once.
    assert len(result.of_type("databricks:index/notebook:Notebook")) == 1
    assert result.outputs["pipelines"] == ["process-data", "audit"]


# ---------------------------------------------------------------- the rules, table-style


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("0.12:00:00", True),
        ("01:30:00", True),
        ("7.00:00:00", True),
        ("6.23:59:59", True),
        ("07.00:00:00", True),
        ("0.00:00:01", True),
        ("7.00:00:01", False),
        ("8.00:00:00", False),
        ("10.00:00:00", False),
        ("1h", False),
        ("0.24:00:00", False),
        ("0.00:60:00", False),
        ("0.00:00:60", False),
        ("0.00:00:00", False),
        ("00:00:00", False),
        ("1:00:00", False),
        (3600, False),
    ],
)
def test_timeout(value: Any, ok: bool) -> None:
    """Data Factory's d.hh:mm:ss, more than nothing and at most 7 days."""
    found = validation.problems(
        NotebookActivity, {"name": "a", "notebookPath": "/Shared/a", "timeout": value}
    )
    if ok:
        assert found == []
    else:
        assert [str(p) for p in found] == [f"timeout: expected d.hh:mm:ss (at most 7 days), got {value!r}"]


@pytest.mark.parametrize(
    ("path", "ok"),
    [
        ("/Shared/x", True),
        ("/Users/me@example.com/etl/load", True),
        ("/a/..b", True),
        ("Shared/x", False),
        ("/", False),
        ("/Shared/x/", False),
        ("/Shared/../x", False),
        ("/Shared/..", False),
        ("", False),
    ],
)
def test_notebook_path(path: str, ok: bool) -> None:
    found = validation.problems(NotebookActivity, {"name": "a", "notebookPath": path})
    assert (found == []) is ok, found


@pytest.mark.parametrize(
    ("notebook", "ok"),
    [
        ("etl/load.py", True),
        ("load.SQL", True),
        ("x.scala", True),
        ("a.R", True),
        ("README.md", False),
        # Path(...).suffix: a hidden file has none.
        (".py", False),
        ("etl/.py", False),
        ("load.pyc", False),
    ],
)
def test_notebook_languages(notebook: str, ok: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The file exists where the provider would read it, so only its language is in question.
    (tmp_path / notebook).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / notebook).write_text("# Databricks notebook source\n")
    monkeypatch.chdir(tmp_path)
    found = [str(p) for p in validation.problems(NotebookActivity, {"name": "a", "notebook": notebook})]
    assert found == ([] if ok else [f"notebook: expected a .py, .sql, .scala, .r file, got {notebook!r}"])


def test_an_activity_runs_one_thing() -> None:
    both = {"name": "a", "notebook": "notebooks/process_data.py", "notebookPath": "/Shared/x"}
    assert [str(p) for p in validation.problems(NotebookActivity, both)] == [
        "expected exactly one of notebook (a local file), notebookPath, python, jar, job, jobId or jobName"
        " (or a control activity: setVariable, appendVariable, forEach, ifCondition, executePipeline,"
        " wait, fail)"
    ]


# ---------------------------------------------------------------- the component on its own

PENDING: list[Callable[[], None]] = []
"""What `build`'s one-component program declares."""


def build(tmp_path: Path, declare: Callable[[], None]) -> engine.Result:
    """Run a program that declares only what `declare` does, as a component user would."""
    program = tmp_path / "pipeline_program.py"
    program.write_text("from tests.test_pipeline import PENDING\nPENDING[0]()\n")
    PENDING[:] = [declare]
    return engine.run({}, "test", preview=False, program=program)


def args(**spec: Any) -> dict[str, Any]:
    return {
        "spec": {"name": "load", "activities": [{"name": "Load", "notebook_path": "/Shared/load"}], **spec},
        "factory_name": "factory",
        "resource_group_name": "rg",
        "linked_service_name": "AzureDatabricks",
    }


def test_component_takes_closed_sets_as_plain_strings(tmp_path: Path) -> None:
    """Args as another language sends them: a plain dict, enum values as strings."""
    spec = args(
        parameters={"key": {"type": "SecureString", "default": "s3cr3t-value"}, "n": {"type": "Int"}},
        activities=[
            {"name": "Load", "notebook_path": "/Shared/load"},
            {
                "name": "Audit",
                "notebook_path": "/Shared/audit",
                "depends_on": [{"activity": "Load", "conditions": ["Failed", "Skipped"]}],
            },
        ],
    )
    sent = build(tmp_path, lambda: NotebookPipeline("p", spec)).one(PIPELINE)
    assert sent.inputs["parameters"] == {
        "key": {"type": "SecureString", "defaultValue": engine.SECRET},
        "n": {"type": "Int"},
    }
    assert sent.raw_inputs["parameters"]["key"]["defaultValue"] == "s3cr3t-value"
    load, audit = sent.inputs["activities"]
    assert load["policy"] == {
        "timeout": "0.12:00:00",
        "retry": 0,
        "retryIntervalInSeconds": 30,
        "secureInput": False,
        "secureOutput": False,
    }
    assert "dependsOn" not in load
    assert audit["dependsOn"] == [{"activity": "Load", "dependencyConditions": ["Failed", "Skipped"]}]


def test_component_refuses_bad_args_with_every_problem() -> None:
    bad = args(
        name="load.data",
        concurrency=0,
        parameters={"n": {"type": "Int", "default": "5"}, "s": {"type": "Text"}},
        activities=[
            {"name": "Load", "notebook_path": "Shared/load", "timeout": "1h", "retrys": 2},
            {"name": "x" * 56, "notebook_path": "/Shared/b", "retry_interval_seconds": 10},
        ],
        schedule={"frequency": "Day", "start_time": "tomorrow"},
    )
    with pytest.raises(InvalidArgs) as caught:
        NotebookPipeline("p", bad)
    assert isinstance(caught.value, pulumi.RunError)
    assert [str(p) for p in caught.value.problems] == [
        "spec.name: expected a Data Factory name (letter, digit or _ first; none of . + ? / < > * % & :"
        " \\ #; at most 140 characters), got 'load.data'",
        "spec.activities[0].notebookPath: expected an absolute workspace path like /Shared/x, got 'Shared/load'",
        "spec.activities[0].timeout: expected d.hh:mm:ss (at most 7 days), got '1h'",
        "spec.activities[0].retrys: unknown key; did you mean 'retries'?",
        "spec.activities[1].name: expected an activity name of at most 55 characters (letter, digit or _"
        f" first; none of . + ? / < > * % & : \\ #), got '{'x' * 56}'",
        "spec.activities[1].retryIntervalSeconds: expected an integer from 30 to 86400, got 10",
        "spec.concurrency: expected an integer from 1 to 50, got 0",
        "spec.parameters.n.default: expected an integer (Int parameter), got '5'",
        "spec.parameters.s.type: expected one of String, Int, Float, Bool, Array, Object, SecureString,"
        " got 'Text'",
        "spec.schedule.startTime: expected yyyy-MM-ddTHH:mm:ss (whole seconds): with Z in UTC"
        " (2026-12-01T06:00:00Z), without a zone in another timeZone (2026-12-01T06:30:00), got 'tomorrow'",
    ]
    assert str(caught.value).splitlines()[0].startswith("NotebookPipeline p: spec.name: ")


LOAD = {"name": "Load", "notebook_path": "/Shared/load"}


def one_activity(**settings: Any) -> list[dict[str, Any]]:
    """The one activity of `args()`, with some settings."""
    return [{**LOAD, **settings}]


@pytest.mark.parametrize(
    ("spec", "problem"),
    [
        pytest.param(
            {"activites": []}, "spec.activites: unknown key; did you mean 'activities'?", id="unknown key"
        ),
        pytest.param(
            {"activities": []},
            "spec.activities: expected a list of at least one activity, got a list []",
            id="at least one activity",
        ),
        pytest.param(
            {"activities": one_activity(retries=-1)},
            "spec.activities[0].retries: expected an integer >= 0, got -1",
            id="retries",
        ),
        pytest.param(
            {"activities": one_activity(secure_input="true")},
            "spec.activities[0].secureInput: expected true or false, got 'true'",
            id="secure input bool",
        ),
        pytest.param(
            {"activities": one_activity(secure_output=1)},
            "spec.activities[0].secureOutput: expected true or false, got 1",
            id="secure output bool",
        ),
        pytest.param(
            {"activities": one_activity(base_parameters={"n": 5})},
            "spec.activities[0].baseParameters.n: expected a string, got 5",
            id="base parameters are strings",
        ),
        pytest.param(
            {"activities": one_activity(user_properties=["a"])},
            'spec.activities[0].userProperties: expected a map of strings, got a list ["a"]',
            id="user properties are strings",
        ),
        pytest.param(
            {"activities": one_activity(libraries=[{"npm": "x"}])},
            "spec.activities[0].libraries[0].npm: unknown key; known keys: jar, egg, whl, pypi, cran, maven",
            id="library kind",
        ),
        pytest.param(
            {"activities": one_activity(libraries=[{"jar": "a", "whl": "b"}])},
            "spec.activities[0].libraries[0]: expected one of jar, egg, whl, pypi, cran, maven as the only"
            ' key, got an object {"jar": "a", "whl": "b"}',
            id="library one kind per entry",
        ),
        pytest.param(
            {"activities": one_activity(libraries=[{"pypi": {"repo": "https://x"}}])},
            "spec.activities[0].libraries[0].pypi.package: is required",
            id="pypi needs package",
        ),
        pytest.param(
            {
                "activities": one_activity(
                    libraries=[{"maven": {"coordinates": "a:b:1", "exclusions": "c:d"}}]
                )
            },
            "spec.activities[0].libraries[0].maven.exclusions: expected a list, got 'c:d'",
            id="maven exclusions list",
        ),
        pytest.param(
            {
                "activities": [
                    LOAD,
                    {
                        "name": "B",
                        "notebook_path": "/Shared/b",
                        "depends_on": [{"activity": "Load", "conditions": ["Done"]}],
                    },
                ]
            },
            "spec.activities[1].dependsOn[0].conditions[0]: expected one of Succeeded, Failed, Skipped,"
            " Completed, got 'Done'",
            id="dependency condition",
        ),
        pytest.param(
            # One problem: not also a cycle of one.
            {"activities": one_activity(depends_on=[{"activity": "Load"}])},
            "spec.activities[0].dependsOn[0].activity: expected another activity of this pipeline"
            " (Load), got 'Load'",
            id="depends on itself",
        ),
        pytest.param(
            # A SecureString value is not echoed, even a wrong one.
            {"parameters": {"key": {"type": "SecureString", "default": 12345}}},
            "spec.parameters.key.default: expected a string (SecureString parameter), got a int",
            id="secure default not echoed",
        ),
        pytest.param(
            {
                "parameters": {"folder": {"type": "String"}},
                "schedule": {
                    "frequency": "Day",
                    "start_time": "2026-01-01T00:00:00Z",
                    "parameters": {"folder": 3},
                },
            },
            "spec.schedule.parameters.folder: expected a string (String parameter), got 3",
            id="schedule argument type",
        ),
        pytest.param(
            {
                "schedule": {
                    "frequency": "Day",
                    "start_time": "2026-01-01T06:00:00Z",
                    "parameters": {"folder": "x"},
                }
            },
            "spec.schedule.parameters.folder: unknown key; none are declared here",
            id="schedule arguments need parameters",
        ),
    ],
)
def test_component_refuses(spec: dict[str, Any], problem: str) -> None:
    with pytest.raises(InvalidArgs) as caught:
        NotebookPipeline("p", args(**spec))
    assert str(caught.value) == f"NotebookPipeline p: {problem}"


def test_a_schedule_sets_only_string_parameters() -> None:
    """pulumi-azure's trigger sends its arguments as strings, and Data Factory does not convert
    them: every typed argument is refused at once, with its key path, type and reason
    (issue 17, item 11)."""
    types = {"n": "Int", "ratio": "Float", "full": "Bool", "flags": "Array", "opts": "Object"}
    parameters = {
        **{key: {"type": kind} for key, kind in types.items()},
        "folder": {"type": "String"},
        "key": {"type": "SecureString"},
    }
    # Strings too: "5" would reach the Int parameter as the string "5".
    given = {"n": "5", "ratio": 0.5, "full": True, "flags": ["a"], "opts": {"a": 1}}
    schedule = {"frequency": "Hour", "start_time": "2026-01-01T00:00:00Z"}
    with pytest.raises(InvalidArgs) as caught:
        NotebookPipeline(
            "p",
            args(
                parameters=parameters,
                schedule={**schedule, "parameters": {**given, "folder": "x", "key": "s3cr3t-value"}},
            ),
        )
    assert str(caught.value).splitlines() == [
        f"NotebookPipeline p: spec.schedule.parameters.{key}: "
        + schedule_parameter_refused(key, ParameterType(kind))
        for key, kind in types.items()
    ]
    assert "set the value as parameters.n.default instead" in schedule_parameter_refused(
        "n", ParameterType.INT
    )
    # The string types pass, as written.
    strings = {"folder": "x", "key": "s3cr3t-value"}
    parsed = validation.parse(
        NotebookPipelineArgs, args(parameters=parameters, schedule={**schedule, "parameters": strings}), ""
    )
    assert parsed["spec"]["schedule"]["parameters"] == strings


def test_component_refuses_activities_that_cannot_form_a_pipeline() -> None:
    bad = args(
        activities=[
            {"name": "A", "notebook_path": "/Shared/a", "depends_on": [{"activity": "B"}]},
            {"name": "A", "notebook_path": "/Shared/b", "depends_on": [{"activity": "A", "conditions": []}]},
            {"name": "C", "depends_on": [{"activity": "Nope"}]},
        ]
    )
    with pytest.raises(InvalidArgs) as caught:
        NotebookPipeline("p", bad)
    assert [str(p) for p in caught.value.problems] == [
        "spec.activities[1].dependsOn[0].conditions: expected a list of at least one condition, got a list []",
        "spec.activities[2]: expected exactly one of notebook (a local file), notebookPath, python, jar, job, jobId or jobName"
        " (or a control activity: setVariable, appendVariable, forEach, ifCondition, executePipeline, wait, fail)",
    ]
    fixed = args(
        activities=[
            {"name": "A", "notebook_path": "/Shared/a", "depends_on": [{"activity": "B"}]},
            {"name": "A", "notebook_path": "/Shared/b"},
            {"name": "C", "notebook_path": "/Shared/c", "depends_on": [{"activity": "Nope"}]},
        ]
    )
    with pytest.raises(InvalidArgs) as caught:
        NotebookPipeline("p", fixed)
    assert [str(p) for p in caught.value.problems] == [
        "spec.activities[0].dependsOn[0].activity: expected another activity of this pipeline (A, C), got 'B'",
        "spec.activities[1].name: duplicate of activities[0].name 'A'",
        "spec.activities[2].dependsOn[0].activity: expected another activity of this pipeline (A, C),"
        " got 'Nope'",
    ]


def test_component_refuses_a_dependency_cycle() -> None:
    cycle = args(
        activities=[
            {"name": "A", "notebook_path": "/Shared/a", "depends_on": [{"activity": "C"}]},
            {"name": "B", "notebook_path": "/Shared/b", "depends_on": [{"activity": "A"}]},
            {"name": "C", "notebook_path": "/Shared/c", "depends_on": [{"activity": "B"}]},
        ]
    )
    with pytest.raises(InvalidArgs, match=r"spec\.activities: dependsOn forms a cycle: (\w -> ){3}\w$"):
        NotebookPipeline("p", cycle)


def test_component_checks_the_schedule_against_its_parameters() -> None:
    bad = args(
        parameters={"folder": {"type": "String"}, "key": {"type": "SecureString"}},
        schedule={
            "frequency": "Day",
            "start_time": "2026-01-01T06:00:00Z",
            "parameters": {"foldr": "x", "key": 12345},
        },
    )
    with pytest.raises(InvalidArgs) as caught:
        NotebookPipeline("p", bad)
    assert [str(p) for p in caught.value.problems] == [
        "spec.schedule.parameters.foldr: unknown key; did you mean 'folder'?",
        # A SecureString value is not echoed, even a wrong one.
        "spec.schedule.parameters.key: expected a string (SecureString parameter), got a int",
    ]


def test_component_checks_every_expression_where_it_runs() -> None:
    """Base and job parameters, user properties and a jobId expression name the pipeline's
    parameters and activities that end before theirs; a schedule's arguments are the trigger's.
    Each problem names its key and its position, all at once."""
    bad = args(
        parameters={
            "folder": {"type": "String"},
            "jobId": {"type": "String"},
            "key": {"type": "SecureString"},
        },
        activities=[
            {
                "name": "Process Data",
                "notebook_path": "/Shared/a",
                "base_parameters": {"input": "@pipeline().parameters.fodler", "day": "@{utcNow('yyyy')}"},
            },
            {
                "name": "Load",
                "job_id": "@pipeline().parameters.jobid",
                "depends_on": [{"activity": "Process Data"}],
                "job_parameters": {"source": "@activity('Proces Data').output.runOutput"},
            },
            {
                "name": "Audit",
                "notebook_path": "/Shared/c",
                "depends_on": [{"activity": "Load"}],
                # Process Data ends before Load, which ends before Audit: a dependency through Load.
                "base_parameters": {
                    "rows": "@activity('Process Data').output.runOutput",
                    "report": "@activity('Report').output",
                },
                "user_properties": {"folder": "@concat(pipeline().parameters.folder"},
            },
            {"name": "Report", "notebook_path": "/Shared/d"},
        ],
        schedule={
            "frequency": "Day",
            "start_time": "2026-01-01T06:00:00Z",
            "parameters": {
                "folder": "@trigger().outputs.windowStartTime",
                "jobId": "@trigger().scheduledTime",
                "key": "@p4ss",
            },
        },
    )
    with pytest.raises(InvalidArgs) as caught:
        NotebookPipeline("p", {**bad, "job_linked_service_name": "Serverless"})
    assert [str(p) for p in caught.value.problems] == [
        "spec.activities[0].baseParameters.input: at character 24: unknown pipeline parameter 'fodler'"
        " (did you mean 'folder'?)",
        "spec.activities[1].jobId: at character 24: unknown pipeline parameter 'jobid' (did you mean 'jobId'?)",
        "spec.activities[1].jobParameters.source: at character 11: no activity 'Proces Data' in this"
        " pipeline (did you mean 'Process Data'?)",
        "spec.activities[2].baseParameters.report: at character 11: activity 'Report' does not run before"
        " this one: add it to dependsOn, directly or through an activity this one depends on",
        "spec.activities[2].userProperties.folder: at character 37: expected ',' or ')' to close the '('"
        " at character 8, got the end of the value",
        "spec.schedule.parameters.folder: at character 12: trigger().outputs (windowStartTime,"
        " windowEndTime) is set only by a tumbling window trigger, not a ScheduleTrigger, which sets"
        " trigger().scheduledTime and trigger().startTime",
        # A SecureString argument is not quoted, even in a message about its expression.
        "spec.schedule.parameters.key: at character 6: expected '(' after a function name, got the end"
        " of the value (a value that starts with @ is an expression; write @@ for a literal @) (the"
        " value is not shown: it may be secret)",
    ]


def test_component_creates_no_trigger(tmp_path: Path) -> None:
    """The schedule is checked with the pipeline; AdfDatabricks creates the ScheduleTrigger."""
    scheduled = args(schedule={"frequency": "Day", "start_time": "2026-01-01T06:00:00Z"})
    result = build(tmp_path, lambda: NotebookPipeline("p", scheduled))
    assert len(result.of_type(PIPELINE)) == 1
    assert result.of_type("azure:datafactory/triggerSchedule:TriggerSchedule") == []


def test_component_refuses_a_local_notebook() -> None:
    """It cannot upload one: the activity would reach Data Factory without a notebookPath."""
    local = args(activities=[{"name": "Load", "notebook": "notebooks/process_data.py"}])
    with pytest.raises(InvalidArgs) as caught:
        NotebookPipeline("p", local)
    assert [str(p) for p in caught.value.problems] == [
        "spec.activities[0].notebook: expected notebookPath instead: NotebookPipeline runs notebooks"
        " already in the workspace (AdfDatabricks uploads local ones), got 'notebooks/process_data.py'"
    ]


CONFIG_KEYS = {
    "PipelineSpec": [
        "name",
        "description",
        "folder",
        "concurrency",
        "parameters",
        "activities",
        "variables",
        "schedule",
        "tumblingWindow",
        "storageEvent",
    ],
    "NotebookActivity": [
        "name",
        "description",
        "notebook",
        "notebookPath",
        "python",
        "jar",
        "job",
        "jobId",
        "jobName",
        "jobParameters",
        "baseParameters",
        "libraries",
        "timeout",
        "retries",
        "retryIntervalSeconds",
        "secureInput",
        "secureOutput",
        "userProperties",
        "dependsOn",
        "setVariable",
        "appendVariable",
        "forEach",
        "ifCondition",
        "executePipeline",
        "wait",
        "fail",
    ],
    "ForEachSpec": ["items", "isSequential", "batchCount", "activities"],
    "IfConditionSpec": ["expression", "ifTrueActivities", "ifFalseActivities"],
    "ExecutePipelineSpec": ["pipeline", "waitOnCompletion", "parameters"],
    "SetVariableSpec": ["variable", "value"],
    "AppendVariableSpec": ["variable", "value"],
    "WaitSpec": ["waitTimeInSeconds"],
    "FailSpec": ["message", "errorCode"],
    "PipelineVariable": ["type", "default"],
    "PythonSpec": ["file", "path", "parameters", "libraries"],
    "JarSpec": ["mainClassName", "parameters", "libraries"],
    "JobSpec": ["notebook", "notebookPath", "parameters", "compute", "maxConcurrentRuns", "timeoutSeconds"],
    "Dependency": ["activity", "conditions"],
    "Library": ["jar", "egg", "whl", "pypi", "cran", "maven"],
    "PyPiLibrary": ["package", "repo"],
    "CranLibrary": ["package", "repo"],
    "MavenLibrary": ["coordinates", "repo", "exclusions"],
    "PipelineParameter": ["type", "default"],
    "ScheduleSpec": [
        "frequency",
        "interval",
        "startTime",
        "endTime",
        "timeZone",
        "hours",
        "minutes",
        "weekDays",
        "monthDays",
        "parameters",
        "enabled",
    ],
}
"""The keys of a `pipelines` entry of a stack file, by the type that holds them."""


def test_components_are_usable_from_other_languages() -> None:
    """Pulumi's component analyzer accepts the args and outputs, and names every property as
    the stack config does, so a YAML program and a stack file speak one vocabulary."""
    result = Analyzer("adf-databricks").analyze([NotebookPipeline, ScheduleTrigger])
    types = result["type_definitions"]
    schema = validation.json_schema(PipelineSpec)
    checked = {**schema["$defs"], "PipelineSpec": schema}
    for name, keys in CONFIG_KEYS.items():
        assert list(types[name].properties) == keys, name
        # The same names as the rules check and the stack-file schema lists.
        assert list(checked[name]["properties"]) == keys, name
        assert all(p.description for p in types[name].properties.values()), name
    assert {m.value for m in types["Frequency"].enum or []} == {"Minute", "Hour", "Day", "Week", "Month"}
    components = result["component_definitions"]
    pipeline_component = components["NotebookPipeline"]
    assert list(pipeline_component.inputs) == [
        "spec",
        "factoryName",
        "resourceGroupName",
        "linkedServiceName",
        "jobLinkedServiceName",
    ]
    assert list(pipeline_component.outputs) == ["pipeline", "pipelineName"]
    trigger_component = components["ScheduleTrigger"]
    assert list(trigger_component.inputs) == [
        "spec",
        "triggerName",
        "factoryId",
        "pipelineName",
        "description",
        "secretParameters",
    ]
    assert list(trigger_component.outputs) == ["trigger", "zonedTrigger", "triggerId", "activated"]
    assert all(p.description for c in components.values() for p in [*c.inputs.values(), *c.outputs.values()])


# ---------------------------------------------------------------- control flow and variables

NB = {"notebookPath": "/Shared/x"}


def spec_problems(**spec: Any) -> list[str]:
    """The problems of one pipeline spec (paths relative to it)."""
    document = {"name": "p", "activities": [{"name": "A", **NB}], **spec}
    return [str(p) for p in validation.problems(PipelineSpec, document)]


LOOP = {
    "name": "Loop",
    "forEach": {"items": "@pipeline().parameters.tables", "activities": [{"name": "Inner", **NB}]},
}
TABLES = {"tables": {"type": "Array", "default": ["a", "b"]}}


def test_every_control_activity_renders_its_type_properties_and_passes_the_contract(render: Render) -> None:
    from tools import contract

    p = pipeline(
        parameters={**TABLES, "go": {"type": "Bool", "default": True}},
        variables={"seen": {"type": "Array", "default": []}, "state": {"type": "String"}},
        activities=[
            {
                "name": "Loop",
                "forEach": {
                    "items": "@pipeline().parameters.tables",
                    "isSequential": True,
                    "activities": [
                        {"name": "Run", **NB, "baseParameters": {"table": "@item()"}},
                        {
                            "name": "Note",
                            "dependsOn": [{"activity": "Run"}],
                            "appendVariable": {"variable": "seen", "value": "@item()"},
                        },
                    ],
                },
            },
            {
                "name": "Set",
                "dependsOn": [{"activity": "Loop"}],
                "setVariable": {"variable": "state", "value": "done"},
                "secureOutput": True,
            },
            {
                "name": "Branch",
                "dependsOn": [{"activity": "Set"}],
                "ifCondition": {
                    "expression": "@pipeline().parameters.go",
                    "ifTrueActivities": [{"name": "Pause", "wait": {"waitTimeInSeconds": 30}}],
                    "ifFalseActivities": [{"name": "Stop", "fail": {"message": "no", "errorCode": "E1"}}],
                },
            },
        ],
    )
    result = render(base(pipelines=[p]))
    inputs = result.one(PIPELINE).inputs
    assert inputs["variables"] == {"seen": {"type": "Array", "defaultValue": []}, "state": {"type": "String"}}
    loop, set_, branch = inputs["activities"]
    assert loop["type"] == "ForEach" and loop["isSequential"] is True
    assert loop["items"] == {"type": "Expression", "value": "@pipeline().parameters.tables"}
    assert [a["type"] for a in loop["activities"]] == ["DatabricksNotebook", "AppendVariable"]
    assert loop["activities"][1] | {} == {
        "name": "Note",
        "type": "AppendVariable",
        "variableName": "seen",
        "value": "@item()",
        "dependsOn": [{"activity": "Run", "dependencyConditions": ["Succeeded"]}],
    }
    assert "policy" not in loop
    assert set_ == {
        "name": "Set",
        "type": "SetVariable",
        "variableName": "state",
        "value": "done",
        "policy": {"secureOutput": True},
        "dependsOn": [{"activity": "Loop", "dependencyConditions": ["Succeeded"]}],
    }
    assert branch["expression"] == {"type": "Expression", "value": "@pipeline().parameters.go"}
    assert branch["ifTrueActivities"] == [{"name": "Pause", "type": "Wait", "waitTimeInSeconds": 30}]
    assert branch["ifFalseActivities"] == [
        {"name": "Stop", "type": "Fail", "message": "no", "errorCode": "E1"}
    ]
    assert contract.check_resource(PIPELINE, inputs) == []


@pytest.mark.parametrize(
    ("spec", "problem"),
    [
        (
            {
                "activities": [
                    {"name": "A", **NB},
                    {**LOOP, "forEach": {**LOOP["forEach"], "activities": [{"name": "A", **NB}]}},
                ]
            },
            "activities[1].forEach.activities[0].name: duplicate of activities[0].name 'A'",
        ),
        (
            {
                "parameters": TABLES,
                "activities": [{"name": "A", **NB, "dependsOn": [{"activity": "Inner"}]}, LOOP],
            },
            "activities[0].dependsOn[0].activity: expected another activity of this pipeline (A, Loop), got"
            " 'Inner' (an activity depends only on activities of its own container)",
        ),
        (
            {"activities": [{"name": "A", **NB, "baseParameters": {"t": "@item()"}}]},
            "activities[0].baseParameters.t: at character 2: item() is the current item of a ForEach activity:"
            " it is available only in the activities inside one",
        ),
        (
            {
                "parameters": TABLES,
                "activities": [
                    LOOP,
                    {
                        "name": "After",
                        **NB,
                        "dependsOn": [{"activity": "Loop"}],
                        "baseParameters": {"x": "@activity('Inner').output"},
                    },
                ],
            },
            "activities[1].baseParameters.x: at character 11: activity 'Inner' is inside Loop"
            " (Loop.forEach.activities), out of scope here: an activity reads only activities of its own"
            " container and, inside a container, those before the container",
        ),
        (
            {"activities": [{"name": "S", "setVariable": {"variable": "nope", "value": "x"}}]},
            "activities[0].setVariable.variable: no variable 'nope' is declared in variables; none are declared here",
        ),
        (
            {
                "variables": {"v": {"type": "String"}},
                "activities": [{"name": "S", "appendVariable": {"variable": "v", "value": "x"}}],
            },
            "activities[0].appendVariable.variable: appendVariable appends only to an Array variable, 'v' is String",
        ),
        (
            {
                "variables": {"v": {"type": "Bool"}},
                "activities": [{"name": "S", "setVariable": {"variable": "v", "value": "@concat('a', 'b')"}}],
            },
            "activities[0].setVariable.value: expected a Bool value for variable 'v', got concat(), which returns a String",
        ),
        (
            {
                "parameters": {"t": {"type": "String"}},
                "activities": [
                    {
                        "name": "L",
                        "forEach": {"items": "@pipeline().parameters.t", "activities": [{"name": "I", **NB}]},
                    }
                ],
            },
            "activities[0].forEach.items: expected an expression that returns an array, got pipeline parameter 't' (String)",
        ),
        (
            {"activities": [{"name": "B", "ifCondition": {"expression": "@concat('a', 'b')"}}]},
            "activities[0].ifCondition.expression: expected an expression that returns true or false, got concat(), which returns a String",
        ),
        (
            {
                "parameters": TABLES,
                "activities": [
                    {
                        **LOOP,
                        "forEach": {
                            **LOOP["forEach"],
                            "activities": [{"name": "B", "ifCondition": {"expression": "@true"}}],
                        },
                    }
                ],
            },
            "activities[0].forEach.activities[0].ifCondition: activities that hold activities (ForEach,"
            " IfCondition) can't be nested inside another one: Data Factory nests one level deep (Learn,"
            " Nested activities); call a pipeline that holds it with executePipeline",
        ),
        (
            {
                "variables": {"v": {"type": "String"}},
                "parameters": TABLES,
                "activities": [
                    {
                        **LOOP,
                        "forEach": {
                            **LOOP["forEach"],
                            "activities": [{"name": "S", "setVariable": {"variable": "v", "value": "x"}}],
                        },
                    }
                ],
            },
            "activities[0].forEach.activities[0].setVariable: SetVariable can't be used inside a ForEach that"
            " runs in parallel: variables are global to the pipeline (Learn, ForEach activity, Limitations);"
            " set isSequential: true, use appendVariable, or call a pipeline with executePipeline",
        ),
        (
            {
                "parameters": TABLES,
                "activities": [
                    {**LOOP, "forEach": {**LOOP["forEach"], "isSequential": True, "batchCount": 5}}
                ],
            },
            "activities[0].forEach.batchCount: applies only to a parallel ForEach (isSequential false)",
        ),
        (
            {
                "parameters": TABLES,
                "activities": [{**LOOP, "forEach": {**LOOP["forEach"], "batchCount": 51}}],
            },
            "activities[0].forEach.batchCount: expected an integer from 1 to 50, got 51",
        ),
        (
            {"activities": [{"name": "W", "wait": {"waitTimeInSeconds": 5}, "timeout": "0.00:10:00"}]},
            "activities[0].timeout: a wait activity has no such policy setting in Data Factory",
        ),
        (
            {"activities": [{"name": "E", "executePipeline": {"pipeline": "other"}, "secureOutput": True}]},
            "activities[0].secureOutput: a executePipeline activity has no such policy setting in Data Factory"
            " (it takes only secureInput)",
        ),
        (
            {
                "activities": [
                    {"name": "F", "fail": {"message": "m", "errorCode": "c"}, "baseParameters": {"a": "b"}}
                ]
            },
            "activities[0].baseParameters: applies only to Databricks activities, not a fail activity",
        ),
        (
            {"variables": {"v": {"type": "Bool", "default": "yes"}}},
            "variables.v.default: expected true or false (Bool variable), got 'yes'",
        ),
    ],
)
def test_control_flow_rules_refuse_their_mistake_with_its_key_path(
    spec: dict[str, Any], problem: str
) -> None:
    assert problem in spec_problems(**spec)


def test_an_inner_activity_reads_what_precedes_its_container_and_its_own() -> None:
    found = spec_problems(
        parameters=TABLES,
        activities=[
            {"name": "A", **NB},
            {
                "name": "Loop",
                "dependsOn": [{"activity": "A"}],
                "forEach": {
                    "items": "@pipeline().parameters.tables",
                    "activities": [
                        {"name": "I1", **NB, "baseParameters": {"a": "@activity('A').output.runOutput"}},
                        {
                            "name": "I2",
                            **NB,
                            "dependsOn": [{"activity": "I1"}],
                            "baseParameters": {
                                "a": "@activity('I1').output.runOutput",
                                "l": "@activity('Loop').output",
                            },
                        },
                    ],
                },
            },
        ],
    )
    assert found == [
        "activities[1].forEach.activities[1].baseParameters.l: at character 11: activity 'Loop' is the"
        " container this activity runs in: it has not ended, so it has no output yet"
    ]


def test_a_stack_calls_only_its_own_pipelines_with_their_parameters() -> None:
    from components import platform

    callee = {"name": "child", "parameters": {"n": {"type": "Int"}}, "activities": [{"name": "C", **NB}]}

    def caller(**call: Any) -> dict[str, Any]:
        return {"name": "parent", "activities": [{"name": "Call", "executePipeline": call}]}

    def found(*pipelines: dict[str, Any]) -> list[str]:
        document = base(pipelines=list(pipelines))
        return [str(p) for p in platform.problems(document, "adf-databricks", "test")]

    assert found(callee, caller(pipeline="child", parameters={"n": 3})) == []
    assert found(callee, caller(pipeline="kid")) == [
        "pipelines[1].activities[0].executePipeline.pipeline: expected another pipeline of this stack (child), got 'kid'"
    ]
    assert found(callee, caller(pipeline="child", parameters={"m": 1, "n": "three"})) == [
        "pipelines[1].activities[0].executePipeline.parameters.m: child declares no parameter 'm' (n)",
        "pipelines[1].activities[0].executePipeline.parameters.n: expected an integer (Int parameter), got 'three'",
    ]
    assert found(callee, caller(pipeline="child", parameters={"n": "@concat('a', 'b')"})) == [
        "pipelines[1].activities[0].executePipeline.parameters.n: expected a Int value (child's parameter),"
        " got concat(), which returns a String"
    ]
    looped = {**callee, "activities": [{"name": "Back", "executePipeline": {"pipeline": "parent"}}]}
    assert found(looped, caller(pipeline="child")) == [
        "pipelines: pipelines call each other (executePipeline) in a cycle: child -> parent -> child"
    ]


# ---------------------------------------------------------------- Spark Python and JAR activities

PY = {"python": {"path": "dbfs:/Volumes/main/etl/landing/run.py"}}
JAR = {"jar": {"mainClassName": "org.example.Main", "libraries": [{"jar": "dbfs:/libs/main.jar"}]}}
CLUSTER = {"referenceName": "AzureDatabricks", "type": "LinkedServiceReference"}


def test_python_and_jar_activities_render_their_type_properties_and_pass_the_contract(render: Render) -> None:
    """DatabricksSparkPython and DatabricksSparkJar, with every setting, through the cluster linked
    service; a Python activity inside a ForEach alike."""
    from tools import contract

    p = pipeline(
        parameters={"folder": {"type": "String", "default": "x"}, **TABLES},
        activities=[
            {
                "name": "Summarize",
                "description": "Runs a script",
                "python": {
                    "path": "dbfs:/scripts/summarize.py",
                    "parameters": ["--folder", "@pipeline().parameters.folder"],
                    "libraries": [
                        {"pypi": {"package": "requests==2.32.3"}},
                        {"whl": "/Workspace/libs/c.whl"},
                    ],
                },
                "timeout": "0.00:30:00",
                "retries": 1,
                "secureInput": True,
                "userProperties": {"folder": "@pipeline().parameters.folder"},
            },
            {
                "name": "Pi",
                "dependsOn": [{"activity": "Summarize"}],
                "jar": {
                    "mainClassName": "org.apache.spark.examples.SparkPi",
                    "parameters": ["10", "@activity('Summarize').output.runPageUrl"],
                    "libraries": [
                        {"jar": "dbfs:/docs/sparkpi.jar"},
                        {"maven": {"coordinates": "com.x:y:1.0"}},
                    ],
                },
            },
            {
                "name": "Loop",
                "forEach": {
                    "items": "@pipeline().parameters.tables",
                    "activities": [
                        {"name": "Per Table", "python": {"path": "dbfs:/t.py", "parameters": ["@item()"]}}
                    ],
                },
            },
        ],
    )
    inputs = render(base(pipelines=[p])).one(PIPELINE).inputs
    python, jar, loop = inputs["activities"]
    assert python == {
        "type": "DatabricksSparkPython",
        "name": "Summarize",
        "description": "Runs a script",
        "pythonFile": "dbfs:/scripts/summarize.py",
        "parameters": ["--folder", "@pipeline().parameters.folder"],
        "libraries": [{"pypi": {"package": "requests==2.32.3"}}, {"whl": "/Workspace/libs/c.whl"}],
        "linkedServiceName": CLUSTER,
        "policy": {
            "timeout": "0.00:30:00",
            "retry": 1,
            "retryIntervalInSeconds": 30,
            "secureInput": True,
            "secureOutput": False,
        },
        "userProperties": [{"name": "folder", "value": "@pipeline().parameters.folder"}],
    }
    assert jar == {
        "type": "DatabricksSparkJar",
        "name": "Pi",
        "mainClassName": "org.apache.spark.examples.SparkPi",
        "parameters": ["10", "@activity('Summarize').output.runPageUrl"],
        "libraries": [{"jar": "dbfs:/docs/sparkpi.jar"}, {"maven": {"coordinates": "com.x:y:1.0"}}],
        "linkedServiceName": CLUSTER,
        "policy": {
            "timeout": "0.12:00:00",
            "retry": 0,
            "retryIntervalInSeconds": 30,
            "secureInput": False,
            "secureOutput": False,
        },
        "dependsOn": [{"activity": "Summarize", "dependencyConditions": ["Succeeded"]}],
    }
    (inner,) = loop["activities"]
    assert inner["type"] == "DatabricksSparkPython" and inner["parameters"] == ["@item()"]
    assert "libraries" not in inner  # none set: none sent
    assert contract.check_resource(PIPELINE, inputs) == []


@pytest.mark.parametrize(
    ("spec", "problem"),
    [
        (
            {
                "activities": [
                    {"name": "A", "python": {"path": "dbfs:/a.py", "file": "notebooks/summarize.py"}}
                ]
            },
            "activities[0].python: expected exactly one of file (a local .py file) or path (a DBFS URI), got both",
        ),
        (
            {"activities": [{"name": "A", "python": {"parameters": ["x"]}}]},
            "activities[0].python: expected exactly one of file (a local .py file) or path (a DBFS URI), got neither",
        ),
        (
            {"activities": [{"name": "A", "python": {"file": "notebooks/missing.py"}}]},
            f"activities[0].python.file: no such file 'notebooks/missing.py' in {Path.cwd()}",
        ),
        (
            {"activities": [{"name": "A", "python": {"file": "notebooks/summarize.sql"}}]},
            "activities[0].python.file: expected a .py file, got 'notebooks/summarize.sql'",
        ),
        # Data Factory runs only DBFS paths (Learn, transform-data-databricks-python.md).
        *(
            (
                {"activities": [{"name": "A", "python": {"path": path}}]},
                "activities[0].python.path: expected a DBFS URI like dbfs:/scripts/run.py or"
                f" dbfs:/Volumes/<catalog>/<schema>/<volume>/run.py, got {path!r}",
            )
            for path in (
                "/Workspace/etl/run.py",
                "/Volumes/main/etl/landing/run.py",
                "dbfs:/a/../b.py",
                "dbfs:/a/",
            )
        ),
        (
            {"activities": [{"name": "A", "jar": {"libraries": [{"jar": "dbfs:/a.jar"}]}}]},
            "activities[0].jar.mainClassName: is required",
        ),
        (
            {"activities": [{"name": "A", "jar": {"mainClassName": "a.Main"}}]},
            "activities[0].jar.libraries: is required",
        ),
        (
            {"activities": [{"name": "A", "jar": {"mainClassName": "a.Main", "libraries": []}}]},
            "activities[0].jar.libraries: expected a list of at least one library, got a list []",
        ),
        (
            {
                "activities": [
                    {
                        "name": "A",
                        "jar": {
                            "mainClassName": "a.Main",
                            "libraries": [{"pypi": {"package": "x"}}, {"whl": "/a.whl"}],
                        },
                    }
                ]
            },
            "activities[0].jar.libraries: expected at least one jar or maven library, the one holding"
            " mainClassName, got only pypi, whl",
        ),
        (
            {"activities": [{"name": "A", **PY, "baseParameters": {"a": "b"}}]},
            "activities[0].baseParameters: applies only to notebook activities: a python activity passes"
            " python.parameters (command-line arguments)",
        ),
        (
            {"activities": [{"name": "A", **JAR, "libraries": [{"jar": "dbfs:/b.jar"}]}]},
            "activities[0].libraries: applies only to notebook activities: a jar activity sets jar.libraries",
        ),
        (
            {"activities": [{"name": "A", **PY, "jobParameters": {"a": "b"}}]},
            "activities[0].jobParameters: applies only with job, jobId or jobName",
        ),
        (
            {"activities": [{"name": "A", **PY, **JAR}]},
            "activities[0]: expected exactly one of notebook (a local file), notebookPath, python, jar, job, jobId"
            " or jobName (or a control activity: setVariable, appendVariable, forEach, ifCondition, executePipeline,"
            " wait, fail)",
        ),
        (
            {
                "parameters": {"folder": {"type": "String"}},
                "activities": [
                    {
                        "name": "A",
                        "python": {"path": "dbfs:/a.py", "parameters": ["@pipeline().parameters.fodler"]},
                    }
                ],
            },
            "activities[0].python.parameters[0]: at character 24: unknown pipeline parameter 'fodler'"
            " (did you mean 'folder'?)",
        ),
        (
            {"activities": [{"name": "A", "jar": {**JAR["jar"], "parameters": ["ok", "@item()"]}}]},
            "activities[0].jar.parameters[1]: at character 2: item() is the current item of a ForEach activity:"
            " it is available only in the activities inside one",
        ),
        (
            {"activities": [{"name": "A", "jar": {**JAR["jar"], "mainClassName": "@concat('a'"}}]},
            "activities[0].jar.mainClassName: at character 12: expected ',' or ')' to close the '(' at"
            " character 8, got the end of the value",
        ),
    ],
)
def test_python_and_jar_rules_refuse_their_mistake_with_its_key_path(
    spec: dict[str, Any], problem: str
) -> None:
    assert problem in spec_problems(**spec)


def test_python_and_jar_mistakes_are_reported_together() -> None:
    """A problem inside python or jar does not hide one of the activity's own keys."""
    document = {"name": "A", "jar": {"mainClassName": "a.Main"}, "baseParameters": {"a": "b"}}
    assert [str(p) for p in validation.problems(NotebookActivity, document)] == [
        "jar.libraries: is required",
        "baseParameters: applies only to notebook activities: a jar activity passes jar.parameters"
        " (command-line arguments)",
    ]


def test_component_runs_python_files_that_exist(tmp_path: Path) -> None:
    """NotebookPipeline runs python.path; a local python.file (AdfDatabricks uploads it) is
    refused, in a container too."""
    local = args(
        activities=[
            {"name": "Load", "python": {"file": "notebooks/summarize.py"}},
            {
                "name": "B",
                "if_condition": {
                    "expression": "@true",
                    "if_true_activities": [{"name": "In", "python": {"file": "notebooks/summarize.py"}}],
                },
            },
        ]
    )
    with pytest.raises(InvalidArgs) as caught:
        NotebookPipeline("p", local)
    refused = (
        ".python.file: expected python.path instead: NotebookPipeline runs Python files that exist"
        " (AdfDatabricks uploads local ones into its volume), got 'notebooks/summarize.py'"
    )
    assert [str(p) for p in caught.value.problems] == [
        f"spec.activities[0]{refused}",
        f"spec.activities[1].ifCondition.ifTrueActivities[0]{refused}",
    ]
    existing = args(activities=[{"name": "Load", "python": {"path": "dbfs:/a.py"}}, {"name": "Pi", **JAR}])
    result = build(tmp_path, lambda: NotebookPipeline("p", existing))
    activities = result.one(PIPELINE).inputs["activities"]
    assert [a["type"] for a in activities] == ["DatabricksSparkPython", "DatabricksSparkJar"]
    assert [a["linkedServiceName"]["referenceName"] for a in activities] == ["AzureDatabricks"] * 2
