"""DatabricksWorkspace: created or adopted, and the provider every Databricks resource uses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from components import validation
from components.enums import WorkspaceSku
from components.validation import InvalidArgs
from components.workspace import (
    DatabricksWorkspace,
    DatabricksWorkspaceArgs,
    WorkspaceSpec,
    managed_resource_group_name,
    workspace_url,
)
from tests.conftest import Render, base, run_program
from tools import engine

EXISTING_ID = (
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/shared"
    "/providers/Microsoft.Databricks/workspaces/analytics"
)


def test_created_workspace_inputs(render: Render) -> None:
    result = render(
        base(
            workspace={"sku": "trial", "noPublicIp": False, "publicNetworkAccess": "Enabled"},
            tags={"owner": "me"},
        )
    )
    ws = result.one("azure-native:databricks:Workspace").inputs
    assert ws["workspaceName"] == "adf-databricks-test"
    assert ws["sku"] == {"name": "trial"}
    # Required on create by the workspace API azure-native 3.29 uses.
    assert ws["computeMode"] == "Hybrid"
    assert ws["parameters"] == {"enableNoPublicIp": {"value": False}}
    assert ws["publicNetworkAccess"] == "Enabled"
    assert ws["resourceGroupName"] == "adf-databricks-test"
    # The subscription, the name and when the stack created the workspace (a time.Static).
    assert ws["managedResourceGroupId"] == (
        f"/subscriptions/{engine.SUBSCRIPTION}/resourceGroups/databricks-rg-adf-databricks-test-"
        f"{engine.WATCHED_SINCE_UNIX:08x}"
    )
    assert ws["tags"] == {"owner": "me", "environment": "test", "managed-by": "pulumi"}


def test_provider_uses_url_and_arm_id(render: Render) -> None:
    result = render(base())
    provider = result.one("pulumi:providers:databricks")
    ws = result.one("azure-native:databricks:Workspace")
    assert provider.inputs["host"] == f"https://{engine.WORKSPACE_HOST}"
    # The ARM id, not the numeric workspace id.
    assert provider.inputs["azureWorkspaceResourceId"].endswith(
        "/providers/Microsoft.Databricks/workspaces/adf-databricks-test"
    )
    assert ws.urn in provider.dependencies


def test_every_databricks_resource_uses_the_workspace_provider(render: Render) -> None:
    result = render(
        base(
            auth={"mode": "token"},
            cluster={**base()["cluster"], "mode": "interactive", "dataSecurityMode": "USER_ISOLATION"},
        )
    )
    provider = result.one("pulumi:providers:databricks").urn
    databricks = [r for r in result.resources if r.type.startswith("databricks:")]
    assert {r.type for r in databricks} == {
        "databricks:index/notebook:Notebook",
        "databricks:index/directory:Directory",
        "databricks:index/permissions:Permissions",
        "databricks:index/schema:Schema",
        "databricks:index/volume:Volume",
        "databricks:index/cluster:Cluster",
        "databricks:index/token:Token",
    }
    assert all(r.provider == provider for r in databricks), [(r.name, r.provider) for r in databricks]


def test_existing_workspace_is_adopted_not_created(render: Render) -> None:
    result = render(
        base(
            workspace={
                "existing": {"resourceId": EXISTING_ID, "url": "https://adb-42.3.azuredatabricks.net/"}
            },
            unityCatalog={"catalog": "main"},
        )
    )
    assert result.of_type("azure-native:databricks:Workspace") == []
    provider = result.one("pulumi:providers:databricks").inputs
    assert provider == {
        "host": "https://adb-42.3.azuredatabricks.net",
        "azureWorkspaceResourceId": EXISTING_ID,
    }
    ls = result.one("azure-native:datafactory:LinkedService").inputs["properties"]
    assert ls["workspaceResourceId"] == EXISTING_ID
    assert ls["domain"] == "https://adb-42.3.azuredatabricks.net"


def test_protect_marks_workspace(render: Render) -> None:
    assert render(base(protect=True)).one("azure-native:databricks:Workspace").protect
    assert not render(base()).one("azure-native:databricks:Workspace").protect


def test_default_sku_is_premium(render: Render) -> None:
    assert render(base()).one("azure-native:databricks:Workspace").inputs["sku"] == {"name": "premium"}


def test_component_refuses_the_retired_standard_tier() -> None:
    spec = WorkspaceSpec(name="etl", sku="standard")  # type: ignore[typeddict-item]
    with pytest.raises(
        InvalidArgs, match=r"spec\.sku: standard is refused: Standard-tier workspaces reached end of life"
    ):
        DatabricksWorkspace("w", DatabricksWorkspaceArgs(spec=spec, resource_group_name="rg"))
    assert [m.value for m in WorkspaceSku] == ["premium", "trial"]


@pytest.mark.parametrize("name", ["etl", "a" * 64, "Team_ETL-prod-2"])
def test_workspace_names_azure_takes(name: str) -> None:
    assert validation.problems(WorkspaceSpec, {"name": name}) == []


@pytest.mark.parametrize("name", ["", "ab", "a" * 65, "etl.prod", "etl prod", "etl/prod"])
def test_workspace_names_azure_refuses(name: str) -> None:
    assert [str(p) for p in validation.problems(WorkspaceSpec, {"name": name})] == [
        f"name: expected a workspace name (3-64 letters, digits, _ or -), got {name!r}"
    ]


def test_created_workspace_defaults(render: Render) -> None:
    ws = render(base()).one("azure-native:databricks:Workspace").inputs
    assert ws["parameters"] == {"enableNoPublicIp": {"value": True}}
    assert ws["publicNetworkAccess"] == "Enabled"


def test_component_refuses_bad_args_with_every_problem() -> None:
    # No mocks are set: reaching the engine would fail differently.
    with pytest.raises(InvalidArgs) as caught:
        DatabricksWorkspace(
            "w",
            {
                "spec": {"sku": "standard", "no_public_ip": "yes", "public_network_access": "Disabled"},
                "resource_group_name": "bad/name",
                "tags": {"a/b": "x", "owner": 1},
            },
        )
    # A missing key sorts after all its object holds, where it would be added.
    assert str(caught.value).splitlines() == [
        "DatabricksWorkspace w: spec.sku: standard is refused: Standard-tier workspaces reached end of"
        " life: Azure Databricks upgrades every remaining one to Premium on 2026-10-01; use premium"
        " (an existing standard workspace is upgraded to it in place)",
        "DatabricksWorkspace w: spec.noPublicIp: expected true or false, got 'yes'",
        "DatabricksWorkspace w: spec.publicNetworkAccess: Disabled needs VNet injection and Private"
        " Link: add network (the workspace is then reached through its private endpoint only)",
        "DatabricksWorkspace w: spec.name: is required to create a workspace",
        "DatabricksWorkspace w: resourceGroupName: expected a resource group name (1-90 letters,"
        " digits, - _ . ( ), not ending in .), got 'bad/name'",
        "DatabricksWorkspace w: tags: expected Azure tags (names of 1-512 characters without"
        " < > % & \\ ? /, values of at most 256), got 'a/b'",
        "DatabricksWorkspace w: tags.owner: expected a string of at most 256 characters, got 1",
    ]


def test_component_refuses_settings_of_a_created_workspace_with_an_existing_one() -> None:
    spec = {"sku": "premium", "existing": {"resource_id": "/subscriptions/x", "url": "example.com"}}
    with pytest.raises(InvalidArgs) as caught:
        DatabricksWorkspace("w", {"spec": spec, "resource_group_name": "rg"})  # type: ignore[typeddict-item]
    assert str(caught.value).splitlines() == [
        "DatabricksWorkspace w: spec.sku: applies to a created workspace, not with workspace.existing",
        "DatabricksWorkspace w: spec.existing.resourceId: expected /subscriptions/<id>/resourceGroups"
        "/<group>/providers/Microsoft.Databricks/workspaces/<name>, got '/subscriptions/x'",
        "DatabricksWorkspace w: spec.existing.url: expected a workspace URL like"
        " adb-1234567890123456.7.azuredatabricks.net, got 'example.com'",
    ]


@pytest.mark.parametrize(
    ("spec", "problem"),
    [
        pytest.param({"sku": "gold"}, "spec.sku: expected one of premium, trial, got 'gold'", id="sku"),
        pytest.param(
            {"public_network_access": "enabled"},
            "spec.publicNetworkAccess: expected one of Enabled, Disabled, got 'enabled'",
            id="public network access",
        ),
        pytest.param({"skus": "premium"}, "spec.skus: unknown key; did you mean 'sku'?", id="unknown key"),
        pytest.param(
            # An adopted workspace keeps its own name: a name beside `existing` would be ignored.
            {"name": "etl", "existing": {"resource_id": EXISTING_ID, "url": "adb-1.2.azuredatabricks.net"}},
            "spec.name: applies to a created workspace, not with workspace.existing",
            id="adopted keeps its name",
        ),
    ],
)
def test_component_refuses(spec: dict[str, Any], problem: str) -> None:
    with pytest.raises(InvalidArgs) as caught:
        DatabricksWorkspace("w", {"spec": {"name": "etl", **spec}, "resource_group_name": "rg"})  # type: ignore[typeddict-item]
    assert str(caught.value) == f"DatabricksWorkspace w: {problem}"


@pytest.mark.parametrize(
    "resource_id",
    [
        EXISTING_ID,
        # ARM ids are case-insensitive.
        EXISTING_ID.replace("resourceGroups", "resourcegroups").replace("Microsoft", "microsoft"),
    ],
)
def test_existing_workspace_ids(resource_id: str) -> None:
    spec = {"existing": {"resourceId": resource_id, "url": "adb-1.2.azuredatabricks.net"}}
    assert validation.problems(WorkspaceSpec, spec) == []


PLAIN_STRINGS_PROGRAM = """
from components.workspace import DatabricksWorkspace

DatabricksWorkspace(
    "w",
    {
        "spec": {"name": "etl", "sku": "trial", "no_public_ip": False, "public_network_access": "Enabled"},
        "resource_group_name": "rg",
        "location": "westeurope",
    },
)
"""


def test_component_takes_closed_sets_as_plain_strings(tmp_path: Path) -> None:
    """As other Pulumi languages send them: a dict with the enums' string values."""
    ws = run_program(tmp_path, PLAIN_STRINGS_PROGRAM).one("azure-native:databricks:Workspace").inputs
    assert ws["sku"] == {"name": "trial"}
    assert ws["publicNetworkAccess"] == "Enabled"
    assert ws["parameters"] == {"enableNoPublicIp": {"value": False}}
    assert ws["managedResourceGroupId"].endswith(
        f"/resourceGroups/databricks-rg-etl-{engine.WATCHED_SINCE_UNIX:08x}"
    )
    assert ws["tags"] == {}
    assert ws["location"] == "westeurope"


@pytest.mark.parametrize("given", ["adb-42.3.azuredatabricks.net", "https://adb-42.3.azuredatabricks.net/"])
def test_a_configured_url_is_used_with_scheme_and_without_trailing_slash(given: str, render: Render) -> None:
    result = render(
        base(
            workspace={"existing": {"resourceId": EXISTING_ID, "url": given}},
            unityCatalog={"catalog": "main"},
        )
    )
    assert result.one("pulumi:providers:databricks").inputs["host"] == "https://adb-42.3.azuredatabricks.net"


@pytest.mark.parametrize("host", ["adb-42.3.azuredatabricks.net", "adb-42.3.azuredatabricks.net/"])
def test_azures_bare_host_gets_a_scheme(host: str) -> None:
    assert workspace_url(host) == "https://adb-42.3.azuredatabricks.net"


def test_a_created_workspace_gets_the_unity_catalog_catalog_the_stack_writes_to(render: Render) -> None:
    """Chosen at create (ARM defaultCatalog), not guessed; ignored afterwards, so a workspace
    created before is neither updated nor replaced."""
    result = render(base())
    ws = result.one("azure-native:databricks:Workspace")
    schema = result.one("databricks:index/schema:Schema").inputs
    assert ws.inputs["defaultCatalog"] == {
        "initialName": schema["catalogName"],
        "initialType": "UnityCatalog",
    }
    assert schema["catalogName"] == "adf_databricks_test"
    assert "defaultCatalog" in ws.ignore_changes


VNET = (
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg"
    "/providers/Microsoft.Network/virtualNetworks/etl-vnet"
)

INJECTED_PROGRAM = f"""
from components.workspace import DatabricksWorkspace

DatabricksWorkspace(
    "w",
    {{
        "spec": {{"name": "etl", "public_network_access": "Disabled"}},
        "resource_group_name": "rg",
        "network": {{"virtual_network_id": "{VNET}", "host_subnet_name": "host", "container_subnet_name": "container"}},
    }},
)
"""


def test_an_injected_workspace_gets_its_vnet_and_back_end_private_link(tmp_path: Path) -> None:
    ws = run_program(tmp_path, INJECTED_PROGRAM).one("azure-native:databricks:Workspace").inputs
    assert ws["parameters"] == {
        "enableNoPublicIp": {"value": True},
        "customVirtualNetworkId": {"value": VNET},
        "customPublicSubnetName": {"value": "host"},
        "customPrivateSubnetName": {"value": "container"},
    }
    assert ws["requiredNsgRules"] == "NoAzureDatabricksRules"
    assert ws["publicNetworkAccess"] == "Disabled"


def test_a_workspace_without_a_network_sends_no_nsg_rule_choice(render: Render) -> None:
    assert "requiredNsgRules" not in render(base()).one("azure-native:databricks:Workspace").inputs


def test_component_refuses_what_azure_refuses_of_a_private_workspace() -> None:
    network = {"virtual_network_id": VNET, "host_subnet_name": "host", "container_subnet_name": "container"}
    with pytest.raises(InvalidArgs) as caught:
        DatabricksWorkspace(
            "w",
            {"spec": {"name": "etl", "no_public_ip": False}, "resource_group_name": "rg", "network": network},
        )
    assert str(caught.value).splitlines() == [
        "DatabricksWorkspace w: spec.noPublicIp: false is refused with a private network: back-end"
        " Private Link needs secure cluster connectivity (Learn,"
        " databricks/security/network/classic/private-link, requirements)",
    ]
    existing = {"resource_id": EXISTING_ID, "url": "adb-1.2.azuredatabricks.net"}
    with pytest.raises(InvalidArgs) as caught:
        DatabricksWorkspace(
            "w", {"spec": {"existing": existing}, "resource_group_name": "rg", "network": network}
        )
    assert str(caught.value).splitlines() == [
        "DatabricksWorkspace w: network: applies to a workspace the stack creates: VNet injection is"
        " chosen when a workspace is created and cannot be added to an existing one (Learn,"
        ' databricks/security/network/classic/vnet-inject: "You can\'t replace the VNet")',
    ]


def test_a_new_workspace_gets_a_managed_group_of_its_own_creation(render: Render) -> None:
    """Azure keeps a Unity-Catalog workspace's managed group on delete (REST Workspaces - Delete,
    forceDeletion), so the group is named after the creation recorded in state, not the name
    alone: a stack deployed again after destroy gets a new group. Ignored after create, so a
    workspace deployed with `databricks-rg-<name>` keeps it (no replacement)."""
    result = render(base())
    ws = result.one("azure-native:databricks:Workspace")
    created = next(r for r in result.of_type("time:index/static:Static") if r.name.endswith("-created"))
    assert created.parent == result.one("adf-databricks:index:DatabricksWorkspace").urn
    group = managed_resource_group_name("adf-databricks-test", engine.WATCHED_SINCE_UNIX)
    assert ws.inputs["managedResourceGroupId"].endswith(f"/resourceGroups/{group}")
    assert "managedResourceGroupId" in ws.ignore_changes
    # Two creations a second apart get different groups; a group name fits ARM's 90 characters.
    assert managed_resource_group_name("w" * 64, 1) != managed_resource_group_name("w" * 64, 2)
    assert len(managed_resource_group_name("w" * 64, 2**32 - 1)) <= 90


def test_a_named_managed_group_is_sent_as_it_is_and_not_ignored(render: Render) -> None:
    """Pulumi keeps an ignored input on a replacement too, so a rename (a replacement) would
    reuse the old group: a named group is sent, so it can change with the name."""
    result = render(base(workspace={"name": "etl-2", "managedResourceGroupName": "rg-etl-2-managed"}))
    ws = result.one("azure-native:databricks:Workspace")
    assert ws.inputs["managedResourceGroupId"] == (
        f"/subscriptions/{engine.SUBSCRIPTION}/resourceGroups/rg-etl-2-managed"
    )
    assert "managedResourceGroupId" not in ws.ignore_changes
    assert not [r for r in result.of_type("time:index/static:Static") if r.name.endswith("-created")]


EXISTING = {
    "resource_id": f"/subscriptions/{engine.SUBSCRIPTION}/resourceGroups/g/providers/Microsoft.Databricks/workspaces/w",
    "url": "adb-1.2.azuredatabricks.net",
}


@pytest.mark.parametrize(
    ("extra", "problem"),
    [
        ({"existing": EXISTING}, "applies to a created workspace, not with workspace.existing"),
        ({"name": "www", "managed_resource_group_name": "ends-in-a-dot."}, "expected a resource group name"),
    ],
)
def test_a_managed_group_name_is_refused_with_an_existing_workspace_or_where_arm_would(
    extra: dict[str, object], problem: str
) -> None:
    spec = {"managed_resource_group_name": "rg-managed", **extra}
    with pytest.raises(InvalidArgs) as info:
        validation.parse(WorkspaceSpec, spec, "")
    assert f"managedResourceGroupName: {problem}" in str(info.value)


def test_network_rules_hold_on_any_args_with_a_spec_and_a_network() -> None:
    """register_network_rules, run here rather than at import (as tests/test_validation.py says
    why), on args that name the spec and the network their own way."""
    from typing import TypedDict

    from typing_extensions import NotRequired

    from components.workspace import WorkspaceNetworkArgs, register_network_rules

    # The functional form: this module's annotations are strings (`from __future__ import
    # annotations`), which a class here would hand the validation as unresolvable names.
    Site = TypedDict("Site", {"site": NotRequired[WorkspaceSpec], "net": NotRequired[WorkspaceNetworkArgs]})  # noqa: UP013
    register_network_rules(Site, "site", "net")
    net = {
        "virtualNetworkId": "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg"
        "/providers/Microsoft.Network/virtualNetworks/vnet",
        "hostSubnetName": "host",
        "containerSubnetName": "container",
    }
    assert [
        str(p)
        for p in validation.problems(Site, {"site": {"name": "etl-dev", "publicNetworkAccess": "Disabled"}})
    ] == [
        "site.publicNetworkAccess: Disabled needs VNet injection and Private Link: add net (the workspace is"
        " then reached through its private endpoint only)"
    ]
    assert [
        str(p)
        for p in validation.problems(Site, {"site": {"name": "etl-dev", "noPublicIp": False}, "net": net})
    ] == [
        "site.noPublicIp: false is refused with a private network: back-end Private Link needs secure"
        " cluster connectivity (Learn, databricks/security/network/classic/private-link, requirements)"
    ]
    assert [
        p.path
        for p in validation.problems(
            Site,
            {
                "site": {
                    "existing": {"resourceId": EXISTING_ID, "url": "https://adb-42.3.azuredatabricks.net/"}
                },
                "net": net,
            },
        )
    ] == ["net"]
    assert (
        validation.problems(
            Site, {"site": {"name": "etl-dev", "publicNetworkAccess": "Disabled"}, "net": net}
        )
        == []
    )
    # A spec of the wrong type is its own problem; the rules do not read into it.
    assert [p.path for p in validation.problems(Site, {"site": "x", "net": net})] == ["site"]
    # A broken key a rule reads, in the spec or the network, hides the rule.
    assert [p.path for p in validation.problems(Site, {"site": {"existing": "x"}, "net": net})] == [
        "site.existing"
    ]
    broken_net = {**net, "virtualNetworkId": "vnet"}
    assert [
        p.path
        for p in validation.problems(
            Site, {"site": {"name": "etl-dev", "noPublicIp": False}, "net": broken_net}
        )
    ] == ["net.virtualNetworkId"]
