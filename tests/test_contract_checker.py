"""The Data Factory contract checker itself, on handcrafted resources.

Each broken case changes one thing in a valid resource and expects exactly the error
that names it, so a rule that stops firing (or starts firing on valid input) fails here.
"""

from __future__ import annotations

import copy
import dataclasses
import inspect
import re
from typing import Any

import pytest

from tools import contract

LINKED_SERVICE = "azure-native:datafactory:LinkedService"
PIPELINE = "azure-native:datafactory:Pipeline"
FACTORY = "azure-native:datafactory:Factory"
TRIGGER = "azure-native:datafactory:Trigger"
SCHEDULE = contract.TRIGGER_SCHEDULE


class _Delete:
    """Marker for `changed`: remove the key instead of setting it."""

    def __repr__(self) -> str:  # a stable test id (mutmut keys its results by test id)
        return "DELETE"


DELETE = _Delete()


def databricks_msi() -> dict[str, Any]:
    return {
        "factoryName": "adf-databricks-dev",
        "resourceGroupName": "rg",
        "linkedServiceName": "AzureDatabricks",
        "properties": {
            "type": "AzureDatabricks",
            "description": "Databricks workspace",
            "domain": "https://adb-1.2.azuredatabricks.net",
            "authentication": "MSI",
            "workspaceResourceId": "[unknown]",
            "newClusterVersion": "15.4.x-scala2.12",
            "newClusterNodeType": "Standard_D4ds_v5",
            "newClusterNumOfWorker": "1",
            "newClusterSparkEnvVars": {"PYSPARK_PYTHON": "/databricks/python3/bin/python3"},
            "connectVia": {"referenceName": "AutoResolve", "type": "IntegrationRuntimeReference"},
        },
    }


def databricks_key_vault_token() -> dict[str, Any]:
    resource = databricks_msi()
    for key in ("authentication", "workspaceResourceId"):
        del resource["properties"][key]
    resource["properties"]["accessToken"] = {
        "type": "AzureKeyVaultSecret",
        "store": {"referenceName": "KeyVault", "type": "LinkedServiceReference"},
        "secretName": "databricks-token",
    }
    return resource


def databricks_secure_string_token() -> dict[str, Any]:
    resource = databricks_key_vault_token()
    resource["properties"]["accessToken"] = {"type": "SecureString", "value": "[secret]"}
    return resource


def pipeline() -> dict[str, Any]:
    """One notebook activity carrying every setting the project uses."""
    return {
        "factoryName": "[unknown]",
        "resourceGroupName": "rg",
        "pipelineName": "process-data",
        "description": "Process data",
        "concurrency": 1,
        "folder": {"name": "databricks"},
        "parameters": {"folder": {"type": "String", "defaultValue": "product_data"}},
        "activities": [
            {
                "type": "DatabricksNotebook",
                "name": "Process Data",
                "description": "Runs process_data",
                "notebookPath": "/Shared/adf-databricks/process_data",
                "baseParameters": {"folder": "@pipeline().parameters.folder"},
                "libraries": [
                    {"pypi": {"package": "requests==2.32.3", "repo": "https://pypi.org/simple"}},
                    {"maven": {"coordinates": "g:a:1.0", "exclusions": ["g:b"]}},
                    {"cran": {"package": "forecast"}},
                    {"jar": "dbfs:/libs/x.jar"},
                    {"whl": "dbfs:/libs/x.whl"},
                    {"egg": "dbfs:/libs/x.egg"},
                ],
                "linkedServiceName": {"referenceName": "AzureDatabricks", "type": "LinkedServiceReference"},
                "policy": {
                    "timeout": "0.12:00:00",
                    "retry": 0,
                    "retryIntervalInSeconds": 30,
                    "secureInput": False,
                    "secureOutput": False,
                },
                "userProperties": [{"name": "folder", "value": "@pipeline().parameters.folder"}],
                "dependsOn": [{"activity": "Other", "dependencyConditions": ["Succeeded"]}],
            }
        ],
    }


def factory() -> dict[str, Any]:
    return {
        "resourceGroupName": "rg",
        "factoryName": "adf-databricks-dev",
        "location": "westeurope",
        "identity": {"type": "SystemAssigned"},
        "tags": {"environment": "dev"},
    }


def trigger_schedule() -> dict[str, Any]:
    return {
        "dataFactoryId": "[unknown]",
        "name": "process-data-schedule",
        "description": "nightly",
        "pipelines": [{"name": "process-data", "parameters": {"folder": "product_data"}}],
        "frequency": "Week",
        "interval": 1,
        "startTime": "2026-01-01T06:00:00Z",
        "endTime": "2027-01-01T06:00:00Z",
        "timeZone": "UTC",
        "activated": True,
        "schedule": {"hours": [0, 6, 23], "minutes": [0, 59], "daysOfWeeks": ["Monday", "Friday"]},
    }


def native_schedule_trigger() -> dict[str, Any]:
    return {
        "factoryName": "f",
        "resourceGroupName": "rg",
        "triggerName": "nightly",
        "properties": {
            "type": "ScheduleTrigger",
            "pipelines": [
                {
                    "pipelineReference": {"referenceName": "process-data", "type": "PipelineReference"},
                    "parameters": {"folder": "x"},
                }
            ],
            "recurrence": {
                "frequency": "Month",
                "interval": 1,
                "startTime": "2026-01-01T06:00:00Z",
                "timeZone": "UTC",
                "schedule": {"hours": [6], "minutes": [0], "monthDays": [1, -1]},
            },
        },
    }


def trigger_tumbling_window() -> dict[str, Any]:
    return {
        "dataFactoryId": "[unknown]",
        "name": "load-window",
        "description": "hourly",
        "pipeline": {"name": "load", "parameters": {"windowStart": "@trigger().outputs.windowStartTime"}},
        "frequency": "Hour",
        "interval": 1,
        "startTime": "2026-01-01T00:00:00Z",
        "endTime": "2027-01-01T00:00:00Z",
        "delay": "00:10:00",
        "maxConcurrency": 10,
        "retry": {"count": 2, "interval": 60},
        "triggerDependencies": [
            {"offset": "-01:00:00", "size": "01:00:00"},
            {"triggerName": "extract-window", "offset": "01:00:00", "size": "02:00:00"},
        ],
        "activated": True,
    }


def native_blob_events_trigger() -> dict[str, Any]:
    return {
        "factoryName": "f",
        "resourceGroupName": "rg",
        "triggerName": "on-arrival-storage-event",
        "properties": {
            "type": "BlobEventsTrigger",
            "scope": "/subscriptions/0/resourceGroups/data/providers/Microsoft.Storage/storageAccounts/landing01",
            "events": ["Microsoft.Storage.BlobCreated"],
            "blobPathBeginsWith": "/landing/blobs/incoming/",
            "ignoreEmptyBlobs": True,
            "pipelines": [
                {"pipelineReference": {"referenceName": "on-arrival", "type": "PipelineReference"}}
            ],
        },
    }


BUILDERS = {
    "databricks_msi": (LINKED_SERVICE, databricks_msi),
    "databricks_key_vault_token": (LINKED_SERVICE, databricks_key_vault_token),
    "databricks_secure_string_token": (LINKED_SERVICE, databricks_secure_string_token),
    "pipeline": (PIPELINE, pipeline),
    "factory": (FACTORY, factory),
    "trigger_schedule": (SCHEDULE, trigger_schedule),
    "trigger_tumbling_window": (contract.TRIGGER_TUMBLING_WINDOW, trigger_tumbling_window),
    "native_schedule_trigger": (TRIGGER, native_schedule_trigger),
    "native_blob_events_trigger": (TRIGGER, native_blob_events_trigger),
}


def changed(builder: str, path: str, value: Any) -> tuple[str, dict[str, Any]]:
    """A valid resource with the value at a dotted/indexed `path` set (or removed with DELETE)."""
    type_token, build = BUILDERS[builder]
    resource = build()
    *parents, last = re.findall(r"[^.\[\]]+", path)
    node: Any = resource
    for part in parents:
        node = node[int(part)] if part.isdigit() else node[part]
    key: Any = int(last) if last.isdigit() else last
    if value is DELETE:
        del node[key]
    else:
        node[key] = copy.deepcopy(value)
    return type_token, resource


@pytest.mark.parametrize("builder", sorted(BUILDERS))
def test_valid_resources_pass(builder: str) -> None:
    type_token, build = BUILDERS[builder]
    assert contract.check_resource(type_token, build()) == []


def test_valid_trigger_schedule_passes_directly() -> None:
    assert contract.check_trigger_schedule(trigger_schedule()) == []


BROKEN: list[tuple[str, str, Any, str]] = [
    # (builder, path, value, the one expected error after the resource label)
    # unknown keys, with the closest known one suggested
    (
        "pipeline",
        "activities.0.policy.retrys",
        1,
        "activities[0].policy.retrys: unknown property 'retrys' for ActivityPolicy; did you mean 'retry'?",
    ),
    (
        "databricks_msi",
        "properties.newClusterNumOfWorkers",
        "1",
        "properties.newClusterNumOfWorkers: unknown property 'newClusterNumOfWorkers' for "
        "AzureDatabricksLinkedService; did you mean 'newClusterNumOfWorker'?",
    ),
    ("factory", "tag", {}, "tag: unknown property 'tag' for Factory; did you mean 'tags'?"),
    ("databricks_msi", "linkedService", "x", "linkedService: unknown input 'linkedService'; did you mean"),
    # discriminators
    (
        "databricks_msi",
        "properties.type",
        "AzureDatabrick",
        "properties.type: unknown LinkedService type 'AzureDatabrick'; did you mean 'AzureDatabricks'?",
    ),
    (
        "pipeline",
        "activities.0.type",
        "DatabricksNoteBook",
        "activities[0].type: unknown Activity type 'DatabricksNoteBook'; did you mean 'DatabricksNotebook'?",
    ),
    (
        "databricks_key_vault_token",
        "properties.accessToken.type",
        "KeyVaultSecret",
        "properties.accessToken.type: unknown SecretBase type 'KeyVaultSecret'; did you mean 'AzureKeyVaultSecret'?",
    ),
    # required keys
    (
        "pipeline",
        "activities.0.notebookPath",
        DELETE,
        "activities[0]: missing required property 'notebookPath' (DatabricksNotebookActivity)",
    ),
    (
        "databricks_msi",
        "properties.domain",
        DELETE,
        "properties: missing required property 'domain' (AzureDatabricksLinkedService)",
    ),
    (
        "databricks_key_vault_token",
        "properties.accessToken.secretName",
        DELETE,
        "properties.accessToken: missing required property 'secretName' (AzureKeyVaultSecretReference)",
    ),
    ("databricks_msi", "resourceGroupName", DELETE, "missing required input 'resourceGroupName'"),
    ("databricks_msi", "properties", DELETE, "missing required input 'properties'"),
    # ADF timespans
    (
        "pipeline",
        "activities.0.policy.timeout",
        "1h",
        "activities[0].policy.timeout: expected an ADF timespan [d.]hh:mm:ss such as '0.12:00:00', got '1h'",
    ),
    (
        "pipeline",
        "activities.0.policy.timeout",
        "0.12:61:00",
        "activities[0].policy.timeout: expected an ADF timespan",
    ),
    (
        "pipeline",
        "activities.0.policy.timeout",
        3600,
        "activities[0].policy.timeout: expected str (or an ADF expression), got int 3600",
    ),
    # _validation bounds, and bounds the docstring declares
    (
        "pipeline",
        "activities.0.policy.retryIntervalInSeconds",
        10,
        "activities[0].policy.retryIntervalInSeconds: 10 is below minimum 30",
    ),
    (
        "pipeline",
        "activities.0.policy.retryIntervalInSeconds",
        86401,
        "activities[0].policy.retryIntervalInSeconds: 86401 is above maximum 86400",
    ),
    ("pipeline", "concurrency", 0, "concurrency: 0 is below minimum 1"),
    ("pipeline", "activities.0.policy.retry", -1, "activities[0].policy.retry: -1 is below minimum 0"),
    # scalar types
    ("pipeline", "concurrency", "1", 'concurrency: expected int, got str "1"'),
    ("pipeline", "description", 5, "description: expected str, got int 5"),
    (
        "pipeline",
        "activities.0.policy.secureInput",
        "false",
        'activities[0].policy.secureInput: expected bool, got str "false"',
    ),
    (
        "databricks_msi",
        "properties.newClusterNumOfWorker",
        1,
        "properties.newClusterNumOfWorker: expected str (or an ADF expression), got int 1",
    ),
    ("pipeline", "folder", "databricks", 'folder: expected an object (PipelineFolder), got str "databricks"'),
    ("pipeline", "activities", {}, "activities: expected a list ([Activity]), got object {}"),
    ("factory", "tags.environment", 1, "tags.environment: expected str, got int 1"),
    ("databricks_msi", "factoryName", 1, "factoryName: expected str, got int 1"),
    # enums the models list
    ("factory", "identity.type", "SystemAsigned", "identity.type: 'SystemAsigned' is not one of"),
    (
        "pipeline",
        "activities.0.dependsOn.0.dependencyConditions.0",
        "Succeded",
        "activities[0].dependsOn[0].dependencyConditions[0]: 'Succeded' is not one of Succeeded, Failed, "
        "Skipped, Completed; did you mean 'Succeeded'?",
    ),
    ("pipeline", "parameters.folder.type", "string", "parameters.folder.type: 'string' is not one of"),
    # read-only properties
    (
        "factory",
        "provisioningState",
        "Succeeded",
        "provisioningState: Factory.provisioningState is read-only",
    ),
    # documented notebook rule
    (
        "pipeline",
        "activities.0.notebookPath",
        "Shared/x",
        "activities[0].notebookPath: notebook path must be absolute (start with '/'), got 'Shared/x'",
    ),
    # Databricks library shapes
    (
        "pipeline",
        "activities.0.libraries.0",
        {"jar": "a.jar", "whl": "b.whl"},
        "activities[0].libraries[0]: a library has exactly one of jar, egg, whl, pypi, maven, cran",
    ),
    (
        "pipeline",
        "activities.0.libraries.0",
        {"wheel": "b.whl"},
        "activities[0].libraries[0].wheel: unknown library kind 'wheel'; did you mean 'whl'?",
    ),
    (
        "pipeline",
        "activities.0.libraries.0",
        {"pypi": "requests"},
        "activities[0].libraries[0].pypi: expected an object with package, repo",
    ),
    (
        "pipeline",
        "activities.0.libraries.0",
        {"pypi": {"repo": "https://pypi.org/simple"}},
        "activities[0].libraries[0].pypi: missing required pypi key 'package'",
    ),
    (
        "pipeline",
        "activities.0.libraries.1",
        {"maven": {"coordinates": "g:a:1", "exclusion": ["g:b"]}},
        "activities[0].libraries[1].maven.exclusion: unknown maven library key 'exclusion'; did you mean "
        "'exclusions'?",
    ),
    (
        "pipeline",
        "activities.0.libraries.1",
        {"maven": {"coordinates": "g:a:1", "exclusions": "g:b"}},
        "activities[0].libraries[1].maven.exclusions: expected a list ([str])",
    ),
    (
        "pipeline",
        "activities.0.libraries.3",
        {"jar": 5},
        "activities[0].libraries[3].jar: expected a path string",
    ),
    (
        "pipeline",
        "activities.0.libraries.4",
        "x.whl",
        "activities[0].libraries[4]: expected a map ({object}), got str",
    ),
    # pulumi-azure TriggerSchedule, by the ScheduleTrigger models' rules
    (
        "trigger_schedule",
        "frequency",
        "Weekly",
        "frequency: 'Weekly' is not one of NotSpecified, Minute, Hour, Day, Week, Month, Year; did you mean 'Week'?",
    ),
    ("trigger_schedule", "schedule.hours.2", 24, "schedule.hours[2]: 24 is outside 0..23"),
    ("trigger_schedule", "schedule.minutes.1", 60, "schedule.minutes[1]: 60 is outside 0..59"),
    (
        "trigger_schedule",
        "schedule.daysOfWeeks.0",
        "Mon",
        "schedule.daysOfWeeks[0]: 'Mon' is not one of Sunday, Monday, Tuesday, Wednesday, Thursday, Friday, "
        "Saturday; did you mean 'Monday'?",
    ),
    (
        "trigger_schedule",
        "endTime",
        "2025-12-31T06:00:00Z",
        "endTime: end time '2025-12-31T06:00:00Z' is not after start time '2026-01-01T06:00:00Z'",
    ),
    (
        "trigger_schedule",
        "startTime",
        "tomorrow",
        'startTime: expected an ISO 8601 timestamp, got str "tomorrow"',
    ),
    # pulumi-azure TriggerTumblingWindow, by the TumblingWindowTrigger models' rules
    (
        "trigger_tumbling_window",
        "frequency",
        "Day",
        "frequency: 'Day' is not one of Minute, Hour, Month",
    ),
    ("trigger_tumbling_window", "frequency", "Minute", "interval: 1 minutes is below the minimum of 15"),
    ("trigger_tumbling_window", "maxConcurrency", 51, "maxConcurrency: 51 is above maximum 50"),
    ("trigger_tumbling_window", "maxConcurrency", 0, "maxConcurrency: 0 is below minimum 1"),
    ("trigger_tumbling_window", "retry.interval", 29, "retry.interval: 29 is below minimum 30"),
    ("trigger_tumbling_window", "retry.interval", 86401, "retry.interval: 86401 is above maximum 86400"),
    (
        "trigger_tumbling_window",
        "delay",
        "10m",
        "delay: expected an ADF timespan [d.]hh:mm:ss such as '0.12:00:00', got '10m'",
    ),
    (
        "trigger_tumbling_window",
        "triggerDependencies.0.offset",
        "01:00:00",
        'triggerDependencies[0].offset: "01:00:00" does not match pattern'
        " -((\\d+)\\.)?(\\d\\d):(60|([0-5][0-9])):(60|([0-5][0-9]))",
    ),
    (
        "trigger_tumbling_window",
        "triggerDependencies.0.offset",
        DELETE,
        "triggerDependencies[0]: missing required self-dependency input 'offset'",
    ),
    (
        "trigger_tumbling_window",
        "triggerDependencies.1.size",
        "-02:00:00",
        'triggerDependencies[1].size: "-02:00:00" does not match pattern'
        " ((\\d+)\\.)?(\\d\\d):(60|([0-5][0-9])):(60|([0-5][0-9]))",
    ),
    (
        "trigger_tumbling_window",
        "triggerDependencies.1.size",
        "1234567.02:00:00",
        "triggerDependencies[1].size: length 16 is above max_length 15",
    ),
    (
        "trigger_tumbling_window",
        "endTime",
        "2025-01-01T00:00:00Z",
        "endTime: end time '2025-01-01T00:00:00Z' is not after start time '2026-01-01T00:00:00Z'",
    ),
    (
        "trigger_tumbling_window",
        "startTime",
        "2026-01-01T00:00:00",
        "startTime: time zone UTC takes times ending in Z, got '2026-01-01T00:00:00'",
    ),
    (
        "trigger_tumbling_window",
        "pipeline",
        DELETE,
        "missing required TriggerTumblingWindow input 'pipeline'",
    ),
    # azure-native BlobEventsTrigger, by the model and Learn's rules for storage events
    (
        "native_blob_events_trigger",
        "properties.events.0",
        "Microsoft.Storage.BlobChanged",
        "properties.events[0]: 'Microsoft.Storage.BlobChanged' is not one of Microsoft.Storage.BlobCreated,"
        " Microsoft.Storage.BlobDeleted",
    ),
    (
        "native_blob_events_trigger",
        "properties.scope",
        DELETE,
        "properties: missing required property 'scope' (BlobEventsTrigger)",
    ),
    (
        "native_blob_events_trigger",
        "properties.blobPathBeginsWith",
        DELETE,
        "properties: a BlobEventsTrigger needs blobPathBeginsWith, blobPathEndsWith or both",
    ),
    (
        "native_blob_events_trigger",
        "properties.blobPathBeginsWith",
        "/landing/incoming/",
        "properties.blobPathBeginsWith: expected /<container>/blobs/... after the container, got '/landing/incoming/'",
    ),
    (
        "native_blob_events_trigger",
        "properties.blobPathBeginsWith",
        "incoming/",
        "properties.blobPathBeginsWith: expected a path from its container, /<container>/..., got 'incoming/'",
    ),
    (
        "native_blob_events_trigger",
        "properties.ignoreEmptyBlobs",
        "yes",
        'properties.ignoreEmptyBlobs: expected bool, got str "yes"',
    ),
    # Microsoft's announcement of time zone support: Z for UTC, zoneless for other zones.
    (
        "trigger_schedule",
        "startTime",
        "2026-01-01T06:00:00",
        "startTime: time zone UTC takes times ending in Z, got '2026-01-01T06:00:00'",
    ),
    (
        "native_schedule_trigger",
        "properties.recurrence.timeZone",
        "W. Europe Standard Time",
        "properties.recurrence.startTime: time zone 'W. Europe Standard Time' takes zoneless local times,"
        " got '2026-01-01T06:00:00Z'",
    ),
    ("trigger_schedule", "interval", 0, "interval: 0 is below minimum 1"),
    ("trigger_schedule", "interval", "1", 'interval: expected int, got str "1"'),
    ("trigger_schedule", "activated", "yes", 'activated: expected bool, got str "yes"'),
    ("trigger_schedule", "dataFactoryId", DELETE, "missing required TriggerSchedule input 'dataFactoryId'"),
    (
        "trigger_schedule",
        "shedule",
        {},
        "shedule: unknown TriggerSchedule input 'shedule'; did you mean 'schedule'?",
    ),
    (
        "trigger_schedule",
        "pipelines.0.parameter",
        {},
        "pipelines[0].parameter: unknown pipeline input 'parameter'; did you mean 'parameters'?",
    ),
    ("trigger_schedule", "pipelines.0.name", DELETE, "pipelines[0]: missing required pipeline input 'name'"),
    (
        "trigger_schedule",
        "frequency",
        "Day",
        "schedule.daysOfWeeks: week days need frequency 'Week', not 'Day'",
    ),
    (
        "trigger_schedule",
        "schedule.monthlies",
        [{"weekday": "Monday", "week": 1}],
        "schedule.monthlies: month days need frequency 'Month', not 'Week'",
    ),
    # ...and the same models behind a native Trigger
    (
        "native_schedule_trigger",
        "properties.recurrence.schedule.monthDays.0",
        0,
        "properties.recurrence.schedule.monthDays[0]: 0 is outside -31..31, not 0",
    ),
    (
        "native_schedule_trigger",
        "properties.recurrence.schedule.monthlyOccurrences",
        [{"day": "Monday", "occurrence": 6}],
        "properties.recurrence.schedule.monthlyOccurrences[0].occurrence: 6 is outside -5..5, not 0",
    ),
    (
        "native_schedule_trigger",
        "properties.recurrence.schedule.monthlyOccurrences",
        [{"day": "Mon", "occurrence": 1}],
        "properties.recurrence.schedule.monthlyOccurrences[0].day: 'Mon' is not one of",
    ),
    (
        "native_schedule_trigger",
        "properties.recurrence.frequency",
        "Day",
        "properties.recurrence.schedule.monthDays: month days need frequency 'Month', not 'Day'",
    ),
    (
        "native_schedule_trigger",
        "properties.recurrence",
        DELETE,
        "properties: missing required property 'recurrence' (ScheduleTrigger)",
    ),
]


@pytest.mark.parametrize(
    ("builder", "path", "value", "expected"), BROKEN, ids=[f"{b}:{p}={v!r}"[:80] for b, p, v, _ in BROKEN]
)
def test_broken_resource_gives_exactly_the_expected_error(
    builder: str, path: str, value: Any, expected: str
) -> None:
    type_token, resource = changed(builder, path, value)
    errors = contract.check_resource(type_token, resource, label="R")
    assert len(errors) == 1, errors
    assert errors[0].startswith(f"R: {expected}"), errors


def test_several_problems_are_all_reported() -> None:
    _, resource = changed("pipeline", "activities.0.policy.retrys", 1)
    resource["activities"][0]["policy"]["timeout"] = "1h"
    del resource["activities"][0]["notebookPath"]
    assert len(contract.check_resource(PIPELINE, resource)) == 3


@pytest.mark.parametrize(
    "timeout",
    ["12:00:00", "0.12:00:00", "7.00:00:00", "00:60:60", "@pipeline().parameters.timeout", "[unknown]"],
)
def test_timeouts_adf_accepts(timeout: str) -> None:
    assert (
        contract.check_resource(PIPELINE, changed("pipeline", "activities.0.policy.timeout", timeout)[1])
        == []
    )


@pytest.mark.parametrize("timeout", ["1:00:00", "12:00", "1.2:00:00", "0.12:00:00 ", "P1D", "@@literal"])
def test_timeouts_adf_rejects(timeout: str) -> None:
    errors = contract.check_resource(PIPELINE, changed("pipeline", "activities.0.policy.timeout", timeout)[1])
    assert len(errors) == 1 and "expected an ADF timespan" in errors[0], errors


def test_timeout_rule_does_not_depend_on_the_docstring() -> None:
    # 9.3.0 declares no `_validation` pattern for ActivityPolicy.timeout; the timespan is
    # only in its docstring. The explicit rule must hold even if that wording changes.
    field = contract.fields(contract.model("ActivityPolicy"))["timeout"]
    bare = dataclasses.replace(field, timespan=False, literal_kinds=frozenset())
    assert contract.check_field(bare, "1h", "timeout") == [
        "timeout: expected an ADF timespan [d.]hh:mm:ss such as '0.12:00:00', got '1h'"
    ]
    assert contract.check_field(bare, 3600, "timeout") == [
        "timeout: expected str (or an ADF expression), got int 3600"
    ]
    assert contract.check_field(bare, "0.12:00:00", "timeout") == []


@pytest.mark.parametrize(
    ("builder", "path"),
    [
        ("databricks_msi", "properties"),  # a whole secret object
        ("databricks_msi", "properties.domain"),  # required, but only known at deploy time
        ("databricks_key_vault_token", "properties.accessToken"),
        ("pipeline", "activities"),
        ("pipeline", "activities.0.policy"),
        ("pipeline", "activities.0.policy.retryIntervalInSeconds"),  # an int slot
        ("pipeline", "activities.0.libraries.0"),
        ("pipeline", "activities.0.libraries.0.pypi.package"),
        ("pipeline", "concurrency"),
        ("factory", "tags"),
        ("trigger_schedule", "startTime"),
        ("trigger_schedule", "schedule.hours.0"),
        ("trigger_schedule", "frequency"),
    ],
)
@pytest.mark.parametrize("marker", sorted(contract.OPAQUE))
def test_secret_and_unknown_stand_for_any_value(builder: str, path: str, marker: str) -> None:
    type_token, resource = changed(builder, path, marker)
    assert contract.check_resource(type_token, resource) == []


def test_unknown_discriminator_skips_only_subtype_keys() -> None:
    _, resource = changed("databricks_msi", "properties.type", "[unknown]")
    assert contract.check_resource(LINKED_SERVICE, resource) == []
    resource["properties"]["description"] = 5  # still checked: a base LinkedService property
    assert contract.check_resource(LINKED_SERVICE, resource, label="R") == [
        "R: properties.description: expected str, got int 5"
    ]


def test_protobuf_floats_count_as_ints() -> None:
    # Values that went through the Pulumi engine's protobuf structs arrive as floats.
    _, resource = changed("pipeline", "activities.0.policy.retryIntervalInSeconds", 60.0)
    assert contract.check_resource(PIPELINE, resource) == []
    resource["concurrency"] = 1.5
    assert contract.check_resource(PIPELINE, resource, label="R") == [
        "R: concurrency: expected int, got float 1.5"
    ]


def test_expressions_fill_typed_slots() -> None:
    _, resource = changed("databricks_msi", "properties.newClusterNumOfWorker", "@pipeline().parameters.n")
    assert contract.check_resource(LINKED_SERVICE, resource) == []
    resource["properties"]["newClusterNumOfWorker"] = {
        "type": "Expression",
        "value": "@pipeline().parameters.n",
    }
    assert contract.check_resource(LINKED_SERVICE, resource) == []


def test_nested_activities_are_checked() -> None:
    inner = pipeline()["activities"][0]
    inner["policy"]["retrys"] = 1
    resource = pipeline()
    resource["activities"] = [
        {
            "type": "ForEach",
            "name": "per-folder",
            "items": {"type": "Expression", "value": "@pipeline().parameters.folders"},
            "activities": [inner],
        }
    ]
    assert contract.check_resource(PIPELINE, resource, label="R") == [
        "R: activities[0].activities[0].policy.retrys: unknown property 'retrys' for ActivityPolicy; "
        "did you mean 'retry'?"
    ]


def test_unknown_datafactory_type_is_an_error() -> None:
    assert contract.check_resource("azure-native:datafactory:Pipelines", {}, label="R") == [
        "R: no Data Factory model known for type 'azure-native:datafactory:Pipelines'; did you mean 'Pipeline'?"
    ]


def test_versioned_module_token_is_checked_like_the_default() -> None:
    _, resource = changed("pipeline", "concurrency", "1")
    assert len(contract.check_resource("azure-native:datafactory/v20180601:Pipeline", resource)) == 1


def _step(type_token: str, inputs: dict[str, Any], op: str = "create") -> dict[str, Any]:
    urn = f"urn:pulumi:dev::adf-databricks::{type_token}::{len(inputs)}-{op}"
    return {
        "op": op,
        "urn": urn,
        "newState": {"type": type_token, "urn": urn, "custom": True, "inputs": inputs},
    }


def test_check_plan_names_the_urn_and_skips_what_it_does_not_own() -> None:
    bad_pipeline = changed("pipeline", "concurrency", "1")[1]
    plan = {
        "steps": [
            _step(FACTORY, factory()),
            _step(LINKED_SERVICE, databricks_msi()),
            _step(PIPELINE, bad_pipeline),
            _step(SCHEDULE, changed("trigger_schedule", "schedule.hours.0", 25)[1]),
            _step("azure-native:datafactory:Nope", {}),
            _step("azure-native:resources:ResourceGroup", {"anything": "goes"}),
            _step("azure:datafactory/linkedServiceWeb:LinkedServiceWeb", {"anything": "goes"}),
            _step(PIPELINE, {"junk": 1}, op="delete"),
            {"op": "delete", "urn": "urn:x", "oldState": {"type": PIPELINE, "inputs": {"junk": 1}}},
        ],
        "outputs": {},
        "changeSummary": {"create": 7, "delete": 2},
    }
    errors = contract.check_plan(plan)
    urns = [step["urn"] for step in plan["steps"]]
    assert errors == [
        f'{urns[2]}: concurrency: expected int, got str "1"',
        f"{urns[3]}: schedule.hours[0]: 25 is outside 0..23",
        f"{urns[4]}: no Data Factory model known for type 'azure-native:datafactory:Nope'",
    ]


def test_every_model_key_the_pulumi_native_sdk_sends_is_known() -> None:
    # The input-key mapping is derived, not copied: prove it agrees with pulumi-azure-native's
    # own camelCase names for every Data Factory input type that has a model.
    from pulumi_azure_native.datafactory import _inputs

    checked = 0
    for name, args in vars(_inputs).items():
        if not (inspect.isclass(args) and name.endswith("Args")) or not contract.is_model(
            name[: -len("Args")]
        ):
            continue
        known = contract.fields(contract.model(name[: -len("Args")]))
        for pulumi_name, python_name in _pulumi_names(args).items():
            field = known.get(pulumi_name)
            assert field is not None, f"{name}.{pulumi_name} unknown to the checker"
            if python_name in contract.model(name[: -len("Args")])._attribute_map:
                assert field.attr == python_name, (name, pulumi_name, field.attr)
            checked += 1
    assert checked > 5000  # all input types, not a lucky few


def test_every_native_resource_and_its_inputs_is_covered() -> None:
    import pulumi
    import pulumi_azure_native.datafactory as native

    resources = [
        obj
        for obj in vars(native).values()
        if inspect.isclass(obj) and issubclass(obj, pulumi.CustomResource)
    ]
    assert {r.__name__ for r in resources} == set(contract.RESOURCES)
    for resource in resources:
        module = inspect.getmodule(resource)
        assert module is not None
        (args,) = [
            obj
            for obj in vars(module).values()
            if inspect.isclass(obj) and obj.__module__ == module.__name__ and obj.__name__.endswith("Args")
        ]
        inputs = dict.fromkeys(_pulumi_names(args), "[unknown]")
        assert contract.check_resource(f"azure-native:datafactory:{resource.__name__}", inputs) == []


def test_every_trigger_schedule_input_pulumi_azure_sends_is_known() -> None:
    import pulumi_azure.datafactory as sdk

    def unknowns(args: type) -> dict[str, Any]:
        return dict.fromkeys(_pulumi_names(args), "[unknown]")

    inputs = unknowns(sdk.TriggerScheduleArgs)
    inputs["pipelines"] = [unknowns(sdk.TriggerSchedulePipelineArgs)]
    inputs["schedule"] = unknowns(sdk.TriggerScheduleScheduleArgs)
    inputs["schedule"]["monthlies"] = [unknowns(sdk.TriggerScheduleScheduleMonthlyArgs)]
    assert contract.check_trigger_schedule(inputs) == []


def test_every_trigger_tumbling_window_input_pulumi_azure_sends_is_known() -> None:
    import pulumi_azure.datafactory as sdk

    def unknowns(args: type) -> dict[str, Any]:
        return dict.fromkeys(_pulumi_names(args), "[unknown]")

    inputs = unknowns(sdk.TriggerTumblingWindowArgs)
    inputs["pipeline"] = unknowns(sdk.TriggerTumblingWindowPipelineArgs)
    inputs["retry"] = unknowns(sdk.TriggerTumblingWindowRetryArgs)
    inputs["triggerDependencies"] = [unknowns(sdk.TriggerTumblingWindowTriggerDependencyArgs)]
    assert contract.check_trigger_tumbling_window(inputs) == []


def _pulumi_names(args: type) -> dict[str, str]:
    """Pulumi (camelCase) name -> Python name, as `@pulumi.getter` recorded them."""
    names: dict[str, str] = {}
    for base in reversed(args.__mro__):
        for python_name, value in vars(base).items():
            pulumi_name = getattr(getattr(value, "fget", None), "_pulumi_name", None)
            if pulumi_name:
                names[pulumi_name] = python_name
    return names


def managed_network() -> dict[str, Any]:
    """A factory's managed virtual network, declared as azure-native's generic resource."""
    return {
        "resourceGroupName": "rg",
        "resourceProviderNamespace": "Microsoft.DataFactory",
        "parentResourcePath": "factories/adf-databricks-prod",
        "resourceType": "managedVirtualNetworks",
        "resourceName": "default",
        "apiVersion": "2018-06-01",
        "properties": {},
    }


def test_a_generic_data_factory_resource_is_checked_against_its_model() -> None:
    assert contract.check_generic(managed_network()) == []
    # vNetId and alias are Azure's to set (readonly): the model takes no property.
    assert contract.check_generic({**managed_network(), "properties": {"vnetId": "x"}}) == [
        "azure-native:resources:Resource: properties.vnetId: unknown property 'vnetId' for ManagedVirtualNetwork"
    ]
    assert contract.check_generic(
        {**managed_network(), "resourceType": "managedVirtualNetwork", "apiVersion": "2017-09-01-preview"}
    ) == [
        "azure-native:resources:Resource: apiVersion: expected one of ['2018-06-01'], got '2017-09-01-preview'",
        "azure-native:resources:Resource: resourceType: no Data Factory model known for"
        " 'managedVirtualNetwork'; did you mean 'managedVirtualNetworks'?",
    ]
    assert contract.check_generic({**managed_network(), "parentResourcePath": "workspaces/w"}) == [
        "azure-native:resources:Resource: parentResourcePath: expected factories/<factory name>, got 'workspaces/w'"
    ]


def test_a_plan_checks_generic_resources_of_data_factory_only() -> None:
    other = {**managed_network(), "resourceProviderNamespace": "Microsoft.Web", "resourceType": "sites"}
    plan = {
        "steps": [
            {"op": "create", "newState": {"type": contract.GENERIC_RESOURCE, "urn": "u1", "inputs": other}},
            {
                "op": "create",
                "newState": {
                    "type": contract.GENERIC_RESOURCE,
                    "urn": "u2",
                    "inputs": {**managed_network(), "properties": {"nope": 1}},
                },
            },
        ]
    }
    assert contract.check_plan(plan) == [
        "u2: properties.nope: unknown property 'nope' for ManagedVirtualNetwork"
    ]
