"""NotebookPipeline: a Data Factory pipeline of typed Databricks Notebook activities."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_azure_native.datafactory as datafactory

from components.enums import DependencyCondition, ParameterType


@dataclass(frozen=True)
class Library:
    """A library installed on the cluster before the notebook runs."""

    kind: str
    """jar, egg, whl, pypi, maven or cran."""
    value: Any
    """A path for jar/egg/whl; {package, repo} for pypi and cran;
    {coordinates, repo, exclusions} for maven."""

    def adf(self) -> dict[str, Any]:
        return {self.kind: self.value}


@dataclass(frozen=True)
class Dependency:
    """Run after another activity of the same pipeline ends in one of `conditions`."""

    activity: str
    """Name of the activity depended on."""
    conditions: Sequence[DependencyCondition] = (DependencyCondition.SUCCEEDED,)
    """Outcomes of that activity that let this one run."""


@dataclass(frozen=True)
class NotebookActivity:
    """A Databricks Notebook activity with every setting of the Learn module's table."""

    name: str
    """Unique in the pipeline, at most 55 characters."""
    notebook_path: pulumi.Input[str] | None = None
    """Absolute workspace path of the notebook (set by the stack for uploaded sources)."""
    notebook: str | None = None
    """Local notebook source to upload instead of notebook_path."""
    description: str | None = None
    """A meaningful description."""
    timeout: str = "0.12:00:00"
    """How long the activity may run before it is cancelled (d.hh:mm:ss)."""
    retries: int = 0
    """How many times a failed run is retried."""
    retry_interval_seconds: int = 30
    """Seconds between retries (30 to 86400)."""
    secure_input: bool = False
    """Keep the activity's input out of logs."""
    secure_output: bool = False
    """Keep the activity's output out of logs."""
    base_parameters: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    """Notebook widget values; ADF expressions such as @pipeline().parameters.x allowed."""
    libraries: Sequence[Library] = ()
    """Libraries the cluster installs for this activity."""
    user_properties: Mapping[str, str] = field(default_factory=dict)
    """Custom properties shown in ADF's monitoring views."""
    depends_on: Sequence[Dependency] = ()
    """Activities of the same pipeline that must end first."""


@dataclass(frozen=True)
class PipelineParameter:
    """A pipeline parameter and its default."""

    type: ParameterType
    """Data Factory parameter type."""
    default: Any = None
    """Default value, of the declared type; None for no default."""


@dataclass(frozen=True)
class PipelineSpec:
    """A pipeline as configured. Validated by components.settings when read from config."""

    name: str
    """Pipeline name (ADF naming rules)."""
    activities: Sequence[NotebookActivity]
    """At least one Notebook activity."""
    description: str | None = None
    """A meaningful description."""
    folder: str | None = None
    """Folder the pipeline is shown in within ADF Studio."""
    concurrency: int | None = None
    """Maximum concurrent runs."""
    parameters: Mapping[str, PipelineParameter] = field(default_factory=dict)
    """Pipeline parameters by name."""


@dataclass(frozen=True)
class NotebookPipelineArgs:
    """Inputs of NotebookPipeline."""

    spec: PipelineSpec
    """The pipeline and its activities."""
    factory_name: pulumi.Input[str]
    """Factory the pipeline belongs to."""
    resource_group_name: pulumi.Input[str]
    """Resource group of the factory."""
    linked_service_name: pulumi.Input[str]
    """The Azure Databricks linked service the activities run through."""


def _parameter(param: PipelineParameter) -> datafactory.ParameterSpecificationArgs:
    default = param.default
    if default is not None and param.type is ParameterType.SECURE_STRING:
        default = pulumi.Output.secret(default)
    return datafactory.ParameterSpecificationArgs(type=param.type.value, default_value=default)


def _activity(
    activity: NotebookActivity, linked_service_name: pulumi.Input[str]
) -> datafactory.DatabricksNotebookActivityArgs:
    return datafactory.DatabricksNotebookActivityArgs(
        type="DatabricksNotebook",
        name=activity.name,
        description=activity.description,
        notebook_path=activity.notebook_path,
        base_parameters=dict(activity.base_parameters) or None,
        libraries=[library.adf() for library in activity.libraries] or None,
        linked_service_name=datafactory.LinkedServiceReferenceArgs(
            reference_name=linked_service_name, type="LinkedServiceReference"
        ),
        policy=datafactory.ActivityPolicyArgs(
            timeout=activity.timeout,
            retry=activity.retries,
            retry_interval_in_seconds=activity.retry_interval_seconds,
            secure_input=activity.secure_input,
            secure_output=activity.secure_output,
        ),
        user_properties=[
            datafactory.UserPropertyArgs(name=key, value=value)
            for key, value in activity.user_properties.items()
        ]
        or None,
        depends_on=[
            datafactory.ActivityDependencyArgs(
                activity=dep.activity,
                dependency_conditions=[c.value for c in dep.conditions],
            )
            for dep in activity.depends_on
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
        super().__init__("adf-databricks:index:NotebookPipeline", name, None, opts)
        spec = args.spec
        self.pipeline = datafactory.Pipeline(
            f"{name}-pipeline",
            factory_name=args.factory_name,
            resource_group_name=args.resource_group_name,
            pipeline_name=spec.name,
            description=spec.description,
            folder=datafactory.PipelineFolderArgs(name=spec.folder) if spec.folder else None,
            concurrency=spec.concurrency,
            parameters={k: _parameter(p) for k, p in spec.parameters.items()} or None,
            activities=[_activity(a, args.linked_service_name) for a in spec.activities],
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.pipeline_name = self.pipeline.name
        self.register_outputs({"pipelineName": self.pipeline_name})
