"""WorkspaceAccess: how Data Factory authenticates to Databricks (managed identity or a rotated token)."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_azure_native.authorization as authorization
import pulumi_azure_native.datafactory as datafactory
import pulumi_azure_native.keyvault as keyvault
import pulumi_databricks as databricks
import pulumiverse_time as time

from components.enums import AuthMode

CONTRIBUTOR = "b24988ac-6180-42a0-ab88-20f7382dd24c"
KEY_VAULT_SECRETS_USER = "4633458b-17de-408a-b874-0445c86b69e6"
SECONDS_PER_DAY = 86_400


@dataclass(frozen=True)
class AuthSpec:
    """Authentication settings. Validated by components.settings when read from config."""

    mode: AuthMode = AuthMode.MSI
    """msi (default) or token."""
    token_lifetime_days: int = 90
    """Token lifetime (mode token)."""
    rotate_after_days: int = 60
    """Days after which the next `pulumi up` issues a new token; below the lifetime."""
    key_vault: bool = True
    """Keep the token in a Key Vault the factory reads (mode token); inline SecureString otherwise."""


@dataclass(frozen=True)
class WorkspaceAccessArgs:
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
    location: pulumi.Input[str] | None = None
    """Region of the Key Vault."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Tags for the Key Vault and its secret."""
    protect: bool = False
    """Protect the Key Vault and turn on purge protection."""
    key_vault_linked_service_name: str = "AzureKeyVault"
    """Name of the factory's Key Vault linked service (token with key_vault)."""


def assignment_name(*parts: str) -> str:
    """A role assignment name (a GUID) that is the same on every run for the same parts."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "adf-databricks/" + "/".join(parts)))


def vault_name(subscription_id: str, resource_group: str, stack: str) -> str:
    """A Key Vault name: globally unique per subscription, group and stack, stable, 3-24 chars."""
    digest = hashlib.sha256(f"{subscription_id}/{resource_group}/{stack}".encode()).hexdigest()
    return f"kv-adfdbx-{digest[:14]}"


class WorkspaceAccess(pulumi.ComponentResource):
    """Grants the factory access to the workspace and yields the linked service's auth fields.

    In token mode the Databricks provider comes from `opts=ResourceOptions(providers=[...])`.
    """

    linked_service_auth: dict[str, Any]
    """Keyword arguments for `AzureDatabricksLinkedServiceArgs` (authentication part)."""
    grants: list[pulumi.Resource]
    """Role assignments that let the factory's identity reach the workspace or the vault."""
    token: databricks.Token | None
    """The rotated access token (mode token)."""
    vault: keyvault.Vault | None
    """The Key Vault holding the token (mode token with key_vault)."""

    def __init__(
        self, name: str, args: WorkspaceAccessArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("adf-databricks:index:WorkspaceAccess", name, None, opts)
        client = authorization.get_client_config_output(opts=pulumi.InvokeOutputOptions(parent=self))
        seed = f"{pulumi.get_project()}/{pulumi.get_stack()}/{name}"
        self.token = None
        self.vault = None
        if args.auth.mode is AuthMode.MSI:
            self._managed_identity(name, args, client, seed)
        else:
            self._rotated_token(name, args, client, seed)
        self.register_outputs({"authMode": args.auth.mode.value})

    def _managed_identity(
        self, name: str, args: WorkspaceAccessArgs, client: pulumi.Output[Any], seed: str
    ) -> None:
        """The factory's identity becomes Contributor on the workspace, and nothing else."""
        self.grants = [
            self._grant(
                f"{name}-workspace-contributor",
                client,
                CONTRIBUTOR,
                args.workspace_resource_id,
                args.factory_principal_id,
                seed,
            )
        ]
        self.linked_service_auth = {
            "authentication": "MSI",
            "workspace_resource_id": args.workspace_resource_id,
        }

    def _rotated_token(
        self, name: str, args: WorkspaceAccessArgs, client: pulumi.Output[Any], seed: str
    ) -> None:
        """A token replaced before it expires, inline or kept in a Key Vault the factory reads."""
        rotation = time.Rotating(
            f"{name}-token-rotation",
            rotation_days=args.auth.rotate_after_days,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.token = databricks.Token(
            f"{name}-token",
            # The rotation timestamp in the comment replaces the token when the rotation
            # period has passed; Pulumi creates the new token before deleting the old one.
            comment=pulumi.Output.concat(
                "Azure Data Factory linked service (", seed, "), issued ", rotation.rfc3339
            ),
            lifetime_seconds=args.auth.token_lifetime_days * SECONDS_PER_DAY,
            opts=pulumi.ResourceOptions(
                parent=self,
                replace_on_changes=["comment", "lifetimeSeconds"],
                additional_secret_outputs=["tokenValue"],
            ),
        )
        token_value = pulumi.Output.secret(self.token.token_value)
        if not args.auth.key_vault:
            self.grants = []
            self.linked_service_auth = {
                "access_token": datafactory.SecureStringArgs(type="SecureString", value=token_value)
            }
            return

        self.vault = keyvault.Vault(
            f"{name}-vault",
            vault_name=pulumi.Output.all(client.subscription_id, args.resource_group_name).apply(
                lambda ids: vault_name(ids[0], ids[1], pulumi.get_stack())
            ),
            resource_group_name=args.resource_group_name,
            location=args.location,
            properties=keyvault.VaultPropertiesArgs(
                tenant_id=client.tenant_id,
                sku=keyvault.SkuArgs(family="A", name=keyvault.SkuName.STANDARD),
                enable_rbac_authorization=True,
                enable_soft_delete=True,
                # The name is stable, so a destroyed vault blocks re-creation while it is
                # soft-deleted: keep that short unless the stack is protected.
                soft_delete_retention_in_days=90 if args.protect else 7,
                # Azure refuses an explicit false; leaving it unset means off.
                enable_purge_protection=True if args.protect else None,
            ),
            tags=dict(args.tags),
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect),
        )
        secret = keyvault.Secret(
            f"{name}-token-secret",
            resource_group_name=args.resource_group_name,
            vault_name=self.vault.name,
            secret_name="databricks-access-token",
            properties=keyvault.SecretPropertiesArgs(
                value=token_value,
                content_type="Databricks personal access token",
            ),
            tags=dict(args.tags),
            opts=pulumi.ResourceOptions(parent=self, additional_secret_outputs=["properties"]),
        )
        self.grants = [
            self._grant(
                f"{name}-vault-secrets-user",
                client,
                KEY_VAULT_SECRETS_USER,
                self.vault.id,
                args.factory_principal_id,
                seed,
            )
        ]
        store = datafactory.LinkedService(
            f"{name}-keyvault-linked-service",
            factory_name=args.factory_name,
            resource_group_name=args.resource_group_name,
            linked_service_name=args.key_vault_linked_service_name,
            properties=datafactory.AzureKeyVaultLinkedServiceArgs(
                type="AzureKeyVault",
                base_url=self.vault.properties.vault_uri,
                description="Key Vault holding the Databricks access token",
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
        resource_name: str,
        client: pulumi.Output[Any],
        role: str,
        scope: pulumi.Input[str],
        principal_id: pulumi.Input[str],
        seed: str,
    ) -> authorization.RoleAssignment:
        """Give the factory identity one role on one scope, under a stable assignment name."""
        return authorization.RoleAssignment(
            resource_name,
            role_assignment_name=assignment_name(seed, role),
            role_definition_id=pulumi.Output.concat(
                "/subscriptions/",
                client.subscription_id,
                "/providers/Microsoft.Authorization/roleDefinitions/",
                role,
            ),
            principal_id=principal_id,
            principal_type="ServicePrincipal",
            scope=scope,
            # A new factory identity or workspace replaces the assignment under the same
            # stable name, which Azure only accepts once the old one is gone.
            opts=pulumi.ResourceOptions(parent=self, delete_before_replace=True),
        )
