"""NotebookPipeline: a Data Factory pipeline of typed Databricks Notebook and Job activities.

`PipelineSpec` is also an entry of the stack config's `pipelines`: the rules declared here
check both (paths relative to the pipeline: `activities[0].timeout`).
"""

import functools
import graphlib
from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypedDict

import pulumi
import pulumi_azure_native.datafactory as datafactory
from typing_extensions import NotRequired

from . import expressions, outputs, validation
from .enums import DependencyCondition, ParameterType
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
    libraries=rule(
        items=rule(
            f"one of {', '.join(validation.fields(Library))} as the only key",
            minProperties=1,
            maxProperties=1,
        )
    ),
    timeout=rule("d.hh:mm:ss (at most 7 days)", pattern=TIMEOUT, default="0.12:00:00"),
    retries=rule(minimum=0, default=0),
    retry_interval_seconds=rule(minimum=30, maximum=86400, default=30),
    secure_input=rule(default=False),
    secure_output=rule(default=False),
    user_properties=rule("a map of strings"),
    job_id=rule(
        "a job id (a positive integer, or its digits) or an ADF expression",
        replace=True,
        oneOf=[{"type": "integer", "minimum": 1}, {"type": "string", "pattern": JOB_ID}],
    ),
    job_parameters=rule("a map of strings"),
)
class NotebookActivity(TypedDict):
    """A Databricks Notebook activity with every setting of the Learn module's table, or a
    Databricks Job activity with the same activity settings. It runs exactly one of notebook or
    notebookPath (a Notebook activity), job or jobId (a Job activity)."""

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
    job: NotRequired[JobSpec]
    """A Databricks job for AdfDatabricks to create (one notebook task) and run with a
    DatabricksJob activity; NotebookPipeline itself runs existing jobs (jobId)."""
    job_id: NotRequired[Any]
    """Id of an existing Databricks job to run with a DatabricksJob activity."""
    job_parameters: NotRequired[dict[str, pulumi.Input[str]]]
    """Values for the job's parameters (job or jobId); ADF expressions allowed, checked before
    deploy (README, "Expressions, checked at preview"). With job, each must be one of
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


RUNS = ("notebook", "notebookPath", "job", "jobId")
"""What an activity runs: exactly one of these keys."""


@checks(NotebookActivity, *RUNS)
def _runs_one_thing(activity: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    if sum(key in activity for key in RUNS) != 1:
        yield "", "expected exactly one of notebook (a local file), notebookPath, job or jobId"


check(NotebookActivity, local_notebook_exists, "notebook")


# A DatabricksJob activity's typeProperties are jobId and jobParameters only (azure-mgmt-datafactory
# DatabricksJobActivity; Learn, data-factory/transform-data-databricks-job.md).
_NOT_FOR_JOBS = {
    "baseParameters": "applies only to notebook activities: a job activity passes jobParameters, which"
    " Databricks hands the job's notebook as widget values",
    "libraries": "applies only to notebook activities: a job's libraries belong to the job (a notebook"
    " on serverless compute installs its own with %pip)",
}


@checks(NotebookActivity, "job", "jobId", "jobParameters", *_NOT_FOR_JOBS)
def _job_keys(activity: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    if "job" not in activity and "jobId" not in activity:
        if "jobParameters" in activity:
            yield "jobParameters", "applies only with job or jobId"
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


def runs_a_job(activity: Mapping[str, Any]) -> bool:
    """The activity (as args, in snake case) is a DatabricksJob activity: one the stack creates a
    job for, or one that runs an existing job."""
    return "job" in activity or "job_id" in activity


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


@rules(
    name=DATA_FACTORY_NAME,
    description=TEXT,
    folder=TEXT,
    concurrency=rule(minimum=1, maximum=50),
    parameters=rule(
        propertyNames={"pattern": NAME_PATTERN, "x-expected": "a parameter name of letters, digits and _"}
    ),
    activities=rule("a list of at least one activity", minItems=1),
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
    """At least one activity: a notebook or a job to run."""
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


@checks(PipelineSpec, "activities")
def _activities_form_a_graph(pipeline: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    activities = pipeline["activities"]
    first: dict[str, int] = {}
    for i, activity in enumerate(activities):
        name = activity["name"]
        if name in first:
            yield f"activities[{i}].name", f"duplicate of activities[{first[name]}].name {name!r}"
        else:
            first[name] = i
    dangling = [
        (
            f"activities[{i}].dependsOn[{j}].activity",
            f"expected another activity of this pipeline ({', '.join(first)}), got {dependency['activity']!r}",
        )
        for i, activity in enumerate(activities)
        for j, dependency in enumerate(activity.get("dependsOn", []))
        if dependency["activity"] not in first or dependency["activity"] == activity["name"]
    ]
    yield from dangling
    if dangling or len(first) < len(activities):
        return
    # Lists, not sets: the cycle reported is the same in every run.
    graph = {
        a["name"]: list(dict.fromkeys(d["activity"] for d in a.get("dependsOn", []))) for a in activities
    }
    try:
        tuple(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError as err:
        yield "activities", f"dependsOn forms a cycle: {' -> '.join(err.args[1])}"


EXPRESSION_FIELDS = ("baseParameters", "jobParameters", "userProperties")
"""An activity's maps whose values Data Factory evaluates when they are expressions (user
properties: "Type: string (or Expression with resultType string)", azure-native UserPropertyArgs;
base and job parameters: Learn, transform-data-databricks-notebook.md and -job.md, which pass
`@pipeline().parameters.<name>`). A string jobId is one too (DatabricksJobActivity.job_id)."""


@checks(PipelineSpec, "parameters", "activities")
def _expressions_resolve(pipeline: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """Each expression parses, calls Data Factory's functions, and names what exists where it
    runs: the pipeline's parameters, and activities that end before its own (expressions)."""
    activities = pipeline["activities"]
    depends_on: dict[str, list[str]] = {}
    for activity in activities:
        depends_on.setdefault(activity["name"], []).extend(
            d["activity"] for d in activity.get("dependsOn", [])
        )
    parameters = {name: p["type"] for name, p in pipeline.get("parameters", {}).items()}
    for i, activity in enumerate(activities):
        context = expressions.Context(
            parameters=parameters,
            activities=list(depends_on),
            preceding=expressions.preceding(activity["name"], depends_on),
            current=activity["name"],
        )
        values = [("jobId", activity.get("jobId"))] + [
            (f"{key}.{name}", value)
            for key in EXPRESSION_FIELDS
            for name, value in activity.get(key, {}).items()
        ]
        for path, value in values:
            if message := expressions.problem(value, context):
                yield f"activities[{i}].{path}", message


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
    for i, activity in enumerate(args["spec"]["activities"]):
        if "notebook" in activity:
            yield (
                f"spec.activities[{i}].notebook",
                "expected notebookPath instead: NotebookPipeline runs notebooks already in the"
                f" workspace (AdfDatabricks uploads local ones), got {describe(activity['notebook'])}",
            )
        if "job" in activity:
            yield (
                f"spec.activities[{i}].job",
                "expected jobId instead: NotebookPipeline runs jobs that exist (AdfDatabricks creates"
                " them from job)",
            )
        elif "jobId" in activity and "jobLinkedServiceName" not in args:
            yield "jobLinkedServiceName", f"is required: spec.activities[{i}] runs a Databricks job"


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
) -> datafactory.DatabricksNotebookActivityArgs | datafactory.DatabricksJobActivityArgs:
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
    return datafactory.DatabricksNotebookActivityArgs(
        type="DatabricksNotebook",
        notebook_path=activity.get("notebook_path"),
        base_parameters=dict(activity.get("base_parameters", {})) or None,
        # Data Factory's form of a library is the config's: {kind: value}.
        libraries=[dict(library) for library in activity.get("libraries", [])] or None,
        linked_service_name=_linked_service(linked_service_name),
        **_common(activity),
    )


def _linked_service(name: pulumi.Input[str]) -> datafactory.LinkedServiceReferenceArgs:
    return datafactory.LinkedServiceReferenceArgs(reference_name=name, type="LinkedServiceReference")


def _common(activity: NotebookActivity) -> dict[str, Any]:
    """What every Databricks activity takes alike: name, description, policy, user properties
    and dependencies."""
    return dict(
        name=activity["name"],
        description=activity.get("description"),
        policy=datafactory.ActivityPolicyArgs(
            timeout=activity.get("timeout"),
            retry=activity.get("retries"),
            retry_interval_in_seconds=activity.get("retry_interval_seconds"),
            secure_input=activity.get("secure_input"),
            secure_output=activity.get("secure_output"),
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
            activities=[
                _activity(a, args["linked_service_name"], args.get("job_linked_service_name"))
                for a in spec["activities"]
            ],
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.pipeline_name = self.pipeline.name
        outputs.register(self)
