"""NotebookJob: a Databricks job of one notebook task, which a Data Factory DatabricksJob activity runs.

`JobSpec` is also the `job` key of a pipeline activity in the stack config
(components.pipeline): the rules declared here check both.

A DatabricksJob activity only names a job and passes it parameters (`typeProperties: {jobId,
jobParameters}`: azure-mgmt-datafactory `DatabricksJobActivity`; Learn,
data-factory/transform-data-databricks-job.md). Everything else is the job's: its compute, run
history, timeout, concurrency and the identity it runs as.
"""

# Args module read by Pulumi's component analyzer: no `from __future__ import annotations`.
# validation.parse fills every default, so keys with a default are read with [].
# pyright: reportTypedDictNotRequiredAccess=false

from collections.abc import Iterator, Mapping
from typing import Any, TypedDict

import pulumi
import pulumi_databricks as databricks
from typing_extensions import NotRequired

from . import outputs, validation
from .enums import JobCompute
from .notebooks import (
    NOTEBOOK_SOURCE,
    WORKSPACE_PATH,
    is_service_principal,
    local_notebook_exists,
    run_as_control,
)
from .validation import check, checks, describe, rule, rules

JOB_PARAMETER_NAME = r"^[A-Za-z0-9_.-]+$"
"""A job parameter's name: "May only contain alphanumeric characters, `_`, `-`, and `.`"
(databricks-sdk-go service/jobs/model.go, JobParameterDefinition.Name)."""

MAX_CONCURRENT_RUNS = 1000
"""`max_concurrent_runs` "cannot exceed 1000" (databricks-sdk-go service/jobs/model.go, JobSettings)."""

TASK_KEY = "notebook"
"""The key of the job's one task."""

RUN_AS_PERMISSION = "CAN_MANAGE_RUN"
"""What the principal the job runs as gets on it: run now and cancel runs, not edit the job or
its permissions (terraform-provider-databricks docs/resources/permissions.md, "Job usage";
Databricks docs, jobs access control)."""

_TEXT = rule("a non-empty string", pattern=r"\S")


@rules(
    notebook=NOTEBOOK_SOURCE,
    notebook_path=WORKSPACE_PATH,
    parameters=rule(
        "a map of strings",
        propertyNames={
            "pattern": JOB_PARAMETER_NAME,
            "x-expected": "a job parameter name of letters, digits, _, - and .",
        },
    ),
    compute=rule(default=JobCompute.SERVERLESS),
    # 0 is valid for the API but "causes all new runs to be skipped" (JobSettings above).
    max_concurrent_runs=rule(
        f"an integer from 1 to {MAX_CONCURRENT_RUNS} (0 would skip every run)",
        minimum=1,
        maximum=MAX_CONCURRENT_RUNS,
        default=1,
    ),
    timeout_seconds=rule("an integer >= 0 (0: no timeout)", minimum=0, default=0),
)
class JobSpec(TypedDict):
    """A Databricks job the stack creates for a DatabricksJob activity: one notebook task, of
    exactly one of notebook and notebookPath."""

    notebook: NotRequired[str]
    """A local notebook source for AdfDatabricks to upload (as an activity's notebook); the job
    gets the parameter `volume` (the stack's volume path) unless it declares one. NotebookJob
    itself runs notebooks already in the workspace (notebookPath)."""
    notebook_path: NotRequired[pulumi.Input[str]]
    """Absolute workspace path of the notebook the task runs."""
    parameters: NotRequired[dict[str, pulumi.Input[str]]]
    """The job's parameters and their defaults ({name: default}); Databricks passes them to the
    notebook's widgets of the same names."""
    compute: NotRequired[JobCompute]
    """serverless (default): Databricks serverless compute for jobs, no cluster to configure or
    wait for (the workspace must have it: Premium, Unity Catalog, a supported region); or
    cluster: the stack's cluster settings (a job cluster per run in cluster modes job and pool,
    the stack's cluster itself in modes interactive and existing)."""
    max_concurrent_runs: NotRequired[int]
    """Runs of the job at once, 1 to 1000 (default 1, as Databricks'): a run started beyond it is
    skipped, and the activity that started it fails, so keep it at least the pipeline's
    concurrency."""
    timeout_seconds: NotRequired[int]
    """Seconds a run may take before Databricks cancels it; 0 (default, as Databricks') for no
    limit of the job's own (the activity's timeout still applies)."""


@checks(JobSpec, "notebook", "notebookPath")
def _one_notebook(job: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    if ("notebook" in job) == ("notebookPath" in job):
        yield "", "expected exactly one of notebook (a local file) or notebookPath"


check(JobSpec, local_notebook_exists, "notebook")


@rules(job_name=_TEXT, description=_TEXT)
class NotebookJobArgs(TypedDict):
    """Inputs of NotebookJob."""

    spec: JobSpec
    """The job: its notebook (notebookPath), parameters, compute and limits."""
    job_name: str
    """Name of the job in the workspace."""
    description: NotRequired[str]
    """A meaningful description."""
    run_as: NotRequired[pulumi.Input[str] | None]
    """The principal the job runs as, and who may manage its runs (CAN_MANAGE_RUN): a user name,
    or a service principal's application id, on which the deployer needs the Service Principal
    User role. Leave it out when that is the deployer: a job runs as its creator, who owns it."""
    cluster: NotRequired[dict[str, Any]]
    """The task's compute with spec.compute cluster: keyword arguments of
    `pulumi_databricks.JobTaskArgs` (DatabricksCompute.job_task_compute)."""


@checks(NotebookJobArgs, "spec", "cluster")
def _compute(args: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    spec = args["spec"]
    if "notebook" in spec:
        yield (
            "spec.notebook",
            "expected notebookPath instead: NotebookJob runs notebooks already in the workspace"
            f" (AdfDatabricks uploads local ones), got {describe(spec['notebook'])}",
        )
    clustered = spec.get("compute") == JobCompute.CLUSTER  # serverless by default
    if clustered and "cluster" not in args:
        yield "cluster", "is required with spec.compute cluster"
    elif not clustered and "cluster" in args:
        yield "cluster", "applies only with spec.compute cluster: a serverless task takes no cluster"


def run_as_args(principal: str) -> databricks.JobRunAsArgs:
    """A job's `run_as`: a service principal by application id, a user by user name
    (terraform-provider-databricks docs/resources/job.md, run_as Configuration Block)."""
    if is_service_principal(principal):
        return databricks.JobRunAsArgs(service_principal_name=principal)
    return databricks.JobRunAsArgs(user_name=principal)


class NotebookJob(pulumi.ComponentResource):
    """A Databricks job with one notebook task, for a Data Factory DatabricksJob activity to run.

    Pass the workspace's provider with `opts=ResourceOptions(providers=[provider])`.
    """

    job: databricks.Job
    """The job."""
    job_id: pulumi.Output[str]
    """The job's id: the DatabricksJob activity's jobId."""
    permissions: databricks.Permissions | None
    """CAN_MANAGE_RUN on the job for the principal it runs as (when run_as is given)."""

    def __init__(self, name: str, args: NotebookJobArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        args = validation.parse(NotebookJobArgs, args, f"NotebookJob {name}: ")
        super().__init__("adf-databricks:index:NotebookJob", name, None, opts)
        spec = args["spec"]
        run_as = args.get("run_as")
        # Without a cluster (new_cluster, existing_cluster_id or job_cluster_key) a task runs on
        # serverless compute (terraform-provider-databricks docs/resources/job.md, task block).
        # A notebook task needs no `environment_key` there: only "Python script, Python wheel and
        # dbt tasks" do (databricks-sdk-go service/jobs/model.go, Task.EnvironmentKey); a
        # notebook installs its own libraries (%pip). `performance_target` is left to its
        # default, PERFORMANCE_OPTIMIZED (job.md).
        compute = args["cluster"] if spec["compute"] is JobCompute.CLUSTER else {}
        self.job = databricks.Job(
            f"{name}-job",
            name=args["job_name"],
            description=args.get("description"),
            tasks=[
                databricks.JobTaskArgs(
                    task_key=TASK_KEY,
                    notebook_task=databricks.JobTaskNotebookTaskArgs(notebook_path=spec["notebook_path"]),
                    **compute,
                )
            ],
            # Job parameters reach a notebook task as its widgets (Databricks docs,
            # jobs/job-parameters "job parameter pushdown", where databricks-sdk-go
            # service/jobs/model.go RunNow sends users of the deprecated notebook_params).
            parameters=[
                databricks.JobParameterArgs(name=key, default=value)
                for key, value in spec.get("parameters", {}).items()
            ]
            or None,
            max_concurrent_runs=spec["max_concurrent_runs"],
            timeout_seconds=spec["timeout_seconds"],
            run_as=pulumi.Output.from_input(run_as).apply(run_as_args) if run_as is not None else None,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.job_id = self.job.id
        self.permissions = None
        if run_as is not None:
            # Not authoritative for admins and the owner (the deployer), whom Databricks keeps;
            # for anyone else it is: access given by hand is removed on the next `pulumi up`.
            self.permissions = databricks.Permissions(
                f"{name}-permissions",
                job_id=self.job.id,
                access_controls=[
                    pulumi.Output.from_input(run_as).apply(
                        lambda principal: run_as_control(principal, RUN_AS_PERMISSION)
                    )
                ],
                opts=pulumi.ResourceOptions(parent=self),
            )
        outputs.register(self)
