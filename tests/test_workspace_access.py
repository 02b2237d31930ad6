"""WorkspaceAccess: managed identity by default, or a rotated token inline or in Key Vault."""

from __future__ import annotations

import json

from components.workspace_access import CONTRIBUTOR, KEY_VAULT_SECRETS_USER, assignment_name, vault_name
from tests.conftest import Render, base, databricks_linked_service
from tools import engine

LS = "azure-native:datafactory:LinkedService"


def test_msi_grants_contributor_on_the_workspace_only(render: Render) -> None:
    result = render(base())
    grant = result.one("azure-native:authorization:RoleAssignment")
    ws = result.one("azure-native:databricks:Workspace")
    inputs = grant.raw_inputs
    assert inputs["scope"].endswith("/providers/Microsoft.Databricks/workspaces/adf-databricks-test")
    assert inputs["roleDefinitionId"] == (
        f"/subscriptions/{engine.SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/{CONTRIBUTOR}"
    )
    assert inputs["principalId"] == engine.FACTORY_PRINCIPAL
    assert inputs["principalType"] == "ServicePrincipal"
    # Same stable name on replacement: the old assignment must go first.
    assert grant.delete_before_replace
    assert ws.urn in grant.dependencies
    props = databricks_linked_service(result).inputs["properties"]
    assert props["authentication"] == "MSI"
    assert props["workspaceResourceId"] == inputs["scope"]
    assert "accessToken" not in props
    # No token machinery in msi mode.
    assert not [
        r
        for r in result.resources
        if r.type in ("databricks:index/token:Token", "azure-native:keyvault:Vault")
    ]


def test_role_assignment_names_are_stable_guids(render: Render) -> None:
    first = render(base()).one("azure-native:authorization:RoleAssignment").inputs["roleAssignmentName"]
    second = render(base()).one("azure-native:authorization:RoleAssignment").inputs["roleAssignmentName"]
    assert (
        first
        == second
        == assignment_name("adf-databricks/test/adf-databricks-data-factory-access", CONTRIBUTOR)
    )
    other_stack = render(base(), stack="prod").one("azure-native:authorization:RoleAssignment")
    assert other_stack.inputs["roleAssignmentName"] != first


def test_linked_service_does_not_wait_for_the_grant(render: Render) -> None:
    """Creating the linked service uses nothing of the grant, so it is not ordered after it."""
    result = render(base())
    grant = result.one("azure-native:authorization:RoleAssignment")
    assert grant.urn not in databricks_linked_service(result).dependencies


def test_token_in_key_vault(render: Render) -> None:
    result = render(base(auth={"mode": "token", "tokenLifetimeDays": 90, "rotateAfterDays": 60}))
    rotation = result.one("time:index/rotating:Rotating")
    token = result.one("databricks:index/token:Token")
    vault = result.one("azure-native:keyvault:Vault")
    secret = result.one("azure-native:keyvault:Secret")
    grant = result.one("azure-native:authorization:RoleAssignment")
    assert rotation.inputs == {"rotationDays": 60}
    assert token.inputs["lifetimeSeconds"] == 90 * 86400
    assert token.inputs["comment"].endswith("issued 2026-01-01T00:00:00Z")
    assert rotation.urn in token.dependencies
    # Rotation replaces the token, new before old.
    assert "comment" in token.replace_on_changes and not token.delete_before_replace
    assert "tokenValue" in token.additional_secret_outputs
    props = vault.inputs["properties"]
    assert props["enableRbacAuthorization"] is True
    assert props["enableSoftDelete"] is True
    assert "enablePurgeProtection" not in props
    # A stable name blocks re-creation while soft-deleted; unprotected stacks keep that short.
    assert props["softDeleteRetentionInDays"] == 7
    assert props["tenantId"] == engine.TENANT
    assert vault.inputs["vaultName"] == vault_name(engine.SUBSCRIPTION, "adf-databricks-test", "test")
    assert len(vault.inputs["vaultName"]) <= 24
    assert secret.inputs["properties"]["value"] == engine.SECRET
    assert secret.raw_inputs["properties"]["value"] == engine.TOKEN_VALUE
    assert grant.raw_inputs["scope"].endswith(
        f"/providers/Microsoft.KeyVault/vaults/{vault.inputs['vaultName']}"
    )
    assert vault.urn in grant.dependencies
    assert grant.raw_inputs["roleDefinitionId"].endswith(KEY_VAULT_SECRETS_USER)
    store = next(r for r in result.of_type(LS) if r.inputs["properties"]["type"] == "AzureKeyVault")
    assert store.inputs["properties"]["baseUrl"] == f"https://{vault.inputs['vaultName']}.vault.azure.net/"
    props = databricks_linked_service(result).inputs["properties"]
    assert props["accessToken"] == {
        "type": "AzureKeyVaultSecret",
        "store": {"referenceName": "AzureKeyVault", "type": "LinkedServiceReference"},
        "secretName": "databricks-access-token",
    }
    assert "authentication" not in props


def test_protected_token_stack_turns_on_purge_protection(render: Render) -> None:
    result = render(base(protect=True, auth={"mode": "token"}))
    vault = result.one("azure-native:keyvault:Vault")
    assert vault.protect and vault.inputs["properties"]["enablePurgeProtection"] is True
    assert vault.inputs["properties"]["softDeleteRetentionInDays"] == 90


def test_inline_token_is_a_secret_secure_string(render: Render) -> None:
    result = render(base(auth={"mode": "token", "keyVault": False}))
    assert result.of_type("azure-native:keyvault:Vault") == []
    assert result.of_type("azure-native:authorization:RoleAssignment") == []
    ls = databricks_linked_service(result)
    assert ls.inputs["properties"]["accessToken"] == {"type": "SecureString", "value": engine.SECRET}
    assert ls.raw_inputs["properties"]["accessToken"]["value"] == engine.TOKEN_VALUE
    assert "properties.accessToken.value" in ls.secret_paths


def test_token_never_appears_in_plain_text(render: Render) -> None:
    for auth in ({"mode": "token"}, {"mode": "token", "keyVault": False}):
        result = render(base(auth=auth))
        shown = json.dumps([r.inputs for r in result.resources]) + json.dumps(result.outputs)
        assert engine.TOKEN_VALUE not in shown
        assert engine.TOKEN_VALUE not in json.dumps(result.raw_outputs)
        assert not any(engine.TOKEN_VALUE in line for line in result.log)
