"""DataFactory: factory identity, linked service fields, integration runtime, Studio URLs."""

from __future__ import annotations

from typing import Any

import pulumi
import pytest

from components import data_factory, validation
from components.data_factory import DataFactory, DataFactoryArgs, studio_url
from components.validation import InvalidArgs
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


def test_component_refuses_bad_args_with_every_problem() -> None:
    # No mocks are set: reaching the engine would fail differently.
    args: dict[str, Any] = {
        "resource_group_name": "bad/name",
        "workspace_url": "https://adb-1.2.azuredatabricks.net",
        "cluster_fields": {},
        "linked_service": {"name": "Azure.Databricks", "integration_runtime": "ir/x"},
        "tags": {"x": "y" * 257},
        "auth": {"mode": "token", "token_lifetime_days": 5, "rotate_after_days": 5},
    }
    with pytest.raises(InvalidArgs) as caught:
        DataFactory("df", args)  # type: ignore[arg-type]
    name = "a Data Factory name (letter, digit or _ first; none of . + ? / < > * % & : \\ #; at most 140 characters)"
    assert str(caught.value).splitlines() == [
        "DataFactory df: resourceGroupName: expected a resource group name (1-90 letters, digits,"
        " - _ . ( ), not ending in .), got 'bad/name'",
        "DataFactory df: linkedService.name: expected " + name + ", got 'Azure.Databricks'",
        "DataFactory df: linkedService.integrationRuntime: expected " + name + ", got 'ir/x'",
        f"DataFactory df: tags.x: expected a string of at most 256 characters, got '{'y' * 257}'",
        "DataFactory df: auth.rotateAfterDays: expected fewer days than auth.tokenLifetimeDays (5), got 5",
        # A missing key: after all its object holds, where it would be added.
        "DataFactory df: workspaceResourceId: is required",
    ]


def test_component_refuses_token_watchers_without_a_vault_before_the_factory() -> None:
    args = {
        "resource_group_name": "rg",
        "workspace_url": "https://adb-1.2.azuredatabricks.net",
        "workspace_resource_id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Databricks/workspaces/w",
        "cluster_fields": {},
        "auth": {"mode": "token", "key_vault": False},
        "token_watchers": ["/some/subscription"],
    }
    with pytest.raises(
        InvalidArgs, match=r"DataFactory df: tokenWatchers: applies only with auth\.mode token"
    ):
        DataFactory("df", args)  # type: ignore[arg-type]


def test_component_refuses_a_user_assigned_identity_without_its_principal() -> None:
    """Before the factory is declared, not when its WorkspaceAccess is."""
    args = {
        "resource_group_name": "rg",
        "workspace_url": "https://adb-1.2.azuredatabricks.net",
        "workspace_resource_id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Databricks/workspaces/w",
        "cluster_fields": {},
        "identity_id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/i",
    }
    with pytest.raises(InvalidArgs, match="DataFactory df: identityPrincipalId: expected the principal id"):
        DataFactory("df", args)  # type: ignore[arg-type]
    # In token mode the identity only rides along on the factory.
    assert (
        validation.problems(
            DataFactoryArgs, validation.to_document(DataFactoryArgs, {**args, "auth": {"mode": "token"}})
        )
        == []
    )


@pytest.mark.parametrize(
    ("serverless", "name", "problems"),
    [
        (
            True,
            "AzureDatabricksServerless",
            ["linkedService.name: AzureDatabricksServerless is the serverless linked service's name"],
        ),
        (False, "AzureDatabricksServerless", []),
        (True, "Databricks", []),
        (True, None, []),
    ],
)
def test_the_serverless_linked_service_keeps_its_name(
    serverless: bool, name: str | None, problems: list[str]
) -> None:
    """With job activities the factory declares AzureDatabricksServerless too; the notebook
    linked service may not take that name."""
    args = {
        "resource_group_name": "rg",
        "workspace_url": "https://adb-1.2.azuredatabricks.net",
        "workspace_resource_id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Databricks/workspaces/w",
        "cluster_fields": {},
        "serverless": serverless,
        "linked_service": {"name": name} if name else {},
    }
    found = validation.problems(DataFactoryArgs, validation.to_document(DataFactoryArgs, args))
    assert [str(p) for p in found] == problems


def test_studio_links_open_the_factory_home_or_a_page() -> None:
    factory_id = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.DataFactory/factories/adf"
    quoted = (
        "%2Fsubscriptions%2Fs%2FresourceGroups%2Frg%2Fproviders%2FMicrosoft.DataFactory%2Ffactories%2Fadf"
    )
    assert studio_url(factory_id) == f"https://adf.azure.com/en/home?factory={quoted}"
    assert studio_url(factory_id, "monitoring/pipelineruns") == (
        f"https://adf.azure.com/en/monitoring/pipelineruns?factory={quoted}"
    )


def test_a_factory_without_identity_is_an_error_that_says_so() -> None:
    with pytest.raises(pulumi.RunError, match=r"^the factory reported no managed identity$"):
        data_factory._principal_id(None)


WORKSPACE_ID = (
    f"/subscriptions/{engine.SUBSCRIPTION}/resourceGroups/rg/providers/Microsoft.Databricks/workspaces/etl"
)

PRIVATE_FACTORY_PROGRAM = """
from components.data_factory import DataFactory

DataFactory(
    "f",
    {{
        "resource_group_name": "rg",
        "location": "westeurope",
        "workspace_url": "https://{host}",
        "workspace_resource_id": "{workspace}",
        "cluster_fields": {{}},
        "auth": {auth!r},
        "managed_network": True,
        "workspace_endpoint_ids": ["{workspace}-endpoint"],
    }},
)
"""


def private_factory(tmp_path: Any, auth: dict[str, Any]) -> engine.Result:
    from tests.conftest import run_program

    return run_program(
        tmp_path,
        PRIVATE_FACTORY_PROGRAM.format(host=engine.WORKSPACE_HOST, workspace=WORKSPACE_ID, auth=auth),
    )


def test_a_managed_network_and_the_runtime_in_it(tmp_path: Any) -> None:
    result = private_factory(tmp_path, {"mode": "msi"})
    factory = result.one("azure-native:datafactory:Factory")
    network = result.one("azure-native:resources:Resource")
    assert network.inputs == {
        "resourceGroupName": "rg",
        "resourceProviderNamespace": "Microsoft.DataFactory",
        "parentResourcePath": f"factories/{factory.id.rsplit('/', 1)[-1]}",
        "resourceType": "managedVirtualNetworks",
        "resourceName": "default",
        "apiVersion": "2018-06-01",
        "properties": {},
    }
    # No DELETE exists for it (pulumi-azure-native #896): it goes with the factory.
    assert network.retain_on_delete
    runtime = result.one("azure-native:datafactory:IntegrationRuntime")
    assert runtime.inputs["integrationRuntimeName"] == "ManagedVnetIntegrationRuntime"
    assert runtime.inputs["properties"] == {
        "type": "Managed",
        "description": "Runs the Databricks linked services inside the managed virtual network",
        "managedVirtualNetwork": {"referenceName": "default", "type": "ManagedVirtualNetworkReference"},
        "computeProperties": {"location": "AutoResolve"},
    }
    assert network.urn in runtime.dependencies
    linked = databricks_linked_service(result).inputs["properties"]
    assert linked["connectVia"] == {
        "referenceName": "ManagedVnetIntegrationRuntime",
        "type": "IntegrationRuntimeReference",
    }


def test_the_workspace_endpoint_is_requested_after_the_workspaces_own_and_approved(tmp_path: Any) -> None:
    result = private_factory(tmp_path, {"mode": "msi"})
    (endpoint,) = result.of_type("azure-native:datafactory:ManagedPrivateEndpoint")
    assert endpoint.inputs["managedVirtualNetworkName"] == "default"
    assert endpoint.inputs["managedPrivateEndpointName"] == "AzureDatabricksWorkspace"
    assert endpoint.inputs["properties"] == {
        "groupId": "databricks_ui_api",
        "privateLinkResourceId": WORKSPACE_ID,
    }
    assert result.one("azure-native:resources:Resource").urn in endpoint.dependencies
    approval = result.one("azure-native:databricks:PrivateEndpointConnection").inputs
    factory = result.one("azure-native:datafactory:Factory").id.rsplit("/", 1)[-1]
    # The name Azure gave the connection (the mocks list one only once the endpoint exists).
    assert approval["privateEndpointConnectionName"] == f"{factory}.AzureDatabricksWorkspace-8f3c2a1b"
    assert (approval["resourceGroupName"], approval["workspaceName"]) == ("rg", "etl")
    assert approval["properties"]["privateLinkServiceConnectionState"] == {
        "status": "Approved",
        "description": f"Approved by the stack for Data Factory {factory}",
    }
    assert [i.token for i in result.invokes if i.token.endswith("getWorkspace")] == [
        "azure-native:databricks:getWorkspace"
    ]
    # msi mode: no vault, nothing else private.
    assert result.of_type("azure-native:keyvault:PrivateEndpointConnection") == []


def test_in_token_mode_the_vault_is_private_too_and_its_linked_service_runs_in_the_network(
    tmp_path: Any,
) -> None:
    result = private_factory(tmp_path, {"mode": "token"})
    vault = result.one("azure-native:keyvault:Vault")
    assert vault.inputs["properties"]["publicNetworkAccess"] == "disabled"
    endpoints = {
        e.inputs["properties"]["groupId"]: e
        for e in result.of_type("azure-native:datafactory:ManagedPrivateEndpoint")
    }
    assert endpoints["vault"].inputs["properties"]["privateLinkResourceId"] == vault.id
    assert endpoints["vault"].inputs["managedPrivateEndpointName"] == "AzureKeyVault"
    approval = result.one("azure-native:keyvault:PrivateEndpointConnection").inputs
    factory = result.one("azure-native:datafactory:Factory").id.rsplit("/", 1)[-1]
    assert approval["vaultName"] == vault.inputs["vaultName"]
    assert approval["privateEndpointConnectionName"] == f"{factory}.AzureKeyVault-8f3c2a1b"
    assert approval["privateLinkServiceConnectionState"]["status"] == "Approved"
    key_vault_service = next(
        r
        for r in result.of_type("azure-native:datafactory:LinkedService")
        if r.inputs["properties"]["type"] == "AzureKeyVault"
    )
    assert (
        key_vault_service.inputs["properties"]["connectVia"]["referenceName"]
        == "ManagedVnetIntegrationRuntime"
    )


def test_a_public_factory_has_no_managed_network_and_a_public_vault(render: Render) -> None:
    result = render(base(auth={"mode": "token"}))
    assert result.of_type("azure-native:datafactory:IntegrationRuntime") == []
    assert result.of_type("azure-native:resources:Resource") == []
    assert result.one("azure-native:keyvault:Vault").inputs["properties"]["publicNetworkAccess"] == "enabled"
    assert all(
        "connectVia" not in r.inputs["properties"]
        for r in result.of_type("azure-native:datafactory:LinkedService")
    )


def test_a_connection_not_listed_yet_is_an_error_that_says_what_to_do() -> None:
    endpoint = "/subscriptions/x/resourceGroups/m/providers/Microsoft.Network/privateEndpoints"
    assert (
        data_factory.connection_named(
            [("a", f"{endpoint}/ws-ui-api"), ("b", f"{endpoint}/ADF1.AzureKeyVault")],
            "adf1",
            "AzureKeyVault",
            "v",
        )
        == "b"
    )
    with pytest.raises(
        pulumi.RunError,
        match=r"v has no private endpoint connection from adf1\.AzureKeyVault yet"
        r" \(its connections: ws-ui-api\).*run `pulumi up` again",
    ):
        data_factory.connection_named([("a", f"{endpoint}/ws-ui-api")], "adf1", "AzureKeyVault", "v")


def test_component_refuses_a_runtime_of_its_own_in_the_managed_network() -> None:
    args = {
        "resource_group_name": "rg",
        "workspace_url": "https://adb-1.2.azuredatabricks.net",
        "workspace_resource_id": WORKSPACE_ID,
        "cluster_fields": {},
        "linked_service": {"integration_runtime": "SelfHosted"},
        "managed_network": True,
    }
    with pytest.raises(InvalidArgs) as caught:
        DataFactory("f", args)  # type: ignore[arg-type]
    assert str(caught.value).splitlines() == [
        "DataFactory f: linkedService.integrationRuntime: applies without managedNetwork: the linked"
        " services connect via ManagedVnetIntegrationRuntime, the runtime in the factory's managed"
        " virtual network",
    ]
    with pytest.raises(InvalidArgs, match="workspaceEndpointIds: applies only with managedNetwork true"):
        DataFactory(
            "f", {**args, "linked_service": {}, "managed_network": False, "workspace_endpoint_ids": ["x"]}
        )  # type: ignore[arg-type]


def test_every_resource_of_a_private_factory_passes_microsofts_models(tmp_path: Any) -> None:
    from tools import contract

    result = private_factory(tmp_path, {"mode": "token"})
    checked = 0
    for r in result.resources:
        if contract.is_generic_datafactory(r.type, r.inputs):
            assert contract.check_generic(r.inputs, label=r.name) == []
            checked += 1
        elif contract.is_datafactory(r.type):
            assert contract.check_resource(r.type, r.inputs, label=r.name) == []
            checked += 1
    # Factory, network, runtime, two endpoints, the Key Vault and Databricks linked services.
    assert checked == 7
