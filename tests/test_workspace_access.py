"""WorkspaceAccess: managed identity by default, or a rotated token inline or in Key Vault."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest

from components import validation
from components.validation import InvalidArgs
from components.workspace_access import (
    CONTRIBUTOR,
    KEY_VAULT_SECRETS_OFFICER,
    KEY_VAULT_SECRETS_USER,
    RBAC_PROPAGATION,
    AuthSpec,
    WorkspaceAccess,
    WorkspaceAccessArgs,
    assignment_name,
    expiry_seconds,
    principal_type_of,
    vault_name,
)
from tests.conftest import Render, base, databricks_linked_service, run_program
from tools import engine

LS = "azure-native:datafactory:LinkedService"
GRANT = "azure-native:authorization:RoleAssignment"
SLEEP = "time:index/sleep:Sleep"
KEY_VAULT_TOKEN = {"mode": "token", "tokenLifetimeDays": 90, "rotateAfterDays": 60}


def role_definition(role: str) -> str:
    return f"/subscriptions/{engine.SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/{role}"


def grant_named(result: engine.Result, suffix: str) -> engine.Registration:
    return next(r for r in result.of_type(GRANT) if r.name.endswith(suffix))


def test_msi_grants_contributor_to_the_run_as_identity_on_the_workspace_only(render: Render) -> None:
    result = render(base())
    grant = result.one(GRANT)
    ws = result.one("azure-native:databricks:Workspace")
    identity = result.one("azure-native:managedidentity:UserAssignedIdentity")
    inputs = grant.raw_inputs
    assert inputs["scope"] == engine.arm_id(
        "adf-databricks-test", "Microsoft.Databricks", "workspaces", "adf-databricks-test"
    )
    assert inputs["roleDefinitionId"] == role_definition(CONTRIBUTOR)
    # The user-assigned identity the runs execute as, not the factory's system identity.
    assert inputs["principalId"] == engine.IDENTITY_PRINCIPAL != engine.FACTORY_PRINCIPAL
    assert inputs["principalType"] == "ServicePrincipal"
    assert grant.delete_before_replace
    assert {ws.urn, identity.urn} <= set(grant.dependencies)
    props = databricks_linked_service(result).inputs["properties"]
    assert props["authentication"] == "MSI"
    assert props["workspaceResourceId"] == inputs["scope"]
    assert props["credential"] == {"referenceName": "DatabricksRunAs", "type": "CredentialReference"}
    assert "accessToken" not in props
    # No token machinery in msi mode.
    assert not [
        r
        for r in result.resources
        if r.type in ("databricks:index/token:Token", "azure-native:keyvault:Vault")
    ]


def test_msi_credential_wraps_the_user_assigned_identity(render: Render) -> None:
    result = render(base())
    credential = result.one("azure-native:datafactory:CredentialOperation")
    factory = result.one("azure-native:datafactory:Factory")
    identity = result.one("azure-native:managedidentity:UserAssignedIdentity")
    identity_id = engine.arm_id(
        "adf-databricks-test",
        "Microsoft.ManagedIdentity",
        "userAssignedIdentities",
        "adf-databricks-run-as-identity-0a1b2c3",
    )
    assert credential.raw_inputs["credentialName"] == "DatabricksRunAs"
    assert credential.raw_inputs["factoryName"] == result.outputs["factoryName"]
    assert credential.raw_inputs["properties"]["type"] == "ManagedIdentity"
    assert credential.raw_inputs["properties"]["resourceId"] == identity_id
    # The factory carries the identity before a credential may reference it.
    assert {factory.urn, identity.urn} <= set(credential.dependencies)
    ls = databricks_linked_service(result)
    assert credential.urn in ls.dependencies


def test_assignment_names_derive_from_scope_principal_and_role(render: Render) -> None:
    grant = render(base()).one(GRANT).raw_inputs
    assert grant["roleAssignmentName"] == assignment_name(
        grant["scope"], grant["principalId"], grant["roleDefinitionId"]
    )
    # Stable: the same assignment always has the same name.
    assert render(base()).one(GRANT).raw_inputs["roleAssignmentName"] == grant["roleAssignmentName"]


def test_assignment_names_differ_across_subscriptions_of_one_tenant(
    render: Render, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same stack deployed into another subscription of the tenant gets other names."""
    first = render(base()).one(GRANT).raw_inputs["roleAssignmentName"]
    other = "99999999-9999-9999-9999-999999999999"
    monkeypatch.setattr(engine, "SUBSCRIPTION", other)
    monkeypatch.setitem(engine.CLIENT_CONFIG, "subscriptionId", other)
    second = render(base()).one(GRANT).raw_inputs
    assert f"/subscriptions/{other}/" in second["scope"]
    assert second["roleAssignmentName"] != first


@pytest.mark.parametrize(
    ("changed", "index"),
    [("/subscriptions/x/resourceGroups/other", 0), ("other-principal", 1), ("other-role", 2)],
)
def test_assignment_name_changes_with_each_part(changed: str, index: int) -> None:
    parts = ["/subscriptions/x/resourceGroups/rg", "principal", "role"]
    other = list(parts)
    other[index] = changed
    assert assignment_name(*parts) != assignment_name(*other)


def test_assignment_name_ignores_the_case_of_arm_ids() -> None:
    assert assignment_name("/subscriptions/X/resourceGroups/RG", "P", "R") == assignment_name(
        "/subscriptions/x/resourcegroups/rg", "p", "r"
    )


def test_token_in_key_vault(render: Render) -> None:
    result = render(base(auth=KEY_VAULT_TOKEN))
    rotation = result.one("time:index/rotating:Rotating")
    token = result.one("databricks:index/token:Token")
    vault = result.one("azure-native:keyvault:Vault")
    secret = result.one("azure-native:keyvault:Secret")
    grant = grant_named(result, "-vault-secrets-user")
    assert rotation.inputs == {"rotationDays": 60}
    assert token.inputs["lifetimeSeconds"] == 90 * 86400
    # The seed names the stack and component; the rotation time replaces the token when due.
    assert token.inputs["comment"] == (
        "Azure Data Factory linked service (adf-databricks/test/adf-databricks-data-factory-access),"
        " issued 2026-01-01T00:00:00Z"
    )
    assert rotation.urn in token.dependencies
    assert token.replace_on_changes == ["comment", "lifetimeSeconds"]
    # Rotation replaces the token, new before old.
    assert "comment" in token.replace_on_changes and not token.delete_before_replace
    # The SDKs' own guarantees the stack relies on (the component no longer repeats them).
    assert "tokenValue" in token.additional_secret_outputs
    props = vault.inputs["properties"]
    assert props["enableRbacAuthorization"] is True
    assert props["enableSoftDelete"] is True
    assert props["tenantId"] == engine.TENANT
    # Named after the subscription, group, stack and when the stack created the vault (a
    # time.Static), kept after create: a stack deployed again after destroy does not meet the
    # soft-deleted vault, and a vault deployed under an earlier name keeps it.
    assert vault.inputs["vaultName"] == vault_name(
        engine.SUBSCRIPTION, "adf-databricks-test", "test", engine.WATCHED_SINCE_UNIX
    )
    assert len(vault.inputs["vaultName"]) <= 24
    assert "vaultName" in vault.ignore_changes
    created = next(r for r in result.of_type("time:index/static:Static") if r.name.endswith("-vault-created"))
    assert created.urn in vault.dependencies
    assert vault_name("s", "g", "test", 1) != vault_name("s", "g", "test", 2)
    assert secret.inputs["properties"]["value"] == engine.SECRET
    # The Secret's outputs hold the token too; azure-native does not mark them secret itself.
    assert secret.additional_secret_outputs == ["properties"]
    assert secret.raw_inputs["properties"]["value"] == engine.TOKEN_VALUE
    assert grant.raw_inputs["scope"].endswith(
        f"/providers/Microsoft.KeyVault/vaults/{vault.inputs['vaultName']}"
    )
    assert vault.urn in grant.dependencies
    assert grant.raw_inputs["roleDefinitionId"] == role_definition(KEY_VAULT_SECRETS_USER)
    assert grant.raw_inputs["principalId"] == engine.FACTORY_PRINCIPAL
    store = next(r for r in result.of_type(LS) if r.inputs["properties"]["type"] == "AzureKeyVault")
    assert store.inputs["properties"]["baseUrl"] == f"https://{vault.inputs['vaultName']}.vault.azure.net/"
    props = databricks_linked_service(result).inputs["properties"]
    assert props["accessToken"] == {
        "type": "AzureKeyVaultSecret",
        "store": {"referenceName": "AzureKeyVault", "type": "LinkedServiceReference"},
        "secretName": "databricks-access-token",
    }
    assert "authentication" not in props and "credential" not in props
    # The token owner, not a managed identity, is who runs execute as.
    assert result.of_type("azure-native:managedidentity:UserAssignedIdentity") == []


def test_deployer_may_delete_the_secret_it_created(render: Render) -> None:
    """azure-native deletes a secret through the vault's data plane: the deployer gets Key Vault
    Secrets Officer on this vault only, and the secret is ordered after (deleted before) it."""
    result = render(base(auth=KEY_VAULT_TOKEN))
    vault = result.one("azure-native:keyvault:Vault")
    secret = result.one("azure-native:keyvault:Secret")
    deployer = grant_named(result, "-vault-deployer-secrets-officer")
    inputs = deployer.raw_inputs
    assert inputs["principalId"] == engine.CLIENT_CONFIG["objectId"]
    assert inputs["roleDefinitionId"] == role_definition(KEY_VAULT_SECRETS_OFFICER)
    assert inputs["scope"] == engine.arm_id(
        "adf-databricks-test", "Microsoft.KeyVault", "vaults", vault.inputs["vaultName"]
    )
    # The mock deployer is a service principal (Databricks reports servicePrincipals/<app id>).
    assert inputs["principalType"] == "ServicePrincipal"
    assert inputs["roleAssignmentName"] == assignment_name(
        inputs["scope"], inputs["principalId"], inputs["roleDefinitionId"]
    )
    assert deployer.urn in secret.dependencies
    # Nobody but the deployer gets more than reading on the vault.
    assert {g.raw_inputs["roleDefinitionId"] for g in result.of_type(GRANT)} == {
        role_definition(KEY_VAULT_SECRETS_OFFICER),
        role_definition(KEY_VAULT_SECRETS_USER),
    }


@pytest.mark.parametrize(
    ("acl_principal_id", "expected"),
    [
        ("servicePrincipals/33333333-3333-3333-3333-333333333333", "ServicePrincipal"),
        ("users/someone@example.com", "User"),
    ],
)
def test_principal_type_of_the_deployer(acl_principal_id: str, expected: str) -> None:
    assert principal_type_of(acl_principal_id) == expected


def test_secret_expires_with_the_token(render: Render) -> None:
    secret = render(base(auth=KEY_VAULT_TOKEN)).one("azure-native:keyvault:Secret")
    # The mock token's expiry_time is 1_775_000_000_000 ms; Key Vault's `exp` is in seconds.
    assert secret.raw_inputs["properties"]["attributes"] == {"expires": 1_775_000_000}


# -1 is "no expiry"; 0 is not a time Databricks gives, and the edge: any positive time is one.
@pytest.mark.parametrize(
    ("ms", "seconds"), [(1_775_000_000_999, 1_775_000_000), (1, 0), (0, None), (-1, None), (None, None)]
)
def test_expiry_seconds(ms: int | None, seconds: int | None) -> None:
    assert expiry_seconds(ms) == seconds


def test_vault_immutable_properties_do_not_follow_protect(render: Render) -> None:
    """Soft-delete retention cannot change and purge protection cannot be turned off, so
    toggling `protect` must change neither."""
    unprotected = render(base(auth={"mode": "token"})).one("azure-native:keyvault:Vault")
    protected = render(base(protect=True, auth={"mode": "token"})).one("azure-native:keyvault:Vault")
    assert protected.protect and not unprotected.protect
    assert protected.inputs == unprotected.inputs
    props = protected.inputs["properties"]
    assert props["softDeleteRetentionInDays"] == 7
    assert "enablePurgeProtection" not in props
    # Vaults made by earlier versions (90 days, purge protection) are left as they are.
    assert set(protected.ignore_changes) == {
        "vaultName",
        "properties.softDeleteRetentionInDays",
        "properties.enablePurgeProtection",
    }


@pytest.mark.parametrize(
    ("auth", "grant_suffix"),
    [({"mode": "msi"}, "-workspace-contributor"), (KEY_VAULT_TOKEN, "-vault-secrets-user")],
)
def test_grants_are_followed_by_a_propagation_wait(
    render: Render, auth: dict[str, object], grant_suffix: str
) -> None:
    result = render(base(auth=auth))
    wait = result.one(SLEEP)
    grant = grant_named(result, grant_suffix)
    assert wait.inputs["createDuration"] == RBAC_PROPAGATION == "10m"
    # Re-run (replaced) only when a grant the runs need is replaced.
    assert wait.raw_inputs["triggers"] == {grant_suffix[1:]: grant_id(grant)}
    assert {g.urn for g in result.of_type(GRANT)} <= set(wait.dependencies)


def grant_id(grant: engine.Registration) -> str:
    inputs = grant.raw_inputs
    return (
        f"{inputs['scope']}/providers/Microsoft.Authorization/roleAssignments/{inputs['roleAssignmentName']}"
    )


def test_linked_service_does_not_wait_for_the_grant(render: Render) -> None:
    """Creating the linked service uses nothing of the grant, so it is not ordered after it."""
    result = render(base())
    grant = result.one(GRANT)
    assert grant.urn not in databricks_linked_service(result).dependencies


def test_inline_token_is_a_secret_secure_string(render: Render) -> None:
    result = render(base(auth={"mode": "token", "keyVault": False}))
    assert result.of_type("azure-native:keyvault:Vault") == []
    assert result.of_type(GRANT) == []
    # Nothing to propagate, nothing to wait for.
    assert result.of_type(SLEEP) == []
    ls = databricks_linked_service(result)
    assert ls.inputs["properties"]["accessToken"] == {"type": "SecureString", "value": engine.SECRET}
    assert ls.raw_inputs["properties"]["accessToken"]["value"] == engine.TOKEN_VALUE
    assert "properties.accessToken.value" in ls.secret_paths


def test_token_never_appears_in_plain_text(render: Render) -> None:
    for auth in ({"mode": "token"}, {"mode": "token", "keyVault": False}):
        result = render(base(auth=auth))
        shown = json.dumps([r.inputs for r in result.resources]) + json.dumps(result.outputs)
        # Components' registered outputs go into the state; a plain token there is readable by
        # anyone with `pulumi stack export`.
        shown += json.dumps(result.registered_outputs)
        assert result.registered_outputs
        assert engine.TOKEN_VALUE not in shown
        assert engine.TOKEN_VALUE not in json.dumps(result.raw_outputs)
        assert not any(engine.TOKEN_VALUE in line for line in result.log)


SYSTEM_IDENTITY_PROGRAM = """
import pulumi
from components.data_factory import DataFactory, DataFactoryArgs
from components.enums import AuthMode
from components.workspace_access import AuthSpec

DataFactory(
    "df",
    DataFactoryArgs(
        resource_group_name="rg",
        workspace_url="https://adb-1.azuredatabricks.net",
        workspace_resource_id="/subscriptions/s/resourceGroups/rg/providers/Microsoft.Databricks/workspaces/w",
        cluster_fields={},
        auth=AuthSpec(mode=AuthMode.MSI),
    ),
)
"""


def test_component_without_a_user_assigned_identity_uses_the_system_identity(tmp_path: Path) -> None:
    """Used on its own, DataFactory in msi mode still works as Learn describes it."""
    program = tmp_path / "program.py"
    program.write_text(SYSTEM_IDENTITY_PROGRAM)
    result = engine.run({}, "test", preview=False, program=program)
    assert result.one(GRANT).raw_inputs["principalId"] == engine.FACTORY_PRINCIPAL
    assert result.one("azure-native:datafactory:Factory").inputs["identity"] == {"type": "SystemAssigned"}
    assert result.of_type("azure-native:datafactory:CredentialOperation") == []
    assert "credential" not in databricks_linked_service(result).inputs["properties"]


def test_token_rotation_default_follows_a_short_lifetime(render: Render) -> None:
    result = render(base(auth={"mode": "token", "tokenLifetimeDays": 30}))
    assert result.one("time:index/rotating:Rotating").inputs == {"rotationDays": 20}
    assert result.one("databricks:index/token:Token").inputs["lifetimeSeconds"] == 30 * 86400


@pytest.mark.parametrize(
    ("auth", "problems"),
    [
        (
            {"tokenLifetimeDays": 30, "keyVault": False},
            [
                "auth.tokenLifetimeDays: applies only with auth.mode token",
                "auth.keyVault: applies only with auth.mode token",
            ],
        ),
        (
            {"mode": "token", "tokenLifetimeDays": 1, "rotateAfterDays": 0, "keyVault": "yes"},
            [
                "auth.tokenLifetimeDays: expected an integer from 2 to 730, got 1",
                "auth.rotateAfterDays: expected an integer from 1 to 729, got 0",
                "auth.keyVault: expected true or false, got 'yes'",
            ],
        ),
        (
            {"rotateAfterDays": 10, "mode": "token", "tokenLifetimeDays": 10},
            ["auth.rotateAfterDays: expected fewer days than auth.tokenLifetimeDays (10), got 10"],
        ),
        ({"mode": "TOKEN", "keyVault": True}, ["auth.mode: expected one of msi, token, got 'TOKEN'"]),
        (
            {"mode": "token", "tokenLifetimeDays": 1000},
            ["auth.tokenLifetimeDays: expected an integer from 2 to 730, got 1000"],
        ),
        ({"mode": "token", "tokenLifetimeDays": 2}, []),
    ],
)
def test_auth_spec_problems_all_at_once(auth: dict[str, Any], problems: list[str]) -> None:
    assert [str(p) for p in validation.problems(AuthSpec, auth, "auth")] == problems


def test_component_refuses_bad_args_with_every_problem() -> None:
    # No mocks are set: reaching the engine would fail differently.
    args = {
        "auth": {"keyVault": False},
        "factory_name": "adf",
        "factory_principal_id": "p",
        "resource_group_name": "rg.",
        "workspace_resource_id": "w",
        "identity_id": "/subscriptions/s/resourceGroups/rg/providers/x/userAssignedIdentities/i",
    }
    with pytest.raises(InvalidArgs) as caught:
        WorkspaceAccess("a", args)  # type: ignore[arg-type]
    # A missing key sorts after all its object (here the top) holds, where it would be added.
    assert str(caught.value).splitlines() == [
        "WorkspaceAccess a: auth.keyVault: applies only with auth.mode token",
        "WorkspaceAccess a: resourceGroupName: expected a resource group name (1-90 letters, digits,"
        " - _ . ( ), not ending in .), got 'rg.'",
        "WorkspaceAccess a: identityPrincipalId: expected the principal id of the user-assigned"
        " identity given as identityId, got nothing",
    ]


@pytest.mark.parametrize(
    ("auth", "refused"),
    [
        ({"mode": "msi"}, True),
        ({"mode": "token", "keyVault": False}, True),
        ({"mode": "token"}, False),
        ({"mode": "token", "keyVault": True}, False),
    ],
)
def test_a_private_vault_needs_a_vault(auth: dict[str, Any], refused: bool) -> None:
    args = {
        "auth": auth,
        "factory_name": "adf",
        "factory_principal_id": "p",
        "resource_group_name": "rg",
        "workspace_resource_id": "w",
        "private_vault": True,
    }
    found = [
        str(p)
        for p in validation.problems(WorkspaceAccessArgs, validation.to_document(WorkspaceAccessArgs, args))
    ]
    assert found == (
        [
            "privateVault: applies only with auth.mode token and auth.keyVault true: there is no vault otherwise"
        ]
        if refused
        else []
    )
    assert (
        validation.problems(
            WorkspaceAccessArgs, validation.to_document(WorkspaceAccessArgs, {**args, "private_vault": False})
        )
        == []
    )


PLAIN_STRING_MODE_PROGRAM = """
from components.data_factory import DataFactory

DataFactory(
    "df",
    {
        "resource_group_name": "rg",
        "workspace_url": "https://adb-1.2.azuredatabricks.net",
        "workspace_resource_id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Databricks/workspaces/w",
        "cluster_fields": {},
        "auth": {"mode": "token", "key_vault": False, "token_lifetime_days": 10},
    },
)
"""


def test_auth_mode_as_a_plain_string(tmp_path: Path) -> None:
    """`{"mode": "token"}`, as other Pulumi languages send it, is token mode."""
    result = run_program(tmp_path, PLAIN_STRING_MODE_PROGRAM)
    assert result.one("databricks:index/token:Token").inputs["lifetimeSeconds"] == 10 * 86400
    assert result.one("time:index/rotating:Rotating").inputs == {"rotationDays": 6}
    props = databricks_linked_service(result).inputs["properties"]
    assert props["accessToken"] == {"type": "SecureString", "value": engine.SECRET}
    assert result.of_type(GRANT) == []


def test_a_token_is_rotated_when_configured(render: Render) -> None:
    auth = {"mode": "token", "tokenLifetimeDays": 90, "rotateAfterDays": 30}
    assert render(base(auth=auth)).one("time:index/rotating:Rotating").inputs == {"rotationDays": 30}


def test_an_assignment_name_is_the_uuid5_of_its_lower_cased_parts() -> None:
    expected = uuid.uuid5(uuid.NAMESPACE_URL, "/subscriptions/x/resourcegroups/rg/p/r")
    assert assignment_name("/subscriptions/X/resourceGroups/RG", "P", "R") == str(expected)


ATTRIBUTES_PROGRAM = """
import pulumi
from components.data_factory import DataFactory

df = DataFactory(
    "df",
    {
        "resource_group_name": "rg",
        "workspace_url": "https://adb-1.2.azuredatabricks.net",
        "workspace_resource_id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Databricks/workspaces/w",
        "cluster_fields": {},
        "auth": %r,
        "linked_service": {"integration_runtime": "SelfHosted"},
        "serverless": %r,
    },
)
access = df.access
pulumi.export("absent", [n for n in ("token", "vault", "credential", "deployer_grant") if getattr(access, n) is None])
pulumi.export("grants", len(access.grants))
pulumi.export("serverless", df.serverless_linked_service is not None)
"""


@pytest.mark.parametrize(
    ("auth", "serverless", "absent", "grants"),
    [
        ({"mode": "msi"}, False, ["token", "vault", "credential", "deployer_grant"], 1),
        ({"mode": "token"}, True, ["credential"], 1),
        ({"mode": "token", "key_vault": False}, False, ["vault", "credential", "deployer_grant"], 0),
    ],
)
def test_python_programs_see_what_each_mode_declares(
    tmp_path: Path, auth: dict[str, Any], serverless: bool, absent: list[str], grants: int
) -> None:
    """What a mode does not declare is None (no grants: an empty list), and each Azure
    Databricks linked service runs through the configured integration runtime."""
    result = run_program(tmp_path, ATTRIBUTES_PROGRAM % (auth, serverless))
    assert result.outputs == {"absent": absent, "grants": grants, "serverless": serverless}
    linked = [
        r.inputs["properties"]
        for r in result.of_type("azure-native:datafactory:LinkedService")
        if r.inputs["properties"]["type"] == "AzureDatabricks"
    ]
    assert len(linked) == (2 if serverless else 1)
    for props in linked:
        assert props["connectVia"] == {"referenceName": "SelfHosted", "type": "IntegrationRuntimeReference"}


ADOPTED_ELSEWHERE = (
    "/subscriptions/77777777-7777-7777-7777-777777777777/resourceGroups/shared"
    "/providers/Microsoft.Databricks/workspaces/analytics"
)


def test_an_adopted_workspace_in_another_subscription_gets_that_subscriptions_role(render: Render) -> None:
    """ARM takes a role definition of the scope's subscription (azure-rest-api-specs#10939), not the
    deployer's."""
    result = render(
        base(
            workspace={"existing": {"resourceId": ADOPTED_ELSEWHERE, "url": "adb-1.2.azuredatabricks.net"}},
            unityCatalog={"catalog": "main"},
        )
    )
    grant = result.one(GRANT).raw_inputs
    assert grant["scope"] == ADOPTED_ELSEWHERE
    assert grant["roleDefinitionId"] == (
        "/subscriptions/77777777-7777-7777-7777-777777777777/providers/Microsoft.Authorization"
        f"/roleDefinitions/{CONTRIBUTOR}"
    )
    assert grant["roleAssignmentName"] == assignment_name(
        ADOPTED_ELSEWHERE, grant["principalId"], grant["roleDefinitionId"]
    )


WATCHED_TOKEN_PROGRAM = """
import pulumi
import pulumiverse_time as time
from components.data_factory import DataFactory

watcher, resolve = pulumi.deferred_output()
DataFactory(
    "df",
    {
        "resource_group_name": "rg",
        "workspace_url": "https://adb-1.2.azuredatabricks.net",
        "workspace_resource_id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Databricks/workspaces/w",
        "cluster_fields": {},
        "auth": {"mode": "token"},
        "token_watchers": [watcher, "/fixed/watcher"],
    },
)
# Declared after the factory, as Monitoring is (its subscriptions need the vault).
resolve(time.Static("watcher").id)
"""


def test_token_watchers_trigger_the_rotation_and_come_first(tmp_path: Path) -> None:
    """A component user gives the watchers' ids, known later, through a deferred output: the
    rotation (and so the token and its secret) waits for them, and a change of them replaces it."""
    result = run_program(tmp_path, WATCHED_TOKEN_PROGRAM)
    rotation = result.one("time:index/rotating:Rotating")
    watcher = next(r for r in result.of_type("time:index/static:Static") if r.name == "watcher")
    assert rotation.raw_inputs["triggers"] == {"watcher-0": watcher.id, "watcher-1": "/fixed/watcher"}
    assert rotation.dependencies == [watcher.urn]
    token = result.one("databricks:index/token:Token")
    assert rotation.urn in token.dependencies
    assert token.urn in result.one("azure-native:keyvault:Secret").dependencies


@pytest.mark.parametrize("auth", [{}, {"mode": "token", "keyVault": False}])
def test_token_watchers_need_a_token_in_a_vault(auth: dict[str, Any]) -> None:
    args = {
        "auth": auth,
        "factory_name": "adf",
        "factory_principal_id": "p",
        "resource_group_name": "rg",
        "workspace_resource_id": "w",
        "token_watchers": ["/some/subscription"],
    }
    with pytest.raises(InvalidArgs) as caught:
        WorkspaceAccess("a", args)  # type: ignore[arg-type]
    assert str(caught.value).splitlines() == [
        "WorkspaceAccess a: tokenWatchers: applies only with auth.mode token and auth.keyVault true:"
        " they watch the token's Key Vault secret"
    ]
