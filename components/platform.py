"""AdfDatabricks: the whole Learn module in one component, composed from validated settings."""

from __future__ import annotations

import pulumi
import pulumi_azure as azure
import pulumi_azure_native.authorization as authorization
import pulumi_azure_native.resources as resources

from components.catalog import CatalogVolume
from components.compute import DatabricksCompute
from components.data_factory import DataFactory, DataFactoryArgs
from components.enums import AuthMode, ClusterMode, Frequency
from components.notebooks import Notebooks, NotebooksArgs
from components.pipeline import NotebookActivity, NotebookPipeline, has_secret_arguments
from components.run_identity import RunIdentity, RunIdentityArgs
from components.settings import StackSettings
from components.trigger import ScheduleSpec, ScheduleTrigger
from components.workspace import DatabricksWorkspace, DatabricksWorkspaceArgs
from components.workspace_access import auth_mode


class AdfDatabricks(pulumi.ComponentResource):
    """Workspace, access, compute, notebooks, factory, pipelines and triggers of one stack."""

    workspace: DatabricksWorkspace
    """The Databricks workspace and its provider."""
    run_identity: RunIdentity
    """The principal ADF's runs execute as (and, in msi mode, its managed identity)."""
    run_as: pulumi.Output[str]
    """Databricks user name ADF's runs execute as (user name, or a service principal's
    application id); known before the compute and the factory are declared."""
    data_factory: DataFactory
    """The factory and its Azure Databricks linked service."""
    pipelines: dict[str, NotebookPipeline]
    """Pipelines by name."""
    triggers: dict[str, ScheduleTrigger]
    """Schedule triggers by trigger name."""
    notebook_paths: list[pulumi.Output[str]]
    """Workspace paths of the uploaded notebooks."""

    def __init__(self, name: str, args: StackSettings, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("adf-databricks:index:AdfDatabricks", name, None, opts)
        tags = dict(args.tags)
        location: pulumi.Input[str] | None = args.location
        if args.resource_group_name:
            group_name: pulumi.Input[str] = args.resource_group_name
        else:
            group = resources.ResourceGroup(
                f"{name}-resource-group",
                resource_group_name=args.created_resource_group_name,
                location=args.location,
                tags=tags,
                opts=pulumi.ResourceOptions(parent=self),
            )
            group_name, location = group.name, group.location

        self.workspace = DatabricksWorkspace(
            f"{name}-workspace",
            DatabricksWorkspaceArgs(
                spec=args.workspace,
                resource_group_name=group_name,
                location=location,
                tags=tags,
                protect=args.protect,
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        on_workspace = pulumi.ResourceOptions(parent=self, providers=[self.workspace.provider])
        # First, so that the cluster and the workspace's grants can name who the runs execute as.
        self.run_identity = RunIdentity(
            f"{name}-run-as",
            RunIdentityArgs(
                mode=auth_mode(args.auth),
                resource_group_name=group_name,
                location=location,
                tags=tags,
                protect=args.protect,
                allow_cluster_create=args.cluster.get("mode", ClusterMode.JOB)
                in (ClusterMode.JOB, ClusterMode.POOL),
            ),
            opts=on_workspace,
        )
        self.run_as = self.run_identity.run_as
        # What the notebooks run as, and where they write. In token mode Data Factory runs them
        # as the deploying principal, which owns the cluster, pool, folder, schema and volume it
        # creates: it needs no grant, and a lower one would be refused or would replace its own
        # (see ComputeArgs.run_as, NotebooksArgs.run_as and CatalogVolumeArgs).
        run_as = self.run_as if auth_mode(args.auth) is not AuthMode.TOKEN else None
        # A dedicated (SINGLE_USER) interactive cluster runs only its single user's commands,
        # so it belongs to the identity ADF runs as; job clusters belong to whoever submits.
        compute = DatabricksCompute(
            f"{name}-compute",
            {**args.cluster, "single_user_name": self.run_as, "run_as": run_as},
            opts=on_workspace,
        )

        uc = args.unity_catalog
        data = CatalogVolume(
            f"{name}-unity-catalog",
            {"catalog": uc.catalog, "schema": uc.schema, "volume": uc.volume, "run_as": run_as},
            opts=on_workspace,
        )
        sources = [a["notebook"] for p in args.pipelines for a in p["activities"] if "notebook" in a]
        uploaded: dict[str, pulumi.Output[str]] = {}
        if sources:
            uploaded = Notebooks(
                f"{name}-notebooks",
                NotebooksArgs(folder=args.notebook_folder, sources=sources, run_as=run_as),
                opts=on_workspace,
            ).paths
        self.notebook_paths = list(uploaded.values())

        run_identity = self.run_identity.identity
        self.data_factory = DataFactory(
            f"{name}-data-factory",
            DataFactoryArgs(
                resource_group_name=group_name,
                workspace_url=self.workspace.url,
                workspace_resource_id=self.workspace.resource_id,
                cluster_fields=compute.linked_service_fields,
                auth=args.auth,
                linked_service=args.linked_service,
                location=location,
                tags=tags,
                protect=args.protect,
                identity_id=run_identity.id if run_identity else None,
                identity_principal_id=run_identity.principal_id if run_identity else None,
            ),
            opts=on_workspace,
        )
        factory = self.data_factory.factory
        # A trigger starts runs, so it waits until the grants those runs need have propagated.
        trigger_waits: list[pulumi.Resource] = [*data.grants]
        if self.data_factory.access.grants_propagated is not None:
            trigger_waits.append(self.data_factory.access.grants_propagated)

        self.pipelines = {}
        self.triggers = {}
        trigger_opts = pulumi.ResourceOptions(parent=self)
        if any("schedule" in p for p in args.pipelines):
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
        for configured in args.pipelines:
            # Activities with a local notebook run the uploaded copy and get the stack's volume
            # as their `volume` widget unless they set one.
            spec = configured.copy()
            spec["activities"] = [_uploaded(a, uploaded, data.volume_path) for a in configured["activities"]]
            pipeline = NotebookPipeline(
                f"{name}-pipeline-{spec['name']}",
                {
                    "spec": spec,
                    "factory_name": factory.name,
                    "resource_group_name": group_name,
                    "linked_service_name": self.data_factory.linked_service.name,
                },
                opts=pulumi.ResourceOptions(parent=self),
            )
            self.pipelines[spec["name"]] = pipeline
            schedule = spec.get("schedule")
            if schedule is not None:
                trigger_name = f"{spec['name']}-schedule"
                self.triggers[trigger_name] = ScheduleTrigger(
                    f"{name}-trigger-{spec['name']}",
                    {
                        "spec": schedule,
                        "trigger_name": trigger_name,
                        "factory_id": factory.id,
                        "pipeline_name": pipeline.pipeline_name,
                        "description": f"Runs {spec['name']} {_every(schedule)}",
                        "secret_parameters": has_secret_arguments(spec),
                    },
                    opts=pulumi.ResourceOptions.merge(
                        trigger_opts, pulumi.ResourceOptions(depends_on=trigger_waits)
                    ),
                )
        self.register_outputs(
            {
                "workspaceUrl": self.workspace.url,
                "factoryName": factory.name,
                "runAs": self.run_as,
                "pipelines": list(self.pipelines),
                "triggers": {n: t.activated for n, t in self.triggers.items()},
            }
        )


def _uploaded(
    activity: NotebookActivity, uploaded: dict[str, pulumi.Output[str]], volume: pulumi.Output[str]
) -> NotebookActivity:
    """An activity as the pipeline runs it: a local notebook becomes its uploaded copy."""
    if "notebook" not in activity:
        return activity
    ran = activity.copy()
    del ran["notebook"]
    ran["notebook_path"] = uploaded[activity["notebook"]]
    ran["base_parameters"] = {"volume": volume, **activity.get("base_parameters", {})}
    return ran


def _every(schedule: ScheduleSpec) -> str:
    unit = Frequency(schedule["frequency"]).value.lower()
    interval = schedule.get("interval", 1)
    return f"every {unit}" if interval == 1 else f"every {interval} {unit}s"
