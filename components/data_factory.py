"""DataFactory: the Data Factory, its access to Databricks, and its Azure Databricks linked services."""

# Args module read by Pulumi's component analyzer: no `from __future__ import annotations`.
# validation.parse fills every default, so keys with a default are read with [].
# pyright: reportTypedDictNotRequiredAccess=false

import urllib.parse
from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import Any, TypedDict

import pulumi
import pulumi_azure_native.datafactory as datafactory
from typing_extensions import NotRequired

from . import outputs, validation
from .arm import RESOURCE_GROUP_NAME, TAGS
from .names import DATA_FACTORY_NAME
from .validation import check, rule, rules
from .workspace_access import (
    AuthSpec,
    WorkspaceAccess,
    WorkspaceAccessArgs,
    identity_with_principal,
    token_watchers_need_a_vault,
)


@rules(
    name=replace(DATA_FACTORY_NAME, default="AzureDatabricks"),
    description=rule(default="Azure Databricks workspace that runs the pipelines' notebooks"),
    integration_runtime=DATA_FACTORY_NAME,
)
class LinkedServiceSpec(TypedDict):
    """The Azure Databricks linked service's own settings (the Learn module's table)."""

    name: NotRequired[str]
    """Linked service name, unique in the factory (default AzureDatabricks)."""
    description: NotRequired[str]
    """A meaningful description."""
    integration_runtime: NotRequired[str]
    """Integration runtime to connect via; the factory's auto-resolve runtime when unset."""


@rules(
    resource_group_name=RESOURCE_GROUP_NAME,
    auth=rule(default={}),
    linked_service=rule(default={}),
    tags=TAGS,
    protect=rule(default=False),
    serverless=rule(default=False),
)
class DataFactoryArgs(TypedDict):
    """Inputs of DataFactory."""

    resource_group_name: pulumi.Input[str]
    """Resource group of the factory."""
    workspace_url: pulumi.Input[str]
    """Workspace URL with scheme (https://adb-....azuredatabricks.net)."""
    workspace_resource_id: pulumi.Input[str]
    """ARM id of the Databricks workspace."""
    cluster_fields: dict[str, Any]
    """Cluster part of the linked service (DatabricksCompute.linked_service_fields)."""
    auth: NotRequired[AuthSpec]
    """How the factory authenticates to the workspace (default: mode msi)."""
    linked_service: NotRequired[LinkedServiceSpec]
    """Name, description and integration runtime of the linked service."""
    location: NotRequired[pulumi.Input[str] | None]
    """Azure region; the resource group's when unset."""
    tags: NotRequired[dict[str, str]]
    """Tags for the factory and the Key Vault."""
    protect: NotRequired[bool]
    """Protect the factory (and Key Vault) against deletion by Pulumi."""
    identity_id: NotRequired[pulumi.Input[str] | None]
    """ARM id of a user-assigned identity for the factory to carry, next to its system-assigned
    one. In msi mode the linked service authenticates as it (see WorkspaceAccessArgs)."""
    identity_principal_id: NotRequired[pulumi.Input[str] | None]
    """Object id of that user-assigned identity (required with identityId in mode msi)."""
    serverless: NotRequired[bool]
    """Also declare the serverless Azure Databricks linked service (AzureDatabricksServerless),
    which Databricks Job activities run through (default false)."""
    token_watchers: NotRequired[list[pulumi.Input[str]] | None]
    """ARM ids of the Event Grid subscriptions watching the token's Key Vault secret (mode
    token with keyVault); see WorkspaceAccessArgs."""


SERVERLESS_LINKED_SERVICE = "AzureDatabricksServerless"
"""Name of the linked service of the Databricks Job activities."""


def _distinct_linked_services(args: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    # Both filled by the rules (serverless false, linkedService {}).
    if args["serverless"] and args["linkedService"].get("name") == SERVERLESS_LINKED_SERVICE:
        yield "linkedService.name", f"{SERVERLESS_LINKED_SERVICE} is the serverless linked service's name"


check(DataFactoryArgs, _distinct_linked_services, "serverless", "linkedService")


# Refused here, before the factory is declared, rather than by WorkspaceAccess after it.
check(DataFactoryArgs, identity_with_principal, "auth", "identityId", "identityPrincipalId")
check(DataFactoryArgs, token_watchers_need_a_vault, "auth", "tokenWatchers")


def _principal_id(identity: datafactory.outputs.FactoryIdentityResponse | None) -> str:
    if identity is None:
        raise pulumi.RunError("the factory reported no managed identity")
    return identity.principal_id


def studio_url(factory_id: str, page: str = "home") -> str:
    """ADF Studio deep link for a factory; page "monitoring/pipelineruns" opens the Monitor hub."""
    return f"https://adf.azure.com/en/{page}?factory={urllib.parse.quote(factory_id, safe='')}"


def _identity(identity_id: pulumi.Input[str] | None) -> datafactory.FactoryIdentityArgs:
    """System-assigned always (the Key Vault linked service and users' own linked services
    authenticate as it), plus the user-assigned identity when there is one."""
    if identity_id is None:
        return datafactory.FactoryIdentityArgs(type="SystemAssigned")
    return datafactory.FactoryIdentityArgs(
        type="SystemAssigned,UserAssigned",
        user_assigned_identities=pulumi.Output.from_input(identity_id).apply(lambda i: {i: {}}),
    )


class DataFactory(pulumi.ComponentResource):
    """A Data Factory with a system-assigned identity and an Azure Databricks linked service.

    In token mode pass the workspace's Databricks provider with
    `opts=ResourceOptions(providers=[provider])`.
    """

    factory: datafactory.Factory
    """The factory."""
    linked_service: datafactory.LinkedService
    """The Azure Databricks linked service of the notebook activities."""
    serverless_linked_service: datafactory.LinkedService | None
    """The serverless Azure Databricks linked service of the job activities (with serverless)."""
    studio_url: pulumi.Output[str]
    """ADF Studio, opened on this factory."""
    monitor_url: pulumi.Output[str]
    """ADF Studio's Monitor hub, where pipeline runs are watched."""
    # A component of this package, which Pulumi's component analyzer does not take as an
    # output: Python callers read it through the `access` property.
    _access: WorkspaceAccess

    def __init__(self, name: str, args: DataFactoryArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        args = validation.parse(DataFactoryArgs, args, f"DataFactory {name}: ")
        super().__init__("adf-databricks:index:DataFactory", name, None, opts)
        self.factory = datafactory.Factory(
            f"{name}-factory",
            resource_group_name=args["resource_group_name"],
            location=args.get("location"),
            identity=_identity(args.get("identity_id")),
            tags=dict(args["tags"]),
            opts=pulumi.ResourceOptions(parent=self, protect=args["protect"]),
        )
        principal_id = self.factory.identity.apply(_principal_id)
        self._access = WorkspaceAccess(
            f"{name}-access",
            validation.checked(
                WorkspaceAccessArgs,
                WorkspaceAccessArgs(
                    auth=args["auth"],
                    factory_name=self.factory.name,
                    factory_principal_id=principal_id,
                    resource_group_name=args["resource_group_name"],
                    workspace_resource_id=args["workspace_resource_id"],
                    location=args.get("location"),
                    tags=args["tags"],
                    protect=args["protect"],
                    identity_id=args.get("identity_id"),
                    identity_principal_id=args.get("identity_principal_id"),
                    token_watchers=args.get("token_watchers"),
                ),
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        spec = args["linked_service"]
        runtime = spec.get("integration_runtime")
        connect_via = (
            datafactory.IntegrationRuntimeReferenceArgs(
                reference_name=runtime, type="IntegrationRuntimeReference"
            )
            if runtime
            else None
        )
        self.linked_service = datafactory.LinkedService(
            f"{name}-databricks-linked-service",
            factory_name=self.factory.name,
            resource_group_name=args["resource_group_name"],
            linked_service_name=spec["name"],
            properties=datafactory.AzureDatabricksLinkedServiceArgs(
                type="AzureDatabricks",
                description=spec["description"],
                domain=args["workspace_url"],
                connect_via=connect_via,
                **self._access.linked_service_auth,
                **args["cluster_fields"],
            ),
            # No depends_on the role assignments: creating the linked service needs none of
            # them. What starts runs waits for them (WorkspaceAccess.grants_propagated).
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.serverless_linked_service = None
        if args["serverless"]:
            # The same workspace and authentication, and no cluster: "The Azure Databricks Job
            # activity automatically runs on serverless clusters, so you don't need to specify a
            # cluster in your linked service configuration. Instead, choose the Serverless
            # option" (Learn, data-factory/transform-data-databricks-job.md). That option is no
            # property of its own: AzureDatabricksLinkedServiceTypeProperties requires only
            # `domain` and has nothing for serverless, only the cluster properties, all
            # optional (azure-rest-api-specs specification/datafactory/resource-manager/
            # Microsoft.DataFactory/stable/2018-06-01/entityTypes/LinkedService.json; the same in
            # azure-mgmt-datafactory 9.3 and 10.0), so serverless is their absence; the job's
            # own settings choose its compute.
            self.serverless_linked_service = datafactory.LinkedService(
                f"{name}-databricks-serverless-linked-service",
                factory_name=self.factory.name,
                resource_group_name=args["resource_group_name"],
                linked_service_name=SERVERLESS_LINKED_SERVICE,
                properties=datafactory.AzureDatabricksLinkedServiceArgs(
                    type="AzureDatabricks",
                    description="Azure Databricks workspace that runs the pipelines' Databricks jobs"
                    " (each job brings its compute: serverless unless it names a cluster)",
                    domain=args["workspace_url"],
                    connect_via=connect_via,
                    **self._access.linked_service_auth,
                ),
                opts=pulumi.ResourceOptions(parent=self),
            )
        self.studio_url = self.factory.id.apply(studio_url)
        self.monitor_url = self.factory.id.apply(
            lambda factory_id: studio_url(factory_id, "monitoring/pipelineruns")
        )
        outputs.register(self)

    @property
    def access(self) -> WorkspaceAccess:
        """Role assignments, token and Key Vault that let the factory reach the workspace."""
        return self._access
