"""NotebookPipeline: a Data Factory pipeline of typed Databricks Notebook and Job activities.

`PipelineSpec` is also an entry of the stack config's `pipelines`: the rules declared here
check both (paths relative to the pipeline: `activities[0].timeout`).
"""

import functools
import graphlib
import typing
from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace
from typing import Any, TypedDict

import pulumi
import pulumi_azure_native.datafactory as datafactory
from typing_extensions import NotRequired

from . import expressions, outputs, validation
from .catalog import PYTHON_SOURCE, local_python_file_exists
from .enums import DependencyCondition, ParameterType, VariableType
from .job import JobSpec
from .names import DATA_FACTORY_NAME, NAME_CHARACTERS, NAME_PATTERN
from .notebooks import NOTEBOOK_SOURCE, WORKSPACE_PATH, local_notebook_exists
from .storage_event import StorageEventSpec
from .trigger import ScheduleSpec, argument_problem
from .tumbling_window import TumblingWindowSpec
from .validation import check, checks, describe, rule, rules

TEXT = rule("a non-empty string", pattern=r"\S")
"""A string with something in it."""

MAX_ACTIVITY_NAME_LENGTH = 55
"""Data Factory refuses longer activity names."""

JOB_ID = r"^([0-9]+|@.+)$"
"""A job id as a string: its digits, or an ADF expression (`@pipeline().parameters.jobId`)."""

TIMEOUT = r"^(?!(0+\.)?00:00:00$)(0*[0-6]\.)?([01]\d|2[0-3]):[0-5]\d:[0-5]\d$|^0*7\.00:00:00$"
"""An activity timeout, d.hh:mm:ss with optional days: more than nothing, at most 7 days."""


@rules(package=TEXT, repo=TEXT)
class PyPiLibrary(TypedDict):
    """A Python package from PyPI or another index."""

    package: str
    """The package, with an optional version spec: `requests==2.32.3`."""
    repo: NotRequired[str]
    """The index to install it from; PyPI when unset."""


@rules(package=TEXT, repo=TEXT)
class CranLibrary(TypedDict):
    """An R package from CRAN or a mirror."""

    package: str
    """The package name: `dplyr`."""
    repo: NotRequired[str]
    """The repository to install it from; CRAN when unset."""


@rules(coordinates=TEXT, repo=TEXT, exclusions=rule(items=TEXT))
class MavenLibrary(TypedDict):
    """A Maven artifact and its dependencies."""

    coordinates: str
    """Gradle-style coordinates: `com.example:lib:1.0`."""
    repo: NotRequired[str]
    """The repository to install it from; Maven Central when unset."""
    exclusions: NotRequired[list[str]]
    """Dependencies not to install: `org.slf4j:slf4j-log4j12`."""


@rules(jar=TEXT, egg=TEXT, whl=TEXT)
class Library(TypedDict):
    """A library installed on the cluster before the notebook runs: exactly one of its keys."""

    jar: NotRequired[str]
    """Path of a JAR: `dbfs:/libs/a.jar`."""
    egg: NotRequired[str]
    """Path of a Python egg."""
    whl: NotRequired[str]
    """Path of a Python wheel: `/Workspace/libs/c.whl`."""
    pypi: NotRequired[PyPiLibrary]
    """A package from PyPI."""
    cran: NotRequired[CranLibrary]
    """A package from CRAN."""
    maven: NotRequired[MavenLibrary]
    """An artifact from Maven."""


LIBRARIES = rule(
    items=rule(
        f"one of {', '.join(validation.fields(Library))} as the only key",
        minProperties=1,
        maxProperties=1,
    )
)
"""A list of libraries, each one of Library's keys (notebook, Python and JAR activities)."""


# ---------------------------------------------------------------- Spark Python and JAR activities
#
# Two more keys of an activity, run on the cluster linked service like a notebook, rendered with
# azure-native's DatabricksSparkPythonActivityArgs and DatabricksSparkJarActivityArgs
# (pulumi_azure_native/datafactory/_inputs.py; Learn, data-factory/transform-data-databricks-
# python.md and transform-data-databricks-jar.md).

DBFS_URI = r"^dbfs:/(?!(.*/)?\.\.(/|$)).*[^/]$"
"""A file's DBFS URI, without `..` and without a trailing slash."""

PYTHON_PATH = rule(
    "a DBFS URI like dbfs:/scripts/run.py or dbfs:/Volumes/<catalog>/<schema>/<volume>/run.py",
    pattern=DBFS_URI,
)
"""Where Data Factory runs a Python file from. pythonFile is "The URI of the Python file to be
executed. Only DBFS paths are supported." (Learn, transform-data-databricks-python.md, "Databricks
Python activity properties"; "DBFS paths are supported", azure-native
DatabricksSparkPythonActivityArgs.python_file). No source shows a workspace path (/Workspace/...)
or a bare /Volumes/... path working through Data Factory, so only the dbfs: form is taken; a Unity
Catalog volume is reached by its dbfs:/Volumes/... spelling (the one the cluster's init scripts
also take, components.compute.InitScript)."""

PARAMETERS = rule("a list of strings")
"""Command-line arguments of a Spark Python or JAR run: "an array of strings" (Learn, both
articles); ADF expressions allowed, each checked before deploy."""


@rules(file=PYTHON_SOURCE, path=PYTHON_PATH, parameters=PARAMETERS, libraries=LIBRARIES)
class PythonSpec(TypedDict):
    """A Python file run on the cluster (a DatabricksSparkPython activity): exactly one of file or
    path."""

    file: NotRequired[str]
    """A local .py file for AdfDatabricks to upload into the stack's Unity Catalog volume (folder
    `scripts/`) and run from there as dbfs:/Volumes/..., relative to the directory the program
    runs in; a missing or unreadable file is refused at preview. Its run gets `--volume <the
    stack's volume path>` before its parameters unless they pass --volume. NotebookPipeline
    itself runs files that exist (path)."""
    path: NotRequired[pulumi.Input[str]]
    """DBFS URI of an existing Python file: Data Factory runs only DBFS paths (a volume as
    dbfs:/Volumes/<catalog>/<schema>/<volume>/...)."""
    parameters: NotRequired[list[pulumi.Input[str]]]
    """Command-line arguments the file gets (sys.argv[1:]); ADF expressions allowed, checked
    before deploy (README, "Expressions, checked at preview")."""
    libraries: NotRequired[list[Library]]
    """Libraries the cluster installs before the file runs."""


@checks(PythonSpec, "file", "path")
def _one_python_file(spec: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    if ("file" in spec) == ("path" in spec):
        given = "both" if "file" in spec else "neither"
        yield "", f"expected exactly one of file (a local .py file) or path (a DBFS URI), got {given}"


check(PythonSpec, local_python_file_exists, "file")


JAR_LIBRARIES = ("jar", "maven")
"""The libraries that bring JVM classes: a JAR, or a Maven artifact (its JAR and dependencies)."""


@rules(
    main_class_name=rule("a class name like org.example.Main", pattern=r"^\S+$"),
    parameters=PARAMETERS,
    libraries=replace(LIBRARIES, expected="a list of at least one library", keywords={"minItems": 1}),
)
class JarSpec(TypedDict):
    """A JAR's main class run on the cluster (a DatabricksSparkJar activity)."""

    main_class_name: str
    """The full name of the class whose main method runs: `org.apache.spark.examples.SparkPi`."""
    parameters: NotRequired[list[pulumi.Input[str]]]
    """Arguments of the main method; ADF expressions allowed, checked before deploy."""
    libraries: list[Library]
    """Libraries the cluster installs, at least one a jar or maven library holding the main class
    (Learn, transform-data-databricks-jar.md: libraries required, "at least one containing the
    mainClassName method")."""


@checks(JarSpec, "libraries")
def _main_class_has_a_jar(spec: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    # "This class must be contained in a JAR provided as a library" (azure-native
    # DatabricksSparkJarActivityArgs.main_class_name); a Maven artifact is installed as its JAR.
    libraries = spec.get("libraries", [])
    if libraries and not any(key in library for library in libraries for key in JAR_LIBRARIES):
        kinds = ", ".join(dict.fromkeys(k for library in libraries for k in library))
        yield (
            "libraries",
            f"expected at least one jar or maven library, the one holding mainClassName, got only {kinds}",
        )


# ---------------------------------------------------------------- control activities
#
# Each is one key of an activity (beside notebook, notebookPath, job and jobId), rendered with
# azure-native's arg classes (pulumi_azure_native/datafactory/_inputs.py: SetVariableActivityArgs,
# AppendVariableActivityArgs, ForEachActivityArgs, IfConditionActivityArgs,
# ExecutePipelineActivityArgs, WaitActivityArgs, FailActivityArgs).

EXPRESSION = rule("an expression: a string that starts with @", pattern=r"^@(?!@)")
"""A value Data Factory takes as an Expression object (`{"value": ..., "type": "Expression"}`)."""

VARIABLE_NAME = rule("a variable name of letters, digits and _", pattern=NAME_PATTERN)

MAX_BATCH_COUNT = 50
"""ForEach runs at most 50 iterations at once ("Integer (maximum 50)", Learn
control-flow-for-each-activity.md, "Type properties" and "Limitations and workarounds")."""


@rules(variable=VARIABLE_NAME)
class SetVariableSpec(TypedDict):
    """Set a pipeline variable (a SetVariable activity)."""

    variable: str
    """The variable, one of the pipeline's variables."""
    value: Any
    """Its new value: of the variable's type (a string, true or false, a list), or an expression
    (checked before deploy, and its type where it is known)."""


@rules(variable=VARIABLE_NAME)
class AppendVariableSpec(TypedDict):
    """Append a value to an Array variable (an AppendVariable activity)."""

    variable: str
    """The variable, one of the pipeline's Array variables."""
    value: Any
    """The value appended, or an expression (checked before deploy)."""


@rules(
    items=EXPRESSION,
    is_sequential=rule(default=False),
    batch_count=rule(minimum=1, maximum=MAX_BATCH_COUNT),
    activities=rule("a list of at least one activity", minItems=1),
)
class ForEachSpec(TypedDict):
    """Run activities once per item of an array (a ForEach activity)."""

    items: str
    """An expression that returns an array: `@pipeline().parameters.tables`."""
    is_sequential: NotRequired[bool]
    """Run the iterations one after another (default: in parallel)."""
    batch_count: NotRequired[int]
    """Most iterations at once when parallel (1 to 50; Data Factory's default is 20)."""
    activities: typing.List["NotebookActivity"]  # noqa: UP006 - the analyzer resolves typing.List's ForwardRef, not list["..."]'s string
    """The activities each iteration runs (item() is the current item). No ForEach or
    IfCondition among them: Data Factory nests one level deep."""


@rules(expression=EXPRESSION)
class IfConditionSpec(TypedDict):
    """Run one set of activities or another on a condition (an IfCondition activity)."""

    expression: str
    """An expression that returns true or false."""
    if_true_activities: NotRequired[typing.List["NotebookActivity"]]  # noqa: UP006 - see ForEachSpec.activities
    """The activities run when it is true. No ForEach or IfCondition among them."""
    if_false_activities: NotRequired[typing.List["NotebookActivity"]]  # noqa: UP006 - see ForEachSpec.activities
    """The activities run when it is false. No ForEach or IfCondition among them."""


@rules(pipeline=DATA_FACTORY_NAME, wait_on_completion=rule(default=True))
class ExecutePipelineSpec(TypedDict):
    """Run another pipeline (an ExecutePipeline activity)."""

    pipeline: pulumi.Input[str]
    """Name of the pipeline to run. In a stack, another pipeline of the stack (created first),
    whose parameters `parameters` is checked against; NotebookPipeline alone checks only that
    it is a valid name."""
    wait_on_completion: NotRequired[bool]
    """Wait until the pipeline run ends (the activity then fails when it fails)."""
    parameters: NotRequired[dict[str, Any]]
    """Values of the called pipeline's parameters: of each one's type, or expressions (checked
    before deploy)."""


@rules(
    wait_time_in_seconds=rule(
        "a number of seconds (a positive integer) or an expression",
        replace=True,
        oneOf=[{"type": "integer", "minimum": 1}, {"type": "string", "pattern": r"^@(?!@)"}],
    )
)
class WaitSpec(TypedDict):
    """Pause the pipeline (a Wait activity)."""

    wait_time_in_seconds: Any
    """Seconds to wait, or an expression that returns an integer."""


@rules(message=TEXT, error_code=TEXT)
class FailSpec(TypedDict):
    """Fail the pipeline run with a message and an error code (a Fail activity)."""

    message: str
    """The error message; an expression allowed."""
    error_code: str
    """The error code; an expression allowed."""


@rules(
    activity=TEXT,
    conditions=rule("a list of at least one condition", minItems=1, default=[DependencyCondition.SUCCEEDED]),
)
class Dependency(TypedDict):
    """Run after another activity of the same pipeline ends in one of `conditions`."""

    activity: str
    """Name of the activity depended on: another activity of the same pipeline, with no cycle
    of dependencies."""
    conditions: NotRequired[list[DependencyCondition]]
    """Outcomes of that activity that let this one run."""


@rules(
    name=rule(
        f"an activity name of at most {MAX_ACTIVITY_NAME_LENGTH} characters ({NAME_CHARACTERS})",
        pattern=NAME_PATTERN,
        maxLength=MAX_ACTIVITY_NAME_LENGTH,
    ),
    description=TEXT,
    notebook=NOTEBOOK_SOURCE,
    notebook_path=WORKSPACE_PATH,
    base_parameters=rule("a map of strings"),
    libraries=LIBRARIES,
    # Shown, not filled: a control activity has no such policy, so a rule must see them set.
    timeout=validation.shown_default(rule("d.hh:mm:ss (at most 7 days)", pattern=TIMEOUT), "0.12:00:00"),
    retries=validation.shown_default(rule(minimum=0), 0),
    retry_interval_seconds=validation.shown_default(rule(minimum=30, maximum=86400), 30),
    secure_input=validation.shown_default(rule(), False),
    secure_output=validation.shown_default(rule(), False),
    user_properties=rule("a map of strings"),
    job_id=rule(
        "a job id (a positive integer, or its digits) or an ADF expression",
        replace=True,
        oneOf=[{"type": "integer", "minimum": 1}, {"type": "string", "pattern": JOB_ID}],
    ),
    # Jobs API 2.2, JobSettings.name: "The maximum length is 4096 bytes in UTF-8 encoding."
    job_name=rule("a job's name in the workspace", minLength=1, maxLength=4096),
    job_parameters=rule("a map of strings"),
)
class NotebookActivity(TypedDict):
    """A Databricks Notebook activity with every setting of the Learn module's table, or a
    Databricks Job, Python or JAR activity with the same activity settings. It runs exactly one of
    notebook or notebookPath (a Notebook activity), python (a Python activity), jar (a JAR
    activity), job, jobId or jobName (a Job activity), or a control activity."""

    name: str
    """Unique in the pipeline, at most 55 characters."""
    description: NotRequired[str]
    """A meaningful description (also the description of the job AdfDatabricks creates for it)."""
    notebook: NotRequired[str]
    """A local notebook source (Databricks source format) for AdfDatabricks to upload to its
    notebookFolder and run from there, relative to the directory the program runs in; a missing
    or unreadable file is refused at preview. Its activity gets the base parameter `volume` (the
    stack's volume path) unless it sets one. NotebookPipeline itself runs notebooks already in
    the workspace (notebookPath)."""
    notebook_path: NotRequired[pulumi.Input[str]]
    """Absolute workspace path of the notebook."""
    python: NotRequired[PythonSpec]
    """A Python file to run on the cluster (a DatabricksSparkPython activity, through the
    linked service the notebook activities use)."""
    jar: NotRequired[JarSpec]
    """A JAR's main class to run on the cluster (a DatabricksSparkJar activity, through the
    linked service the notebook activities use)."""
    job: NotRequired[JobSpec]
    """A Databricks job for AdfDatabricks to create (one notebook task) and run with a
    DatabricksJob activity; NotebookPipeline itself runs existing jobs (jobId)."""
    job_id: NotRequired[Any]
    """Id of an existing Databricks job to run with a DatabricksJob activity."""
    job_name: NotRequired[str]
    """Name of an existing Databricks job to run with a DatabricksJob activity, such as one a
    Databricks Asset Bundle deploys: AdfDatabricks looks its id up in the workspace at deploy
    time, so the job must exist first (`databricks bundle deploy` before `pulumi up`), and its
    name should be unique in the workspace (the lookup takes the first job of the name). The
    identity ADF runs as needs Can Manage Run on it, granted where the job is defined (README,
    "Jobs a bundle deploys"). NotebookPipeline itself takes jobId."""
    job_parameters: NotRequired[dict[str, pulumi.Input[str]]]
    """Values for the job's parameters (job, jobId or jobName); ADF expressions allowed, checked
    before deploy (README, "Expressions, checked at preview"). With job, each must be one of
    job.parameters."""
    base_parameters: NotRequired[dict[str, pulumi.Input[str]]]
    """Notebook widget values (notebook activities); ADF expressions such as
    @pipeline().parameters.x allowed, checked before deploy (README, "Expressions, checked at
    preview")."""
    libraries: NotRequired[list[Library]]
    """Libraries the cluster installs for this activity (notebook activities: a job's libraries
    belong to the job, and a notebook on serverless compute installs its own with %pip)."""
    timeout: NotRequired[str]
    """How long the activity may run before it is cancelled (d.hh:mm:ss)."""
    retries: NotRequired[int]
    """How many times a failed run is retried."""
    retry_interval_seconds: NotRequired[int]
    """Seconds between retries (30 to 86400)."""
    secure_input: NotRequired[bool]
    """Keep the activity's input out of logs."""
    secure_output: NotRequired[bool]
    """Keep the activity's output out of logs."""
    user_properties: NotRequired[dict[str, str]]
    """Custom properties shown in ADF's monitoring views."""
    depends_on: NotRequired[list[Dependency]]
    """Activities of the same pipeline that must end first."""
    set_variable: NotRequired[SetVariableSpec]
    """Set a variable (a SetVariable activity)."""
    append_variable: NotRequired[AppendVariableSpec]
    """Append to an Array variable (an AppendVariable activity)."""
    for_each: NotRequired[ForEachSpec]
    """Run activities per item of an array (a ForEach activity)."""
    if_condition: NotRequired[IfConditionSpec]
    """Run activities on a condition (an IfCondition activity)."""
    execute_pipeline: NotRequired[ExecutePipelineSpec]
    """Run another pipeline (an ExecutePipeline activity)."""
    wait: NotRequired[WaitSpec]
    """Pause (a Wait activity)."""
    fail: NotRequired[FailSpec]
    """Fail the run with a message (a Fail activity)."""


RUNS = ("notebook", "notebookPath", "python", "jar", "job", "jobId", "jobName")
"""What an activity runs: exactly one of these keys."""

CONTROL = ("setVariable", "appendVariable", "forEach", "ifCondition", "executePipeline", "wait", "fail")
"""The control activities' keys, each one more thing an activity may run."""
RUNS = (*RUNS, *CONTROL)

CONTAINERS = ("forEach", "ifCondition")
"""The control activities that hold activities."""


@checks(NotebookActivity, *RUNS)
def _runs_one_thing(activity: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    if sum(key in activity for key in RUNS) != 1:
        yield (
            "",
            (
                "expected exactly one of notebook (a local file), notebookPath, python, jar, job, jobId or jobName"
                f" (or a control activity: {', '.join(CONTROL)})"
            ),
        )


check(NotebookActivity, local_notebook_exists, "notebook")


SPARK = ("python", "jar")
"""The activities that run a Python file or a JAR on the cluster, each with its own libraries and
parameters."""


# Reads python and jar only as present or not, so a problem inside them is reported beside these.
@checks(NotebookActivity, "baseParameters", "libraries")
def _spark_keys(activity: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """A Python or JAR activity's typeProperties are its file or main class, parameters and
    libraries (azure-native DatabricksSparkPythonActivityArgs, DatabricksSparkJarActivityArgs):
    no widget values, and its libraries are set in its own section."""
    kind = next((key for key in SPARK if key in activity), None)
    if kind is None:
        return
    if "baseParameters" in activity:
        yield (
            "baseParameters",
            f"applies only to notebook activities: a {kind} activity passes {kind}.parameters"
            " (command-line arguments)",
        )
    if "libraries" in activity:
        yield "libraries", f"applies only to notebook activities: a {kind} activity sets {kind}.libraries"


# A DatabricksJob activity's typeProperties are jobId and jobParameters only (azure-mgmt-datafactory
# DatabricksJobActivity; Learn, data-factory/transform-data-databricks-job.md).
_NOT_FOR_JOBS = {
    "baseParameters": "applies only to notebook activities: a job activity passes jobParameters, which"
    " Databricks hands the job's notebook as widget values",
    "libraries": "applies only to notebook activities: a job's libraries belong to the job (a notebook"
    " on serverless compute installs its own with %pip)",
}


_JOBS = ("job", "jobId", "jobName")
"""The keys of a DatabricksJob activity's job."""


@checks(NotebookActivity, *_JOBS, "jobParameters", *_NOT_FOR_JOBS)
def _job_keys(activity: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    if not any(key in activity for key in _JOBS):
        if "jobParameters" in activity:
            yield "jobParameters", "applies only with job, jobId or jobName"
        return
    for key, reason in _NOT_FOR_JOBS.items():
        if key in activity:
            yield key, reason
    if "job" in activity:
        declared = list(activity["job"].get("parameters", {}))
        for key in activity.get("jobParameters", {}):
            if key not in declared:
                yield (
                    f"jobParameters.{key}",
                    f"expected a parameter the job declares in job.parameters"
                    f" ({', '.join(declared) or 'none'}), got {key!r}",
                )


# What a control activity's policy takes (azure-native _inputs.py): ExecutePipeline has
# ExecutePipelineActivityPolicyArgs (secure_input), SetVariable SecureInputOutputPolicyArgs
# (secure_input, secure_output); AppendVariable, ForEach, IfCondition, Wait and Fail take no
# policy at all.
_POLICY = ("timeout", "retries", "retryIntervalSeconds", "secureInput", "secureOutput")
_CONTROL_POLICY: Mapping[str, tuple[str, ...]] = {
    "executePipeline": ("secureInput",),
    "setVariable": ("secureInput", "secureOutput"),
}
_DATABRICKS_ONLY = ("baseParameters", "libraries", "jobParameters")


def control_kind(activity: Mapping[str, Any]) -> str | None:
    """The control activity's key (camelCase) the activity runs, in a document or in args."""
    for key, snake in _CONTROL_FORMS:
        if key in activity or snake in activity:
            return key
    return None


def camel_to_snake(key: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in key)


_CONTROL_FORMS = tuple((key, camel_to_snake(key)) for key in CONTROL)


@checks(NotebookActivity, *CONTROL, *_POLICY, *_DATABRICKS_ONLY)
def _control_keys(activity: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    kind = control_kind(activity)
    if kind is None:
        return
    for key in _DATABRICKS_ONLY:
        if key in activity:
            yield key, f"applies only to Databricks activities, not a {kind} activity"
    allowed = _CONTROL_POLICY.get(kind, ())
    for key in _POLICY:
        if key in activity and key not in allowed:
            has = f" (it takes only {', '.join(allowed)})" if allowed else ""
            yield key, f"a {kind} activity has no such policy setting in Data Factory{has}"


def inner_lists(activity: Mapping[str, Any]) -> Iterator[tuple[str, list[Any]]]:
    """The activity lists a container holds, with their paths relative to it
    (`forEach.activities`), in a document (camelCase) or in args (snake_case)."""
    for kind, snake_kind, lists in _INNER_LISTS:
        spec = activity.get(kind, activity.get(snake_kind))
        if not isinstance(spec, Mapping):
            continue
        for key, snake_key in lists:
            inner = spec.get(key, spec.get(snake_key))
            if isinstance(inner, list):
                yield f"{kind}.{key}", inner


_INNER_LISTS = tuple(
    (kind, camel_to_snake(kind), tuple((key, camel_to_snake(key)) for key in lists))
    for kind, lists in (
        ("forEach", ("activities",)),
        ("ifCondition", ("ifTrueActivities", "ifFalseActivities")),
    )
)


def walk(
    activities: list[Any], path: str = "activities", container: str | None = None
) -> Iterator[tuple[str, Mapping[str, Any], str | None]]:
    """Every activity, nested ones included, as (key path, activity, the container holding it:
    None at the top, else `<activity>.<list key>`), outer activities before their inner ones."""
    for i, activity in enumerate(activities):
        if not isinstance(activity, Mapping):
            continue
        here = f"{path}[{i}]"
        yield here, activity, container
        for key, inner in inner_lists(activity):
            yield from walk(inner, f"{here}.{key}", f"{activity.get('name')}.{key}")


def map_activities(activities: list[Any], fn: Callable[[Any], Any]) -> list[Any]:
    """The activities (args, snake_case) with `fn` applied to each, nested ones included, the
    containers rebuilt around their mapped activities (nothing is changed in place)."""
    result = []
    for activity in activities:
        for kind, lists in (
            ("for_each", ("activities",)),
            ("if_condition", ("if_true_activities", "if_false_activities")),
        ):
            if kind in activity:
                spec = dict(activity[kind])
                for key in lists:
                    if key in spec:
                        spec[key] = map_activities(spec[key], fn)
                activity = {**activity, kind: spec}
        result.append(fn(activity))
    return result


@checks(ForEachSpec, "activities", "isSequential", "batchCount")
def _for_each_body(spec: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    if spec["isSequential"] and "batchCount" in spec:
        yield "batchCount", "applies only to a parallel ForEach (isSequential false)"
    for i, activity in enumerate(spec["activities"]):
        yield from _nested_container(activity, f"activities[{i}]")
        if not spec["isSequential"] and "setVariable" in activity:
            # Learn control-flow-for-each-activity.md, "Limitations and workarounds".
            yield (
                f"activities[{i}].setVariable",
                "SetVariable can't be used inside a ForEach that runs in parallel: variables are"
                " global to the pipeline (Learn, ForEach activity, Limitations); set isSequential:"
                " true, use appendVariable, or call a pipeline with executePipeline",
            )


@checks(IfConditionSpec, "ifTrueActivities", "ifFalseActivities")
def _if_branches(spec: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    for key in ("ifTrueActivities", "ifFalseActivities"):
        for i, activity in enumerate(spec.get(key, [])):
            yield from _nested_container(activity, f"{key}[{i}]")


def _nested_container(activity: Mapping[str, Any], path: str) -> Iterator[tuple[str, str]]:
    for kind in CONTAINERS:
        if kind in activity:
            # Learn concepts-nested-activities.md, "Nested activity embedding limitations".
            yield (
                f"{path}.{kind}",
                "activities that hold activities (ForEach, IfCondition) can't be nested inside"
                " another one: Data Factory nests one level deep (Learn, Nested activities); call"
                " a pipeline that holds it with executePipeline",
            )


def runs_a_job(activity: Mapping[str, Any]) -> bool:
    """The activity (as args, in snake case) is a DatabricksJob activity: one the stack creates a
    job for, or one that runs an existing job."""
    return "job" in activity or "job_id" in activity or "job_name" in activity


class PipelineParameter(TypedDict):
    """A pipeline parameter and its default."""

    type: ParameterType
    """Data Factory parameter type."""
    default: NotRequired[Any]
    """Default value, of the declared type. A SecureString default is kept secret (in a stack
    file, set it with `pulumi config set --secret --path`)."""


_PARAMETER_VALUES: Mapping[ParameterType, tuple[str, Callable[[Any], bool]]] = {
    ParameterType.STRING: ("a string", lambda v: isinstance(v, str)),
    ParameterType.SECURE_STRING: ("a string", lambda v: isinstance(v, str)),
    ParameterType.INT: ("an integer", lambda v: isinstance(v, int) and not isinstance(v, bool)),
    ParameterType.FLOAT: ("a number", lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)),
    ParameterType.BOOL: ("true or false", lambda v: isinstance(v, bool)),
    ParameterType.ARRAY: ("a list", lambda v: isinstance(v, list)),
    ParameterType.OBJECT: ("an object", lambda v: isinstance(v, dict)),
}


def parameter_value_problem(kind: ParameterType | str, value: Any) -> str | None:
    """What is wrong with `value` for a parameter of type `kind` (a default or a trigger's
    argument), or None."""
    kind = ParameterType(kind)
    expected, accepts = _PARAMETER_VALUES[kind]
    if isinstance(value, pulumi.Output) or accepts(value):
        return None
    # A SecureString value must not reach CI logs, even a wrong one.
    given = f"a {type(value).__name__}" if kind is ParameterType.SECURE_STRING else describe(value)
    return f"expected {expected} ({kind.value} parameter), got {given}"


@checks(PipelineParameter, "type", "default")
def _default_of_the_type(parameter: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    if "default" in parameter:
        problem = parameter_value_problem(parameter["type"], parameter["default"])
        if problem:
            yield "default", problem


class PipelineVariable(TypedDict):
    """A pipeline variable and its initial value."""

    type: VariableType
    """Data Factory variable type: String, Bool or Array."""
    default: NotRequired[Any]
    """Initial value, of the declared type."""


_VARIABLE_VALUES: Mapping[str, tuple[str, Callable[[Any], bool]]] = {
    "String": ("a string", lambda v: isinstance(v, str)),
    "Bool": ("true or false", lambda v: isinstance(v, bool)),
    "Array": ("a list", lambda v: isinstance(v, list)),
}


def variable_value_problem(kind: str, value: Any) -> str | None:
    """What is wrong with a literal `value` for a variable of type `kind`, or None."""
    expected, accepts = _VARIABLE_VALUES[VariableType(kind).value]
    if isinstance(value, pulumi.Output) or accepts(value):
        return None
    return f"expected {expected} ({VariableType(kind).value} variable), got {describe(value)}"


@checks(PipelineVariable, "type", "default")
def _variable_default_of_the_type(variable: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    if "default" in variable and (problem := variable_value_problem(variable["type"], variable["default"])):
        yield "default", problem


@rules(
    name=DATA_FACTORY_NAME,
    description=TEXT,
    folder=TEXT,
    concurrency=rule(minimum=1, maximum=50),
    parameters=rule(
        propertyNames={"pattern": NAME_PATTERN, "x-expected": "a parameter name of letters, digits and _"}
    ),
    activities=rule("a list of at least one activity", minItems=1),
    variables=rule(
        propertyNames={"pattern": NAME_PATTERN, "x-expected": "a variable name of letters, digits and _"}
    ),
)
class PipelineSpec(TypedDict):
    """A Data Factory pipeline of Databricks Notebook and Job activities, and when it runs."""

    name: str
    """Pipeline name (Data Factory naming rules), unique in the factory."""
    description: NotRequired[str]
    """A meaningful description, shown in ADF Studio."""
    folder: NotRequired[str]
    """Folder the pipeline is shown in within ADF Studio."""
    concurrency: NotRequired[int]
    """Maximum concurrent runs (1 to 50; unlimited when unset)."""
    parameters: NotRequired[dict[str, PipelineParameter]]
    """Pipeline parameters by name."""
    activities: list[NotebookActivity]
    """At least one activity: a notebook or a job to run, or a control activity."""
    variables: NotRequired[dict[str, PipelineVariable]]
    """Pipeline variables by name, which setVariable and appendVariable set and
    `@variables('name')` reads."""
    schedule: NotRequired[ScheduleSpec]
    """When the pipeline runs: AdfDatabricks creates a ScheduleTrigger from it (and none without
    it). NotebookPipeline checks it against the pipeline (its parameters) and creates no trigger."""
    tumbling_window: NotRequired[TumblingWindowSpec]
    """Windows the pipeline runs for, each once (backfill included): AdfDatabricks creates a
    TumblingWindowTrigger named `<pipeline>-window` from it. NotebookPipeline checks it against
    the pipeline's parameters and creates no trigger."""
    storage_event: NotRequired[StorageEventSpec]
    """Blob events the pipeline runs on: AdfDatabricks creates a StorageEventTrigger named
    `<pipeline>-storage-event` from it. NotebookPipeline checks it against the pipeline's
    parameters and creates no trigger."""


def _containers(activities: list[Any]) -> dict[str | None, list[tuple[str, Mapping[str, Any]]]]:
    """The pipeline's activities by the container that holds them (None: the pipeline)."""
    found: dict[str | None, list[tuple[str, Mapping[str, Any]]]] = {}
    for path, activity, container in walk(activities):
        found.setdefault(container, []).append((path, activity))
    return found


@checks(PipelineSpec, "activities")
def _activities_form_a_graph(pipeline: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """Names are unique in the whole pipeline, nested activities included (Data Factory refers
    to an activity by its name alone); an activity depends only on activities of its own
    container, without a cycle."""
    first: dict[str, str] = {}
    for path, activity, _ in walk(pipeline["activities"]):
        name = activity["name"]
        if name in first:
            yield f"{path}.name", f"duplicate of {first[name]}.name {name!r}"
        else:
            first[name] = path
    for container, members in _containers(pipeline["activities"]).items():
        names = [a["name"] for _, a in members]
        where = "of this pipeline" if container is None else f"of the same container ({container})"
        dangling = [
            (
                f"{path}.dependsOn[{j}].activity",
                f"expected another activity {where} ({', '.join(dict.fromkeys(names))}), got {d['activity']!r}"
                + (
                    " (an activity depends only on activities of its own container)"
                    if d["activity"] in first and d["activity"] not in names
                    else ""
                ),
            )
            for path, a in members
            for j, d in enumerate(a.get("dependsOn", []))
            if d["activity"] not in names or d["activity"] == a["name"]
        ]
        yield from dangling
        if dangling or len(set(names)) < len(names):
            continue
        # Lists, not sets: the cycle reported is the same in every run.
        graph = {
            a["name"]: list(dict.fromkeys(d["activity"] for d in a.get("dependsOn", []))) for _, a in members
        }
        try:
            tuple(graphlib.TopologicalSorter(graph).static_order())
        except graphlib.CycleError as err:
            at = "activities" if container is None else members[0][0].rsplit("[", 1)[0]
            yield at, f"dependsOn forms a cycle: {' -> '.join(err.args[1])}"


EXPRESSION_FIELDS = ("baseParameters", "jobParameters", "userProperties")
"""An activity's maps whose values Data Factory evaluates when they are expressions (user
properties: "Type: string (or Expression with resultType string)", azure-native UserPropertyArgs;
base and job parameters: Learn, transform-data-databricks-notebook.md and -job.md, which pass
`@pipeline().parameters.<name>`). A string jobId is one too (DatabricksJobActivity.job_id)."""


def _expression_values(activity: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """An activity's expression-valued fields, with their paths relative to it: a control
    activity's own (ForEach items, If expression, variable values, ExecutePipeline parameters,
    Fail message and code: "string (or Expression with resultType string)", Wait time:
    "integer (or Expression with resultType integer)", azure-native _inputs.py)."""
    values = [("jobId", activity.get("jobId"))] + [
        (f"{key}.{name}", value) for key in EXPRESSION_FIELDS for name, value in activity.get(key, {}).items()
    ]
    # A Python or JAR run's arguments, and the main class: "Type: string (or Expression with
    # resultType string)" (DatabricksSparkJarActivityArgs.main_class_name); the arguments are
    # `parameters` ("Sequence[Any]"), which Data Factory evaluates like the notebooks' values.
    for key in ("python", "jar"):
        spec = activity.get(key)
        if isinstance(spec, Mapping):
            values += [(f"{key}.parameters[{i}]", v) for i, v in enumerate(spec.get("parameters", []))]
    jar = activity.get("jar")
    if isinstance(jar, Mapping):
        values.append(("jar.mainClassName", jar.get("mainClassName")))
    for key, fields in (
        ("forEach", ("items",)),
        ("ifCondition", ("expression",)),
        ("setVariable", ("value",)),
        ("appendVariable", ("value",)),
        ("wait", ("waitTimeInSeconds",)),
        ("fail", ("message", "errorCode")),
    ):
        spec = activity.get(key)
        if isinstance(spec, Mapping):
            values += [(f"{key}.{f}", spec.get(f)) for f in fields]
    call = activity.get("executePipeline")
    if isinstance(call, Mapping):
        values += [(f"executePipeline.parameters.{k}", v) for k, v in call.get("parameters", {}).items()]
    return values


def _context_of(pipeline: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any], expressions.Context]]:
    """Each activity (nested ones too) with the expression context it runs in. An activity in a
    container reads the activities that end before its container starts and those before it in
    its own container; nothing reads an activity inside a container from outside it (its
    output is the container's to hold, a ForEach's one per iteration)."""
    parameters = {name: p["type"] for name, p in pipeline.get("parameters", {}).items()}
    variables = {name: v["type"] for name, v in pipeline.get("variables", {}).items()}
    containers = _containers(pipeline["activities"])
    where: dict[str, str] = {}
    for container, members in containers.items():
        for _, a in members:
            if container is not None:
                where[a["name"]] = container
    outer_preceding: dict[str | None, frozenset[str]] = {None: frozenset()}
    enclosing: dict[str | None, str] = {}
    for container, members in containers.items():
        depends_on: dict[str, list[str]] = {}
        for _, a in members:
            depends_on.setdefault(a["name"], []).extend(d["activity"] for d in a.get("dependsOn", []))
        top = [a["name"] for _, a in containers[None]]
        for path, a in members:
            own = expressions.preceding(a["name"], depends_on)
            if container is None:
                outer_preceding[a["name"]] = own
                in_scope = list(depends_on)
            else:
                owner = container.split(".", 1)[0]
                enclosing[container] = owner
                own = own | outer_preceding.get(owner, frozenset())
                in_scope = top + list(depends_on)
            hidden = {
                n: f"inside {c.split('.', 1)[0]} ({c}), out of scope here"
                for n, c in where.items()
                if n not in in_scope
            }
            for_each = container is not None and container.endswith("forEach.activities")
            yield (
                path,
                a,
                expressions.Context(
                    parameters=parameters,
                    variables=variables,
                    activities=in_scope,
                    preceding=own,
                    current=a["name"],
                    in_foreach=for_each,
                    hidden=hidden,
                    enclosing=enclosing.get(container),
                ),
            )


@checks(PipelineSpec, "parameters", "variables", "activities")
def _expressions_resolve(pipeline: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """Each expression parses, calls Data Factory's functions, and names what exists where it
    runs: the pipeline's parameters and variables, item() inside a ForEach, and activities that
    end before its own and are in scope (expressions); where a type is known, it fits."""
    for path, activity, context in _context_of(pipeline):
        for key, value in _expression_values(activity):
            if message := expressions.problem(value, context):
                yield f"{path}.{key}", message
        yield from ((f"{path}.{k}", m) for k, m in _typed_values(activity, context))


def _typed_values(activity: Mapping[str, Any], context: expressions.Context) -> Iterator[tuple[str, str]]:
    """Types where they are knowable: a ForEach's items are an array, an If's condition is true
    or false, a Wait's time an integer, and a variable's value is of its type."""
    for key, field, wanted, words in (
        ("forEach", "items", ("Array",), "an array"),
        ("ifCondition", "expression", ("Bool",), "true or false"),
        ("wait", "waitTimeInSeconds", ("Int",), "an integer"),
    ):
        spec = activity.get(key)
        value = spec.get(field) if isinstance(spec, Mapping) else None
        if isinstance(value, str) and expressions.problem(value, context) is None:
            known = expressions.result_type(value, context)
            if known is not None and known[0] not in wanted:
                yield f"{key}.{field}", f"expected an expression that returns {words}, got {known[1]}"
    for key in ("setVariable", "appendVariable"):
        spec = activity.get(key)
        if not isinstance(spec, Mapping) or not isinstance(spec.get("variable"), str):
            continue
        name = spec["variable"]
        if name not in context.variables:
            yield (
                f"{key}.variable",
                validation.unknown_key(name, list(context.variables)).replace(
                    "unknown key", f"no variable {name!r} is declared in variables"
                ),
            )
            continue
        kind = VariableType(context.variables[name]).value
        if key == "appendVariable":
            if kind != "Array":
                yield (
                    f"{key}.variable",
                    f"appendVariable appends only to an Array variable, {name!r} is {kind}",
                )
            continue
        value = spec.get("value")
        if isinstance(value, str) and value.startswith("@") and not value.startswith("@@"):
            known = (
                expressions.result_type(value, context)
                if expressions.problem(value, context) is None
                else None
            )
            if known is not None and known[0] != kind:
                yield f"{key}.value", f"expected a {kind} value for variable {name!r}, got {known[1]}"
        elif "value" in spec and (problem := variable_value_problem(kind, value)):
            yield f"{key}.value", problem


SCHEDULE_PARAMETER_TYPES = (ParameterType.STRING, ParameterType.SECURE_STRING)
"""The parameter types a schedule can set: the string ones.

The trigger that can be started, pulumi-azure's TriggerSchedule, sends its pipeline's
parameters as a map of strings (terraform-provider-azurerm data_factory_trigger_schedule_resource.go:
`pipeline.parameters` and `pipeline_parameters` are TypeMap of TypeString), so the run gets "5",
not 5. Data Factory does not convert a run argument to the parameter's declared type: a Bool
argument passed as a string stays a string in expressions ("'if' expected bool as 1st argument,
but got string", Azure/Azure-DataFactory#518), an Array one arrives as a String
(Azure/Azure-DataFactory#529), and a trigger's boolean set as text "is now a string and no
longer a boolean" (Azure-Player/azure.datafactory.tools#134). A typed argument is not shown to
work, so it is refused; the pipeline's default keeps its type (azure-native
ParameterSpecificationArgs.default_value), and a String parameter converts in the pipeline."""


def schedule_parameter_refused(name: str, kind: ParameterType) -> str:
    """Why a schedule cannot set parameter `name` of `kind` (not a string type)."""
    return (
        f"a schedule cannot set a {kind.value} parameter: the trigger sends every argument as a"
        " string (pulumi-azure TriggerSchedule; azurerm data_factory_trigger_schedule"
        " pipeline.parameters is a map of strings) and Data Factory does not convert it to the"
        f" parameter's type (Azure/Azure-DataFactory#518, #529); set the value as parameters.{name}.default"
        " instead, or declare the parameter String and convert it in the pipeline"
        " (@int(), @float(), @bool(), @json())"
    )


@checks(PipelineSpec, "parameters", "schedule.parameters")
def _schedule_passes_declared_parameters(pipeline: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    schedule = pipeline.get("schedule")
    arguments = schedule.get("parameters") if isinstance(schedule, dict) else None
    if not isinstance(arguments, dict):
        return
    declared: Mapping[str, Any] = pipeline.get("parameters", {})
    for key, value in arguments.items():
        path = f"schedule.parameters.{key}"
        if key not in declared:
            yield path, validation.unknown_key(key, list(declared))
        elif (kind := ParameterType(declared[key]["type"])) not in SCHEDULE_PARAMETER_TYPES:
            yield path, schedule_parameter_refused(key, kind)
        elif problem := (
            parameter_value_problem(kind, value)
            or argument_problem(value, secret=kind is ParameterType.SECURE_STRING)
        ):
            yield path, problem


def trigger_parameter_refused(name: str, kind: ParameterType, trigger: str) -> str:
    """Why a trigger of another kind than a schedule (`trigger`: "a tumbling window") cannot set
    parameter `name` of `kind`: pulumi-azure's and azure-native's triggers send string arguments
    that Data Factory does not convert (SCHEDULE_PARAMETER_TYPES)."""
    return (
        f"{trigger} cannot set a {kind.value} parameter: its trigger sends every argument as a string"
        f" and Data Factory does not convert it to the parameter's type (Azure/Azure-DataFactory#518,"
        f" #529); set the value as parameters.{name}.default instead, or declare the parameter String"
        " and convert it in the pipeline (@int(), @float(), @bool(), @json())"
    )


def _trigger_passes_declared_parameters(
    key: str, trigger: str, kind_of_trigger: expressions.TriggerType, pipeline: Mapping[str, Any]
) -> Iterator[tuple[str, str]]:
    """A trigger's arguments set declared String or SecureString parameters, and are expressions
    that resolve where the trigger evaluates them (as a schedule's)."""
    spec = pipeline.get(key)
    arguments = spec.get("parameters") if isinstance(spec, dict) else None
    if not isinstance(arguments, dict):
        return
    declared: Mapping[str, Any] = pipeline.get("parameters", {})
    for name, value in arguments.items():
        path = f"{key}.parameters.{name}"
        if name not in declared:
            yield path, validation.unknown_key(name, list(declared))
        elif (kind := ParameterType(declared[name]["type"])) not in SCHEDULE_PARAMETER_TYPES:
            yield path, trigger_parameter_refused(name, kind, trigger)
        elif problem := parameter_value_problem(kind, value) or expressions.problem(
            value,
            expressions.Context(
                scope=expressions.Scope.TRIGGER,
                trigger=kind_of_trigger,
                secret=kind is ParameterType.SECURE_STRING,
            ),
        ):
            yield path, problem


check(
    PipelineSpec,
    functools.partial(
        _trigger_passes_declared_parameters,
        "tumblingWindow",
        "a tumbling window",
        expressions.TriggerType.TUMBLING_WINDOW,
    ),
    "parameters",
    "tumblingWindow.parameters",
)
check(
    PipelineSpec,
    functools.partial(
        _trigger_passes_declared_parameters,
        "storageEvent",
        "a storage event",
        expressions.TriggerType.BLOB_EVENTS,
    ),
    "parameters",
    "storageEvent.parameters",
)


def has_secret_arguments(spec: PipelineSpec, schedule: Mapping[str, Any]) -> bool:
    """The pipeline's trigger (its schedule, tumbling window, storage event) passes a value to a
    SecureString parameter. Validation has checked that each argument is one of the pipeline's
    parameters (`_schedule_passes_declared_parameters` and its kin), so a trigger with arguments
    means declared ones."""
    return any(
        ParameterType(spec["parameters"][key]["type"]) is ParameterType.SECURE_STRING  # pyright: ignore[reportTypedDictNotRequiredAccess] - see above
        for key in schedule.get("parameters", {})
    )


class NotebookPipelineArgs(TypedDict):
    """Inputs of NotebookPipeline."""

    spec: PipelineSpec
    """The pipeline and its activities."""
    factory_name: pulumi.Input[str]
    """Factory the pipeline belongs to."""
    resource_group_name: pulumi.Input[str]
    """Resource group of the factory."""
    linked_service_name: pulumi.Input[str]
    """The Azure Databricks linked service the notebook activities run through."""
    job_linked_service_name: NotRequired[pulumi.Input[str] | None]
    """The serverless Azure Databricks linked service the job activities run through (required
    with a jobId activity)."""


@checks(NotebookPipelineArgs, "spec", "jobLinkedServiceName")
def _runs_what_exists(args: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    for path, activity, _ in walk(args["spec"]["activities"]):
        if "notebook" in activity:
            yield (
                f"spec.{path}.notebook",
                "expected notebookPath instead: NotebookPipeline runs notebooks already in the"
                f" workspace (AdfDatabricks uploads local ones), got {describe(activity['notebook'])}",
            )
        python = activity.get("python")
        if isinstance(python, Mapping) and "file" in python:
            yield (
                f"spec.{path}.python.file",
                "expected python.path instead: NotebookPipeline runs Python files that exist (AdfDatabricks"
                f" uploads local ones into its volume), got {describe(python['file'])}",
            )
        if "job" in activity:
            yield (
                f"spec.{path}.job",
                "expected jobId instead: NotebookPipeline runs jobs that exist (AdfDatabricks creates"
                " them from job)",
            )
        if "jobName" in activity:
            yield (
                f"spec.{path}.jobName",
                "expected jobId instead: NotebookPipeline has no workspace to look a job up in by name"
                " (AdfDatabricks resolves jobName)",
            )
        elif "jobId" in activity and "jobLinkedServiceName" not in args:
            yield "jobLinkedServiceName", f"is required: spec.{path} runs a Databricks job"


def _parameter(param: PipelineParameter) -> datafactory.ParameterSpecificationArgs:
    kind = ParameterType(param["type"])
    default = param.get("default")
    if default is not None and kind is ParameterType.SECURE_STRING:
        default = pulumi.Output.secret(default)
    return datafactory.ParameterSpecificationArgs(type=kind.value, default_value=default)


def _activity(
    activity: NotebookActivity,
    linked_service_name: pulumi.Input[str],
    job_linked_service_name: pulumi.Input[str] | None,
) -> Any:
    if control_kind(activity) is not None:
        return _control(
            activity,
            functools.partial(
                _activity,
                linked_service_name=linked_service_name,
                job_linked_service_name=job_linked_service_name,
            ),
        )
    if "job_id" in activity:
        job_id = activity["job_id"]
        assert job_linked_service_name is not None  # refused by _runs_what_exists
        return datafactory.DatabricksJobActivityArgs(
            type="DatabricksJob",
            # "Type: string (or Expression with resultType string)" (DatabricksJobActivity.job_id).
            job_id=str(job_id) if isinstance(job_id, int) else job_id,
            job_parameters=dict(activity.get("job_parameters", {})) or None,
            linked_service_name=_linked_service(job_linked_service_name),
            **_common(activity),
        )
    if "python" in activity:
        python = activity["python"]
        assert "path" in python  # a local file is uploaded first; NotebookPipeline refuses one
        return datafactory.DatabricksSparkPythonActivityArgs(
            type="DatabricksSparkPython",
            python_file=python["path"],
            parameters=list(python.get("parameters", [])) or None,
            libraries=[dict(library) for library in python.get("libraries", [])] or None,
            linked_service_name=_linked_service(linked_service_name),
            **_common(activity),
        )
    if "jar" in activity:
        jar = activity["jar"]
        return datafactory.DatabricksSparkJarActivityArgs(
            type="DatabricksSparkJar",
            main_class_name=jar["main_class_name"],
            parameters=list(jar.get("parameters", [])) or None,
            libraries=[dict(library) for library in jar["libraries"]],
            linked_service_name=_linked_service(linked_service_name),
            **_common(activity),
        )
    return datafactory.DatabricksNotebookActivityArgs(
        type="DatabricksNotebook",
        notebook_path=activity.get("notebook_path"),
        base_parameters=dict(activity.get("base_parameters", {})) or None,
        # Data Factory's form of a library is the config's: {kind: value}.
        libraries=[dict(library) for library in activity.get("libraries", [])] or None,
        linked_service_name=_linked_service(linked_service_name),
        **_common(activity),
    )


def _expression(value: str) -> datafactory.ExpressionArgs:
    return datafactory.ExpressionArgs(type="Expression", value=value)


def _control(activity: Mapping[str, Any], render: Callable[[Any], Any]) -> Any:
    """A control activity with azure-native's args of its type (_inputs.py); only the policy
    settings its type has (the rules refused others)."""
    common = {k: v for k, v in _common(activity).items() if k != "policy"}  # pyright: ignore[reportArgumentType]
    if "set_variable" in activity:
        spec = activity["set_variable"]
        secure = {k: activity[k] for k in ("secure_input", "secure_output") if k in activity}
        return datafactory.SetVariableActivityArgs(
            type="SetVariable",
            variable_name=spec["variable"],
            value=spec["value"],
            policy=datafactory.SecureInputOutputPolicyArgs(**secure) if secure else None,
            **common,
        )
    if "append_variable" in activity:
        spec = activity["append_variable"]
        return datafactory.AppendVariableActivityArgs(
            type="AppendVariable", variable_name=spec["variable"], value=spec["value"], **common
        )
    if "for_each" in activity:
        spec = activity["for_each"]
        return datafactory.ForEachActivityArgs(
            type="ForEach",
            items=_expression(spec["items"]),
            is_sequential=spec.get("is_sequential"),
            batch_count=spec.get("batch_count"),
            activities=[render(a) for a in spec["activities"]],
            **common,
        )
    if "if_condition" in activity:
        spec = activity["if_condition"]
        return datafactory.IfConditionActivityArgs(
            type="IfCondition",
            expression=_expression(spec["expression"]),
            if_true_activities=[render(a) for a in spec.get("if_true_activities", [])] or None,
            if_false_activities=[render(a) for a in spec.get("if_false_activities", [])] or None,
            **common,
        )
    if "execute_pipeline" in activity:
        spec = activity["execute_pipeline"]
        return datafactory.ExecutePipelineActivityArgs(
            type="ExecutePipeline",
            pipeline=datafactory.PipelineReferenceArgs(
                reference_name=spec["pipeline"], type="PipelineReference"
            ),
            wait_on_completion=spec.get("wait_on_completion"),
            parameters=dict(spec.get("parameters", {})) or None,
            policy=datafactory.ExecutePipelineActivityPolicyArgs(secure_input=activity["secure_input"])
            if "secure_input" in activity
            else None,
            **common,
        )
    if "wait" in activity:
        return datafactory.WaitActivityArgs(
            type="Wait", wait_time_in_seconds=activity["wait"]["wait_time_in_seconds"], **common
        )
    spec = activity["fail"]
    return datafactory.FailActivityArgs(
        type="Fail", message=spec["message"], error_code=spec["error_code"], **common
    )


def _linked_service(name: pulumi.Input[str]) -> datafactory.LinkedServiceReferenceArgs:
    return datafactory.LinkedServiceReferenceArgs(reference_name=name, type="LinkedServiceReference")


def _common(activity: Mapping[str, Any]) -> dict[str, Any]:
    """What every Databricks activity takes alike: name, description, policy, user properties
    and dependencies."""
    return dict(
        name=activity["name"],
        description=activity.get("description"),
        # The rules' defaults, shown in the schema and filled here (NotebookActivity's rules).
        policy=datafactory.ActivityPolicyArgs(
            timeout=activity.get("timeout", "0.12:00:00"),
            retry=activity.get("retries", 0),
            retry_interval_in_seconds=activity.get("retry_interval_seconds", 30),
            secure_input=activity.get("secure_input", False),
            secure_output=activity.get("secure_output", False),
        ),
        user_properties=[
            datafactory.UserPropertyArgs(name=key, value=value)
            for key, value in activity.get("user_properties", {}).items()
        ]
        or None,
        depends_on=[
            datafactory.ActivityDependencyArgs(
                activity=dependency["activity"],
                # Filled by the rules when absent (default Succeeded).
                dependency_conditions=[DependencyCondition(c).value for c in dependency["conditions"]],  # pyright: ignore[reportTypedDictNotRequiredAccess]
            )
            for dependency in activity.get("depends_on", [])
        ]
        or None,
    )


class NotebookPipeline(pulumi.ComponentResource):
    """One Data Factory pipeline whose activities run Databricks notebooks."""

    pipeline: datafactory.Pipeline
    """The pipeline."""
    pipeline_name: pulumi.Output[str]
    """Its name in the factory."""

    def __init__(
        self, name: str, args: NotebookPipelineArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        args = validation.parse(NotebookPipelineArgs, args, f"NotebookPipeline {name}: ")
        super().__init__("adf-databricks:index:NotebookPipeline", name, None, opts)
        spec = args["spec"]
        folder = spec.get("folder")
        self.pipeline = datafactory.Pipeline(
            f"{name}-pipeline",
            factory_name=args["factory_name"],
            resource_group_name=args["resource_group_name"],
            pipeline_name=spec["name"],
            description=spec.get("description"),
            folder=datafactory.PipelineFolderArgs(name=folder) if folder else None,
            concurrency=spec.get("concurrency"),
            parameters={k: _parameter(p) for k, p in spec.get("parameters", {}).items()} or None,
            variables={
                k: datafactory.VariableSpecificationArgs(
                    type=VariableType(v["type"]).value, default_value=v.get("default")
                )
                for k, v in spec.get("variables", {}).items()
            }
            or None,
            activities=[
                _activity(a, args["linked_service_name"], args.get("job_linked_service_name"))
                for a in spec["activities"]
            ],
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.pipeline_name = self.pipeline.name
        outputs.register(self)
