"""DatabricksWorkspace: an Azure Databricks workspace (new or adopted) and the provider that manages it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_azure_native.authorization as authorization
import pulumi_azure_native.databricks as azure_databricks
import pulumi_databricks as databricks

from components.enums import PublicNetworkAccess, WorkspaceSku

RETIRED_SKUS = {
    # Learn, "Upgrade or downgrade an Azure Databricks workspace"
    # (azure/databricks/admin/account-settings/account): "Azure Databricks has announced end of
    # life for Standard tier workspaces ... All remaining Standard tier workspaces will be
    # automatically upgraded to Premium tier on October 1, 2026."
    "standard": (
        "Standard-tier workspaces reached end of life: Azure Databricks upgrades every"
        " remaining one to Premium on 2026-10-01; use premium (an existing standard"
        " workspace is upgraded to it in place)"
    ),
}
"""Pricing tiers Azure Databricks no longer offers, with the reason."""


def workspace_sku(value: object) -> WorkspaceSku:
    """A pricing tier a new workspace can have."""
    given = getattr(value, "value", value)
    if isinstance(given, str) and given in RETIRED_SKUS:
        raise ValueError(f"{given} is refused: {RETIRED_SKUS[given]}")
    for member in WorkspaceSku:
        if given == member.value:
            return member
    choices = ", ".join(m.value for m in WorkspaceSku)
    raise ValueError(f"expected one of {choices}, got {given!r}")


@dataclass(frozen=True)
class ExistingWorkspace:
    """A workspace created outside this stack, adopted without being managed."""

    resource_id: str
    """ARM id: /subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.Databricks/workspaces/<name>."""
    url: str
    """Workspace host name, e.g. adb-1234567890123456.7.azuredatabricks.net (no scheme)."""


@dataclass(frozen=True)
class WorkspaceSpec:
    """What kind of workspace to create, or which one to adopt."""

    name: str
    """Workspace name, unique within its resource group."""
    sku: WorkspaceSku = WorkspaceSku.PREMIUM
    """Pricing tier: premium (access control, Unity Catalog) or trial; standard reached end of
    life (RETIRED_SKUS)."""
    no_public_ip: bool = True
    """Secure cluster connectivity: cluster nodes get no public IP addresses."""
    public_network_access: PublicNetworkAccess = PublicNetworkAccess.ENABLED
    """Whether the workspace UI and API are reachable from the internet."""
    existing: ExistingWorkspace | None = None
    """Adopt this workspace instead of creating one; the other fields are then unused."""

    @property
    def managed_resource_group_name(self) -> str:
        """The resource group Databricks fills with its own resources, derived from the name."""
        return f"databricks-rg-{self.name}"


@dataclass(frozen=True)
class DatabricksWorkspaceArgs:
    """Inputs of DatabricksWorkspace."""

    spec: WorkspaceSpec
    """The workspace to create or adopt."""
    resource_group_name: pulumi.Input[str]
    """Resource group the workspace is created in."""
    location: pulumi.Input[str] | None = None
    """Azure region; the resource group's when unset."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Tags for the workspace."""
    protect: bool = False
    """Protect the workspace against deletion by Pulumi."""


class DatabricksWorkspace(pulumi.ComponentResource):
    """An Azure Databricks workspace and an explicit `pulumi_databricks.Provider` for it."""

    url: pulumi.Output[str]
    """Workspace URL with scheme, e.g. https://adb-123.4.azuredatabricks.net."""
    resource_id: pulumi.Output[str]
    """The workspace's ARM resource id."""
    provider: databricks.Provider
    """Provider every Databricks resource of this workspace must use."""
    workspace: azure_databricks.Workspace | None
    """The created workspace, or None when an existing one was adopted."""

    def __init__(
        self,
        name: str,
        args: DatabricksWorkspaceArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        spec = args.spec
        try:
            sku = workspace_sku(spec.sku)
        except ValueError as err:
            raise pulumi.RunError(f"DatabricksWorkspace {name}: sku: {err}") from None
        super().__init__("adf-databricks:index:DatabricksWorkspace", name, None, opts)
        if spec.existing is not None:
            self.workspace = None
            self.resource_id = pulumi.Output.from_input(spec.existing.resource_id)
            host = pulumi.Output.from_input(spec.existing.url)
        else:
            client = authorization.get_client_config_output(opts=pulumi.InvokeOutputOptions(parent=self))
            self.workspace = azure_databricks.Workspace(
                f"{name}-workspace",
                workspace_name=spec.name,
                resource_group_name=args.resource_group_name,
                location=args.location,
                sku=azure_databricks.SkuArgs(name=sku.value),
                # Required on create since API 2026-01-01; Hybrid is the classic workspace
                # with a managed resource group, which job clusters and pools need.
                compute_mode=azure_databricks.ComputeMode.HYBRID,
                # Derived from the subscription and the workspace name, never generated,
                # so an unchanged stack previews as unchanged.
                managed_resource_group_id=pulumi.Output.concat(
                    "/subscriptions/",
                    client.subscription_id,
                    "/resourceGroups/",
                    spec.managed_resource_group_name,
                ),
                parameters=azure_databricks.WorkspaceCustomParametersArgs(
                    enable_no_public_ip=azure_databricks.WorkspaceNoPublicIPBooleanParameterArgs(
                        value=spec.no_public_ip
                    ),
                ),
                public_network_access=spec.public_network_access.value,
                tags=dict(args.tags),
                opts=pulumi.ResourceOptions(parent=self, protect=args.protect),
            )
            self.resource_id = self.workspace.id
            host = self.workspace.workspace_url
        self.url = host.apply(lambda h: h if h.startswith("https://") else f"https://{h}")
        self.provider = databricks.Provider(
            f"{name}-provider",
            host=self.url,
            # The ARM id (not the numeric workspace id) lets the provider authenticate
            # with the same Azure identity that runs `pulumi up`.
            azure_workspace_resource_id=self.resource_id,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.register_outputs({"url": self.url, "resourceId": self.resource_id})
