"""The trigger lifecycle (components.lifecycle) against a fake of Data Factory's trigger API.

The fake refuses what Data Factory refuses: updating or deleting a started trigger
("TriggerEnabledCannotUpdate: the trigger needs to be disabled first",
Azure-Player/azure.datafactory.tools#350), and starting or stopping a storage-event trigger while
its Event Grid subscription is provisioning ("Resource cannot be updated during provisioning",
terraform-provider-azurerm#32570). `Deployment` replays what the Pulumi engine does with the
hooks the trigger and its state record bind (Pulumi docs, "Resource option: hooks": a before
hook runs before the step and fails it when it raises), in the order the engine takes the steps:
the trigger first, then its state record, which depends on it; deletes the other way round.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
import pytest

from components import lifecycle
from components.lifecycle import STARTED, STOPPED, TriggerRef
from tests.conftest import run_program

FACTORY = "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.DataFactory/factories/adf"
REF = TriggerRef.in_factory(FACTORY, "berlin-report-schedule")


class Refused(Exception):
    """An error response of the Data Factory REST API."""


@dataclass
class FakeDataFactory:
    """Data Factory's trigger operations, with its refusals."""

    triggers: dict[str, dict[str, Any]] = field(default_factory=dict)
    provisioning: dict[str, int] = field(default_factory=dict)
    """Per trigger, how many more starts or stops it refuses as provisioning."""
    calls: list[str] = field(default_factory=list)

    def _refuse_while_provisioning(self, name: str) -> None:
        if self.provisioning.get(name, 0) > 0:
            self.provisioning[name] -= 1
            raise Refused("(BadRequest) Resource cannot be updated during provisioning")

    # What the provider (azure-native) sends: create or update, delete.
    def put(self, ref: TriggerRef, definition: Any) -> None:
        self.calls.append(f"put {ref.name}")
        found = self.triggers.get(ref.name)
        if found is not None and found["state"] == STARTED:
            raise Refused("TriggerEnabledCannotUpdate: the trigger needs to be disabled first")
        # A new trigger is created stopped; an update keeps the state.
        self.triggers[ref.name] = {"state": found["state"] if found else STOPPED, "definition": definition}

    def delete(self, ref: TriggerRef) -> None:
        self.calls.append(f"delete {ref.name}")
        if self.triggers[ref.name]["state"] == STARTED:
            raise Refused("TriggerEnabledCannotUpdate: the trigger needs to be disabled first")
        del self.triggers[ref.name]

    # What the hooks send (lifecycle.TriggerApi).
    def state(self, ref: TriggerRef) -> str | None:
        found = self.triggers.get(ref.name)
        return None if found is None else found["state"]

    def start(self, ref: TriggerRef) -> None:
        self.calls.append(f"start {ref.name}")
        self._refuse_while_provisioning(ref.name)
        self.triggers[ref.name]["state"] = STARTED

    def stop(self, ref: TriggerRef) -> None:
        self.calls.append(f"stop {ref.name}")
        self._refuse_while_provisioning(ref.name)
        self.triggers[ref.name]["state"] = STOPPED


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeDataFactory]:
    api = FakeDataFactory()
    lifecycle.use(api)
    # No real waiting between retries.
    monkeypatch.setattr(lifecycle.time, "sleep", lambda seconds: None)
    yield api
    lifecycle.use(None)


def hook_args(trigger_id: str, new_inputs: dict[str, Any] | None = None) -> pulumi.ResourceHookArgs:
    return pulumi.ResourceHookArgs(urn="urn", id=trigger_id, name="n", type="t", new_inputs=new_inputs)


@dataclass
class Deployment:
    """What the engine does with one trigger and its state record, deployment after deployment."""

    api: FakeDataFactory
    record: dict[str, str] | None = None
    """The state record's inputs (`triggers`) in the stack's state."""

    def _wanted(self, definition: str, enabled: bool) -> dict[str, str]:
        # As StartedTrigger declares them: what the program finds goes in before any step.
        found = lifecycle.observed(FACTORY, REF.name)
        return {
            "trigger": REF.id,
            "definition": lifecycle.digest(definition),
            "state": STARTED if enabled else STOPPED,
            "found": lifecycle.drift(found, enabled),
        }

    def up(self, definition: str, enabled: bool = True) -> None:
        wanted = self._wanted(definition, enabled)
        existing = self.api.triggers.get(REF.name)
        if existing is None:
            self.api.put(REF, definition)
        elif existing["definition"] != definition:
            asyncio.run(lifecycle.stop_before(hook_args(REF.id)))  # before_update
            self.api.put(REF, definition)
        if wanted != self.record:
            # Replaced: the new record is created (its before_create hook), the old one deleted.
            asyncio.run(lifecycle.ensure_before_create(hook_args("record", {"triggers": wanted})))
            self.record = wanted

    def destroy(self) -> None:
        self.record = None
        asyncio.run(lifecycle.stop_before(hook_args(REF.id)))  # before_delete
        self.api.delete(REF)


def test_a_trigger_is_started_after_it_is_created(fake: FakeDataFactory) -> None:
    Deployment(fake).up("Mon/Wed/Fri 06:30")
    assert fake.triggers[REF.name]["state"] == STARTED
    assert fake.calls == ["put berlin-report-schedule", "start berlin-report-schedule"]


def test_an_update_of_a_started_trigger_stops_it_first_and_starts_it_again(fake: FakeDataFactory) -> None:
    deployment = Deployment(fake)
    deployment.up("Mon/Wed/Fri 06:30")
    fake.calls.clear()
    deployment.up("Mon/Wed/Fri 07:30")
    assert fake.calls == [
        "stop berlin-report-schedule",
        "put berlin-report-schedule",
        "start berlin-report-schedule",
    ]
    assert fake.triggers[REF.name] == {"state": STARTED, "definition": "Mon/Wed/Fri 07:30"}


def test_the_fake_refuses_an_update_of_a_started_trigger(fake: FakeDataFactory) -> None:
    """Without the before_update hook the update fails, as Data Factory's does."""
    Deployment(fake).up("Mon/Wed/Fri 06:30")
    with pytest.raises(Refused, match="TriggerEnabledCannotUpdate"):
        fake.put(REF, "Mon/Wed/Fri 07:30")


def test_an_unchanged_trigger_is_left_alone(fake: FakeDataFactory) -> None:
    deployment = Deployment(fake)
    deployment.up("Mon/Wed/Fri 06:30")
    fake.calls.clear()
    deployment.up("Mon/Wed/Fri 06:30")
    assert fake.calls == []


def test_destroy_stops_the_trigger_before_deleting_it(fake: FakeDataFactory) -> None:
    deployment = Deployment(fake)
    deployment.up("Mon/Wed/Fri 06:30")
    fake.calls.clear()
    deployment.destroy()
    assert fake.calls == ["stop berlin-report-schedule", "delete berlin-report-schedule"]
    assert fake.triggers == {}


def test_a_delete_of_a_stopped_trigger_sends_no_stop(fake: FakeDataFactory) -> None:
    deployment = Deployment(fake)
    deployment.up("Mon/Wed/Fri 06:30", enabled=False)
    fake.calls.clear()
    deployment.destroy()
    assert fake.calls == ["delete berlin-report-schedule"]


def test_a_trigger_stopped_by_hand_is_started_by_the_next_up_and_then_left_alone(
    fake: FakeDataFactory,
) -> None:
    deployment = Deployment(fake)
    deployment.up("Mon/Wed/Fri 06:30")
    fake.stop(REF)  # someone, in ADF Studio
    fake.calls.clear()
    deployment.up("Mon/Wed/Fri 06:30")
    assert fake.calls == ["start berlin-report-schedule"]
    assert deployment.record is not None and deployment.record["found"] == STOPPED
    # The next deployment replaces the record once more (found as wanted), and starts nothing.
    fake.calls.clear()
    deployment.up("Mon/Wed/Fri 06:30")
    assert fake.calls == []
    assert deployment.record["found"] == ""
    deployment.up("Mon/Wed/Fri 06:30")
    assert fake.calls == []


def test_a_trigger_the_config_says_stopped_is_left_stopped(fake: FakeDataFactory) -> None:
    deployment = Deployment(fake)
    deployment.up("Mon/Wed/Fri 06:30", enabled=False)
    assert fake.triggers[REF.name]["state"] == STOPPED
    # Started by hand: stopped again.
    fake.start(REF)
    deployment.up("Mon/Wed/Fri 06:30", enabled=False)
    assert fake.triggers[REF.name]["state"] == STOPPED


def test_enabling_a_stopped_trigger_starts_it_without_an_update(fake: FakeDataFactory) -> None:
    deployment = Deployment(fake)
    deployment.up("Mon/Wed/Fri 06:30", enabled=False)
    fake.calls.clear()
    deployment.up("Mon/Wed/Fri 06:30", enabled=True)
    assert fake.calls == ["start berlin-report-schedule"]


def test_a_start_during_provisioning_is_retried(fake: FakeDataFactory) -> None:
    fake.provisioning[REF.name] = 3
    Deployment(fake).up("blob created under /landing/blobs/")
    assert fake.calls.count("start berlin-report-schedule") == 4
    assert fake.triggers[REF.name]["state"] == STARTED


def test_a_stop_during_provisioning_is_retried(fake: FakeDataFactory) -> None:
    deployment = Deployment(fake)
    deployment.up("blob created")
    fake.provisioning[REF.name] = 2
    deployment.destroy()
    assert fake.triggers == {}


def test_retries_end_after_five_minutes(fake: FakeDataFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    waited: list[float] = []
    monkeypatch.setattr(lifecycle.time, "sleep", waited.append)
    fake.provisioning[REF.name] = lifecycle.RETRY_ATTEMPTS
    with pytest.raises(Refused, match="during provisioning"):
        Deployment(fake).up("blob created")
    assert sum(waited) == (lifecycle.RETRY_ATTEMPTS - 1) * lifecycle.RETRY_SECONDS == 290


def test_another_error_is_not_retried(fake: FakeDataFactory) -> None:
    deployment = Deployment(fake)
    deployment.up("x")

    def refuse(ref: TriggerRef) -> None:
        fake.calls.append("start refused")
        raise Refused("(AuthorizationFailed) no Microsoft.DataFactory/factories/triggers/start/action")

    fake.stop(REF)
    fake.start = refuse  # type: ignore[method-assign]
    with pytest.raises(Refused, match="AuthorizationFailed"):
        deployment.up("y")
    assert fake.calls.count("start refused") == 1


def test_ensure_refuses_a_trigger_that_is_not_there(fake: FakeDataFactory) -> None:
    with pytest.raises(RuntimeError, match="trigger berlin-report-schedule of factory adf does not exist"):
        lifecycle.ensure(fake, REF, True)


def test_the_state_records_hook_reads_secret_inputs(fake: FakeDataFactory) -> None:
    """A record whose digest is secret reaches the hook as an Output (the SDK wraps secret inputs)."""
    fake.put(REF, "x")

    async def run() -> None:
        triggers = pulumi.Output.secret({"trigger": REF.id, "state": STARTED, "definition": "d", "found": ""})
        await lifecycle.ensure_before_create(hook_args("record", {"triggers": triggers}))

    asyncio.run(run())
    assert fake.triggers[REF.name]["state"] == STARTED


@pytest.mark.parametrize(
    ("found", "enabled", "noted"),
    [
        ("", True, ""),
        (STARTED, True, ""),
        (STOPPED, True, STOPPED),
        (STOPPED, False, ""),
        (STARTED, False, STARTED),
        ("Disabled", True, "Disabled"),
    ],
)
def test_drift_notes_only_a_state_other_than_wanted(found: str, enabled: bool, noted: str) -> None:
    assert lifecycle.drift(found, enabled) == noted


def test_trigger_ids_as_their_parts() -> None:
    assert TriggerRef.from_id(REF.id) == REF
    assert lifecycle.factory_parts(FACTORY) == ("rg", "adf")
    with pytest.raises(ValueError, match="not a Data Factory trigger id"):
        TriggerRef.from_id(FACTORY)
    with pytest.raises(ValueError, match="not a Data Factory id"):
        lifecycle.factory_parts(REF.id)


HOOKS: list[tuple[str, Any]] = []


def test_the_named_hooks_run_the_lifecycle_once_per_program(tmp_path: Path) -> None:
    """The engine refuses a second hook of one name in a deployment: every trigger binds the same
    two, registered once."""
    HOOKS.clear()
    run_program(
        tmp_path,
        "from components import lifecycle\n"
        "from tests.test_lifecycle import HOOKS\n"
        "first, second = lifecycle.hooks(), lifecycle.hooks()\n"
        "assert first == second\n"
        "HOOKS.extend((h.name, h.callback) for h in first)\n",
    )
    assert [
        (lifecycle.STOP_HOOK, lifecycle.stop_before),
        (lifecycle.ENSURE_HOOK, lifecycle.ensure_before_create),
    ] == HOOKS
