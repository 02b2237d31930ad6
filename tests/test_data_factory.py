"""DataFactory: factory identity, linked service fields, integration runtime, Studio URLs."""

from __future__ import annotations

from components.data_factory import studio_url
from tests.conftest import Render, base, databricks_linked_service
from tools import engine


def test_factory_has_system_identity_and_tags(render: Render) -> None:
    result = render(base(tags={"owner": "me"}, auth={"mode": "token"}))
    factory = result.one("azure-native:datafactory:Factory")
    assert factory.inputs["identity"] == {"type": "SystemAssigned"}
    assert factory.inputs["tags"] == {"owner": "me", "environment": "test", "managed-by": "pulumi"}
    assert factory.inputs["location"] == "westeurope"
    assert not factory.protect


def test_msi_factory_carries_the_run_as_identity(render: Render) -> None:
    """In msi mode the factory also carries the user-assigned identity its runs execute as;
    the system-assigned identity stays (other linked services authenticate as it)."""
    result = render(base(tags={"owner": "me"}))
    factory = result.one("azure-native:datafactory:Factory")
    identity = result.one("azure-native:managedidentity:UserAssignedIdentity")
    identity_id = engine.arm_id(
        "adf-databricks-test",
        "Microsoft.ManagedIdentity",
        "userAssignedIdentities",
        "adf-databricks-run-as-identity-0a1b2c3",
    )
    assert factory.raw_inputs["identity"] == {
        "type": "SystemAssigned,UserAssigned",
        "userAssignedIdentities": {identity_id: {}},
    }
    assert identity.urn in factory.dependencies
    assert identity.inputs == {
        "resourceGroupName": "adf-databricks-test",
        "location": "westeurope",
        "tags": {"owner": "me", "environment": "test", "managed-by": "pulumi"},
    }


def test_factory_does_not_wait_for_the_workspace(render: Render) -> None:
    result = render(base())
    factory = result.one("azure-native:datafactory:Factory")
    ws = result.one("azure-native:databricks:Workspace")
    assert ws.urn not in factory.dependencies
    assert factory.provider == ""  # azure-native's default provider, not Databricks'


def test_linked_service(render: Render) -> None:
    ls = databricks_linked_service(render(base()))
    assert ls.inputs["linkedServiceName"] == "AzureDatabricks"
    props = ls.inputs["properties"]
    assert props["type"] == "AzureDatabricks"
    assert props["domain"] == f"https://{engine.WORKSPACE_HOST}"
    assert props["description"]
    assert "connectVia" not in props  # auto-resolve integration runtime


def test_integration_runtime(render: Render) -> None:
    props = databricks_linked_service(render(base(integrationRuntime="SelfHostedIR"))).inputs["properties"]
    assert props["connectVia"] == {"referenceName": "SelfHostedIR", "type": "IntegrationRuntimeReference"}


def test_studio_and_monitor_urls(render: Render) -> None:
    result = render(base())
    factory_id = engine.arm_id(
        "adf-databricks-test", "Microsoft.DataFactory", "factories", result.outputs["factoryName"]
    )
    assert result.outputs["adfStudioUrl"] == studio_url(factory_id)
    assert result.outputs["adfMonitorUrl"].startswith(
        "https://adf.azure.com/en/monitoring/pipelineruns?factory=%2Fsubscriptions%2F"
    )
    assert "%2Ffactories%2F" in result.outputs["adfMonitorUrl"]


def test_protect(render: Render) -> None:
    result = render(base(protect=True))
    assert result.one("azure-native:datafactory:Factory").protect
    # Replacing the identity would change the principal every grant in the workspace names.
    assert result.one("azure-native:managedidentity:UserAssignedIdentity").protect
