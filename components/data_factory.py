"""DataFactory: the Data Factory, its access to Databricks, and the Azure Databricks linked service."""

from __future__ import annotations

import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_azure_native.datafactory as datafactory

from components.workspace_access import AuthSpec, WorkspaceAccess, WorkspaceAccessArgs


@dataclass(frozen=True)
class LinkedServiceSpec:
    """The Azure Databricks linked service's own settings (the Learn module's table)."""

    name: str = "AzureDatabricks"
    """Linked service name, unique in the factory."""
    description: str = "Azure Databricks workspace that runs the pipelines' notebooks"
    """A meaningful description."""
    integration_runtime: str | None = None
    """Integration runtime to connect via; the factory's auto-resolve runtime when unset."""


@dataclass(frozen=True)
class DataFactoryArgs:
    """Inputs of DataFactory."""

    resource_group_name: pulumi.Input[str]
    """Resource group of the factory."""
    workspace_url: pulumi.Input[str]
    """Workspace URL with scheme (https://adb-....azuredatabricks.net)."""
    workspace_resource_id: pulumi.Input[str]
    """ARM id of the Databricks workspace."""
    cluster_fields: Mapping[str, Any]
    """Cluster part of the linked service (DatabricksCompute.linked_service_fields)."""
    auth: AuthSpec = field(default_factory=AuthSpec)
    """How the factory authenticates to the workspace."""
    linked_service: LinkedServiceSpec = field(default_factory=LinkedServiceSpec)
    """Name, description and integration runtime of the linked service."""
    location: pulumi.Input[str] | None = None
    """Azure region; the resource group's when unset."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Tags for the factory and the Key Vault."""
    protect: bool = False
    """Protect the factory (and Key Vault) against deletion by Pulumi."""
    identity_id: pulumi.Input[str] | None = None
    """ARM id of a user-assigned identity for the factory to carry, next to its system-assigned
    one. In msi mode the linked service authenticates as it (see WorkspaceAccessArgs)."""
    identity_principal_id: pulumi.Input[str] | None = None
    """Object id of that user-assigned identity."""


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
    """The Azure Databricks linked service."""
    access: WorkspaceAccess
    """Role assignments, token and Key Vault that let the factory reach the workspace."""
    studio_url: pulumi.Output[str]
    """ADF Studio, opened on this factory."""
    monitor_url: pulumi.Output[str]
    """ADF Studio's Monitor hub, where pipeline runs are watched."""

    def __init__(self, name: str, args: DataFactoryArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("adf-databricks:index:DataFactory", name, None, opts)
        self.factory = datafactory.Factory(
            f"{name}-factory",
            resource_group_name=args.resource_group_name,
            location=args.location,
            identity=_identity(args.identity_id),
            tags=dict(args.tags),
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect),
        )
        principal_id = self.factory.identity.apply(_principal_id)
        self.access = WorkspaceAccess(
            f"{name}-access",
            WorkspaceAccessArgs(
                auth=args.auth,
                factory_name=self.factory.name,
                factory_principal_id=principal_id,
                resource_group_name=args.resource_group_name,
                workspace_resource_id=args.workspace_resource_id,
                location=args.location,
                tags=args.tags,
                protect=args.protect,
                identity_id=args.identity_id,
                identity_principal_id=args.identity_principal_id,
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        spec = args.linked_service
        self.linked_service = datafactory.LinkedService(
            f"{name}-databricks-linked-service",
            factory_name=self.factory.name,
            resource_group_name=args.resource_group_name,
            linked_service_name=spec.name,
            properties=datafactory.AzureDatabricksLinkedServiceArgs(
                type="AzureDatabricks",
                description=spec.description,
                domain=args.workspace_url,
                connect_via=datafactory.IntegrationRuntimeReferenceArgs(
                    reference_name=spec.integration_runtime,
                    type="IntegrationRuntimeReference",
                )
                if spec.integration_runtime
                else None,
                **self.access.linked_service_auth,
                **args.cluster_fields,
            ),
            # No depends_on the role assignments: creating the linked service needs none of
            # them. What starts runs waits for them (WorkspaceAccess.grants_propagated).
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.studio_url = self.factory.id.apply(studio_url)
        self.monitor_url = self.factory.id.apply(
            lambda factory_id: studio_url(factory_id, "monitoring/pipelineruns")
        )
        self.register_outputs(
            {
                "factoryName": self.factory.name,
                "linkedServiceName": self.linked_service.name,
                "studioUrl": self.studio_url,
                "monitorUrl": self.monitor_url,
            }
        )
