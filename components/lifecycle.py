"""Started triggers that pulumi-azure cannot declare: the azure-native trigger and its lifecycle.

Data Factory creates a trigger stopped, refuses to update or delete a started one
("TriggerEnabledCannotUpdate: the trigger needs to be disabled first",
Azure-Player/azure.datafactory.tools#350) and starts and stops it with separate POSTs
(Triggers - Start / Stop, REST 2018-06-01), which neither azure-native nor ARM can send
(pulumi-azure-native#3540, bicep-types-az#1709). pulumi-azure's trigger resources send those
POSTs (their `activated`), and the stack keeps using them where they can say what is meant: a
UTC schedule (components.trigger) and a tumbling window (components.tumbling_window). Two kinds
they cannot:

- a schedule in another time zone: Data Factory reads such a schedule only from zoneless local
  times, and azurerm's TriggerSchedule sends and reads times only as RFC 3339 (`start_time` is
  validation.IsRFC3339Time, parsed with time.RFC3339 and sent as a go-autorest date.Time, read
  back the same way: terraform-provider-azurerm
  internal/services/datafactory/data_factory_trigger_schedule_resource.go; date.Time's
  UnmarshalJSON is time.Time's, RFC 3339 only, github.com/Azure/go-autorest autorest/date/time.go),
  so it could neither create nor refresh one;
- a storage-event trigger: starting it fails with "Resource cannot be updated during
  provisioning" while its Event Grid subscription is being set up
  (hashicorp/terraform-provider-azurerm#32570, open; Azure-Player/azure.datafactory.tools#484),
  and azurerm's TriggerBlobEvent starts it inside its create, before it records the trigger in
  state (`d.SetId` follows `client.Start`, data_factory_trigger_blob_event_resource.go): a
  failed start leaves a trigger no retry can create again (ImportAsExistsError).

For those, `StartedTrigger` declares azure-native's Trigger and drives the POSTs from Pulumi
resource hooks (pulumi >= 3.182; Pulumi docs, "Resource option: hooks"):

- the trigger's `before_update` hook stops it (Data Factory refuses to update a started one);
- its `before_delete` hook stops it before it is deleted, replaced or destroyed (a delete hook
  needs `pulumi destroy --run-program`, and Pulumi refuses a destroy without it when a
  resource has one, pulumi/pulumi#19933);
- a `time.Static` beside it (its state record) is replaced whenever what should hold changes:
  the trigger was created or replaced (its id), updated (a digest of what is sent), its
  `enabled` changed, or the trigger was found in another state than `enabled` says (someone
  stopped or started it by hand). Its `before_create` hook then starts or stops the trigger,
  retrying while Azure answers "cannot be updated during provisioning". A before hook, so that
  a start that fails fails the deployment (an after hook's error is only a warning).

What the trigger was found in is read when the program runs, before any step of this
deployment (`observed`): a preview shows the state record replaced when a trigger was stopped by
hand, and `pulumi up` starts it. The deployment after that shows the record replaced once more
(the state it found is the one it wants again); nothing is sent to Azure then.

The hooks and the read authenticate with azure-identity's DefaultAzureCredential (the Azure
CLI login, a managed identity, or AZURE_* variables), in the process that runs the program or,
from another language, the component package's plugin.
"""

from __future__ import annotations

import asyncio
import copy
import functools
import hashlib
import json
import re
import time
import weakref
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, cast

import pulumi
import pulumi_azure_native.datafactory as datafactory
import pulumiverse_time as time_provider

STARTED = "Started"
STOPPED = "Stopped"

PROVISIONING = "cannot be updated during provisioning"
"""What Data Factory answers (400 BadRequest) to a start or stop of a storage-event trigger
while its Event Grid subscription is being set up or removed (terraform-provider-azurerm#32570;
azure.datafactory.tools#484 polls and retries, up to five minutes)."""

RETRY_SECONDS = 10.0
"""Seconds between attempts while the trigger is provisioning (azure.datafactory.tools#485)."""
RETRY_ATTEMPTS = 30
"""Attempts before giving up: five minutes, as azure.datafactory.tools#485 waits."""

_TRIGGER_ID = re.compile(
    r"^/subscriptions/(?P<subscription>[^/]+)/resourceGroups/(?P<group>[^/]+)"
    r"/providers/Microsoft\.DataFactory/factories/(?P<factory>[^/]+)/triggers/(?P<name>[^/]+)$",
    re.IGNORECASE,
)
_FACTORY_ID = re.compile(
    r"^/subscriptions/(?P<subscription>[^/]+)/resourceGroups/(?P<group>[^/]+)"
    r"/providers/Microsoft\.DataFactory/factories/(?P<factory>[^/]+)$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class TriggerRef:
    """Where a trigger is: what the Data Factory REST API's trigger paths take."""

    subscription: str
    resource_group: str
    factory: str
    name: str

    @classmethod
    def from_id(cls, trigger_id: str) -> TriggerRef:
        """A trigger's ARM id as its parts."""
        match = _TRIGGER_ID.match(trigger_id)
        if match is None:
            raise ValueError(f"not a Data Factory trigger id: {trigger_id!r}")
        return cls(match["subscription"], match["group"], match["factory"], match["name"])

    @classmethod
    def in_factory(cls, factory_id: str, name: str) -> TriggerRef:
        """The trigger `name` of the factory with ARM id `factory_id`."""
        match = _FACTORY_ID.match(factory_id)
        if match is None:
            raise ValueError(f"not a Data Factory id: {factory_id!r}")
        return cls(match["subscription"], match["group"], match["factory"], name)

    @property
    def id(self) -> str:
        return (
            f"/subscriptions/{self.subscription}/resourceGroups/{self.resource_group}"
            f"/providers/Microsoft.DataFactory/factories/{self.factory}/triggers/{self.name}"
        )


def factory_parts(factory_id: str) -> tuple[str, str]:
    """(resource group, factory name) of a factory's ARM id."""
    ref = TriggerRef.in_factory(factory_id, "-")
    return ref.resource_group, ref.factory


class TriggerApi(Protocol):
    """The Data Factory trigger operations the lifecycle uses (REST 2018-06-01 Triggers)."""

    def state(self, ref: TriggerRef) -> str | None:
        """The trigger's runtimeState, or None when there is no such trigger."""
        ...

    def start(self, ref: TriggerRef) -> None:
        """Triggers - Start (a long-running POST, waited for)."""
        ...

    def stop(self, ref: TriggerRef) -> None:
        """Triggers - Stop (a long-running POST, waited for)."""
        ...


class AzureTriggerApi:
    """TriggerApi over azure-mgmt-datafactory, signed in with DefaultAzureCredential."""

    def __init__(self) -> None:
        from azure.identity import DefaultAzureCredential

        self._credential = DefaultAzureCredential()
        self._clients: dict[str, Any] = {}

    def _triggers(self, ref: TriggerRef) -> Any:
        from azure.mgmt.datafactory import DataFactoryManagementClient

        if ref.subscription not in self._clients:
            self._clients[ref.subscription] = DataFactoryManagementClient(self._credential, ref.subscription)
        return self._clients[ref.subscription].triggers

    def state(self, ref: TriggerRef) -> str | None:
        from azure.core.exceptions import ResourceNotFoundError

        try:
            found = self._triggers(ref).get(ref.resource_group, ref.factory, ref.name)
        except ResourceNotFoundError:
            return None
        return None if found is None else found.properties.runtime_state

    def start(self, ref: TriggerRef) -> None:
        self._triggers(ref).begin_start(ref.resource_group, ref.factory, ref.name).result()

    def stop(self, ref: TriggerRef) -> None:
        self._triggers(ref).begin_stop(ref.resource_group, ref.factory, ref.name).result()


_api: TriggerApi | None = None


def connect() -> TriggerApi:
    """The Data Factory API the hooks and the read use: Azure's, signed in on first use."""
    global _api
    if _api is None:
        _api = AzureTriggerApi()
    return _api


def use(api: TriggerApi | None) -> None:
    """Make `api` the one the lifecycle uses (None: Azure's again). The offline engine
    (tools/engine.py) and the tests give their own."""
    global _api
    _api = api


# ---------------------------------------------------------------- what the hooks do


def _retrying(
    action: Callable[[TriggerRef], None], ref: TriggerRef, sleep: Callable[[float], None] | None
) -> None:
    for attempt in range(RETRY_ATTEMPTS):
        try:
            action(ref)
            return
        except Exception as err:
            if PROVISIONING not in str(err).lower() or attempt == RETRY_ATTEMPTS - 1:
                raise
            (sleep or time.sleep)(RETRY_SECONDS)


def start(api: TriggerApi, ref: TriggerRef, sleep: Callable[[float], None] | None = None) -> None:
    """Start the trigger, retrying while its event subscription is provisioning."""
    _retrying(api.start, ref, sleep)


def stop(api: TriggerApi, ref: TriggerRef, sleep: Callable[[float], None] | None = None) -> None:
    """Stop the trigger if it exists and is not stopped, retrying while it is provisioning.

    Data Factory refuses to update or delete a started trigger (TriggerEnabledCannotUpdate);
    one already stopped, or gone, needs nothing."""
    if api.state(ref) not in (None, STOPPED):
        _retrying(api.stop, ref, sleep)


def ensure(
    api: TriggerApi, ref: TriggerRef, enabled: bool, sleep: Callable[[float], None] | None = None
) -> None:
    """Leave the trigger started when `enabled`, stopped otherwise."""
    state = api.state(ref)
    if state is None:
        raise RuntimeError(f"trigger {ref.name} of factory {ref.factory} does not exist")
    if enabled and state != STARTED:
        start(api, ref, sleep)
    elif not enabled and state == STARTED:
        _retrying(api.stop, ref, sleep)


def observed(factory_id: str, name: str) -> str:
    """The runtime state of trigger `name` of the factory, as the program finds it before this
    deployment changes anything ("" when there is no such trigger yet)."""
    return connect().state(TriggerRef.in_factory(factory_id, name)) or ""


def drift(found: str, enabled: bool) -> str:
    """What the state record notes of the trigger as it was found: nothing when it is as
    `enabled` says (or does not exist yet), else the state it was found in."""
    wanted = STARTED if enabled else STOPPED
    return "" if found in ("", wanted) else found


# ---------------------------------------------------------------- the hooks


async def _blocking(fn: Callable[..., Any], *args: Any) -> Any:
    """Run a blocking Data Factory call off the event loop, which serves the engine's callbacks."""
    return await asyncio.get_running_loop().run_in_executor(None, functools.partial(fn, *args))


async def _plain(value: Any) -> Any:
    """A hook's input as a plain value (the SDK hands a secret input over as an Output)."""
    return await pulumi.Output.from_input(value).future()


async def stop_before(args: pulumi.ResourceHookArgs) -> None:
    """The trigger's before_update and before_delete hook: stop it (args.id is its ARM id)."""
    await _blocking(stop, connect(), TriggerRef.from_id(args.id))


async def ensure_before_create(args: pulumi.ResourceHookArgs) -> None:
    """The state record's before_create hook: start or stop the trigger its inputs name."""
    triggers: Mapping[str, Any] = await _plain((args.new_inputs or {}).get("triggers") or {})
    ref = TriggerRef.from_id(await _plain(triggers["trigger"]))
    await _blocking(ensure, connect(), ref, await _plain(triggers["state"]) == STARTED)


STOP_HOOK = "adf-databricks-trigger-stop"
"""The named hook that stops a trigger before it is updated or deleted (delete hooks must be
named: the engine finds them by name when the resource is gone from the program)."""
ENSURE_HOOK = "adf-databricks-trigger-ensure"
"""The named hook that starts or stops a trigger as its state record says."""

_HOOKS: weakref.WeakKeyDictionary[
    asyncio.AbstractEventLoop, tuple[pulumi.ResourceHook, pulumi.ResourceHook]
] = weakref.WeakKeyDictionary()


def hooks() -> tuple[pulumi.ResourceHook, pulumi.ResourceHook]:
    """(stop, ensure): the two named hooks, registered once per program.

    The engine refuses a second hook of the same name in one deployment ("resource hook already
    registered", pulumi pkg/resource/deploy/resource_hooks.go). A program, and the component
    package's plugin through a deployment, run on one event loop; tests run many programs in one
    process, each on a loop of its own."""
    loop = asyncio.get_event_loop()
    if loop not in _HOOKS:
        _HOOKS[loop] = (
            pulumi.ResourceHook(STOP_HOOK, stop_before),
            pulumi.ResourceHook(ENSURE_HOOK, ensure_before_create),
        )
    return _HOOKS[loop]


# ---------------------------------------------------------------- the trigger


def digest(value: Any) -> str:
    """A short, stable digest of what a trigger sends (its definition changed, or not)."""
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()[:16]


class StartedTrigger:
    """An azure-native Data Factory trigger with the lifecycle above, declared as children of
    `parent`: the trigger (`f"{name}-trigger"`) and its state record (`f"{name}-state"`).

    `properties` is the trigger's body as azure-native takes it (a dict with its Python names,
    `ScheduleTriggerArgsDict`, `BlobEventsTriggerArgsDict`): its digest is what tells an update
    apart. A secret in it keeps the digest secret."""

    trigger: datafactory.Trigger
    state: time_provider.Static
    activated: pulumi.Output[bool]
    """Whether the trigger is left started: what `enabled` says, once its state record holds it."""

    def __init__(
        self,
        name: str,
        *,
        trigger_name: str,
        factory_id: pulumi.Input[str],
        properties: Mapping[str, Any],
        enabled: bool,
        parent: pulumi.Resource,
        depends_on: pulumi.Input[Sequence[pulumi.Input[pulumi.Resource]] | pulumi.Resource] | None = None,
        aliases: list[pulumi.Input[str] | pulumi.Alias] | None = None,
    ) -> None:
        stop_hook, ensure_hook = hooks()
        factory = pulumi.Output.from_input(factory_id)
        parts = factory.apply(factory_parts)
        self.trigger = datafactory.Trigger(
            f"{name}-trigger",
            trigger_name=trigger_name,
            factory_name=parts[1],
            resource_group_name=parts[0],
            properties=cast(Any, dict(properties)),  # one of the *TriggerArgsDict shapes
            opts=pulumi.ResourceOptions(
                parent=parent,
                depends_on=depends_on,
                aliases=aliases,
                # Its name stays: the old trigger goes (stopped by its hook) before the new one.
                delete_before_replace=True,
                hooks=pulumi.ResourceHookBinding(before_update=[stop_hook], before_delete=[stop_hook]),
            ),
        )
        # Read before this deployment changes anything: the factory exists before its trigger.
        found = factory.apply(lambda fid: _blocking(observed, fid, trigger_name))
        self.state = time_provider.Static(
            f"{name}-state",
            triggers={
                "trigger": self.trigger.id,
                "definition": pulumi.Output.from_input(properties).apply(digest),
                "state": STARTED if enabled else STOPPED,
                "found": found.apply(lambda state: drift(state, enabled)),
            },
            opts=pulumi.ResourceOptions(
                parent=parent, hooks=pulumi.ResourceHookBinding(before_create=[ensure_hook])
            ),
        )
        self.activated = self.state.triggers.apply(lambda t: (t or {}).get("state") == STARTED)


# ---------------------------------------------------------------- what the trigger components share


def pipelines(args: Mapping[str, Any], parameters: pulumi.Input[Any] | None) -> list[dict[str, Any]]:
    """The `pipelines` of a trigger component's azure-native body: the one pipeline its args
    name, with `parameters` (`arguments`) when there are any."""
    pipeline: dict[str, Any] = {
        "pipeline_reference": {"reference_name": args["pipeline_name"], "type": "PipelineReference"}
    }
    if parameters:
        pipeline["parameters"] = parameters
    return [pipeline]


def started(
    name: str,
    args: Mapping[str, Any],
    properties: Mapping[str, Any],
    *,
    parent: pulumi.Resource,
    depends_on: pulumi.Input[Sequence[pulumi.Input[pulumi.Resource]] | pulumi.Resource] | None,
    aliases: list[pulumi.Input[str] | pulumi.Alias] | None = None,
) -> StartedTrigger:
    """The StartedTrigger of a trigger component's (validated) args: their trigger name and
    factory, their description after the rest of `properties`, started as `spec.enabled` says."""
    body = dict(properties)
    if description := args.get("description"):
        body["description"] = description
    return StartedTrigger(
        name,
        trigger_name=args["trigger_name"],
        factory_id=args["factory_id"],
        properties=body,
        enabled=args["spec"]["enabled"],
        parent=parent,
        depends_on=depends_on,
        aliases=aliases,
    )


def split_waits(
    opts: pulumi.ResourceOptions | None,
) -> tuple[
    pulumi.ResourceOptions | None,
    pulumi.Input[Sequence[pulumi.Input[pulumi.Resource]] | pulumi.Resource] | None,
]:
    """(the component's own options, what its trigger waits for) of a trigger component's `opts`.

    What the component waits for is what its trigger, which starts runs, must wait for: a
    component's depends_on does not reach its children. The component itself is registered
    without it, as it always was (no change to existing stacks' state)."""
    waits = opts.depends_on if opts is not None else None
    own = copy.copy(opts)
    if own is not None:
        own.depends_on = None
    return own, waits


def string_arguments(
    spec: Mapping[str, Any], refused: str, problem: Callable[[Any], str | None] | None = None
) -> Iterator[tuple[str, str]]:
    """The problems of a trigger spec's `parameters` (a document: camelCase keys): a value that
    is not a string (or an Output, checked when it is known: `arguments`) is `refused` ("expected
    a string, got a <type>: <refused>"), and a string `problem` finds fault with says so."""
    for key, value in (spec.get("parameters") or {}).items():
        if not isinstance(value, str | pulumi.Output):
            # Only the type is named: the value may be a SecureString parameter's.
            yield f"parameters.{key}", f"expected a string, got a {type(value).__name__}: {refused}"
        elif problem is not None and (found := problem(value)):
            yield f"parameters.{key}", found


def _deferred_argument(component: str, by: str, trigger: str, key: str, value: Any) -> str:
    """An argument known only at deploy time, held to the rule that it is a string then."""
    if not isinstance(value, str):
        raise pulumi.RunError(
            f"{component} {trigger}: spec.parameters.{key}: expected a string, got a"
            f" {type(value).__name__}: only String and SecureString parameters can be set by {by}"
        )
    return value


def arguments(
    component: str, by: str, trigger: str, args: Mapping[str, Any]
) -> pulumi.Input[dict[str, pulumi.Input[str]]] | None:
    """The pipeline arguments a trigger component sends (`args["spec"]["parameters"]`; None when
    there are none): strings, as its rules hold them, and one known only at deploy time is held
    to that rule then (`<component> <trigger>: spec.parameters.<key>: ... can be set by <by>`).
    All secret with `secret_parameters` (they include a SecureString parameter's value)."""
    parameters: Mapping[str, Any] = args["spec"].get("parameters", {})
    sent: pulumi.Input[dict[str, pulumi.Input[str]]] | None = {
        key: value.apply(functools.partial(_deferred_argument, component, by, trigger, key))
        if isinstance(value, pulumi.Output)
        else value
        for key, value in parameters.items()
    } or None
    if sent and args.get("secret_parameters"):
        sent = pulumi.Output.secret(sent)
    return sent
