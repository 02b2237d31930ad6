"""ScheduleTrigger: started on create (pulumi-azure `activated`), schedule fields as configured."""

from __future__ import annotations

import pytest

from components.trigger import azurerm_time
from tests.conftest import Render, base, pipeline
from tools import engine

TRIGGER = "azure:datafactory/triggerSchedule:TriggerSchedule"


def test_daily_trigger_is_started(render: Render) -> None:
    result = render(base())
    trigger = result.one(TRIGGER)
    factory = result.one("azure-native:datafactory:Factory")
    pipe = result.one("azure-native:datafactory:Pipeline")
    assert trigger.inputs["activated"] is True
    assert trigger.inputs["name"] == "process-data-schedule"
    assert trigger.inputs["frequency"] == "Day"
    assert trigger.inputs["interval"] == 1
    assert trigger.inputs["startTime"] == "2026-01-01T06:00:00Z"
    assert trigger.inputs["timeZone"] == "UTC"
    assert trigger.inputs["pipelines"] == [{"name": "process-data"}]
    assert trigger.inputs["dataFactoryId"] == engine.arm_id(
        "adf-databricks-test", "Microsoft.DataFactory", "factories", result.outputs["factoryName"]
    )
    assert factory.urn in trigger.dependencies
    # Started only once the pipeline it runs exists.
    assert pipe.urn in trigger.dependencies
    assert "schedule" not in trigger.inputs
    assert result.outputs["triggers"] == {"process-data-schedule": True}


def test_disabled_trigger_stays_stopped(render: Render) -> None:
    p = pipeline(schedule={"frequency": "Day", "startTime": "2026-01-01T06:00:00Z", "enabled": False})
    result = render(base(pipelines=[p]))
    assert result.one(TRIGGER).inputs["activated"] is False
    assert result.outputs["triggers"] == {"process-data-schedule": False}


def test_weekly_schedule_with_parameters(render: Render) -> None:
    p = pipeline(
        schedule={
            "frequency": "Week",
            "interval": 2,
            "startTime": "2026-01-05T00:00:00Z",
            "endTime": "2027-01-01T00:00:00Z",
            "hours": [18, 6],
            "minutes": [30],
            "weekDays": ["Monday", "Thursday"],
            "parameters": {"folder": "weekly"},
        }
    )
    trigger = render(base(pipelines=[p])).one(TRIGGER).inputs
    assert trigger["schedule"] == {"hours": [6, 18], "minutes": [30], "daysOfWeeks": ["Monday", "Thursday"]}
    assert trigger["interval"] == 2
    assert trigger["timeZone"] == "UTC"
    assert trigger["pipelines"] == [{"name": "process-data", "parameters": {"folder": "weekly"}}]


def test_monthly_schedule(render: Render) -> None:
    p = pipeline(schedule={"frequency": "Month", "startTime": "2026-01-01T00:00:00Z", "monthDays": [-1, 1]})
    trigger = render(base(pipelines=[p])).one(TRIGGER).inputs
    assert trigger["schedule"] == {"daysOfMonths": [-1, 1]}


def test_secure_string_arguments_stay_secret(render: Render) -> None:
    p = pipeline(
        parameters={"folder": {"type": "String"}, "key": {"type": "SecureString"}},
        schedule={
            "frequency": "Day",
            "startTime": "2026-01-01T06:00:00Z",
            "parameters": {"folder": "x", "key": "s3cr3t-value"},
        },
    )
    trigger = render(base(pipelines=[p])).one(TRIGGER)
    assert trigger.inputs["pipelines"] == [{"name": "process-data", "parameters": engine.SECRET}]
    assert trigger.raw_inputs["pipelines"][0]["parameters"] == {"folder": "x", "key": "s3cr3t-value"}


def test_trigger_uses_an_explicit_provider_with_the_subscription(render: Render) -> None:
    """pulumi-azure 6 refuses to start without a subscription id; azure-native's is used."""
    result = render(base())
    provider = result.one("pulumi:providers:azure")
    assert provider.raw_inputs["subscriptionId"] == engine.SUBSCRIPTION
    assert result.one(TRIGGER).provider == provider.urn


def test_trigger_provider_registers_no_resource_providers(render: Render) -> None:
    """azurerm v4 registers its whole legacy set of resource providers unless told "none",
    which needs register rights on the whole subscription."""
    provider = render(base()).one("pulumi:providers:azure")
    assert provider.raw_inputs["resourceProviderRegistrations"] == "none"
    assert provider.raw_inputs.get("skipProviderRegistration") in (None, "false")
    assert "resourceProvidersToRegisters" not in provider.raw_inputs


@pytest.mark.parametrize(
    "auth", [{"mode": "msi"}, {"mode": "token"}], ids=["msi-contributor", "token-key-vault-reader"]
)
def test_trigger_starts_after_the_grants_have_propagated(render: Render, auth: dict[str, str]) -> None:
    """The first scheduled run must not come before the factory may reach the workspace (or
    the vault): the trigger is created and started only after the propagation wait."""
    result = render(base(auth=auth))
    wait = result.one("time:index/sleep:Sleep")
    trigger = result.one(TRIGGER)
    assert wait.urn in trigger.dependencies


def test_trigger_with_an_inline_token_has_nothing_to_wait_for(render: Render) -> None:
    result = render(base(auth={"mode": "token", "keyVault": False}))
    assert result.of_type("time:index/sleep:Sleep") == []
    assert not [d for d in result.one(TRIGGER).dependencies if "time:index/sleep" in d]


def test_no_schedule_no_trigger(render: Render) -> None:
    result = render(base(pipelines=[pipeline(schedule=None)]))
    assert result.of_type(TRIGGER) == []
    assert result.of_type("pulumi:providers:azure") == []
    assert result.outputs["triggers"] == {}


def test_trigger_uses_pulumi_azure_not_azure_native(render: Render) -> None:
    """azure-native cannot start a trigger; only pulumi-azure's resource may declare it."""
    result = render(base())
    assert result.of_type("azure-native:datafactory:Trigger") == []
    assert len(result.of_type(TRIGGER)) == 1


def test_utc_schedule_is_sent_as_written(render: Render) -> None:
    p = pipeline(
        schedule={
            "frequency": "Day",
            "startTime": "2026-01-01T06:00:00+00:00",
            "endTime": "2027-01-01T00:00:00Z",
        }
    )
    trigger = render(base(pipelines=[p])).one(TRIGGER).inputs
    assert (trigger["startTime"], trigger["endTime"]) == ("2026-01-01T06:00:00Z", "2027-01-01T00:00:00Z")
    assert trigger["timeZone"] == "UTC"


def test_azurerm_time_sends_utc_as_written() -> None:
    assert azurerm_time("2026-12-01T06:00:00Z", "UTC") == "2026-12-01T06:00:00Z"


@pytest.mark.parametrize(
    ("value", "zone"),
    [
        ("2026-12-01T06:00:00", "UTC"),
        ("2026-12-01T06:00:00+00:00", "UTC"),
        ("2026-12-01T06:00:00.5Z", "UTC"),
        # Data Factory would read these as UTC and ignore the zone.
        ("2026-12-01T06:00:00Z", "W. Europe Standard Time"),
        ("2026-12-01T06:00:00", "W. Europe Standard Time"),
    ],
)
def test_azurerm_time_refuses_other_forms(value: str, zone: str) -> None:
    """The component is usable without this project's settings: a wrong form fails, not shifts."""
    with pytest.raises(ValueError, match="schedule time"):
        azurerm_time(value, zone)
