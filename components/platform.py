"""AdfDatabricks: the whole Learn module in one component; its args are a stack's whole config.

`AdfDatabricksArgs` is what a `Pulumi.<stack>.yaml` sets under `adf-databricks:` (its sections
are the other components' own args), so the same definitions check a stack file, a Python
program's args and another language's, and become the stack-file schema and the package schema.
"""

import graphlib
import re
from collections.abc import Iterator, Mapping
from pathlib import PurePath
from typing import Any, TypedDict, TypeVar, cast

import pulumi
import pulumi_azure as azure
import pulumi_azure_native.authorization as authorization
import pulumi_azure_native.resources as resources
import pulumi_databricks as databricks
from typing_extensions import NotRequired

from . import expressions, outputs, validation
from .arm import RESOURCE_GROUP_NAME, TAGS
from .catalog import (
    SCRIPTS_FOLDER,
    CatalogVolume,
    CatalogVolumeArgs,
    CatalogVolumeSpec,
    workspace_catalog_name,
)
from .compute import ComputeArgs, ComputeSpec, DatabricksCompute
from .data_factory import DataFactory, DataFactoryArgs
from .enums import AuthMode, ClusterMode, Frequency, JobCompute
from .job import NotebookJob, NotebookJobArgs
from .monitoring import KEY_VAULT_EVENTS, Monitoring, MonitoringArgs, MonitoringSpec
from .names import DATA_FACTORY_NAME
from .network import (
    NetworkSpec,
    PrivateNetwork,
    PrivateNetworkArgs,
    WorkspaceEndpoints,
    WorkspaceEndpointsArgs,
)
from .notebooks import WORKSPACE_PATH, Notebooks, NotebooksArgs, lockable_folder_problem
from .pipeline import (
    NotebookActivity,
    NotebookPipeline,
    NotebookPipelineArgs,
    PipelineSpec,
    has_secret_arguments,
    map_activities,
    parameter_value_problem,
    runs_a_job,
    walk,
)
from .run_identity import RunIdentity, RunIdentityArgs
from .storage_event import StorageEventTrigger, StorageEventTriggerArgs, event_trigger_name
from .trigger import UTC, ScheduleSpec, ScheduleTrigger, ScheduleTriggerArgs
from .tumbling_window import (
    TumblingWindowSpec,
    TumblingWindowTrigger,
    TumblingWindowTriggerArgs,
    describe_window,
    window_trigger_name,
)
from .validation import checks, rule, rules
from .workspace import DatabricksWorkspace, DatabricksWorkspaceArgs, WorkspaceSpec, register_network_rules
from .workspace_access import AuthSpec, auth_mode, keeps_token_in_vault


@rules(
    location=rule("an Azure region, e.g. westeurope", pattern=r"\S"),
    resource_group_name=RESOURCE_GROUP_NAME,
    tags=TAGS,
    protect=rule(default=False),
    integration_runtime=DATA_FACTORY_NAME,
    notebook_folder=WORKSPACE_PATH,
    unity_catalog=rule(default={}),
    workspace=rule(default={}),
    auth=rule(default={}),
    cluster=rule(default={}),
    pipelines=rule("a list of at least one pipeline", minItems=1),
)
class AdfDatabricksArgs(TypedDict):
    """Everything one stack builds: in a `Pulumi.<stack>.yaml`, the keys under `adf-databricks:`."""

    location: NotRequired[str]
    """Azure region of the created resources. Required when the stack creates the resource group
    (a stack may instead set azure-native:location)."""
    resource_group_name: NotRequired[str]
    """Deploy into this existing resource group instead of creating `<project>-<stack>`."""
    tags: NotRequired[dict[str, str]]
    """Tags for every taggable Azure resource; `environment: <stack>` and `managed-by: pulumi`
    are always added."""
    protect: NotRequired[bool]
    """Pulumi `protect` on the workspace, factory, Key Vault and run-as identity: Pulumi neither
    deletes nor replaces them. With it, `pulumi destroy` also leaves a non-empty notebook folder
    and schema in place; without it they go with their contents. Changes no Azure setting."""
    integration_runtime: NotRequired[str]
    """Integration runtime the Databricks linked service connects via (default: auto-resolve).
    Not with `network`: a private stack's linked services connect via the runtime in the
    factory's managed virtual network."""
    notebook_folder: NotRequired[str]
    """Workspace folder the stack creates and locks, and uploads the local notebooks to (default
    `/<project>/<stack>`). Nothing under /Shared, where every user can edit and that cannot be
    taken away, and no special folder (/, /Workspace, /Users, /Repos)."""
    unity_catalog: NotRequired[CatalogVolumeSpec]
    """The Unity Catalog schema and volume the notebooks write to (catalog: the workspace
    catalog, schema: `<project>_<stack>`, volume: landing, unless set)."""
    workspace: NotRequired[WorkspaceSpec]
    """The Databricks workspace to create (named `<project>-<stack>` unless set) or adopt."""
    auth: NotRequired[AuthSpec]
    """How Data Factory authenticates to Databricks."""
    cluster: NotRequired[ComputeSpec]
    """The compute the notebook activities run on (and job activities with compute cluster)."""
    pipelines: list[PipelineSpec]
    """The pipelines, each with its notebook and job activities and optional schedule (at least
    one)."""
    monitoring: NotRequired[MonitoringSpec]
    """Run history in Log Analytics, and alerts when a pipeline failed or did not run (nothing
    is created without it)."""
    network: NotRequired[NetworkSpec]
    """Private networking: the workspace injected into a VNet with back-end Private Link, and
    the factory reaching it (and the token's vault) over its managed virtual network. Without
    it the stack is public, as the Learn module builds it."""


@checks(AdfDatabricksArgs, "location", "resourceGroupName")
def _location(args: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    if "location" not in args and "resourceGroupName" not in args:
        yield (
            "location",
            "is required to create the resource group (or set azure-native:location,"
            " or deploy into an existing adf-databricks:resourceGroupName)",
        )


@checks(AdfDatabricksArgs, "notebookFolder")
def _lockable_notebook_folder(args: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    problem = lockable_folder_problem(args["notebookFolder"]) if "notebookFolder" in args else None
    if problem:
        yield "notebookFolder", problem


@checks(AdfDatabricksArgs, "pipelines")
def _distinct_pipelines(args: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """Pipeline names are unique in a factory, every local notebook lands in one folder, and every
    local Python file in the volume's scripts folder."""
    names: dict[str, int] = {}
    sources: dict[str, str] = {}
    scripts: dict[str, str] = {}
    for i, pipeline in enumerate(args["pipelines"]):
        first = names.setdefault(pipeline["name"], i)
        if first != i:
            yield f"pipelines[{i}].name", f"duplicate of pipelines[{first}].name"
        for at, activity, _ in walk(pipeline["activities"]):
            python = activity.get("python")
            script = python.get("file") if isinstance(python, Mapping) else None
            if isinstance(script, str):
                taken = scripts.setdefault(PurePath(script).name, script)
                if taken != script:
                    yield (
                        f"pipelines[{i}].{at}.python.file",
                        f"{script!r} would overwrite {taken!r} in the volume's {SCRIPTS_FOLDER} folder",
                    )
            key, notebook = _local_notebook(activity)
            if notebook is None:
                continue
            taken = sources.setdefault(PurePath(notebook).stem, notebook)
            if taken != notebook:
                yield (
                    f"pipelines[{i}].{at}.{key}",
                    f"{notebook!r} would overwrite {taken!r} in the workspace folder",
                )


def _local_notebook(activity: Mapping[str, Any]) -> tuple[str, str | None]:
    """Where an activity names a local notebook (notebook, or job.notebook), and which."""
    job = activity.get("job")
    if isinstance(job, Mapping) and "notebook" in job:
        return "job.notebook", job["notebook"]
    return "notebook", activity.get("notebook")


@checks(AdfDatabricksArgs, "pipelines")
def _windows_depend_on_windows(args: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """A tumbling window depends on tumbling-window triggers ("Only tumbling window triggers are
    supported", TumblingWindowTrigger.depends_on): the stack's own, `<pipeline>-window`, without a
    cycle (each is created after those it names)."""
    windows = [window_trigger_name(p["name"]) for p in args["pipelines"] if "tumblingWindow" in p]
    graph: dict[str, list[str]] = {}
    for i, pipeline in enumerate(args["pipelines"]):
        if "tumblingWindow" not in pipeline:
            continue
        own = window_trigger_name(pipeline["name"])
        graph[own] = []
        for j, dependency in enumerate(pipeline["tumblingWindow"].get("dependsOn", [])):
            trigger = dependency.get("trigger")
            path = f"pipelines[{i}].tumblingWindow.dependsOn[{j}].trigger"
            if trigger is None:
                continue
            if trigger == own:
                yield path, f"names this pipeline's own trigger {own!r}: a self-dependency is self: true"
            elif trigger not in windows:
                others = ", ".join(w for w in windows if w != own) or "none"
                yield (
                    path,
                    f"expected the tumbling-window trigger of another pipeline ({others}), got {trigger!r}",
                )
            else:
                graph[own].append(trigger)
    try:
        tuple(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError as err:
        yield "pipelines", f"tumbling windows depend on each other in a cycle: {' -> '.join(err.args[1])}"


def _types_agree(expected: str, known: str) -> bool:
    """A value of type `known` fits a parameter of type `expected` (Number: Int or Float)."""
    if expected == "SecureString":
        expected = "String"
    return known == expected or (known == "Number" and expected in ("Int", "Float"))


@checks(AdfDatabricksArgs, "pipelines")
def _calls_pipelines_of_the_stack(args: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """An ExecutePipeline activity runs another pipeline of the stack, with parameters it
    declares, of their types where known, and pipelines do not call each other in a cycle."""
    declared = {p["name"]: p for p in args["pipelines"]}
    graph: dict[str, list[str]] = {}
    for i, pipeline in enumerate(args["pipelines"]):
        calls = graph.setdefault(pipeline["name"], [])
        for at, activity, _ in walk(pipeline["activities"]):
            call = activity.get("executePipeline")
            if not isinstance(call, Mapping) or not isinstance(call.get("pipeline"), str):
                continue
            path = f"pipelines[{i}].{at}.executePipeline"
            callee = declared.get(call["pipeline"])
            if callee is None or call["pipeline"] == pipeline["name"]:
                others = ", ".join(n for n in declared if n != pipeline["name"]) or "none"
                yield (
                    f"{path}.pipeline",
                    f"expected another pipeline of this stack ({others}), got {call['pipeline']!r}",
                )
                continue
            calls.append(call["pipeline"])
            parameters: Mapping[str, Any] = callee.get("parameters", {})
            for name, value in call.get("parameters", {}).items():
                if name not in parameters:
                    yield (
                        f"{path}.parameters.{name}",
                        f"{call['pipeline']} declares no parameter {name!r}"
                        f" ({', '.join(parameters) or 'none are declared'})",
                    )
                    continue
                kind = parameters[name]["type"]
                if isinstance(value, str) and value.startswith("@") and not value.startswith("@@"):
                    known = expressions.result_type(value, expressions.Context())
                    if known is not None and not _types_agree(kind, known[0]):
                        yield (
                            f"{path}.parameters.{name}",
                            f"expected a {kind} value ({call['pipeline']}'s parameter), got {known[1]}",
                        )
                elif problem := parameter_value_problem(kind, value):
                    yield f"{path}.parameters.{name}", problem
    try:
        tuple(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError as err:
        yield (
            "pipelines",
            f"pipelines call each other (executePipeline) in a cycle: {' -> '.join(err.args[1])}",
        )


@checks(AdfDatabricksArgs, "auth", "pipelines")
def _account_for_run_as(args: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """In mode msi a job runs as the factory's identity, which the deployer may name only as a
    user of that service principal (RunIdentity._deployer_roles)."""
    auth = args["auth"]  # filled by the rules (default {})
    if auth_mode(auth) is not AuthMode.MSI or "accountId" in auth:
        return
    for i, pipeline in enumerate(args["pipelines"]):
        for at, activity, _ in walk(pipeline["activities"]):
            if "job" in activity:
                yield (
                    "auth.accountId",
                    f"is required with auth.mode msi: pipelines[{i}].{at}.job runs as the"
                    " factory's identity, and the deployer may set that only as its Service Principal"
                    " User, a role granted in the Databricks account",
                )
                return


@checks(AdfDatabricksArgs, "workspace", "unityCatalog")
def _catalog_of_an_adopted_workspace(args: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """An adopted workspace may predate automatic Unity Catalog enablement, so it may have no
    workspace catalog to default to (stack_defaults leaves the catalog unset there)."""
    # Both filled by stack_defaults.
    if "existing" in args["workspace"] and "catalog" not in args["unityCatalog"]:
        yield (
            "unityCatalog.catalog",
            "is required with workspace.existing: an adopted workspace may have no workspace"
            " catalog; name one the deployer may create a schema in",
        )


# What Azure refuses of the workspace with or without the stack's network.
register_network_rules(AdfDatabricksArgs, "workspace", "network")


@checks(AdfDatabricksArgs, "integrationRuntime", "network")
def _runtime_of_a_public_stack(args: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    if "network" in args and "integrationRuntime" in args:
        yield (
            "integrationRuntime",
            "applies without network: a private stack's linked services connect via the runtime in"
            " the factory's managed virtual network",
        )


def stack_defaults(document: Mapping[str, Any], project: str, stack: str) -> dict[str, Any]:
    """A stack's document with the defaults that follow from its project and stack filled in:
    the workspace's name, the notebook folder, and the Unity Catalog catalog and schema."""
    filled = dict(document)
    workspace = filled.get("workspace", {})
    if isinstance(workspace, dict) and "existing" not in workspace:
        filled["workspace"] = {"name": f"{project}-{stack}", **workspace}
    filled.setdefault("notebookFolder", f"/{project}/{stack}")
    catalog = filled.get("unityCatalog", {})
    if isinstance(catalog, dict):
        # Pulumi project and stack names may hold '-' and '.', which Unity Catalog names avoid.
        own = {"schema": re.sub(r"[^a-z0-9_]", "_", f"{project}_{stack}".lower())}
        name = filled["workspace"].get("name") if isinstance(filled["workspace"], dict) else None
        if isinstance(name, str):
            own["catalog"] = workspace_catalog_name(name)
        filled["unityCatalog"] = {**own, **catalog}
    return filled


def _drop_nulls(value: Any) -> Any:
    """An explicit null counts as absent, at any depth (YAML `key:` with nothing after it)."""
    if isinstance(value, dict):
        return {k: _drop_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_nulls(v) for v in value]
    return value


def problems(document: Mapping[str, Any], project: str, stack: str) -> list[validation.Problem]:
    """Every problem of a stack's document (camelCase keys, as a stack file writes them)."""
    filled = stack_defaults(_drop_nulls(dict(document)), project, stack)
    return validation.problems(AdfDatabricksArgs, filled)


def _validated(args: AdfDatabricksArgs, name: str, project: str, stack: str) -> AdfDatabricksArgs:
    """The component's args checked, unless they come checked (from `parse`)."""
    if isinstance(args, validation.Checked) and args.cls is AdfDatabricksArgs:
        return cast(AdfDatabricksArgs, args)
    document = validation.to_document(AdfDatabricksArgs, args)
    found = problems(document, project, stack)
    if found:
        raise validation.InvalidArgs(found, f"AdfDatabricks {name}: ")
    return parse(document, project, stack)


def parse(document: Mapping[str, Any], project: str, stack: str) -> AdfDatabricksArgs:
    """A valid stack document as AdfDatabricks's args (defaults applied, enum members)."""
    filled = stack_defaults(_drop_nulls(dict(document)), project, stack)
    return validation.checked(AdfDatabricksArgs, validation.from_document(AdfDatabricksArgs, filled))


class AdfDatabricks(pulumi.ComponentResource):
    """Workspace, access, compute, notebooks, factory, pipelines and triggers of one stack.

    Its args are a stack's whole configuration; defaults that depend on the project and stack
    (workspace name, notebook folder, Unity Catalog schema) come from the running program.
    """

    workspace_url: pulumi.Output[str]
    """Workspace URL with scheme, e.g. https://adb-123.4.azuredatabricks.net."""
    factory_name: pulumi.Output[str]
    """The Data Factory's name."""
    studio_url: pulumi.Output[str]
    """ADF Studio, opened on this factory."""
    monitor_url: pulumi.Output[str]
    """ADF Studio's Monitor hub, where pipeline runs are watched."""
    run_as: pulumi.Output[str]
    """Databricks user name ADF's runs execute as (user name, or a service principal's
    application id); known before the compute and the factory are declared."""
    auth_mode: pulumi.Output[str]
    """How Data Factory authenticates to Databricks: msi or token."""
    pipeline_names: pulumi.Output[list[str]]
    """The pipelines' names."""
    trigger_states: pulumi.Output[dict[str, bool]]
    """Each schedule trigger's name and whether it is started."""
    notebook_paths: pulumi.Output[list[str]]
    """Workspace paths of the uploaded notebooks."""
    log_analytics_workspace_id: pulumi.Output[str] | None
    """ARM id of the Log Analytics workspace the factory logs to (with monitoring)."""
    failed_runs_query: pulumi.Output[str] | None
    """KQL for the factory's failed pipeline runs of the last day (with monitoring)."""

    def __init__(
        self, name: str, args: AdfDatabricksArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        project, stack = pulumi.get_project(), pulumi.get_stack()
        # Args from components.settings were validated as the stack file was read; a program
        # that builds this component itself has them checked here, once. Either way every
        # key with a default is filled in, and the children trust what they are given.
        a: dict[str, Any] = dict(_validated(args, name, project, stack))
        super().__init__("adf-databricks:index:AdfDatabricks", name, None, opts)
        tags = {**a["tags"], "environment": stack, "managed-by": "pulumi"}
        protect = a["protect"]
        mode = auth_mode(a["auth"])
        cluster = a["cluster"]
        location: pulumi.Input[str] | None = a.get("location")
        if "resource_group_name" in a:
            group_name: pulumi.Input[str] = a["resource_group_name"]
        else:
            group = resources.ResourceGroup(
                f"{name}-resource-group",
                resource_group_name=f"{project}-{stack}",
                location=location,
                tags=tags,
                opts=pulumi.ResourceOptions(parent=self),
            )
            group_name, location = group.name, group.location

        network = self._network(name, a, group_name, location, tags) if "network" in a else None
        # The Databricks provider waits until the workspace's endpoints and their DNS records
        # exist (a private front end is reached only through them): known once they are declared.
        reachable = pulumi.deferred_output() if network is not None else None
        self._workspace = DatabricksWorkspace(
            f"{name}-workspace",
            validation.checked(
                DatabricksWorkspaceArgs,
                DatabricksWorkspaceArgs(
                    spec=a["workspace"],
                    resource_group_name=group_name,
                    location=location,
                    tags=tags,
                    protect=protect,
                    network={
                        "virtual_network_id": network.virtual_network_id,
                        "host_subnet_name": network.host_subnet_name,
                        "container_subnet_name": network.container_subnet_name,
                    }
                    if network is not None
                    else None,
                    reachable=reachable[0] if reachable is not None else None,
                ),
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self._endpoints: WorkspaceEndpoints | None = None
        if network is not None and reachable is not None:
            try:
                self._endpoints = WorkspaceEndpoints(
                    f"{name}-workspace-endpoints",
                    validation.checked(
                        WorkspaceEndpointsArgs,
                        WorkspaceEndpointsArgs(
                            workspace_id=self._workspace.resource_id,
                            workspace_name=a["workspace"]["name"],
                            endpoint_subnet_id=network.endpoint_subnet_id,
                            dns_zone_id=network.dns_zone_id,
                            resource_group_name=group_name,
                            location=location,
                            tags=tags,
                            browser_authentication=a["network"]["browser_authentication"],
                        ),
                    ),
                    opts=pulumi.ResourceOptions(parent=self),
                )
            finally:
                # Resolved whatever happened: an unresolved deferred output keeps the program
                # waiting forever.
                ready = self._endpoints.ready if self._endpoints is not None else []
                reachable[1](pulumi.Output.all(*(r.urn for r in ready)).apply(lambda urns: ",".join(urns)))
        endpoint_ids: list[pulumi.Input[str]] | None = (
            [r.id for r in self._endpoints.ready] if self._endpoints is not None else None
        )
        on_workspace = pulumi.ResourceOptions(parent=self, providers=[self._workspace.provider])
        # First, so that the cluster and the workspace's grants can name who the runs execute as.
        run_identity = RunIdentity(
            f"{name}-run-as",
            validation.checked(
                RunIdentityArgs,
                RunIdentityArgs(
                    mode=mode,
                    resource_group_name=group_name,
                    location=location,
                    tags=tags,
                    protect=protect,
                    allow_cluster_create=cluster["mode"] in (ClusterMode.JOB, ClusterMode.POOL),
                    account_id=a["auth"].get("account_id"),
                    deployers=a["auth"].get("deployers", []),
                ),
            ),
            opts=on_workspace,
        )
        self.run_as = run_identity.run_as
        # What the notebooks run as, and where they write. In token mode Data Factory runs them
        # as the deploying principal, which owns the cluster, pool, folder, schema and volume it
        # creates: it needs no grant, and a lower one would be refused or would replace its own
        # (see ComputeArgs.run_as, NotebooksArgs.run_as and CatalogVolumeArgs).
        run_as = self.run_as if mode is not AuthMode.TOKEN else None
        # A dedicated (SINGLE_USER) interactive cluster runs only its single user's commands,
        # so it belongs to the identity ADF runs as; job clusters belong to whoever submits.
        compute = DatabricksCompute(
            f"{name}-compute",
            validation.checked(
                ComputeArgs, ComputeArgs(spec=cluster, single_user_name=self.run_as, run_as=run_as)
            ),
            opts=on_workspace,
        )
        activities = [act for p in a["pipelines"] for _, act, _ in walk(p["activities"])]
        # Local Python files of Python activities, uploaded into the volume (CatalogVolume.files).
        scripts = [act["python"]["file"] for act in activities if "file" in act.get("python", {})]
        volume_args = CatalogVolumeArgs(spec=a["unity_catalog"], run_as=run_as, protect=protect)
        if scripts:
            volume_args["files"] = scripts
        data = CatalogVolume(
            f"{name}-unity-catalog", validation.checked(CatalogVolumeArgs, volume_args), opts=on_workspace
        )
        sources = [s for act in activities if (s := _local_notebook(act)[1]) is not None]
        uploaded = (
            Notebooks(
                f"{name}-notebooks",
                validation.checked(
                    NotebooksArgs,
                    NotebooksArgs(
                        folder=a["notebook_folder"], sources=sources, run_as=run_as, protect=protect
                    ),
                ),
                opts=on_workspace,
            ).paths
            if sources
            else {}
        )

        identity = run_identity.identity
        # The token's expiry alerts see only secret versions written after their Event Grid
        # subscriptions exist, and those watch the Key Vault the factory's access creates: the
        # token waits for their ids, known once Monitoring is declared (below).
        watchers = (
            {purpose: pulumi.deferred_output() for purpose in KEY_VAULT_EVENTS}
            if keeps_token_in_vault(a["auth"]) and a.get("monitoring", {}).get("alert_emails")
            else {}
        )
        self._data_factory = DataFactory(
            f"{name}-data-factory",
            validation.checked(
                DataFactoryArgs,
                DataFactoryArgs(
                    resource_group_name=group_name,
                    workspace_url=self._workspace.url,
                    workspace_resource_id=self._workspace.resource_id,
                    cluster_fields=compute.linked_service_fields,
                    auth=a["auth"],
                    linked_service={"integration_runtime": a["integration_runtime"]}
                    if "integration_runtime" in a
                    else {},
                    location=location,
                    tags=tags,
                    protect=protect,
                    identity_id=identity.id if identity else None,
                    identity_principal_id=identity.principal_id if identity else None,
                    serverless=any(runs_a_job(act) for act in activities),
                    token_watchers=[watcher for watcher, _ in watchers.values()] or None,
                    managed_network=network is not None,
                    workspace_endpoint_ids=endpoint_ids,
                ),
            ),
            opts=on_workspace,
        )
        factory = self._data_factory.factory
        # A trigger starts runs, so it waits until the grants those runs need have propagated.
        trigger_waits: list[pulumi.Resource] = [*compute.grants, *data.grants]
        if self._data_factory.access.grants_propagated is not None:
            trigger_waits.append(self._data_factory.access.grants_propagated)
        # Nor does a run reach a private workspace before its managed endpoints are approved.
        trigger_waits += self._data_factory.approvals

        # A job names the identity it runs as once the deployer may (RunIdentity.job_run_as).
        job_run_as = run_identity.job_run_as if mode is not AuthMode.TOKEN else None
        self._jobs: dict[str, NotebookJob] = {}
        self._named_jobs: dict[str, pulumi.Output[str]] = {}
        self._pipelines: dict[str, NotebookPipeline] = {}
        self._triggers: dict[str, ScheduleTrigger] = {}
        self._windows: dict[str, TumblingWindowTrigger] = {}
        self._events: dict[str, StorageEventTrigger] = {}
        windowed: list[tuple[PipelineSpec, NotebookPipeline, list[pulumi.Resource]]] = []
        trigger_opts = pulumi.ResourceOptions(parent=self)
        # A UTC schedule and a tumbling window are pulumi-azure's (components.trigger,
        # components.tumbling_window): without one, no provider.
        if any(
            p.get("schedule", {}).get("time_zone") == UTC or "tumbling_window" in p for p in a["pipelines"]
        ):
            # pulumi-azure 6 insists on a subscription id; take the one azure-native deploys
            # to, so `az login` (or OIDC in CI) is all either provider needs.
            client = authorization.get_client_config_output(opts=pulumi.InvokeOutputOptions(parent=self))
            classic = azure.Provider(
                f"{name}-azure",
                subscription_id=client.subscription_id,
                # azurerm v4 registers its "legacy" set of resource providers on start unless
                # told otherwise (terraform-provider-azurerm v4.x internal/provider/provider.go:
                # the default is "none" only from v5.0), which needs
                # Microsoft.*/register/action on the whole subscription. This provider only
                # manages triggers of a factory that already exists.
                resource_provider_registrations="none",
                opts=trigger_opts,
            )
            trigger_opts = pulumi.ResourceOptions(parent=self, providers=[classic])
        # A called pipeline is created before its callers, which name it by its Output (so
        # Data Factory has it when a caller references it); the rules refused call cycles.
        by_name = {p["name"]: p for p in a["pipelines"]}
        order: list[str] = []

        def visit(pipeline_name: str) -> None:
            if pipeline_name in order:
                return
            for _, act, _ in walk(by_name[pipeline_name]["activities"]):
                if "execute_pipeline" in act:
                    visit(act["execute_pipeline"]["pipeline"])
            order.append(pipeline_name)

        for p in a["pipelines"]:
            visit(p["name"])
        for configured in (by_name[n] for n in order):
            # Activities with a local notebook run the uploaded copy and get the stack's volume
            # as their `volume` widget unless they set one; a job activity's job is created
            # here, and the activity runs it by id; nested activities alike.
            spec = configured.copy()
            run_grants: list[pulumi.Resource] = []

            def ran(act: Any, spec: Any = spec, run_grants: list[pulumi.Resource] = run_grants) -> Any:
                if "job" in act:
                    job = NotebookJob(
                        f"{name}-job-{spec['name']}-{act['name']}",
                        _job_args(
                            act,
                            f"{project}-{stack}: {spec['name']}/{act['name']}",
                            uploaded,
                            data.volume_path,
                            job_run_as,
                            compute,
                        ),
                        opts=on_workspace,
                    )
                    self._jobs[f"{spec['name']}/{act['name']}"] = job
                    if job.permissions is not None:
                        run_grants.append(job.permissions)
                    act = {k: v for k, v in act.items() if k != "job"} | {"job_id": job.job_id}
                if "job_name" in act:
                    act = {k: v for k, v in act.items() if k != "job_name"} | {
                        "job_id": self._job_named(act["job_name"])
                    }
                if "execute_pipeline" in act:
                    callee = self._pipelines[act["execute_pipeline"]["pipeline"]]
                    act = {
                        **act,
                        "execute_pipeline": {**act["execute_pipeline"], "pipeline": callee.pipeline_name},
                    }
                return _uploaded(cast(NotebookActivity, act), uploaded, data.volume_path, data.file_paths)

            spec["activities"] = map_activities(configured["activities"], ran)
            serverless = self._data_factory.serverless_linked_service
            pipeline = NotebookPipeline(
                f"{name}-pipeline-{spec['name']}",
                validation.checked(
                    NotebookPipelineArgs,
                    {
                        "spec": spec,
                        "factory_name": factory.name,
                        "resource_group_name": group_name,
                        "linked_service_name": self._data_factory.linked_service.name,
                        "job_linked_service_name": serverless.name if serverless else None,
                    },
                ),
                opts=pulumi.ResourceOptions(parent=self),
            )
            self._pipelines[spec["name"]] = pipeline
            if "tumbling_window" in spec:
                windowed.append((spec, pipeline, [*trigger_waits, *run_grants]))
            event = spec.get("storage_event")
            if event is not None:
                # azure-native's trigger, started by hooks (components.lifecycle): no pulumi-azure.
                trigger_name = event_trigger_name(spec["name"])
                self._events[trigger_name] = StorageEventTrigger(
                    f"{name}-storage-event-{spec['name']}",
                    _trigger_args(
                        StorageEventTriggerArgs,
                        spec,
                        event,
                        trigger_name,
                        factory.id,
                        pipeline,
                        f"Runs {spec['name']} on blob events",
                    ),
                    opts=pulumi.ResourceOptions(parent=self, depends_on=[*trigger_waits, *run_grants]),
                )
            schedule = spec.get("schedule")
            if schedule is not None:
                trigger_name = f"{spec['name']}-schedule"
                self._triggers[trigger_name] = ScheduleTrigger(
                    f"{name}-trigger-{spec['name']}",
                    _trigger_args(
                        ScheduleTriggerArgs,
                        spec,
                        schedule,
                        trigger_name,
                        factory.id,
                        pipeline,
                        f"Runs {spec['name']} {_every(schedule)}",
                    ),
                    opts=pulumi.ResourceOptions.merge(
                        trigger_opts, pulumi.ResourceOptions(depends_on=[*trigger_waits, *run_grants])
                    ),
                )
        self._pipelines = {p["name"]: self._pipelines[p["name"]] for p in a["pipelines"]}
        self._declare_windows(name, factory.id, windowed, trigger_opts)
        monitoring: Monitoring | None = None
        try:
            monitoring = self._monitor(name, a, group_name, location, tags) if "monitoring" in a else None
        finally:
            # Resolved whatever happened: the token's registration waits for these, and an
            # unresolved deferred output keeps the program waiting forever.
            alerts = monitoring.token_alerts if monitoring is not None else {}
            for purpose, (_, resolve) in watchers.items():
                resolve(alerts[purpose].id if purpose in alerts else _undeclared(purpose))
        self._monitoring = monitoring
        self.workspace_url = self._workspace.url
        self.factory_name = factory.name
        self.studio_url = self._data_factory.studio_url
        self.monitor_url = self._data_factory.monitor_url
        self.auth_mode = pulumi.Output.from_input(mode.value)
        self.pipeline_names = pulumi.Output.from_input(list(self._pipelines))
        started = {n: t.activated for n, t in {**self._triggers, **self._windows, **self._events}.items()}
        self.trigger_states = (
            pulumi.Output.all(**started).apply(lambda states: {n: bool(s) for n, s in states.items()})
            if started
            else pulumi.Output.from_input({})
        )
        self.notebook_paths = pulumi.Output.all(*uploaded.values()).apply(list)
        self.log_analytics_workspace_id = self._monitoring.workspace_id if self._monitoring else None
        self.failed_runs_query = self._monitoring.failed_runs_query if self._monitoring else None
        outputs.register(self)

    def _job_named(self, job_name: str) -> pulumi.Output[str]:
        """The id of the workspace's job of this name (one a bundle deploys), looked up at deploy
        time through the workspace's provider; once per name."""
        if job_name not in self._named_jobs:
            # The databricks_job data source (terraform-provider-databricks jobs/data_job.go)
            # lists the workspace's jobs and takes the first of that name, or fails the deploy
            # with "no job found with specified name or id".
            found = databricks.get_job_output(
                job_name=job_name,
                opts=pulumi.InvokeOutputOptions(parent=self, provider=self._workspace.provider),
            )
            self._named_jobs[job_name] = found.job_id
        return self._named_jobs[job_name]

    # Python-only access to the children (the package schema has the outputs above).

    @property
    def workspace(self) -> DatabricksWorkspace:
        """The Databricks workspace and its provider."""
        return self._workspace

    @property
    def data_factory(self) -> DataFactory:
        """The factory and its Azure Databricks linked service."""
        return self._data_factory

    @property
    def jobs(self) -> dict[str, NotebookJob]:
        """The jobs the stack created for job activities, by `<pipeline>/<activity>`."""
        return self._jobs

    @property
    def pipelines(self) -> dict[str, NotebookPipeline]:
        """Pipelines by name."""
        return self._pipelines

    @property
    def triggers(self) -> dict[str, ScheduleTrigger]:
        """Schedule triggers by trigger name."""
        return self._triggers

    @property
    def windows(self) -> dict[str, TumblingWindowTrigger]:
        """Tumbling-window triggers by trigger name."""
        return self._windows

    @property
    def storage_events(self) -> dict[str, StorageEventTrigger]:
        """Storage-event triggers by trigger name."""
        return self._events

    def _declare_windows(
        self,
        name: str,
        factory_id: pulumi.Input[str],
        windowed: list[tuple[PipelineSpec, NotebookPipeline, list[pulumi.Resource]]],
        trigger_opts: pulumi.ResourceOptions,
    ) -> None:
        """The tumbling-window triggers, each after the triggers it depends on: Data Factory
        takes a dependency on a trigger that exists (the rules refused a cycle)."""
        by_trigger = {
            window_trigger_name(spec["name"]): (spec, pipeline, waits) for spec, pipeline, waits in windowed
        }
        graph = {
            trigger: [d["trigger"] for d in spec["tumbling_window"].get("depends_on", []) if "trigger" in d]  # pyright: ignore[reportTypedDictNotRequiredAccess]
            for trigger, (spec, _, _) in by_trigger.items()
        }
        for trigger in graphlib.TopologicalSorter(graph).static_order():
            spec, pipeline, waits = by_trigger[trigger]
            window = spec["tumbling_window"]  # pyright: ignore[reportTypedDictNotRequiredAccess]
            after = [self._windows[other].trigger for other in dict.fromkeys(graph[trigger])]
            self._windows[trigger] = TumblingWindowTrigger(
                f"{name}-window-{spec['name']}",
                _trigger_args(
                    TumblingWindowTriggerArgs,
                    spec,
                    window,
                    trigger,
                    factory_id,
                    pipeline,
                    f"Runs {spec['name']} for {describe_window(validation.to_document(TumblingWindowSpec, window))}",
                ),
                opts=pulumi.ResourceOptions.merge(
                    trigger_opts, pulumi.ResourceOptions(depends_on=[*waits, *after])
                ),
            )

    @property
    def monitoring(self) -> Monitoring | None:
        """Diagnostics and alerts, when the stack has a `monitoring` section."""
        return self._monitoring

    def _network(
        self,
        name: str,
        a: Mapping[str, Any],
        group_name: pulumi.Input[str],
        location: pulumi.Input[str] | None,
        tags: dict[str, str],
    ) -> PrivateNetwork:
        return PrivateNetwork(
            f"{name}-network",
            validation.checked(
                PrivateNetworkArgs,
                PrivateNetworkArgs(
                    spec=a["network"],
                    name=f"{pulumi.get_project()}-{pulumi.get_stack()}",
                    resource_group_name=group_name,
                    location=location,
                    tags=tags,
                ),
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _monitor(
        self,
        name: str,
        a: Mapping[str, Any],
        group_name: pulumi.Input[str],
        location: pulumi.Input[str] | None,
        tags: dict[str, str],
    ) -> Monitoring:
        created = self._workspace.workspace
        vault = self._data_factory.access.vault
        return Monitoring(
            f"{name}-monitoring",
            validation.checked(
                MonitoringArgs,
                {
                    "spec": a["monitoring"],
                    "owner": f"{pulumi.get_project()}/{pulumi.get_stack()}",
                    "resource_group_name": group_name,
                    "location": location,
                    "tags": tags,
                    "protect": a["protect"],
                    "factory_id": self._data_factory.factory.id,
                    "monitor_url": self._data_factory.monitor_url,
                    # Only a workspace this stack created: an adopted one is left untouched.
                    "databricks_workspace_id": created.id if created is not None else None,
                    "key_vault_id": vault.id if vault is not None else None,
                    "scheduled_pipelines": [
                        {
                            "pipeline_name": p["name"],
                            "schedule": p["schedule"],
                            "trigger_id": self._triggers[f"{p['name']}-schedule"].trigger_id,
                        }
                        for p in a["pipelines"]
                        if "schedule" in p
                    ],
                    # Storage events are not watched: an event trigger has no time it is due at.
                    "windowed_pipelines": [
                        {
                            "pipeline_name": p["name"],
                            "tumbling_window": p["tumbling_window"],
                            "trigger_id": self._windows[window_trigger_name(p["name"])].trigger.id,
                        }
                        for p in a["pipelines"]
                        if "tumbling_window" in p
                    ],
                },
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )


def _undeclared(purpose: str) -> pulumi.Output[str]:
    """The id of a token alert that was never declared: an error, not a wait."""

    def fail(_: str) -> str:
        raise pulumi.RunError(f"the token's {purpose} alert was not declared")

    return pulumi.Output.from_input(purpose).apply(fail)


def _uploaded(
    activity: NotebookActivity,
    uploaded: dict[str, pulumi.Output[str]],
    volume: pulumi.Output[str],
    files: Mapping[str, pulumi.Output[str]],
) -> NotebookActivity:
    """An activity as the pipeline runs it: a local notebook becomes its uploaded copy, and a
    local Python file its copy in the volume."""
    python = activity.get("python")
    if python is not None and "file" in python:
        ran = activity.copy()
        spec = {k: v for k, v in python.items() if k != "file"}
        # Data Factory runs a Python file only from DBFS: the volume's dbfs:/Volumes/... spelling
        # (components.pipeline.PYTHON_PATH).
        spec["path"] = pulumi.Output.concat("dbfs:", files[python["file"]])
        parameters = list(python.get("parameters", []))
        if not _passes_volume(parameters):
            parameters = ["--volume", volume, *parameters]
        spec["parameters"] = parameters
        ran["python"] = cast(Any, spec)
        return ran
    if "notebook" not in activity:
        return activity
    ran = activity.copy()
    del ran["notebook"]
    ran["notebook_path"] = uploaded[activity["notebook"]]
    ran["base_parameters"] = {"volume": volume, **activity.get("base_parameters", {})}
    return ran


def _passes_volume(parameters: list[Any]) -> bool:
    """The arguments already pass --volume (`--volume x` or `--volume=x`), as a notebook that sets
    its `volume` base parameter keeps it."""
    return any(isinstance(p, str) and (p == "--volume" or p.startswith("--volume=")) for p in parameters)


def _job_args(
    activity: NotebookActivity,
    job_name: str,
    uploaded: dict[str, pulumi.Output[str]],
    volume: pulumi.Output[str],
    run_as: pulumi.Input[str] | None,
    compute: DatabricksCompute,
) -> NotebookJobArgs:
    """The job of a job activity. A local notebook runs its uploaded copy and gets the stack's
    volume as its `volume` parameter unless the job declares one (as a notebook activity does)."""
    spec = activity["job"].copy()  # pyright: ignore[reportTypedDictNotRequiredAccess] - a job activity
    if "notebook" in spec:
        spec["notebook_path"] = uploaded[spec.pop("notebook")]
        spec["parameters"] = {"volume": volume, **spec.get("parameters", {})}
    args = NotebookJobArgs(spec=spec, job_name=job_name, run_as=run_as)
    if "description" in activity:
        args["description"] = activity["description"]
    if spec.get("compute") is JobCompute.CLUSTER:
        args["cluster"] = compute.job_task_compute
    return validation.checked(NotebookJobArgs, args)


_TriggerArgs = TypeVar("_TriggerArgs")


def _trigger_args(
    cls: type[_TriggerArgs],
    spec: PipelineSpec,
    trigger: Mapping[str, Any],
    trigger_name: str,
    factory_id: pulumi.Input[str],
    pipeline: NotebookPipeline,
    description: str,
) -> _TriggerArgs:
    """The args of the trigger component `cls` that runs a pipeline of the stack: `trigger` is
    the pipeline's `schedule`, `tumbling_window` or `storage_event`, named `trigger_name` in the
    factory; its arguments are secret when they pass a SecureString parameter's value."""
    return validation.checked(
        cls,
        {
            "spec": trigger,
            "trigger_name": trigger_name,
            "factory_id": factory_id,
            "pipeline_name": pipeline.pipeline_name,
            "description": description,
            "secret_parameters": has_secret_arguments(spec, trigger),
        },
    )


def _every(schedule: ScheduleSpec) -> str:
    unit = Frequency(schedule["frequency"]).value.lower()
    interval = schedule["interval"]  # pyright: ignore[reportTypedDictNotRequiredAccess] - the rules fill it (default 1)
    return f"every {unit}" if interval == 1 else f"every {interval} {unit}s"
