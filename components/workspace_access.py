"""WorkspaceAccess: how Data Factory authenticates to Databricks (managed identity or a rotated token).

`AuthSpec` is also the stack config's `auth` section: its rules below are the ones config is
checked with.
"""

# Args module read by Pulumi's component analyzer: no `from __future__ import annotations`.
# validation.parse fills every default, so keys with a default are read with [].
# pyright: reportTypedDictNotRequiredAccess=false

import functools
import hashlib
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import Any, TypedDict

import pulumi
import pulumi_azure_native.authorization as authorization
import pulumi_azure_native.datafactory as datafactory
import pulumi_azure_native.keyvault as keyvault
import pulumi_databricks as databricks
import pulumiverse_time as time
from typing_extensions import NotRequired

from . import outputs, validation
from .arm import RESOURCE_GROUP_NAME, TAGS
from .enums import AuthMode
from .names import DATA_FACTORY_NAME
from .run_identity import ACCOUNT_ID, DEPLOYERS
from .validation import check, checks, rule, rules, shown_default

# Built-in role definition ids (Microsoft Learn, "Azure built-in roles"; the same in every
# subscription).
CONTRIBUTOR = "b24988ac-6180-42a0-ab88-20f7382dd24c"
KEY_VAULT_SECRETS_USER = "4633458b-17de-408a-b874-0445c86b69e6"
"""Read secret contents (`Microsoft.KeyVault/vaults/secrets/getSecret/action`)."""
KEY_VAULT_SECRETS_OFFICER = "b86a8fe4-44ce-4948-aee5-eccb2c155cd7"
"""`Microsoft.KeyVault/vaults/secrets/*` data actions: the least built-in role that deletes a secret."""

RBAC_PROPAGATION = "10m"
"""How long a new role assignment may take to apply: "When you assign roles or remove role
assignments, it can take up to 10 minutes for changes to take effect" (Microsoft Learn,
role-based-access-control/troubleshooting.md, "Role assignment changes are not being detected")."""

VAULT_SOFT_DELETE_RETENTION_DAYS = 7
"""Fixed for every vault: Azure refuses to change it once set ("The property
softDeleteRetentionInDays has been set already and it can't be modified", quoted in
terraform-provider-azurerm internal/services/keyvault/key_vault_resource.go). 7 is the minimum,
so a destroyed stack's vault name is free again soonest."""

SECONDS_PER_DAY = 86_400


DEFAULT_AUTH_MODE = AuthMode.MSI
DEFAULT_TOKEN_LIFETIME_DAYS = 90
DEFAULT_ROTATE_AFTER_DAYS = 60
DEFAULT_KEY_VAULT = True
TOKEN_KEYS = ("tokenLifetimeDays", "rotateAfterDays", "keyVault")
"""AuthSpec keys of mode token, refused in mode msi. Their defaults (above) are applied by the
component, not by rules: a rule's default would hide whether the key was written, and the
rotation's default follows the lifetime."""


@rules(
    mode=rule(default=DEFAULT_AUTH_MODE),
    # The defaults of TOKEN_KEYS are shown in the schema, applied by the component (the
    # rotation's follows the lifetime: see its docstring).
    # A token lives at least 2 days so that it can be rotated a day before it expires.
    token_lifetime_days=shown_default(rule(minimum=2, maximum=730), DEFAULT_TOKEN_LIFETIME_DAYS),
    rotate_after_days=rule(minimum=1, maximum=729),
    key_vault=shown_default(rule(), DEFAULT_KEY_VAULT),
    account_id=ACCOUNT_ID,
    deployers=DEPLOYERS,
)
class AuthSpec(TypedDict):
    """How Data Factory authenticates to the Databricks workspace."""

    mode: NotRequired[AuthMode]
    """msi (default): the factory authenticates as a user-assigned managed identity, which gets
    Contributor on the workspace only, and the notebooks run as it. token: a rotated Databricks
    personal access token, as the Learn module teaches; the notebooks run as the deployer."""
    token_lifetime_days: NotRequired[int]
    """Token lifetime in days, 2 to 730 (mode token; default 90): at least 2, so that the token
    can rotate before it expires."""
    rotate_after_days: NotRequired[int]
    """Days after which the next `pulumi up` issues a new token, below the lifetime (mode token;
    default 60, or two thirds of a shorter lifetime)."""
    key_vault: NotRequired[bool]
    """Keep the token in a Key Vault (RBAC, soft delete) that the factory reads through an Azure
    Key Vault linked service (mode token; default true); false puts it inline as a SecureString."""
    account_id: NotRequired[str]
    """Your Databricks account's id (mode msi; refused in mode token, where jobs run as the
    deployer), required with a job activity. Only a holder of the Service Principal User role on
    the identity Data Factory runs as (a workspace admin too) may make a job run as it, and the
    deployer does not hold it by default: the stack grants it through that service principal's
    rule set, which the account id names. The nil UUID, a placeholder, is refused."""
    deployers: NotRequired[list[str]]
    """Every Databricks principal that deploys the stack besides whoever runs `pulumi up`
    (with accountId), in any order: `users/<name>`, `servicePrincipals/<application id>` or
    `groups/<name>` (a group is the usual answer). Each gets the roles the current deployer gets
    on the identity: Service Principal Manager and User."""


def auth_mode(auth: AuthSpec) -> AuthMode:
    """The mode of an AuthSpec, its default when unset (a plain string is taken too)."""
    return AuthMode(auth.get("mode", DEFAULT_AUTH_MODE))


def rotation_days(lifetime_days: int, rotate_after_days: int | None = None) -> int:
    """When a token is replaced: as given, else after 60 days or two thirds of a shorter lifetime."""
    if rotate_after_days is not None:
        return rotate_after_days
    return min(DEFAULT_ROTATE_AFTER_DAYS, lifetime_days * 2 // 3)


def _token_only(key: str, auth: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    if auth["mode"] == AuthMode.MSI and key in auth:
        yield key, "applies only with auth.mode token"


for _key in TOKEN_KEYS:
    check(AuthSpec, functools.partial(_token_only, _key), "mode", _key)


@checks(AuthSpec, "mode", "accountId")
def _msi_only(auth: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    if auth["mode"] == AuthMode.TOKEN and "accountId" in auth:
        yield "accountId", "applies only with auth.mode msi: in mode token jobs run as the deployer"


@checks(AuthSpec, "accountId", "deployers")
def _deployers_need_account(auth: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    if "deployers" in auth and "accountId" not in auth:
        yield (
            "deployers",
            "applies only with auth.accountId: it names who gets roles on the factory's identity",
        )


@checks(AuthSpec, "mode", "tokenLifetimeDays", "rotateAfterDays")
def _rotated_before_expiry(auth: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    lifetime = auth.get("tokenLifetimeDays", DEFAULT_TOKEN_LIFETIME_DAYS)
    rotate = rotation_days(lifetime, auth.get("rotateAfterDays"))
    if auth["mode"] == AuthMode.TOKEN and rotate >= lifetime:
        yield (
            "rotateAfterDays",
            f"expected fewer days than auth.tokenLifetimeDays ({lifetime}), got {rotate}",
        )


@rules(
    resource_group_name=RESOURCE_GROUP_NAME,
    tags=TAGS,
    protect=rule(default=False),
    key_vault_linked_service_name=replace(DATA_FACTORY_NAME, default="AzureKeyVault"),
    credential_name=rule("a non-empty string", pattern=r"\S", default="DatabricksRunAs"),
    private_vault=rule(default=False),
)
class WorkspaceAccessArgs(TypedDict):
    """Inputs of WorkspaceAccess."""

    auth: AuthSpec
    """Which authentication to set up."""
    factory_name: pulumi.Input[str]
    """The Data Factory that connects to the workspace."""
    factory_principal_id: pulumi.Input[str]
    """Object id of the factory's system-assigned identity."""
    resource_group_name: pulumi.Input[str]
    """Resource group for the Key Vault and the factory's linked services."""
    workspace_resource_id: pulumi.Input[str]
    """ARM id of the Databricks workspace."""
    location: NotRequired[pulumi.Input[str] | None]
    """Region of the Key Vault."""
    tags: NotRequired[dict[str, str]]
    """Tags for the Key Vault and its secret."""
    protect: NotRequired[bool]
    """Protect the Key Vault against deletion by Pulumi (its immutable settings do not depend on it)."""
    key_vault_linked_service_name: NotRequired[str]
    """Name of the factory's Key Vault linked service (token with keyVault; default AzureKeyVault)."""
    identity_id: NotRequired[pulumi.Input[str] | None]
    """ARM id of a user-assigned identity the factory carries (mode msi): the linked service then
    authenticates as it, through a factory credential, instead of as the system-assigned identity."""
    identity_principal_id: NotRequired[pulumi.Input[str] | None]
    """Object id of that user-assigned identity (required with identityId in mode msi); it gets
    Contributor on the workspace."""
    credential_name: NotRequired[str]
    """Name of the factory credential wrapping the user-assigned identity (default DatabricksRunAs)."""
    token_watchers: NotRequired[list[pulumi.Input[str]] | None]
    """ARM ids of the Event Grid subscriptions on the Key Vault that watch the token's secret
    (mode token with keyVault). Key Vault raises events only for secret versions written after
    a subscription exists, so the token is issued once they exist and re-issued when they
    change. They watch `vault`, which this component creates: pass Outputs resolved once they
    are declared (`pulumi.deferred_output()`), as AdfDatabricks does."""
    private_vault: NotRequired[bool]
    """Turn the vault's public network access off (mode token with keyVault; default false): the
    factory then reads it through a managed private endpoint (DataFactory with managedNetwork)."""
    integration_runtime_name: NotRequired[pulumi.Input[str] | None]
    """Integration runtime the Key Vault linked service connects via (the managed network's);
    the factory's auto-resolve runtime when unset."""


def keeps_token_in_vault(auth: AuthSpec) -> bool:
    """Whether an AuthSpec keeps a token in a Key Vault (mode token, keyVault unless false)."""
    return auth_mode(auth) is AuthMode.TOKEN and auth.get("key_vault", DEFAULT_KEY_VAULT)


@checks(WorkspaceAccessArgs, "auth", "tokenWatchers")
def token_watchers_need_a_vault(args: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """Only a token kept in a Key Vault has a secret whose events can be watched."""
    auth = args.get("auth", {})
    mode = auth.get("mode", DEFAULT_AUTH_MODE)
    if args.get("tokenWatchers") and (mode != AuthMode.TOKEN or not auth.get("keyVault", DEFAULT_KEY_VAULT)):
        yield (
            "tokenWatchers",
            "applies only with auth.mode token and auth.keyVault true: they watch the token's"
            " Key Vault secret",
        )


@checks(WorkspaceAccessArgs, "auth", "privateVault")
def _private_vault_needs_a_vault(args: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    auth = args.get("auth", {})
    mode = auth.get("mode", DEFAULT_AUTH_MODE)
    if args["privateVault"] and (mode != AuthMode.TOKEN or not auth.get("keyVault", DEFAULT_KEY_VAULT)):
        yield (
            "privateVault",
            "applies only with auth.mode token and auth.keyVault true: there is no vault otherwise",
        )


@checks(WorkspaceAccessArgs, "auth", "identityId", "identityPrincipalId")
def identity_with_principal(args: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """In mode msi a user-assigned identity comes with its principal id, which gets the grant."""
    mode = args["auth"].get("mode", DEFAULT_AUTH_MODE)  # auth is required
    if mode == AuthMode.MSI and "identityId" in args and "identityPrincipalId" not in args:
        yield (
            "identityPrincipalId",
            "expected the principal id of the user-assigned identity given as identityId, got nothing",
        )


def integration_runtime_reference(
    name: pulumi.Input[str] | None,
) -> datafactory.IntegrationRuntimeReferenceArgs | None:
    """A linked service's `connectVia`: the named runtime, or none (auto-resolve)."""
    if name is None:
        return None
    return datafactory.IntegrationRuntimeReferenceArgs(
        reference_name=name, type="IntegrationRuntimeReference"
    )


def assignment_name(scope: str, principal_id: str, role_definition_id: str) -> str:
    """The name (a GUID) of the assignment of one role to one principal on one scope.

    Role assignment names are unique in the whole Entra tenant, and an assignment cannot be
    changed, only replaced. Microsoft's advice is a GUID made from the scope, the principal
    and the role together (`guid(scope, principalId, roleDefinitionId)`; Learn,
    role-based-access-control/troubleshooting.md and azure-resource-manager/bicep/scenarios-rbac.md):
    the same assignment always gets the same name, and any other assignment (another
    subscription, workspace, identity or role) another one. ARM ids are case-insensitive, so
    the parts are lower-cased: a change of case in what Azure reports renames nothing.
    """
    key = "/".join(part.lower() for part in (scope, principal_id, role_definition_id))
    return str(uuid.uuid5(uuid.NAMESPACE_URL, key))


def role_definition_of(scope: str, role: str) -> str:
    """The id of a built-in role definition in the subscription of an ARM scope."""
    subscription = scope.split("/")[2] if scope.lower().startswith("/subscriptions/") else ""
    if not subscription:
        raise ValueError(f"expected an ARM id under /subscriptions/<id>, got {scope!r}")
    return f"/subscriptions/{subscription}/providers/Microsoft.Authorization/roleDefinitions/{role}"


def vault_name(subscription_id: str, resource_group: str, stack: str, created_unix: int) -> str:
    """A Key Vault name: unique per subscription, group, stack and creation, stable, 3-24 chars.

    The creation time is there because a deleted vault stays soft-deleted, its name taken, for
    its retention (Learn, key-vault/general/soft-delete-overview: "you can't create a key vault
    with the same name" until it is purged or recovered): a stack deployed again after
    `pulumi destroy` gets a vault of its own instead.
    """
    key = f"{subscription_id}/{resource_group}/{stack}/{created_unix}"
    digest = hashlib.sha256(key.encode()).hexdigest()
    return f"kv-adfdbx-{digest[:14]}"


def principal_type_of(acl_principal_id: str) -> str:
    """ARM's principalType for a Databricks principal: `databricks_current_user.acl_principal_id`
    is `servicePrincipals/<application id>` or `users/<user name>`
    (terraform-provider-databricks scim/data_current_user.go)."""
    return "ServicePrincipal" if acl_principal_id.startswith("servicePrincipals/") else "User"


def expiry_seconds(expiry_time_ms: int | None) -> int | None:
    """A Databricks token's `expiry_time` (epoch milliseconds, -1 for none; databricks-sdk-go
    service/settings/model.go `PublicTokenInfo.ExpiryTime`) as Key Vault's `exp` attribute
    (epoch seconds; azure-native keyvault `SecretAttributesArgs.expires`)."""
    if expiry_time_ms is None or expiry_time_ms <= 0:
        return None
    return expiry_time_ms // 1000


class WorkspaceAccess(pulumi.ComponentResource):
    """Grants the factory access to the workspace and yields the linked service's auth fields.

    In token mode the Databricks provider comes from `opts=ResourceOptions(providers=[...])`.
    """

    linked_service_auth: dict[str, Any]
    """Keyword arguments for `AzureDatabricksLinkedServiceArgs` (authentication part)."""
    grants: list[authorization.RoleAssignment]
    """Role assignments the factory's runs need (to the workspace, or to the vault)."""
    credential: datafactory.CredentialOperation | None
    """The factory credential of the user-assigned identity (mode msi with `identity_id`)."""
    token: databricks.Token | None
    """The rotated access token (mode token)."""
    vault: keyvault.Vault | None
    """The Key Vault holding the token (mode token with key_vault)."""
    deployer_grant: authorization.RoleAssignment | None
    """Key Vault Secrets Officer on the vault for whoever runs `pulumi`, so the secret can be
    deleted (mode token with key_vault)."""
    # pulumiverse_time's classes carry no `pulumi_type`, so Pulumi's component analyzer cannot
    # reference them: Python callers read it through the `grants_propagated` property.
    _grants_propagated: time.Sleep | None

    def __init__(
        self, name: str, args: WorkspaceAccessArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        args = validation.parse(WorkspaceAccessArgs, args, f"WorkspaceAccess {name}: ")
        super().__init__("adf-databricks:index:WorkspaceAccess", name, None, opts)
        client = authorization.get_client_config_output(opts=pulumi.InvokeOutputOptions(parent=self))
        seed = f"{pulumi.get_project()}/{pulumi.get_stack()}/{name}"
        self.token = None
        self.vault = None
        self.credential = None
        self.deployer_grant = None
        self.grants = []
        self._triggers: dict[str, pulumi.Output[str]] = {}
        mode = auth_mode(args["auth"])
        if mode is AuthMode.MSI:
            self._managed_identity(name, args, client)
        else:
            self._rotated_token(name, args, client, seed)
        self._grants_propagated = None
        if self.grants:
            # The grants exist once created, but apply only when RBAC has propagated them.
            # Waiting here, on create and whenever a grant is replaced (new id, new trigger),
            # makes "pulumi up finished" mean "a run can authenticate".
            self._grants_propagated = time.Sleep(
                f"{name}-grants-propagation",
                create_duration=RBAC_PROPAGATION,
                triggers=self._triggers,
                opts=pulumi.ResourceOptions(
                    parent=self,
                    depends_on=[*self.grants, *([self.deployer_grant] if self.deployer_grant else [])],
                ),
            )
        outputs.register(self)

    @property
    def grants_propagated(self) -> time.Sleep | None:
        """Created `RBAC_PROPAGATION` after the grants (again whenever one is replaced); whatever
        starts runs (a schedule trigger) depends on it. None when there are no grants."""
        return self._grants_propagated

    def _managed_identity(self, name: str, args: WorkspaceAccessArgs, client: pulumi.Output[Any]) -> None:
        """One identity of the factory becomes Contributor on the workspace, and nothing else.

        With `identity_id` that is the user-assigned identity, referenced by the linked service
        through a factory credential (AzureDatabricksLinkedService `credential`,
        azure-rest-api-specs datafactory LinkedService.json; Learn data-factory/credentials.md);
        otherwise the factory's system-assigned identity, as Learn's compute-linked-services.md
        describes.
        """
        auth: dict[str, Any] = {
            "authentication": "MSI",
            "workspace_resource_id": args["workspace_resource_id"],
        }
        principal_id = args["factory_principal_id"]
        identity_id = args.get("identity_id")
        if identity_id is not None:
            identity_principal_id = args.get("identity_principal_id")
            assert identity_principal_id is not None  # refused by identity_with_principal
            principal_id = identity_principal_id
            self.credential = datafactory.CredentialOperation(
                f"{name}-credential",
                factory_name=args["factory_name"],
                resource_group_name=args["resource_group_name"],
                credential_name=args["credential_name"],
                properties=datafactory.ManagedIdentityCredentialArgs(
                    type="ManagedIdentity",
                    resource_id=identity_id,
                    description="Identity the Azure Databricks linked service authenticates as",
                ),
                opts=pulumi.ResourceOptions(parent=self),
            )
            auth["credential"] = datafactory.CredentialReferenceArgs(
                reference_name=self.credential.name, type="CredentialReference"
            )
        self.grants = [
            self._grant(
                name,
                "workspace-contributor",
                CONTRIBUTOR,
                args["workspace_resource_id"],
                principal_id,
            )
        ]
        self.linked_service_auth = auth

    def _rotated_token(
        self, name: str, args: WorkspaceAccessArgs, client: pulumi.Output[Any], seed: str
    ) -> None:
        """A token replaced before it expires, inline or kept in a Key Vault the factory reads."""
        auth = args["auth"]
        lifetime = auth.get("token_lifetime_days", DEFAULT_TOKEN_LIFETIME_DAYS)
        # Key Vault raises events "only on new versions of secrets", for subscriptions that
        # exist first (Learn, key-vault/general/event-grid-overview.md), and writing the same
        # value again makes no new version (Azure/bicep#6448,
        # Azure/azure-resource-manager-schemas#1494). So the rotation waits for the watchers,
        # and a change of them replaces it ("These conditions recreate the resource",
        # pulumiverse_time Rotating `triggers`): a new token, whose secret is a new version
        # they see. A stack without watchers sends no triggers, as before.
        watchers = args.get("token_watchers") or []
        rotation = time.Rotating(
            f"{name}-token-rotation",
            rotation_days=rotation_days(lifetime, auth.get("rotate_after_days")),
            triggers={f"watcher-{i}": watcher for i, watcher in enumerate(watchers)} or None,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.token = databricks.Token(
            f"{name}-token",
            # The rotation timestamp in the comment replaces the token when the rotation
            # period has passed; Pulumi creates the new token before deleting the old one.
            comment=pulumi.Output.concat(
                "Azure Data Factory linked service (", seed, "), issued ", rotation.rfc3339
            ),
            lifetime_seconds=lifetime * SECONDS_PER_DAY,
            opts=pulumi.ResourceOptions(
                parent=self,
                replace_on_changes=["comment", "lifetimeSeconds"],
                # tokenValue: secret by pulumi_databricks.Token itself (additional_secret_outputs).
            ),
        )
        token_value = pulumi.Output.secret(self.token.token_value)
        if not auth.get("key_vault", DEFAULT_KEY_VAULT):
            self.linked_service_auth = {
                "access_token": datafactory.SecureStringArgs(type="SecureString", value=token_value)
            }
            return

        # When the stack first deployed its vault, kept in state (pulumiverse_time Static): the
        # name is stable across updates and new after a destroy. Ignored after create, since a
        # new name would replace the vault: vaults deployed before the name carried the time
        # keep theirs. A move to another group or region replaces the vault under its old name,
        # which Azure refuses while the old one exists, so README says to redeploy instead.
        created = time.Static(f"{name}-vault-created", opts=pulumi.ResourceOptions(parent=self))
        stack = pulumi.get_stack()
        self.vault = keyvault.Vault(
            f"{name}-vault",
            vault_name=pulumi.Output.all(
                client.subscription_id, args["resource_group_name"], created.unix
            ).apply(lambda ids: vault_name(ids[0], ids[1], stack, ids[2])),
            resource_group_name=args["resource_group_name"],
            location=args.get("location"),
            properties=keyvault.VaultPropertiesArgs(
                tenant_id=client.tenant_id,
                sku=keyvault.SkuArgs(family="A", name=keyvault.SkuName.STANDARD),
                enable_rbac_authorization=True,
                # Soft delete: the SDK sends its default, true, which once on cannot be turned off
                # (azure-native keyvault VaultPropertiesArgs).
                # Neither of these may change after creation, so neither follows `protect`:
                # retention is fixed (see VAULT_SOFT_DELETE_RETENTION_DAYS), and purge
                # protection stays off (unset: Azure refuses an explicit false, and once on it
                # can never be turned off). The vault holds one token the stack re-issues, so
                # being able to purge it (and re-create the stack) matters more.
                soft_delete_retention_in_days=VAULT_SOFT_DELETE_RETENTION_DAYS,
                # Private: "If set to 'disabled' all traffic except private endpoint traffic and
                # that that originates from trusted services will be blocked" (azure-native
                # VaultPropertiesArgs, Key Vault's own spelling). Unset, the SDK sends its
                # default, 'enabled', as before.
                public_network_access="disabled" if args["private_vault"] else None,
            ),
            tags=dict(args["tags"]),
            opts=pulumi.ResourceOptions(
                parent=self,
                protect=args["protect"],
                # Vaults created by earlier versions (90 days and purge protection when
                # protected) keep what they have instead of failing every update.
                ignore_changes=[
                    "vaultName",
                    "properties.softDeleteRetentionInDays",
                    "properties.enablePurgeProtection",
                ],
            ),
        )
        # azure-native deletes a secret through the vault's data plane
        # (pulumi-azure-native provider/pkg/resources/customresources/custom_keyvault.go), which
        # the deployer's Owner/Contributor does not reach on an RBAC vault. The secret depends on
        # this grant: created after it, deleted (by destroy, or by leaving token mode) before it.
        # Creating and updating the secret go through ARM (secrets/write, in Contributor) and do
        # not wait for it.
        self.deployer_grant = self._grant(
            name,
            "vault-deployer-secrets-officer",
            KEY_VAULT_SECRETS_OFFICER,
            self.vault.id,
            client.object_id,
            # The deployer is a user (az login) or a service principal (CI), and ARM refuses a
            # wrong principalType ("UnmatchedPrincipalType"; azure-native sends "User" when it
            # is unset). The workspace's provider, which creates the token, authenticates as
            # the same deployer, and Databricks tells which kind it is.
            principal_type=databricks.get_current_user_output(
                opts=pulumi.InvokeOutputOptions(parent=self)
            ).acl_principal_id.apply(principal_type_of),
            waited_for=False,
        )
        secret = keyvault.Secret(
            f"{name}-token-secret",
            resource_group_name=args["resource_group_name"],
            vault_name=self.vault.name,
            secret_name="databricks-access-token",
            properties=keyvault.SecretPropertiesArgs(
                value=token_value,
                content_type="Databricks personal access token",
                # Key Vault's own expiry, so its near-expiry signals (Event Grid
                # Microsoft.KeyVault.SecretNearExpiry, 30 days before) follow the real token.
                attributes=keyvault.SecretAttributesArgs(
                    expires=self.token.expiry_time.apply(expiry_seconds),
                ),
            ),
            tags=dict(args["tags"]),
            opts=pulumi.ResourceOptions(
                parent=self,
                additional_secret_outputs=["properties"],
                depends_on=[self.deployer_grant],
            ),
        )
        self.grants = [
            self._grant(
                name,
                "vault-secrets-user",
                KEY_VAULT_SECRETS_USER,
                self.vault.id,
                args["factory_principal_id"],
            )
        ]
        store = datafactory.LinkedService(
            f"{name}-keyvault-linked-service",
            factory_name=args["factory_name"],
            resource_group_name=args["resource_group_name"],
            linked_service_name=args["key_vault_linked_service_name"],
            properties=datafactory.AzureKeyVaultLinkedServiceArgs(
                type="AzureKeyVault",
                base_url=self.vault.properties.vault_uri,
                description="Key Vault holding the Databricks access token",
                connect_via=integration_runtime_reference(args.get("integration_runtime_name")),
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.linked_service_auth = {
            "access_token": datafactory.AzureKeyVaultSecretReferenceArgs(
                type="AzureKeyVaultSecret",
                store=datafactory.LinkedServiceReferenceArgs(
                    reference_name=store.name, type="LinkedServiceReference"
                ),
                secret_name=secret.name,
            )
        }

    def _grant(
        self,
        name: str,
        purpose: str,
        role: str,
        scope: pulumi.Input[str],
        principal_id: pulumi.Input[str],
        principal_type: pulumi.Input[str] = "ServicePrincipal",
        waited_for: bool = True,
    ) -> authorization.RoleAssignment:
        """Give one principal one role on one scope, under the name that assignment always has."""
        # The role definition of the scope's own subscription: an adopted workspace may live in
        # another subscription than the deployer's, and ARM refuses a role definition id from
        # another subscription than the scope's (azure-rest-api-specs#10939). For a scope in the
        # deployer's subscription this is the id it always was, so no assignment is renamed.
        role_definition_id = pulumi.Output.from_input(scope).apply(lambda s: role_definition_of(s, role))
        assignment = authorization.RoleAssignment(
            f"{name}-{purpose}",
            role_assignment_name=pulumi.Output.all(scope, principal_id, role_definition_id).apply(
                lambda parts: assignment_name(*parts)
            ),
            role_definition_id=role_definition_id,
            principal_id=principal_id,
            # Set for the factory's identities: a just-created identity may not have reached
            # every Entra replica, and ARM then needs the type (Learn, role-assignments-template.md).
            principal_type=principal_type,
            scope=scope,
            # Azure refuses a second assignment of the same role to the same principal on the
            # same scope under another name ("RoleAssignmentExists"), which is what replacing
            # a stack's older, differently named assignment would create first: the old one
            # goes first. Any real change (scope, principal, role) changes the name as well.
            opts=pulumi.ResourceOptions(parent=self, delete_before_replace=True),
        )
        if waited_for:
            self._triggers[purpose] = assignment.id
        return assignment
