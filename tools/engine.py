"""Runs the Pulumi program in-process against a recording mock engine.

`MockResourceArgs` alone lacks what a reviewer (and a test) needs to see, so
`RecordingMonitor` captures each registration as the engine would receive it: parent,
provider, dependencies, protect, and the inputs with their secret and unknown markers.
Two sets of mocks answer the registrations:

- `PlanMocks` (with `preview=True`) behaves like a first `pulumi preview`: values the
  cloud computes are unknown, inputs are echoed back as outputs.
- `CloudMocks` behaves like a finished `pulumi up`: realistic ids, names, URLs and
  identities, so every cross-resource reference resolves to a value tests can check.

No network, no credentials, no Pulumi CLI.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import gc
import hashlib
import io
import logging
import runpy
import sys
from collections.abc import Coroutine, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
from google.protobuf import empty_pb2, struct_pb2
from pulumi.runtime import mocks, rpc, settings
from pulumi.runtime.proto import resource_pb2
from pulumi.runtime.sync_await import _sync_await

ROOT = Path(__file__).resolve().parent.parent
PROJECT = "adf-databricks"
SECRET = "[secret]"
UNKNOWN = "[unknown]"
_SECRET_SIG = {rpc._special_sig_key: rpc._special_secret_sig}

SUBSCRIPTION = "00000000-0000-0000-0000-000000000000"
TENANT = "11111111-1111-1111-1111-111111111111"
FACTORY_PRINCIPAL = "22222222-2222-2222-2222-222222222222"
WORKSPACE_HOST = "adb-1234567890123456.7.azuredatabricks.net"
TOKEN_VALUE = "dapi0123456789abcdef0123456789abcdef-3"
"""The mock Databricks token: it must never appear outside a secret."""
IDENTITY_PRINCIPAL = "55555555-5555-5555-5555-555555555555"
"""Object id of the user-assigned identity the factory runs as (msi mode)."""
IDENTITY_CLIENT = "66666666-6666-6666-6666-666666666666"
"""Client (application) id of that identity: its Databricks user name."""
LOG_ANALYTICS_CUSTOMER_ID = "88888888-8888-8888-8888-888888888888"
"""The workspace id (customerId) of a created Log Analytics workspace."""
WATCHED_SINCE = "2026-01-15T09:30:00Z"
"""When a time.Static was created (a missed-run rule's start of watching)."""
WATCHED_SINCE_UNIX = 1_768_469_400
"""WATCHED_SINCE as unix seconds, a time.Static's `unix`."""


@dataclass
class Registration:
    """One resource as the program registered it."""

    type: str
    name: str
    urn: str
    custom: bool
    parent: str
    provider: str
    inputs: dict[str, Any]
    """Inputs with `[secret]` and `[unknown]` markers, as a plan shows them."""
    raw_inputs: dict[str, Any]
    """Inputs with secrets unwrapped (for assertions on values that are secret)."""
    secret_paths: list[str]
    dependencies: list[str]
    property_dependencies: dict[str, list[str]]
    protect: bool
    delete_before_replace: bool
    replace_on_changes: list[str]
    additional_secret_outputs: list[str]
    ignore_changes: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    """URNs this resource had before (`aliases`), as full URNs."""
    retain_on_delete: bool = False
    id: str = ""
    """The id the mocks gave it (empty for components and in a preview)."""
    hooks: dict[str, list[str]] = field(default_factory=dict)
    """The resource hooks bound to it, by kind (`before_update`: hook names)."""


@dataclass
class Invocation:
    """One call of a provider function (an invoke), as the engine received it."""

    token: str
    provider: str
    """URN of the provider that answered (empty for the default one)."""
    args: dict[str, Any]


@dataclass
class Result:
    """Everything one run of the program declared."""

    resources: list[Registration] = field(default_factory=list)
    outputs: dict[str, Any] = field(default_factory=dict)
    """Stack outputs with `[secret]` and `[unknown]` markers."""
    raw_outputs: dict[str, Any] = field(default_factory=dict)
    """Stack outputs with secrets unwrapped."""
    log: list[str] = field(default_factory=list)
    registered_outputs: dict[str, dict[str, Any]] = field(default_factory=dict)
    """What each component registered as its outputs (`register_outputs`), by URN, with
    `[secret]` and `[unknown]` markers."""
    invokes: list[Invocation] = field(default_factory=list)
    """The provider functions the program called, in order."""

    def of_type(self, type_: str) -> list[Registration]:
        return [r for r in self.resources if r.type == type_]

    def one(self, type_: str) -> Registration:
        found = self.of_type(type_)
        if len(found) != 1:
            names = [r.name for r in found]
            raise AssertionError(f"expected one {type_}, found {len(found)}: {names}")
        return found[0]

    def by_urn(self, urn: str) -> Registration:
        return next(r for r in self.resources if r.urn == urn)


def _from_struct(struct: struct_pb2.Struct) -> dict[str, Any]:
    """A protobuf Struct as plain JSON values, whole numbers as integers."""
    return {key: _from_value(value) for key, value in struct.fields.items()}


def _from_value(value: struct_pb2.Value) -> Any:
    kind = value.WhichOneof("kind")
    if kind == "string_value":
        return value.string_value
    if kind == "number_value":
        number = value.number_value
        return int(number) if number.is_integer() else number
    if kind == "bool_value":
        return value.bool_value
    if kind == "struct_value":
        return _from_struct(value.struct_value)
    if kind == "list_value":
        return [_from_value(item) for item in value.list_value.values]
    return None


def _plain(value: Any) -> Any:
    """Plain JSON values: whole-number doubles (Struct's only numbers) as integers, tuples
    as lists."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _is_secret(value: Any) -> bool:
    return isinstance(value, dict) and value.get(rpc._special_sig_key) == rpc._special_secret_sig


def redact(value: Any) -> Any:
    """Replace secrets by `[secret]` and unknowns by `[unknown]`."""
    if _is_secret(value):
        return SECRET
    if value == rpc.UNKNOWN:
        return UNKNOWN
    if isinstance(value, dict):
        return {k: redact(v) for k, v in value.items()}
    if isinstance(value, list):
        return [redact(v) for v in value]
    return value


def reveal(value: Any, path: str = "", found: list[str] | None = None) -> Any:
    """Unwrap secrets, noting where they were."""
    if _is_secret(value):
        if found is not None:
            found.append(path)
        return reveal(value.get("value"), path, found)
    if value == rpc.UNKNOWN:
        return UNKNOWN
    if isinstance(value, dict):
        return {k: reveal(v, f"{path}.{k}" if path else k, found) for k, v in value.items()}
    if isinstance(value, list):
        return [reveal(v, f"{path}[{i}]", found) for i, v in enumerate(value)]
    return value


def _provider_urn(reference: str) -> str:
    """`urn::id` provider references lose the id, which is unknown in a preview."""
    return reference.rsplit("::", 1)[0] if reference else ""


class RecordingMonitor(mocks.MockMonitor):
    """A MockMonitor that keeps the whole registration of every resource."""

    def __init__(self, mock: mocks.Mocks, result: Result, keep_revealed: bool = True) -> None:
        super().__init__(mock)
        self.result = result
        self.keep_revealed = keep_revealed

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        """URNs as the engine makes them: the parent's whole type chain, the stack left out
        (the stock mock keeps only the parent's last type)."""
        if parent:
            parent_type = parent.split("::")[2]
            if parent_type != "pulumi:pulumi:Stack":
                type_ = f"{parent_type}${type_}"
        return f"urn:pulumi:{settings.get_stack()}::{settings.get_project()}::{type_}::{name}"

    def _alias_urn(self, request: Any, alias: Any) -> str:
        """The URN an alias stands for: given whole, or as a spec of what differs (name, type,
        parent), the rest being the resource's own."""
        if alias.urn:
            return alias.urn
        spec = alias.spec
        parent = "" if spec.noParent else spec.parentUrn or request.parent
        return self.make_urn(parent, spec.type or request.type, spec.name or request.name)

    def SupportsFeature(self, request: Any) -> Any:  # noqa: N802 - gRPC method name
        """As the stock mock, but without alias specs: the SDK then sends every alias as the
        full URN it stands for (a parent's aliases included), which is what a test compares."""
        if request.id == "aliasSpecs":
            return type("SupportsFeatureResponse", (object,), {"hasSupport": False})
        return super().SupportsFeature(request)

    def Invoke(self, request: Any) -> Any:  # noqa: N802 - gRPC method name
        """Answer invokes from the mocks without the stock mock's per-thread event loop."""
        if request.provider.endswith("::" + rpc.UNKNOWN):
            # A provider built from values not known yet (a workspace to be created) cannot
            # answer during a preview: the engine reports the result as unknown.
            return resource_pb2.ResourceInvokeResponse(unknown=True)
        args = _from_struct(request.args)
        self.result.invokes.append(Invocation(request.tok, _provider_urn(request.provider), args))
        result: Any = self.mocks.call(
            mocks.MockCallArgs(token=request.tok, args=args, provider=request.provider)
        )
        returned = struct_pb2.Struct()
        returned.update(result)
        fields: dict[str, Any] = {"return": returned, "failures": []}
        return resource_pb2.ResourceInvokeResponse(**fields)

    def RegisterResourceOutputs(self, request: Any) -> Any:  # noqa: N802 - gRPC method name
        """Keep a component's registered outputs (the stock mock drops them); the stack's own
        outputs are read from the root resource instead."""
        if request.urn.split("::")[2] != "pulumi:pulumi:Stack":
            self.result.registered_outputs[request.urn] = redact(_from_struct(request.outputs))
        return empty_pb2.Empty()

    def RegisterResource(self, request: Any) -> Any:  # noqa: N802 - gRPC method name
        """Record the registration and answer from the mocks.

        Unlike the stock mock, inputs go to the mocks (and the mocks' state back to the
        SDK) as plain JSON with the wire's secret and unknown markers, which skips an
        asyncio round trip per resource on the monitor's thread.
        """
        urn = self.make_urn(request.parent, request.type, request.name)
        if request.type == "pulumi:pulumi:Stack":
            return resource_pb2.RegisterResourceResponse(urn=urn)
        raw = _from_struct(request.object)
        id_, state = self.mocks.new_resource(
            mocks.MockResourceArgs(
                typ=request.type,
                name=request.name,
                inputs=raw,
                provider=request.provider,
                resource_id=request.importId,
                custom=request.custom,
            )
        )
        self.resources[urn] = mocks.MockMonitor.ResourceRegistration(urn, id_ or "", state)
        secret_paths: list[str] = []
        # A plan shows only redacted inputs; tests also look behind the secrets.
        revealed = reveal(raw, found=secret_paths) if self.keep_revealed else {}
        self.result.resources.append(
            Registration(
                type=request.type,
                name=request.name,
                urn=urn,
                custom=request.custom,
                parent=request.parent,
                provider=_provider_urn(request.provider),
                inputs=redact(raw),
                raw_inputs=revealed,
                secret_paths=secret_paths,
                dependencies=list(request.dependencies),
                property_dependencies={k: list(v.urns) for k, v in request.propertyDependencies.items()},
                protect=bool(request.protect),
                delete_before_replace=bool(request.deleteBeforeReplace),
                replace_on_changes=list(request.replaceOnChanges),
                additional_secret_outputs=list(request.additionalSecretOutputs),
                ignore_changes=list(request.ignoreChanges),
                aliases=sorted({*(self._alias_urn(request, a) for a in request.aliases), *request.aliasURNs}),
                retain_on_delete=bool(request.retainOnDelete),
                id=id_ or "",
                hooks=_hooks(request),
            )
        )
        state_struct = struct_pb2.Struct()
        state_struct.update(state)
        return resource_pb2.RegisterResourceResponse(urn=urn, id=id_ or "", object=state_struct)


HOOK_KINDS = (
    "before_create",
    "after_create",
    "before_update",
    "after_update",
    "before_delete",
    "after_delete",
)


def _hooks(request: Any) -> dict[str, list[str]]:
    """The hook names a registration binds, by kind (only the kinds it binds)."""
    if not request.HasField("hooks"):
        return {}
    return {kind: list(getattr(request.hooks, kind)) for kind in HOOK_KINDS if getattr(request.hooks, kind)}


TRIGGER_STATES: dict[str, str] = {}
"""What the offline Data Factory reports of a trigger (by name) when the program reads it
(components.lifecycle.observed); a trigger not named here does not exist yet. Tests set it to
stand for a trigger stopped by hand."""


class OfflineTriggers:
    """The Data Factory trigger API for offline runs: reads from TRIGGER_STATES, and refuses to
    start or stop (the mock engine runs no resource hooks, which would)."""

    def state(self, ref: Any) -> str | None:
        return TRIGGER_STATES.get(ref.name)

    def start(self, ref: Any) -> None:
        raise AssertionError(f"an offline run started trigger {ref.name}")

    def stop(self, ref: Any) -> None:
        raise AssertionError(f"an offline run stopped trigger {ref.name}")


class _LogCapture(logging.Handler):
    def __init__(self, lines: list[str]) -> None:
        super().__init__(logging.DEBUG)
        self.lines = lines

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


# ---------------------------------------------------------------- mocks


def arm_id(rg: str, provider: str, kind: str, name: str) -> str:
    return f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{rg}/providers/{provider}/{kind}/{name}"


CLIENT_CONFIG = {
    "subscriptionId": SUBSCRIPTION,
    "tenantId": TENANT,
    "clientId": "33333333-3333-3333-3333-333333333333",
    "objectId": "44444444-4444-4444-4444-444444444444",
}


PLAN_CLIENT_CONFIG = {
    "subscriptionId": "<subscription-id>",
    "tenantId": "<tenant-id>",
    "clientId": "<client-id>",
    "objectId": "<object-id>",
}


class _ClientConfigMocks(mocks.Mocks):
    """Answers the invokes the program makes: who is deploying, to Azure and to Databricks."""

    client_config: dict[str, str]

    def call(self, args: mocks.MockCallArgs) -> dict[str, Any]:  # type: ignore[override]
        if args.token == "azure-native:authorization:getClientConfig":
            return dict(self.client_config)
        if args.token == "databricks:index/getCurrentUser:getCurrentUser":
            # The deployer is a service principal: Databricks names it by its application id.
            user = self.client_config["clientId"]
            return {
                "id": "1234567890",
                "userName": user,
                "home": f"/Users/{user}",
                "repos": f"/Repos/{user}",
                "aclPrincipalId": f"servicePrincipals/{user}",
                "alphanumeric": user.replace("-", "_"),
                "externalId": self.client_config["objectId"],
                "workspaceUrl": f"https://{WORKSPACE_HOST}",
            }
        if args.token == "databricks:index/getJob:getJob":
            # A job that exists in the workspace (one a bundle deployed), found by its name: an id
            # of digits, as Databricks gives, the same for the same name in every run.
            name = args.args["jobName"]
            job_id = str(int(hashlib.sha256(name.encode()).hexdigest()[:12], 16))
            return {"id": job_id, "jobId": job_id, "jobName": name, "name": name}
        raise NotImplementedError(f"no mock for invoke {args.token}")


class CloudMocks(_ClientConfigMocks):
    """Realistic computed outputs, as Azure and Databricks return them after `pulumi up`."""

    client_config = CLIENT_CONFIG

    def __init__(self) -> None:
        self.managed_endpoints: list[tuple[str, str, str]] = []
        """(factory, managed private endpoint, target id) of each one created so far."""

    def call(self, args: mocks.MockCallArgs) -> dict[str, Any]:  # type: ignore[override]
        """A workspace and a vault list a connection per managed private endpoint created to
        them, Pending, named by Azure (a GUID-like suffix the stack cannot guess)."""
        if args.token == "azure-native:databricks:getWorkspace":
            target = arm_id(
                args.args["resourceGroupName"],
                "Microsoft.Databricks",
                "workspaces",
                args.args["workspaceName"],
            )
            return {
                "id": target,
                "name": args.args["workspaceName"],
                "privateEndpointConnections": [
                    {
                        "id": f"{target}/privateEndpointConnections/{connection}",
                        "name": connection,
                        "properties": {
                            "privateEndpoint": {"id": endpoint},
                            "privateLinkServiceConnectionState": {"status": "Pending"},
                            "provisioningState": "Succeeded",
                        },
                    }
                    for connection, endpoint in self._connections(target)
                ],
            }
        if args.token == "azure-native:keyvault:getVault":
            target = arm_id(
                args.args["resourceGroupName"], "Microsoft.KeyVault", "vaults", args.args["vaultName"]
            )
            return {
                "id": target,
                "name": args.args["vaultName"],
                "properties": {
                    "tenantId": TENANT,
                    "sku": {"family": "A", "name": "standard"},
                    "privateEndpointConnections": [
                        {
                            "id": f"{target}/privateEndpointConnections/{connection}",
                            "privateEndpoint": {"id": endpoint},
                            "privateLinkServiceConnectionState": {"status": "Pending"},
                            "provisioningState": "Succeeded",
                        }
                        for connection, endpoint in self._connections(target)
                    ],
                },
            }
        return super().call(args)

    def _connections(self, target: str) -> list[tuple[str, str]]:
        managed = f"/subscriptions/{MANAGED_SUBSCRIPTION}/resourceGroups/managed-rg/providers/Microsoft.Network/privateEndpoints"
        return [
            (f"{factory}.{endpoint}-8f3c2a1b", f"{managed}/{factory}.{endpoint}")
            for factory, endpoint, to in self.managed_endpoints
            if to.lower() == target.lower()
        ]

    def new_resource(self, args: mocks.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        if not args.custom and not args.typ.startswith("pulumi:providers:"):
            return "", {}
        inputs = dict(args.inputs)
        typ, name = args.typ, args.name
        rg = inputs.get("resourceGroupName", "rg")
        if typ == "azure-native:resources:ResourceGroup":
            rg_name = inputs.get("resourceGroupName", name)
            return f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{rg_name}", {
                **inputs,
                "name": rg_name,
            }
        if typ == "azure-native:databricks:Workspace":
            ws = inputs["workspaceName"]
            return arm_id(rg, "Microsoft.Databricks", "workspaces", ws), {
                **inputs,
                "name": ws,
                "workspaceUrl": WORKSPACE_HOST,
                "workspaceId": "1234567890123456",
            }
        if typ == "azure-native:datafactory:Factory":
            factory = inputs.get("factoryName") or f"{name}-0a1b2c3"
            identity = {
                **inputs["identity"],
                "principalId": FACTORY_PRINCIPAL,
                "tenantId": TENANT,
            }
            if "userAssignedIdentities" in identity:
                identity["userAssignedIdentities"] = {
                    key: {"principalId": IDENTITY_PRINCIPAL, "clientId": IDENTITY_CLIENT}
                    for key in identity["userAssignedIdentities"]
                }
            return arm_id(rg, "Microsoft.DataFactory", "factories", factory), {
                **inputs,
                "name": factory,
                "identity": identity,
            }
        if typ == "azure-native:managedidentity:UserAssignedIdentity":
            identity = inputs.get("resourceName") or f"{name}-0a1b2c3"
            return arm_id(rg, "Microsoft.ManagedIdentity", "userAssignedIdentities", identity), {
                **inputs,
                "name": identity,
                "principalId": IDENTITY_PRINCIPAL,
                "clientId": IDENTITY_CLIENT,
                "tenantId": TENANT,
            }
        if typ == "azure-native:datafactory:CredentialOperation":
            credential = inputs["credentialName"]
            return arm_id(
                rg, "Microsoft.DataFactory", f"factories/{inputs['factoryName']}/credentials", credential
            ), {**inputs, "name": credential}
        if typ == "azure-native:datafactory:Trigger":
            trigger = inputs["triggerName"]
            return arm_id(
                rg, "Microsoft.DataFactory", f"factories/{inputs['factoryName']}/triggers", trigger
            ), {
                **inputs,
                "name": trigger,
                # Data Factory creates a trigger stopped (the lifecycle hooks start it).
                "properties": {**inputs["properties"], "runtimeState": "Stopped"},
            }
        if typ == "databricks:index/servicePrincipal:ServicePrincipal":
            return "1234567890123", {
                **inputs,
                "aclPrincipalId": f"servicePrincipals/{inputs['applicationId']}",
            }
        if typ == "azure-native:network:VirtualNetwork":
            vnet = inputs["virtualNetworkName"]
            vnet_id = arm_id(rg, "Microsoft.Network", "virtualNetworks", vnet)
            subnets = [{**s, "id": f"{vnet_id}/subnets/{s['name']}"} for s in inputs.get("subnets", [])]
            return vnet_id, {**inputs, "name": vnet, "subnets": subnets}
        for kind, (collection, name_input) in NETWORK_RESOURCES.items():
            if typ == kind:
                own = inputs[name_input]
                return arm_id(rg, "Microsoft.Network", collection, own), {**inputs, "name": own}
        if typ == "azure-native:network:PrivateDnsZoneGroup":
            endpoint = arm_id(rg, "Microsoft.Network", "privateEndpoints", inputs["privateEndpointName"])
            group = inputs["privateDnsZoneGroupName"]
            return f"{endpoint}/privateDnsZoneGroups/{group}", {**inputs, "name": group}
        if typ == "azure-native:privatedns:VirtualNetworkLink":
            zone = arm_id(rg, "Microsoft.Network", "privateDnsZones", inputs["privateZoneName"])
            link = inputs["virtualNetworkLinkName"]
            return f"{zone}/virtualNetworkLinks/{link}", {**inputs, "name": link}
        if typ in FACTORY_CHILDREN:
            collection, name_input = FACTORY_CHILDREN[typ]
            own = inputs[name_input]
            factory_id = arm_id(rg, "Microsoft.DataFactory", "factories", inputs["factoryName"])
            if typ == "azure-native:datafactory:ManagedPrivateEndpoint":
                # Data Factory's endpoint behind it, in its own subscription, as the target
                # lists it (components.data_factory.connection_named).
                self.managed_endpoints.append(
                    (inputs["factoryName"], own, inputs["properties"]["privateLinkResourceId"])
                )
                collection = f"managedVirtualNetworks/{inputs['managedVirtualNetworkName']}/{collection}"
            return f"{factory_id}/{collection}/{own}", {**inputs, "name": own}
        if typ == "azure-native:resources:Resource":
            parent = f"{inputs['resourceProviderNamespace']}/{inputs['parentResourcePath']}"
            own = inputs["resourceName"]
            return arm_id(
                rg, parent.split("/", 1)[0], f"{parent.split('/', 1)[1]}/{inputs['resourceType']}", own
            ), {
                **inputs,
                "name": own,
            }
        if typ == "azure-native:databricks:PrivateEndpointConnection":
            workspace = arm_id(rg, "Microsoft.Databricks", "workspaces", inputs["workspaceName"])
            own = inputs["privateEndpointConnectionName"]
            return f"{workspace}/privateEndpointConnections/{own}", {**inputs, "name": own}
        if typ == "azure-native:keyvault:PrivateEndpointConnection":
            vault = arm_id(rg, "Microsoft.KeyVault", "vaults", inputs["vaultName"])
            own = inputs["privateEndpointConnectionName"]
            return f"{vault}/privateEndpointConnections/{own}", {**inputs, "name": own}
        if typ == "azure-native:datafactory:LinkedService":
            ls = inputs["linkedServiceName"]
            return arm_id(
                rg, "Microsoft.DataFactory", f"factories/{inputs['factoryName']}/linkedservices", ls
            ), {
                **inputs,
                "name": ls,
            }
        if typ == "azure-native:datafactory:Pipeline":
            pipeline = inputs["pipelineName"]
            return arm_id(
                rg, "Microsoft.DataFactory", f"factories/{inputs['factoryName']}/pipelines", pipeline
            ), {
                **inputs,
                "name": pipeline,
            }
        if typ == "azure-native:keyvault:Vault":
            vault = inputs["vaultName"]
            properties = {**inputs["properties"], "vaultUri": f"https://{vault}.vault.azure.net/"}
            return arm_id(rg, "Microsoft.KeyVault", "vaults", vault), {
                **inputs,
                "name": vault,
                "properties": properties,
            }
        if typ == "azure-native:keyvault:Secret":
            secret = inputs["secretName"]
            return arm_id(rg, "Microsoft.KeyVault", f"vaults/{inputs['vaultName']}/secrets", secret), {
                **inputs,
                "name": secret,
            }
        if typ == "azure-native:authorization:RoleAssignment":
            return (
                f"{inputs['scope']}/providers/Microsoft.Authorization/roleAssignments/{inputs['roleAssignmentName']}",
                {
                    **inputs,
                    "name": inputs["roleAssignmentName"],
                },
            )
        if typ == "azure:datafactory/triggerSchedule:TriggerSchedule":
            return f"{inputs['dataFactoryId']}/triggers/{inputs['name']}", dict(inputs)
        if typ == "databricks:index/token:Token":
            return "0123456789abcdef", {
                **inputs,
                "tokenValue": TOKEN_VALUE,
                "expiryTime": 1_775_000_000_000,
                "creationTime": 1_767_225_600_000,
            }
        if typ == "databricks:index/notebook:Notebook":
            return inputs["path"], {
                **inputs,
                "url": f"https://{WORKSPACE_HOST}/#workspace{inputs['path']}",
                "objectId": 987654321,
            }
        if typ == "databricks:index/directory:Directory":
            return inputs["path"], {
                **inputs,
                "objectId": 1234567890,
                "workspacePath": f"/Workspace{inputs['path']}",
            }
        if typ == "databricks:index/permissions:Permissions":
            if "jobId" in inputs:
                return f"/jobs/{inputs['jobId']}", {**inputs, "objectType": "job"}
            return "/directories/1234567890", {**inputs, "objectType": "directory"}
        if typ == "databricks:index/job:Job":
            # Job ids are numbers Databricks assigns; one per job of a run, the same every run.
            job_id = str(int(hashlib.sha256(name.encode()).hexdigest()[:12], 16))
            return job_id, {**inputs, "url": f"https://{WORKSPACE_HOST}/#job/{job_id}"}
        if typ == "databricks:index/accessControlRuleSet:AccessControlRuleSet":
            return inputs["name"], {**inputs, "etag": "RENlZmF1bHQ="}
        if typ == "databricks:index/schema:Schema":
            return f"{inputs['catalogName']}.{inputs['name']}", {**inputs, "schemaId": "0a1b2c3d-schema"}
        if typ == "databricks:index/volume:Volume":
            full_name = f"{inputs['catalogName']}.{inputs['schemaName']}.{inputs['name']}"
            return full_name, {**inputs, "volumePath": "/Volumes/" + full_name.replace(".", "/")}
        if typ == "databricks:index/grant:Grant":
            # <securable type>/<name>/<principal> (catalog/resource_grant.go, toSecurableId)
            # The provider takes exactly one securable. Fail as it would: a StopIteration from
            # next() cannot cross the SDK's asyncio future and would leave the run waiting.
            kinds = [k for k in ("catalog", "schema", "volume") if inputs.get(k)]
            if len(kinds) != 1:
                raise ValueError(f"{name}: a Grant takes exactly one of catalog, schema, volume; got {kinds}")
            (kind,) = kinds
            return f"{kind}/{inputs[kind]}/{inputs['principal']}", dict(inputs)
        if typ == "databricks:index/cluster:Cluster":
            return "0101-120000-abcdefgh", {**inputs, "clusterId": "0101-120000-abcdefgh"}
        if typ == "databricks:index/instancePool:InstancePool":
            return "0101-120000-pool-0123", {**inputs, "instancePoolId": "0101-120000-pool-0123"}
        if typ == "time:index/rotating:Rotating":
            return "2026-01-01T00:00:00Z", {**inputs, "rfc3339": "2026-01-01T00:00:00Z"}
        if typ == "time:index/static:Static":
            return WATCHED_SINCE, {**inputs, "rfc3339": WATCHED_SINCE, "unix": WATCHED_SINCE_UNIX}
        if typ == "azure-native:operationalinsights:Workspace":
            workspace = inputs["workspaceName"]
            return arm_id(rg, "Microsoft.OperationalInsights", "workspaces", workspace), {
                **inputs,
                "name": workspace,
                "customerId": LOG_ANALYTICS_CUSTOMER_ID,
                "provisioningState": "Succeeded",
            }
        if typ == "azure-native:monitor:DiagnosticSetting":
            # An extension resource: its id hangs off the resource it configures.
            return (
                f"{inputs['resourceUri']}/providers/microsoft.insights/diagnosticSettings/{inputs['name']}",
                dict(inputs),
            )
        if typ == "azure-native:monitor:ActionGroup":
            group = inputs["actionGroupName"]
            return arm_id(rg, "microsoft.insights", "actionGroups", group), {**inputs, "name": group}
        if typ == "azure-native:monitor:MetricAlert":
            rule = inputs["ruleName"]
            return arm_id(rg, "microsoft.insights", "metricAlerts", rule), {**inputs, "name": rule}
        if typ == "azure-native:monitor:ScheduledQueryRule":
            rule = inputs["ruleName"]
            return arm_id(rg, "microsoft.insights", "scheduledqueryrules", rule), {
                **inputs,
                "name": rule,
                "createdWithApiVersion": "2025-01-01-preview",
                "isLegacyLogAnalyticsRule": False,
            }
        if typ == "azure-native:eventgrid:SystemTopic":
            topic = inputs["systemTopicName"]
            return arm_id(rg, "Microsoft.EventGrid", "systemTopics", topic), {
                **inputs,
                "name": topic,
                "metricResourceId": "77777777-7777-7777-7777-777777777777",
            }
        if typ == "azure-native:eventgrid:SystemTopicEventSubscription":
            topic_id = arm_id(rg, "Microsoft.EventGrid", "systemTopics", inputs["systemTopicName"])
            subscription = inputs["eventSubscriptionName"]
            return f"{topic_id}/eventSubscriptions/{subscription}", {**inputs, "name": subscription}
        return f"{name}-id", inputs


MANAGED_SUBSCRIPTION = "99999999-9999-9999-9999-999999999999"
"""The subscription Data Factory keeps its managed private endpoints' endpoints in."""

FACTORY_CHILDREN = {
    "azure-native:datafactory:IntegrationRuntime": ("integrationruntimes", "integrationRuntimeName"),
    "azure-native:datafactory:ManagedPrivateEndpoint": (
        "managedPrivateEndpoints",
        "managedPrivateEndpointName",
    ),
}
"""Data Factory children (besides those above) by collection and name input."""

NETWORK_RESOURCES = {
    "azure-native:network:NetworkSecurityGroup": ("networkSecurityGroups", "networkSecurityGroupName"),
    "azure-native:network:PublicIPAddress": ("publicIPAddresses", "publicIpAddressName"),
    "azure-native:network:NatGateway": ("natGateways", "natGatewayName"),
    "azure-native:network:PrivateEndpoint": ("privateEndpoints", "privateEndpointName"),
    "azure-native:privatedns:PrivateZone": ("privateDnsZones", "privateZoneName"),
}
"""Network resources whose id is `<group>/providers/Microsoft.Network/<collection>/<name input>`."""


NAME_INPUTS = {
    "azure-native:resources:ResourceGroup": "resourceGroupName",
    "azure-native:databricks:Workspace": "workspaceName",
    "azure-native:datafactory:Factory": "factoryName",
    "azure-native:datafactory:LinkedService": "linkedServiceName",
    "azure-native:datafactory:Pipeline": "pipelineName",
    "azure-native:datafactory:CredentialOperation": "credentialName",
    "azure-native:keyvault:Vault": "vaultName",
    "azure-native:keyvault:Secret": "secretName",
    "azure-native:authorization:RoleAssignment": "roleAssignmentName",
    "azure-native:operationalinsights:Workspace": "workspaceName",
    "azure-native:monitor:ActionGroup": "actionGroupName",
    "azure-native:monitor:MetricAlert": "ruleName",
    "azure-native:monitor:ScheduledQueryRule": "ruleName",
    "azure-native:eventgrid:SystemTopic": "systemTopicName",
    "azure-native:eventgrid:SystemTopicEventSubscription": "eventSubscriptionName",
    "azure-native:network:VirtualNetwork": "virtualNetworkName",
    **{kind: name_input for kind, (_, name_input) in NETWORK_RESOURCES.items()},
    **{kind: name_input for kind, (_, name_input) in FACTORY_CHILDREN.items()},
    "azure-native:resources:Resource": "resourceName",
}
"""Explicit name inputs, which become the `name` output Azure reports."""


class PlanMocks(_ClientConfigMocks):
    """What a first `pulumi preview` knows: the inputs; everything computed is unknown."""

    # A real preview asks Azure who is deploying; offline, placeholders say so.
    client_config = PLAN_CLIENT_CONFIG

    def new_resource(self, args: mocks.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        # Scalars given as inputs come back unchanged; objects may gain computed fields
        # (a vault's URI, a factory's identity), so they stay unknown, as in a real preview.
        state = {
            k: v
            for k, v in args.inputs.items()
            if v is not None
            and not isinstance(v, dict)
            and not (isinstance(v, list) and any(isinstance(i, (dict, list)) for i in v))
        }
        name_input = NAME_INPUTS.get(args.typ)
        if name_input and isinstance(args.inputs.get(name_input), str):
            state["name"] = args.inputs[name_input]
        return "", state


# ---------------------------------------------------------------- running the program


def read_stack_config(path: Path) -> tuple[dict[str, str], list[str]]:
    """A stack file's config as the pinned CLI hands it to the program (strings, JSON for
    objects; tools/stack_file.py says how it reads YAML), with the project's defaults from
    Pulumi.yaml applied first."""
    from tools import stack_file

    config: dict[str, str] = {}
    secret_keys: list[str] = []
    project_file = ROOT / "Pulumi.yaml"
    loaded = stack_file.load(project_file) if project_file.exists() else None
    project = loaded[0] if loaded else {}
    for key, spec in (project.get("config") or {}).items():
        full = key if ":" in key else f"{PROJECT}:{key}"
        if isinstance(spec, dict) and ("default" in spec or "value" in spec):
            config[full] = stack_file.project_default_string(spec.get("value", spec.get("default")))
    for full, value in stack_file.read_config(path, PROJECT).items():
        value, encrypted = _placeholder_secrets(value)
        if encrypted:
            secret_keys.append(full)
        config[full] = stack_file.cli_string(value)
    return config, secret_keys


def _as_config_string(value: Any) -> str:
    """A config value as the CLI hands it to the program (tests build config with it)."""
    from tools import stack_file

    return stack_file.cli_string(value)


ENCRYPTED = "[encrypted]"
"""What the program sees offline for a value set with `pulumi config set --secret`."""


def _placeholder_secrets(value: Any) -> tuple[Any, bool]:
    """Replace `{secure: ...}` leaves (top-level or set with --path) by a placeholder string;
    encrypted values cannot be read without the stack's secrets provider."""
    from tools import stack_file

    if stack_file.is_secure(value):
        return ENCRYPTED, True
    if isinstance(value, dict):
        pairs = {k: _placeholder_secrets(v) for k, v in value.items()}
        return {k: v for k, (v, _) in pairs.items()}, any(s for _, s in pairs.values())
    if isinstance(value, list):
        items = [_placeholder_secrets(v) for v in value]
        return [v for v, _ in items], any(s for _, s in items)
    return value, False


@contextlib.contextmanager
def _in_project() -> Iterator[None]:
    """The CLI runs the program from the project directory with it on sys.path."""
    import os

    cwd = os.getcwd()
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    try:
        yield
    finally:
        os.chdir(cwd)
        sys.path.remove(str(ROOT))


def run(
    config: Mapping[str, str],
    stack: str,
    *,
    preview: bool,
    secret_keys: list[str] | None = None,
    program: Path | None = None,
    result: Result | None = None,
) -> Result:
    """Run the program once for `stack` with `config` (full keys, CLI string values).

    Registrations go into `result` when given, so a caller sees them even if the
    program fails.
    """
    result = result if result is not None else Result()
    thresholds = gc.get_threshold()
    loop = asyncio.new_event_loop()
    # The SDK calls the monitor from executor threads; one thread is enough for an
    # in-process monitor, and several only contend for the GIL (about 10% slower).
    loop.set_default_executor(concurrent.futures.ThreadPoolExecutor(max_workers=1))
    asyncio.set_event_loop(loop)
    logger = logging.getLogger("adf-databricks.engine")
    logger.propagate = False
    logger.handlers[:] = [_LogCapture(result.log)]
    # Tests read every message the program sends (debug included) to prove no secret leaks.
    logger.setLevel(logging.WARNING if preview else logging.DEBUG)
    mock: mocks.Mocks = PlanMocks() if preview else CloudMocks()
    monitor = RecordingMonitor(mock, result, keep_revealed=not preview)
    # As pulumi.runtime.test does: nothing left over from a previous run in this process.
    settings.SETTINGS.rpc_manager.clear()  # pyright: ignore[reportAttributeAccessIssue]
    settings.SETTINGS.outputs.clear()  # pyright: ignore[reportAttributeAccessIssue]
    settings.ROOT.set(None)
    mocks.set_mocks(mock, project=PROJECT, stack=stack, preview=preview, logger=logger, monitor=monitor)
    pulumi.runtime.set_all_config(dict(config), list(secret_keys or []))
    # The program reads its triggers' state from Data Factory (components.lifecycle): offline,
    # from TRIGGER_STATES. Imported here, as the program imports it (the project on sys.path).
    with _in_project():
        from components import lifecycle
    lifecycle.use(OfflineTriggers())
    try:
        with _in_project(), contextlib.redirect_stdout(io.StringIO()):
            _sync_await(_within_limit(_run_program(program or ROOT / "__main__.py", result)))
    finally:
        lifecycle.use(None)
        loop.close()
        asyncio.set_event_loop(None)
        # The program freezes the GC's view of its heap and defers full collections
        # (__main__.py); undo both so this process's next run can collect what this one
        # left behind.
        gc.unfreeze()
        gc.set_threshold(*thresholds)
    return result


RUN_SECONDS = 60
"""A program run takes a second or two; one still going after this waits for an output that
will never resolve (the SDK drops an exception asyncio cannot carry, such as StopIteration)."""


async def _within_limit(run: Coroutine[Any, Any, None]) -> None:
    try:
        await asyncio.wait_for(run, RUN_SECONDS)
    except asyncio.TimeoutError:  # TimeoutError itself from Python 3.11
        raise TimeoutError(
            f"the program was still running after {RUN_SECONDS} s: an output never resolved"
        ) from None


async def _run_program(program: Path, result: Result) -> None:
    async def body() -> None:
        runpy.run_path(str(program), run_name="__main__")
        await pulumi.runtime.stack.wait_for_rpcs()
        root = settings.get_root_resource()
        outputs = getattr(root, "outputs", {})
        for key in sorted(outputs):
            serialized = await rpc.serialize_property(outputs[key], [], key)
            raw = _plain(serialized)
            result.outputs[key] = redact(raw)
            result.raw_outputs[key] = reveal(raw)

    await pulumi.runtime.stack.run_pulumi_func(body)
