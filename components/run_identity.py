"""RunIdentity: the Databricks principal that Data Factory's notebook runs execute as (`run_as`).

Whatever names that principal inside the workspace (a SINGLE_USER cluster's
`single_user_name`, Unity Catalog grants, notebook folder permissions) needs it before the
factory first logs in, so it is known here, ahead of the factory:

- token mode: the token's owner, i.e. whoever the workspace's Databricks provider
  authenticates as (the deployer). `databricks_current_user.user_name` is the user name, or
  the application id for a service principal (terraform-provider-databricks
  docs/data-sources/current_user.md).
- msi mode: a user-assigned managed identity the factory carries. Its client (application)
  id is known from ARM (a system-assigned identity's is not: ARM reports only its principal
  id), and it is declared in the workspace as a service principal with that application id,
  so grants can name it before ADF's first call. With the Databricks account id, the deployer
  also gets the Service Principal User role on it, which a job that runs as it needs.
"""

# Args module read by Pulumi's component analyzer: no `from __future__ import annotations`.
# validation.parse fills every default, so keys with a default are read with [].
# pyright: reportTypedDictNotRequiredAccess=false

from typing import TypedDict

import pulumi
import pulumi_azure_native.managedidentity as managedidentity
import pulumi_databricks as databricks
from typing_extensions import NotRequired

from . import outputs, validation
from .arm import RESOURCE_GROUP_NAME, TAGS
from .enums import AuthMode
from .validation import rule, rules

NIL_UUID = "00000000-0000-0000-0000-000000000000"
"""The placeholder an example stack carries: it matches the pattern, so it is refused by name."""

ACCOUNT_ID = rule(
    "a Databricks account id (a UUID, shown in the account console's user menu)",
    pattern=r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",
    # The nil UUID deploys the identity, then the rule set fails (no such account): refuse
    # it at preview, saying where the real value is.
    refused={
        NIL_UUID: f"{NIL_UUID} is a placeholder: set your Databricks account id, shown in the"
        " account console (https://accounts.azuredatabricks.net) under your user name, top right"
    },
)
"""The Databricks account the workspace belongs to (rule set names start with it)."""

DEPLOYERS = rule(
    "Databricks principals, each named once",
    uniqueItems=True,
    items=rule(
        "a Databricks principal: users/<user name>, servicePrincipals/<application id> or groups/<group name>",
        pattern=r"^(users/[^/\s]+@[^/\s]+|servicePrincipals/[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}"
        r"-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|groups/[^/]+)$",
    ),
)
"""Who else deploys the stack (principal names as in access_control_rule_set.md's grant_rules)."""


@rules(
    resource_group_name=RESOURCE_GROUP_NAME,
    tags=TAGS,
    protect=rule(default=False),
    allow_cluster_create=rule(default=True),
    account_id=ACCOUNT_ID,
    deployers=DEPLOYERS,
)
class RunIdentityArgs(TypedDict):
    """Inputs of RunIdentity."""

    mode: AuthMode
    """How the factory authenticates to the workspace (AuthSpec's mode)."""
    resource_group_name: pulumi.Input[str]
    """Resource group of the user-assigned identity (mode msi)."""
    location: NotRequired[pulumi.Input[str] | None]
    """Region of the user-assigned identity; the resource group's when unset."""
    tags: NotRequired[dict[str, str]]
    """Tags for the user-assigned identity."""
    protect: NotRequired[bool]
    """Protect the user-assigned identity: replacing it changes the principal every grant names."""
    allow_cluster_create: NotRequired[bool]
    """Let the identity create clusters (mode msi; default true): ADF creates a job cluster for
    every activity run in job and pool modes; not needed for an existing or interactive cluster."""
    account_id: NotRequired[str | None]
    """The Databricks account id (mode msi): the deployer then gets the Service Principal User
    role on the identity, which setting a job's run_as to it requires."""
    deployers: NotRequired[list[str]]
    """Every principal that deploys the stack (mode msi with account_id): `users/<name>`,
    `servicePrincipals/<application id>` or `groups/<name>`. They get the same roles as the
    current deployer, who is always included."""


class RunIdentity(pulumi.ComponentResource):
    """The identity ADF's Databricks runs execute as, known before the factory exists.

    Pass the workspace's Databricks provider with `opts=ResourceOptions(providers=[provider])`.
    """

    run_as: pulumi.Output[str]
    """Databricks user name of the principal runs execute as: a user's name, or a service
    principal's application (client) id."""
    identity: managedidentity.UserAssignedIdentity | None
    """The user-assigned identity the factory authenticates as (mode msi)."""
    service_principal: databricks.ServicePrincipal | None
    """That identity, declared in the workspace (mode msi)."""
    rule_set: databricks.AccessControlRuleSet | None
    """Who holds which role on that identity (mode msi with account_id): the deployer, as its
    manager and user."""

    def __init__(self, name: str, args: RunIdentityArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        args = validation.parse(RunIdentityArgs, args, f"RunIdentity {name}: ")
        super().__init__("adf-databricks:index:RunIdentity", name, None, opts)
        self.identity = None
        self.service_principal = None
        self.rule_set = None
        self._job_run_as: pulumi.Output[str] | None = None
        if args["mode"] is AuthMode.TOKEN:
            # The provider that creates the token authenticates as its owner.
            me = databricks.get_current_user_output(opts=pulumi.InvokeOutputOptions(parent=self))
            self.run_as = me.user_name
        else:
            self.identity = managedidentity.UserAssignedIdentity(
                f"{name}-identity",
                resource_group_name=args["resource_group_name"],
                location=args.get("location"),
                tags=dict(args["tags"]),
                opts=pulumi.ResourceOptions(parent=self, protect=args["protect"]),
            )
            # An Entra service principal is added to a workspace by its application id
            # (terraform-provider-databricks docs/resources/service_principal.md); a managed
            # identity's application id is its client id.
            self.service_principal = databricks.ServicePrincipal(
                f"{name}-service-principal",
                application_id=self.identity.client_id,
                display_name=self.identity.name,
                allow_cluster_create=args["allow_cluster_create"],
                opts=pulumi.ResourceOptions(parent=self),
            )
            # Read from the declared principal, so anything granting to `run_as` waits for it.
            self.run_as = self.service_principal.application_id
            account_id = args.get("account_id")
            if account_id:
                self.rule_set = self._deployer_roles(
                    name, account_id, self.service_principal, args.get("deployers") or []
                )
                # The same name, carrying the rule set as a dependency.
                self._job_run_as = pulumi.Output.all(self.rule_set.id, self.run_as).apply(lambda ids: ids[1])
        outputs.register(self)

    @property
    def job_run_as(self) -> pulumi.Output[str]:
        """`run_as` for a job's run_as: in mode msi with account_id, known once the deployer
        holds the Service Principal User role on it, so a job that names it waits for that."""
        return self._job_run_as if self._job_run_as is not None else self.run_as

    def _deployer_roles(
        self,
        name: str,
        account_id: str,
        principal: databricks.ServicePrincipal,
        deployers: list[str],
    ) -> databricks.AccessControlRuleSet:
        """The deployers (the current one and `deployers`) as managers and users of the identity.

        Setting a job's `run_as` to a service principal "requires the servicePrincipal/user role"
        (databricks-sdk-go service/jobs/model.go, JobRunAs), workspace admins included (Databricks
        docs, admin/workspace-settings/restrict-workspace-admins, "Default permissions"). The
        creator of a service principal is its manager but "do[es] not inherit the Service
        Principal User role" (docs, security/auth/access-control/service-principal-acl;
        terraform-provider-databricks#4821). The rule set is authoritative
        (docs/resources/access_control_rule_set.md), so it names the manager role too, which
        the deployer holds as the creator.

        Authoritative also means that naming only the current deployer strips every other
        deployer of both roles: the next `pulumi up` by another one (CI after a local run) cannot
        update a job (each update re-sends run_as), rewrite this rule set or destroy. So every
        deployer is named, the current one always, sorted so that the same set previews unchanged.
        """
        current = databricks.get_current_user_output(opts=pulumi.InvokeOutputOptions(parent=self))
        principals = current.acl_principal_id.apply(lambda me: sorted({*deployers, me}))
        return databricks.AccessControlRuleSet(
            f"{name}-rule-set",
            name=pulumi.Output.concat(
                "accounts/", account_id, "/servicePrincipals/", principal.application_id, "/ruleSets/default"
            ),
            grant_rules=[
                databricks.AccessControlRuleSetGrantRuleArgs(role=role, principals=principals)
                for role in ("roles/servicePrincipal.manager", "roles/servicePrincipal.user")
            ],
            opts=pulumi.ResourceOptions(parent=self),
        )
