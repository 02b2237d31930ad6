"""DatabricksWorkspace: created or adopted, and the provider every Databricks resource uses."""

from __future__ import annotations

import pulumi
import pytest

from components.enums import WorkspaceSku
from components.workspace import DatabricksWorkspace, DatabricksWorkspaceArgs, WorkspaceSpec
from tests.conftest import Render, base
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
    # Derived from the subscription and the name: the same on every run.
    assert ws["managedResourceGroupId"] == (
        f"/subscriptions/{engine.SUBSCRIPTION}/resourceGroups/databricks-rg-adf-databricks-test"
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
            }
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
    spec = WorkspaceSpec(name="w", sku="standard")  # type: ignore[arg-type]
    with pytest.raises(
        pulumi.RunError, match=r"sku: standard is refused: Standard-tier workspaces reached end of life"
    ):
        DatabricksWorkspace("w", DatabricksWorkspaceArgs(spec=spec, resource_group_name="rg"))
    assert [m.value for m in WorkspaceSku] == ["premium", "trial"]
