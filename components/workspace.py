"""DatabricksWorkspace: an Azure Databricks workspace (new or adopted) and the provider that manages it.

`WorkspaceSpec` is also the stack config's `workspace` section: its rules below are the ones
config is checked with.
"""

# Args module read by Pulumi's component analyzer: no `from __future__ import annotations`.
# validation.parse fills every default, so keys with a default are read with [].
# pyright: reportTypedDictNotRequiredAccess=false

import functools
from collections.abc import Iterator, Mapping
from typing import Any, TypedDict

import pulumi
import pulumi_azure_native.authorization as authorization
import pulumi_azure_native.databricks as azure_databricks
import pulumi_databricks as databricks
import pulumiverse_time as time
from typing_extensions import NotRequired

from . import outputs, validation
from .arm import RESOURCE_GROUP_NAME, TAGS, any_case
from .catalog import workspace_catalog_name
from .enums import PublicNetworkAccess, WorkspaceSku
from .network import VIRTUAL_NETWORK_ID
from .validation import check, checks, rule, rules, shown_default

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


DEFAULT_SKU = WorkspaceSku.PREMIUM
DEFAULT_NO_PUBLIC_IP = True
DEFAULT_PUBLIC_NETWORK_ACCESS = PublicNetworkAccess.ENABLED
CREATED_ONLY = ("sku", "noPublicIp", "publicNetworkAccess")
"""WorkspaceSpec keys that describe a workspace to create, refused with `existing`. Their defaults
(above) are applied by the component, not by rules: a rule's default would hide whether the
key was written."""

WORKSPACE_ID = (
    f"^/{any_case('subscriptions')}/[0-9a-fA-F-]{{36}}/{any_case('resourceGroups')}/[-\\w.()]+"
    f"/{any_case('providers')}/{any_case('Microsoft.Databricks')}/{any_case('workspaces')}/[-\\w]+$"
)
"""An Azure Databricks workspace's ARM id; ARM ids are case-insensitive."""
WORKSPACE_URL = r"^(https://)?adb-\d+\.\d+\.azuredatabricks\.net/?$"
"""A workspace's per-workspace URL, with or without scheme and trailing slash."""


@rules(
    resource_id=rule(
        "/subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.Databricks/workspaces/<name>",
        pattern=WORKSPACE_ID,
    ),
    url=rule("a workspace URL like adb-1234567890123456.7.azuredatabricks.net", pattern=WORKSPACE_URL),
)
class ExistingWorkspace(TypedDict):
    """A workspace created outside this stack, adopted without being managed."""

    resource_id: str
    """ARM id: `/subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.Databricks/workspaces/<name>`."""
    url: str
    """Workspace URL, e.g. `adb-1234567890123456.7.azuredatabricks.net` (`https://` optional)."""


@rules(
    # What ARM takes (terraform-provider-azurerm internal/services/databricks/validate/
    # workspace_name.go: 3-64 characters, letters, digits, _ and -; the portal shows 30 but
    # the API takes 64).
    name=rule("a workspace name (3-64 letters, digits, _ or -)", pattern=r"^[A-Za-z0-9_-]{3,64}$"),
    # The defaults of CREATED_ONLY keys are shown in the schema, applied by the component.
    sku=shown_default(
        rule(refused={value: f"{value} is refused: {reason}" for value, reason in RETIRED_SKUS.items()}),
        DEFAULT_SKU,
    ),
    no_public_ip=shown_default(rule(), DEFAULT_NO_PUBLIC_IP),
    managed_resource_group_name=RESOURCE_GROUP_NAME,
    # Disabled needs the stack's network (NETWORK_RULES, checked by the args that hold both:
    # DatabricksWorkspaceArgs, and a stack's AdfDatabricksArgs).
    public_network_access=shown_default(rule(), DEFAULT_PUBLIC_NETWORK_ACCESS),
)
class WorkspaceSpec(TypedDict):
    """What kind of workspace to create, or which one to adopt."""

    name: NotRequired[str]
    """Workspace name, unique within its resource group; required to create one (AdfDatabricks
    defaults it to `<project>-<stack>`: set it when that is longer than 64 characters or holds a
    `.`). Not with `existing`: an adopted workspace keeps its name."""
    sku: NotRequired[WorkspaceSku]
    """Pricing tier: premium (default; access control, Unity Catalog) or trial. standard is
    refused: Standard-tier workspaces reached end of life, and Azure Databricks upgrades the
    remaining ones to Premium on 2026-10-01; a stack that had standard sets premium, which
    upgrades its workspace in place."""
    no_public_ip: NotRequired[bool]
    """Secure cluster connectivity: cluster nodes get no public IP addresses (default true)."""
    public_network_access: NotRequired[PublicNetworkAccess]
    """Whether the workspace UI and API are reachable from the internet (Enabled, the default).
    Disabled (front end private too) needs the stack's `network`: VNet injection and Private
    Link."""
    managed_resource_group_name: NotRequired[str]
    """The resource group Databricks creates for the workspace's own resources. Unset, a new
    workspace gets `databricks-rg-<name>-<created>` (`<created>` the creation time, in hex), so
    a stack deployed again after `pulumi destroy` does not collide with the group Azure kept,
    and a deployed workspace keeps the group it was created with. Set it in the same change as
    a workspace rename (a rename replaces the workspace, and Pulumi would otherwise give the new
    one the old group) or to follow a naming policy; setting it on a deployed workspace to
    anything but its current group replaces the workspace. Not with `existing`."""
    existing: NotRequired[ExistingWorkspace]
    """Adopt this workspace instead of creating one; sku, noPublicIp and publicNetworkAccess are
    then refused."""


@checks(WorkspaceSpec, "name")
def _named_unless_adopted(spec: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    if "existing" not in spec and "name" not in spec:
        yield "name", "is required to create a workspace"


def _created_only(key: str, spec: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    if "existing" in spec and key in spec:
        yield key, "applies to a created workspace, not with workspace.existing"


# Reads only whether `existing` is there, so a broken `existing` does not hide this. An adopted
# workspace keeps its own name, so a name written next to `existing` would be ignored.
for _key in (*CREATED_ONLY, "name", "managedResourceGroupName"):
    check(WorkspaceSpec, functools.partial(_created_only, _key), _key)


REQUIRED_NSG_RULES = azure_databricks.RequiredNsgRules.NO_AZURE_DATABRICKS_RULES
"""What a VNet-injected workspace with back-end Private Link sends as requiredNsgRules: its
clusters reach the control plane through the databricks_ui_api endpoint, so Azure Databricks
adds no NSG rules for that path (the SDK: "whether data plane (clusters) to control plane
communication happen over private endpoint"; Learn, security/network/classic/private-link)."""


def _injected_at_creation(
    spec: Mapping[str, Any], networked: bool, spec_key: str, network_key: str
) -> Iterator[tuple[str, str]]:
    if networked and "existing" in spec:
        yield (
            network_key,
            "applies to a workspace the stack creates: VNet injection is chosen when a workspace is"
            " created and cannot be added to an existing one (Learn,"
            ' databricks/security/network/classic/vnet-inject: "You can\'t replace the VNet")',
        )


def _private_front_end_needs_a_network(
    spec: Mapping[str, Any], networked: bool, spec_key: str, network_key: str
) -> Iterator[tuple[str, str]]:
    # With `existing` the spec's own rules refuse publicNetworkAccess.
    disabled = spec.get("publicNetworkAccess") == PublicNetworkAccess.DISABLED.value
    if disabled and not networked and "existing" not in spec:
        yield (
            f"{spec_key}.publicNetworkAccess",
            f"Disabled needs VNet injection and Private Link: add {network_key} (the workspace is"
            " then reached through its private endpoint only)",
        )


def _private_link_needs_secure_cluster_connectivity(
    spec: Mapping[str, Any], networked: bool, spec_key: str, network_key: str
) -> Iterator[tuple[str, str]]:
    if networked and spec.get("noPublicIp") is False:
        yield (
            f"{spec_key}.noPublicIp",
            "false is refused with a private network: back-end Private Link needs secure cluster"
            " connectivity (Learn, databricks/security/network/classic/private-link, requirements)",
        )


NETWORK_RULES = (
    (_injected_at_creation, ("existing",)),
    (_private_front_end_needs_a_network, ("publicNetworkAccess", "existing")),
    (_private_link_needs_secure_cluster_connectivity, ("noPublicIp",)),
)
"""The combinations of a workspace spec and a private network Azure refuses, each with Azure's
reason, and the spec keys each reads: checked by the args that hold both (DatabricksWorkspaceArgs
here, a stack's AdfDatabricksArgs in components.platform). Each reads only its own keys, so a
broken sku or name hides none of them."""


def register_network_rules(cls: type, spec_key: str, network_key: str) -> None:
    """Check NETWORK_RULES on `cls`, whose `spec_key` holds a WorkspaceSpec and `network_key`
    the private network."""
    for fn, reads in NETWORK_RULES:

        def run(args: Mapping[str, Any], fn: Any = fn) -> Iterator[tuple[str, str]]:
            spec = args.get(spec_key, {})
            # A spec of the wrong type has its own problem (these read keys inside it).
            if isinstance(spec, Mapping):
                yield from fn(spec, network_key in args, spec_key, network_key)

        check(cls, run, *(f"{spec_key}.{key}" for key in reads), network_key)


@rules(
    virtual_network_id=rule(
        "/subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.Network/virtualNetworks/<name>",
        pattern=VIRTUAL_NETWORK_ID,
    )
)
class WorkspaceNetworkArgs(TypedDict):
    """The VNet a created workspace is injected into (PrivateNetwork's outputs)."""

    virtual_network_id: pulumi.Input[str]
    """ARM id of the VNet."""
    host_subnet_name: pulumi.Input[str]
    """Name of its host (public) subnet, delegated to Microsoft.Databricks/workspaces."""
    container_subnet_name: pulumi.Input[str]
    """Name of its container (private) subnet, delegated likewise."""


@rules(resource_group_name=RESOURCE_GROUP_NAME, tags=TAGS, protect=rule(default=False))
class DatabricksWorkspaceArgs(TypedDict):
    """Inputs of DatabricksWorkspace."""

    spec: WorkspaceSpec
    """The workspace to create or adopt."""
    resource_group_name: pulumi.Input[str]
    """Resource group the workspace is created in."""
    location: NotRequired[pulumi.Input[str] | None]
    """Azure region; the resource group's when unset."""
    tags: NotRequired[dict[str, str]]
    """Tags for the workspace."""
    protect: NotRequired[bool]
    """Protect the workspace against deletion by Pulumi."""
    network: NotRequired[WorkspaceNetworkArgs | None]
    """Inject the created workspace into this VNet, with back-end Private Link
    (requiredNsgRules NoAzureDatabricksRules): give it a databricks_ui_api private endpoint
    (WorkspaceEndpoints), as AdfDatabricks does."""
    reachable: NotRequired[pulumi.Input[str] | None]
    """Resolves once the workspace's front end can be reached from where Pulumi runs (with
    publicNetworkAccess Disabled: its private endpoint and DNS records exist); the provider,
    and so every Databricks resource, waits for it. Its value is not used."""


register_network_rules(DatabricksWorkspaceArgs, "spec", "network")


def _injection(network: WorkspaceNetworkArgs) -> dict[str, Any]:
    """The custom parameters of VNet injection (azure-native WorkspaceCustomParametersArgs;
    ARM customVirtualNetworkId, customPublicSubnetName, customPrivateSubnetName)."""
    return {
        "custom_virtual_network_id": azure_databricks.WorkspaceCustomStringParameterArgs(
            value=network["virtual_network_id"]
        ),
        "custom_public_subnet_name": azure_databricks.WorkspaceCustomStringParameterArgs(
            value=network["host_subnet_name"]
        ),
        "custom_private_subnet_name": azure_databricks.WorkspaceCustomStringParameterArgs(
            value=network["container_subnet_name"]
        ),
    }


def managed_resource_group_name(workspace_name: str, created_unix: int) -> str:
    """The resource group Databricks fills with its own resources: named after the workspace and
    its creation time, at most 14 + 64 + 1 + 8 = 87 of the 90 characters a group name may have.

    The creation time is there because Azure keeps the group of a Unity-Catalog-enabled
    workspace when the workspace is deleted without `forceDeletion` (REST Workspaces - Delete;
    Learn "Delete a workspace"), which azure-native does not send: a name derived from the
    workspace name alone collides with the kept group on the next create ("The managed
    resource group ... already exists", pulumi-azure-native#3643).
    """
    return f"databricks-rg-{workspace_name}-{created_unix:08x}"


def workspace_url(host_or_url: str) -> str:
    """A workspace's URL with scheme and no trailing slash (Azure's workspaceUrl is the bare
    host; a configured URL may come either way, WORKSPACE_URL)."""
    url = host_or_url.removesuffix("/")
    return url if url.startswith("https://") else f"https://{url}"


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
        args = validation.parse(DatabricksWorkspaceArgs, args, f"DatabricksWorkspace {name}: ")
        super().__init__("adf-databricks:index:DatabricksWorkspace", name, None, opts)
        spec = args["spec"]
        existing = spec.get("existing")
        if existing is not None:
            self.workspace = None
            self.resource_id = pulumi.Output.from_input(existing["resource_id"])
            self.url = pulumi.Output.from_input(workspace_url(existing["url"]))
        else:
            network = args.get("network")
            client = authorization.get_client_config_output(opts=pulumi.InvokeOutputOptions(parent=self))
            # Ignored after create: Azure cannot move a workspace to another managed group, so
            # a change would replace it. Workspaces deployed before the group carried its
            # creation time keep `databricks-rg-<name>`; new ones, and a stack deployed again
            # after destroy, get a group of their own (managed_resource_group_name). Pulumi
            # keeps an ignored input on a replacement too (pulumi/pulumi#2657: "the engine
            # simply replaces the values of input properties in the goal state with old
            # inputs"), so a rename would reuse the old group: a set
            # managedResourceGroupName is therefore sent as it is, not ignored.
            ignored = ["defaultCatalog"]
            managed_group: pulumi.Input[str]
            if "managed_resource_group_name" in spec:
                managed_group = spec["managed_resource_group_name"]
            else:
                # The unix time the stack first deployed this workspace, kept in state: stable
                # across updates, new after a destroy (pulumiverse_time Static: "Manages a
                # static time resource, which keeps a locally sourced UTC timestamp stored in
                # the Terraform state").
                created = time.Static(f"{name}-created", opts=pulumi.ResourceOptions(parent=self))
                workspace_name = spec["name"]
                managed_group = created.unix.apply(
                    lambda unix: managed_resource_group_name(workspace_name, unix)
                )
                ignored.append("managedResourceGroupId")
            self.workspace = azure_databricks.Workspace(
                f"{name}-workspace",
                workspace_name=spec["name"],
                resource_group_name=args["resource_group_name"],
                location=args.get("location"),
                sku=azure_databricks.SkuArgs(name=spec.get("sku", DEFAULT_SKU).value),
                # Required on create since API 2026-01-01; Hybrid is the classic workspace
                # with a managed resource group, which job clusters and pools need.
                compute_mode=azure_databricks.ComputeMode.HYBRID,
                managed_resource_group_id=pulumi.Output.concat(
                    "/subscriptions/", client.subscription_id, "/resourceGroups/", managed_group
                ),
                parameters=azure_databricks.WorkspaceCustomParametersArgs(
                    enable_no_public_ip=azure_databricks.WorkspaceNoPublicIPBooleanParameterArgs(
                        value=spec.get("no_public_ip", DEFAULT_NO_PUBLIC_IP)
                    ),
                    **(_injection(network) if network is not None else {}),
                ),
                # Without a network only Enabled passes the rules (NETWORK_RULES).
                public_network_access=PublicNetworkAccess(
                    spec.get("public_network_access", DEFAULT_PUBLIC_NETWORK_ACCESS)
                ).value,
                # Sent only with VNet injection and back-end Private Link: a stack without a
                # network previews as before.
                required_nsg_rules=REQUIRED_NSG_RULES.value if network is not None else None,
                # The catalog the stack's schema goes in, chosen instead of guessed: a Unity
                # Catalog catalog of the name the stack defaults to (stack_defaults). The SDK's
                # own default type is HiveMetastore (azure-native DefaultCatalogPropertiesArgs).
                # Azure reads it only "during workspace creation" (ibid.), so it is ignored after
                # create: a workspace deployed before this was set is neither updated nor replaced.
                default_catalog=azure_databricks.DefaultCatalogPropertiesArgs(
                    initial_name=workspace_catalog_name(spec["name"]),
                    initial_type=azure_databricks.InitialType.UNITY_CATALOG,
                ),
                tags=dict(args["tags"]),
                opts=pulumi.ResourceOptions(parent=self, protect=args["protect"], ignore_changes=ignored),
            )
            self.resource_id = self.workspace.id
            self.url = self.workspace.workspace_url.apply(workspace_url)
        reachable = args.get("reachable")
        self.provider = databricks.Provider(
            f"{name}-provider",
            host=self.url
            if reachable is None
            else pulumi.Output.all(self.url, reachable).apply(lambda v: v[0]),
            # The ARM id (not the numeric workspace id) lets the provider authenticate
            # with the same Azure identity that runs `pulumi up`.
            azure_workspace_resource_id=self.resource_id,
            opts=pulumi.ResourceOptions(parent=self),
        )
        outputs.register(self)
