"""DataFactory: the Data Factory, its access to Databricks, and its Azure Databricks linked services."""

# Args module read by Pulumi's component analyzer: no `from __future__ import annotations`.
# validation.parse fills every default, so keys with a default are read with [].
# pyright: reportTypedDictNotRequiredAccess=false

import urllib.parse
from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import Any, TypedDict

import pulumi
import pulumi_azure_native.databricks as azure_databricks
import pulumi_azure_native.datafactory as datafactory
import pulumi_azure_native.keyvault as keyvault
import pulumi_azure_native.resources as resources
from typing_extensions import NotRequired

from . import outputs, validation
from .arm import RESOURCE_GROUP_NAME, TAGS
from .names import DATA_FACTORY_NAME
from .validation import check, checks, rule, rules
from .workspace_access import (
    AuthSpec,
    WorkspaceAccess,
    WorkspaceAccessArgs,
    identity_with_principal,
    integration_runtime_reference,
    keeps_token_in_vault,
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
    managed_network=rule(default=False),
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
    managed_network: NotRequired[bool]
    """Reach the workspace privately (default false): an Azure integration runtime in the
    factory's managed virtual network runs the linked services, through a managed private
    endpoint to the workspace (databricks_ui_api) that the stack approves; in mode token with
    keyVault the vault's public access is off and a second, approved endpoint reaches it."""
    workspace_endpoint_ids: NotRequired[list[pulumi.Input[str]] | None]
    """ARM ids of the workspace's own private endpoints and DNS zone groups (with
    managedNetwork): the factory's endpoint is requested after them, since Azure takes one
    endpoint operation on a workspace at a time."""


SERVERLESS_LINKED_SERVICE = "AzureDatabricksServerless"
"""Name of the linked service of the Databricks Job activities."""

MANAGED_VIRTUAL_NETWORK = "default"
"""A factory's one managed virtual network: "default" is the only name Data Factory takes
(azure-rest-api-specs datafactory examples ManagedVirtualNetworks_Create; terraform-provider-
azurerm data_factory_resource.go creates `managedVirtualNetworks/default`)."""
MANAGED_RUNTIME = "ManagedVnetIntegrationRuntime"
"""The Azure integration runtime in the managed virtual network, which the linked services
connect via."""
WORKSPACE_ENDPOINT = "AzureDatabricksWorkspace"
VAULT_ENDPOINT = "AzureKeyVault"
"""Names of the factory's managed private endpoints."""
DATAFACTORY_API_VERSION = "2018-06-01"
"""Data Factory's one stable REST API version (the azure-native datafactory module's)."""


@checks(DataFactoryArgs, "managedNetwork", "linkedService", "workspaceEndpointIds")
def _runtime_or_managed_network(args: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    if args["managedNetwork"] and "integrationRuntime" in args["linkedService"]:
        yield (
            "linkedService.integrationRuntime",
            f"applies without managedNetwork: the linked services connect via {MANAGED_RUNTIME},"
            " the runtime in the factory's managed virtual network",
        )
    if args.get("workspaceEndpointIds") and not args["managedNetwork"]:
        yield "workspaceEndpointIds", "applies only with managedNetwork true"


def connection_named(connections: list[tuple[str, str]], factory: str, endpoint: str, target: str) -> str:
    """The name of the connection a factory's managed private endpoint made on its target.

    Azure names that connection, not the stack: Data Factory creates the private endpoint
    behind a managed private endpoint in its own subscription, named `<factory>.<endpoint>`
    (as the target's "Private endpoint connections" list shows it), and the target lists its
    connections with their endpoint's id. `connections` holds (connection name, private
    endpoint id) pairs, as the target's GET returns them after the endpoint exists (an invoke
    that depends on it); ids are case-insensitive. Databricks' security reference architecture
    finds its connections the same way (terraform-databricks-sra azure/tf/modules/
    self-approving-pe: `endswith(pe.properties.privateEndpoint.id, <endpoint name>)`).
    """
    wanted = f"/{factory}.{endpoint}".lower()
    for name, endpoint_id in connections:
        if endpoint_id.lower().endswith(wanted):
            return name
    listed = ", ".join(endpoint_id.rsplit("/", 1)[-1] for _, endpoint_id in connections) or "none"
    raise pulumi.RunError(
        f"{target} has no private endpoint connection from {factory}.{endpoint} yet (its"
        f" connections: {listed}); Data Factory creates the endpoint asynchronously: run"
        " `pulumi up` again to approve it"
    )


def _field(value: Any, key: str) -> Any:
    """A field of an invoke's nested result, which comes as a dict with the SDK's snake_case
    keys (or a typed object): None when absent."""
    if value is None:
        return None
    return value.get(key) if isinstance(value, Mapping) else getattr(value, key, None)


def _workspace_of(resource_id: str) -> tuple[str, str]:
    """The resource group and name in a workspace's ARM id."""
    parts = resource_id.split("/")
    return parts[4], parts[-1]


@checks(DataFactoryArgs, "serverless", "linkedService")
def _distinct_linked_services(args: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    # Both filled by the rules (serverless false, linkedService {}).
    if args["serverless"] and args["linkedService"].get("name") == SERVERLESS_LINKED_SERVICE:
        yield "linkedService.name", f"{SERVERLESS_LINKED_SERVICE} is the serverless linked service's name"


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
    integration_runtime: datafactory.IntegrationRuntime | None
    """The Azure integration runtime in the managed virtual network (with managedNetwork)."""
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
        self.integration_runtime = None
        self._approvals: list[pulumi.Resource] = []
        managed_network: pulumi.Resource | None = None
        if args["managed_network"]:
            managed_network, self.integration_runtime = self._managed_network(name, args)
        runtime_name = self.integration_runtime.name if self.integration_runtime else None
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
                    private_vault=bool(managed_network) and keeps_token_in_vault(args["auth"]),
                    integration_runtime_name=runtime_name,
                ),
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        if managed_network is not None:
            self._private_endpoints(name, args, managed_network)
        spec = args["linked_service"]
        connect_via = integration_runtime_reference(runtime_name or spec.get("integration_runtime"))
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
    def approvals(self) -> list[pulumi.Resource]:
        """The approved connections of the factory's managed private endpoints (with
        managedNetwork): a run reaches the workspace and the vault only once they exist."""
        return list(self._approvals)

    def _managed_network(
        self, name: str, args: DataFactoryArgs
    ) -> tuple[pulumi.Resource, datafactory.IntegrationRuntime]:
        """The factory's managed virtual network and the Azure integration runtime in it."""
        # azure-native has no resource for it: the REST API has no DELETE for a managed
        # virtual network, so the provider leaves the type out (pulumi-azure-native #896). The
        # generic resource PUTs it as ARM templates do (Microsoft.DataFactory/factories/
        # managedVirtualNetworks, `properties: {}`; AVM data-factory/factory/
        # managed-virtual-network). It goes with the factory, so Pulumi never deletes it.
        managed_network = resources.Resource(
            f"{name}-managed-network",
            resource_group_name=args["resource_group_name"],
            resource_provider_namespace="Microsoft.DataFactory",
            parent_resource_path=pulumi.Output.concat("factories/", self.factory.name),
            resource_type="managedVirtualNetworks",
            resource_name_=MANAGED_VIRTUAL_NETWORK,
            api_version=DATAFACTORY_API_VERSION,
            properties={},
            opts=pulumi.ResourceOptions(parent=self, retain_on_delete=True),
        )
        runtime = datafactory.IntegrationRuntime(
            f"{name}-managed-runtime",
            factory_name=self.factory.name,
            resource_group_name=args["resource_group_name"],
            integration_runtime_name=MANAGED_RUNTIME,
            # "When you create an Azure integration runtime within a Data Factory managed
            # virtual network, the integration runtime is provisioned with the managed virtual
            # network" (Learn, data-factory/managed-virtual-network-private-endpoint.md);
            # AutoResolve runs it in the factory's region, the only one a managed virtual
            # network supports (ibid.).
            properties=datafactory.ManagedIntegrationRuntimeArgs(
                type="Managed",
                description="Runs the Databricks linked services inside the managed virtual network",
                managed_virtual_network=datafactory.ManagedVirtualNetworkReferenceArgs(
                    reference_name=MANAGED_VIRTUAL_NETWORK, type="ManagedVirtualNetworkReference"
                ),
                compute_properties=datafactory.IntegrationRuntimeComputePropertiesArgs(
                    location="AutoResolve"
                ),
            ),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[managed_network]),
        )
        return managed_network, runtime

    def _managed_endpoint(
        self,
        name: str,
        args: DataFactoryArgs,
        managed_network: pulumi.Resource,
        endpoint: str,
        group_id: str,
        target_id: pulumi.Input[str],
    ) -> datafactory.ManagedPrivateEndpoint:
        return datafactory.ManagedPrivateEndpoint(
            f"{name}-{group_id.replace('_', '-')}-endpoint",
            factory_name=self.factory.name,
            resource_group_name=args["resource_group_name"],
            managed_virtual_network_name=MANAGED_VIRTUAL_NETWORK,
            managed_private_endpoint_name=endpoint,
            # Data Factory fills in the FQDNs of the target's sub-resource.
            properties=datafactory.ManagedPrivateEndpointArgs(
                group_id=group_id, private_link_resource_id=target_id
            ),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[managed_network]),
        )

    def _private_endpoints(self, name: str, args: DataFactoryArgs, managed_network: pulumi.Resource) -> None:
        """Managed private endpoints to the workspace (and the vault), each approved here: a
        managed private endpoint stays Pending until its target's owner approves it (Learn,
        data-factory/managed-virtual-network-private-endpoint.md, "Managed private endpoints"),
        and nothing else approves it (terraform-provider-azurerm #19777)."""
        description = pulumi.Output.concat("Approved by the stack for Data Factory ", self.factory.name)
        # After the workspace's own endpoints: one endpoint operation on a workspace at a time.
        workspace_id = pulumi.Output.all(
            args["workspace_resource_id"], *(args.get("workspace_endpoint_ids") or [])
        ).apply(lambda ids: ids[0])
        to_workspace = self._managed_endpoint(
            name, args, managed_network, WORKSPACE_ENDPOINT, "databricks_ui_api", workspace_id
        )
        group_name = workspace_id.apply(lambda i: _workspace_of(i)[0])
        workspace_name = workspace_id.apply(lambda i: _workspace_of(i)[1])
        # Read after the endpoint exists (the invoke depends on it), when Azure lists its
        # connection on the workspace; unknown during a first preview, as it must be.
        workspace = azure_databricks.get_workspace_output(
            resource_group_name=group_name,
            workspace_name=workspace_name,
            opts=pulumi.InvokeOutputOptions(parent=self, depends_on=[to_workspace]),
        )
        connection = pulumi.Output.all(workspace.private_endpoint_connections, self.factory.name).apply(
            lambda found: connection_named(
                [
                    (
                        _field(c, "name") or "",
                        _field(_field(_field(c, "properties"), "private_endpoint"), "id") or "",
                    )
                    for c in found[0] or []
                ],
                found[1],
                WORKSPACE_ENDPOINT,
                "the Databricks workspace",
            )
        )
        self._approvals.append(
            azure_databricks.PrivateEndpointConnection(
                f"{name}-databricks-ui-api-approval",
                resource_group_name=group_name,
                workspace_name=workspace_name,
                private_endpoint_connection_name=connection,
                properties=azure_databricks.PrivateEndpointConnectionPropertiesArgs(
                    private_link_service_connection_state=azure_databricks.PrivateLinkServiceConnectionStateArgs(
                        status="Approved", description=description
                    )
                ),
                opts=pulumi.ResourceOptions(parent=self),
            )
        )
        vault = self._access.vault
        if vault is None:
            return
        to_vault = self._managed_endpoint(name, args, managed_network, VAULT_ENDPOINT, "vault", vault.id)
        found_vault = keyvault.get_vault_output(
            resource_group_name=args["resource_group_name"],
            vault_name=vault.name,
            opts=pulumi.InvokeOutputOptions(parent=self, depends_on=[to_vault]),
        )
        vault_connection = pulumi.Output.all(
            found_vault.properties.apply(lambda p: _field(p, "private_endpoint_connections")),
            self.factory.name,
        ).apply(
            lambda found: connection_named(
                [
                    # A vault lists each connection by id; its name is the id's last segment.
                    (
                        (_field(c, "id") or "").rsplit("/", 1)[-1],
                        _field(_field(c, "private_endpoint"), "id") or "",
                    )
                    for c in found[0] or []
                ],
                found[1],
                VAULT_ENDPOINT,
                "the Key Vault",
            )
        )
        self._approvals.append(
            keyvault.PrivateEndpointConnection(
                f"{name}-vault-approval",
                resource_group_name=args["resource_group_name"],
                vault_name=vault.name,
                private_endpoint_connection_name=vault_connection,
                private_link_service_connection_state=keyvault.PrivateLinkServiceConnectionStateArgs(
                    status=keyvault.PrivateEndpointServiceConnectionStatus.APPROVED, description=description
                ),
                opts=pulumi.ResourceOptions(parent=self),
            )
        )

    @property
    def access(self) -> WorkspaceAccess:
        """Role assignments, token and Key Vault that let the factory reach the workspace."""
        return self._access
