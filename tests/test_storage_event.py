"""StorageEventTrigger: blob events sent as azure-native's BlobEventsTrigger, started by the
lifecycle hooks, with Data Factory's rules at their edges."""

from __future__ import annotations

from typing import Any

import pytest

from components import lifecycle
from components.storage_event import StorageEventTrigger
from components.validation import InvalidArgs
from tests.conftest import Render, base, pipeline
from tools import contract, engine

NATIVE = "azure-native:datafactory:Trigger"
ACCOUNT = (
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/data/providers"
    "/Microsoft.Storage/storageAccounts/landing01"
)
ARRIVAL = {
    "storageAccountId": ACCOUNT,
    "blobPathBeginsWith": "/landing/blobs/incoming/",
    "blobPathEndsWith": ".csv",
}
FILE_PARAMETERS = {
    "folder": {"type": "String", "default": "product_data"},
    "file": {"type": "String"},
    "where": {"type": "String"},
}


def on_arrival(**event: Any) -> dict[str, Any]:
    return pipeline(
        name="on-arrival", parameters=FILE_PARAMETERS, schedule=None, storageEvent={**ARRIVAL, **event}
    )


def test_a_storage_event_renders_passes_the_models_and_is_started(render: Render) -> None:
    p = on_arrival(
        events=["BlobDeleted", "BlobCreated"],
        ignoreEmptyBlobs=False,
        parameters={"file": "@triggerBody().fileName", "where": "@triggerBody().folderPath"},
    )
    result = render(base(pipelines=[p]))
    trigger = result.one(NATIVE)
    assert trigger.inputs == {
        "triggerName": "on-arrival-storage-event",
        "factoryName": result.outputs["factoryName"],
        "resourceGroupName": "adf-databricks-test",
        "properties": {
            "type": "BlobEventsTrigger",
            "description": "Runs on-arrival on blob events",
            "scope": ACCOUNT,
            # Data Factory's names, in its order.
            "events": ["Microsoft.Storage.BlobCreated", "Microsoft.Storage.BlobDeleted"],
            "blobPathBeginsWith": "/landing/blobs/incoming/",
            "blobPathEndsWith": ".csv",
            "ignoreEmptyBlobs": False,
            "pipelines": [
                {
                    "pipelineReference": {"referenceName": "on-arrival", "type": "PipelineReference"},
                    "parameters": {"file": "@triggerBody().fileName", "where": "@triggerBody().folderPath"},
                }
            ],
        },
    }
    assert contract.check_resource(trigger.type, trigger.inputs) == []
    # The lifecycle: stopped before an update or a delete, started by its state record, once the
    # grants its runs need have propagated.
    assert trigger.hooks == {"before_update": [lifecycle.STOP_HOOK], "before_delete": [lifecycle.STOP_HOOK]}
    record = next(r for r in result.of_type("time:index/static:Static") if r.name.endswith("-state"))
    assert record.hooks == {"before_create": [lifecycle.ENSURE_HOOK]}
    assert record.inputs["triggers"]["trigger"] == trigger.id
    assert result.one("time:index/sleep:Sleep").urn in trigger.dependencies
    assert result.outputs["triggers"] == {"on-arrival-storage-event": True}
    # Neither pulumi-azure nor a role for the factory: Data Factory needs none for Event Grid.
    assert result.of_type("pulumi:providers:azure") == []
    assignments = result.of_type("azure-native:authorization:RoleAssignment")
    assert not [a for a in assignments if "Microsoft.Storage" in str(a.raw_inputs.get("scope"))]


def test_defaults_blob_created_and_empty_blobs_ignored(render: Render) -> None:
    """Data Factory's own default for ignoreEmptyBlobs is true (Learn, "JSON schema")."""
    properties = render(base(pipelines=[on_arrival()])).one(NATIVE).inputs["properties"]
    assert properties["events"] == ["Microsoft.Storage.BlobCreated"]
    assert properties["ignoreEmptyBlobs"] is True


def test_a_disabled_storage_event_is_kept_stopped(render: Render) -> None:
    result = render(base(pipelines=[on_arrival(enabled=False)]))
    record = next(r for r in result.of_type("time:index/static:Static") if r.name.endswith("-state"))
    assert record.inputs["triggers"]["state"] == "Stopped"
    assert result.outputs["triggers"] == {"on-arrival-storage-event": False}


# ---------------------------------------------------------------- the rules, at their edges


def args(**spec: Any) -> dict[str, Any]:
    return {
        "spec": {"storage_account_id": ACCOUNT, **spec},
        "trigger_name": "on-arrival-storage-event",
        "factory_id": "/subscriptions/x/resourceGroups/rg/providers/Microsoft.DataFactory/factories/f",
        "pipeline_name": "on-arrival",
    }


def problems(**spec: Any) -> list[str]:
    with pytest.raises(InvalidArgs) as caught:
        StorageEventTrigger("t", args(**spec))
    return [str(p) for p in caught.value.problems]


@pytest.mark.parametrize(
    "spec",
    [
        # Learn's examples of each property.
        {"blob_path_begins_with": "/containername/"},
        {"blob_path_begins_with": "/containername/blobs/foldername/"},
        {"blob_path_begins_with": "/containername/blobs/foldername/subfoldername/"},
        {"blob_path_begins_with": "/containername/blobs/foldername/file.txt"},
        {"blob_path_ends_with": "file.txt"},
        {"blob_path_ends_with": "/containername/blobs/file.txt"},
        {"blob_path_ends_with": "foldername/file.txt"},
        {"blob_path_ends_with": ".csv", "events": ["BlobCreated", "BlobDeleted"]},
        # Container names: 3 and 63 characters, single hyphens.
        {"blob_path_begins_with": "/abc/"},
        {"blob_path_begins_with": "/" + "a" * 63 + "/"},
        {"blob_path_begins_with": "/a-b-c/"},
    ],
    ids=lambda spec: str(spec)[:70],
)
def test_what_data_factory_takes_is_taken(spec: dict[str, Any]) -> None:
    with pytest.raises(Exception) as caught:
        StorageEventTrigger("t", args(**spec))
    assert not isinstance(caught.value, InvalidArgs), caught.value


BEGINS = "spec.blobPathBeginsWith: expected /<container>/ or /<container>/blobs/<folder or blob>, e.g. /landing/blobs/incoming/, got "
ENDS = "spec.blobPathEndsWith: expected the end of a blob's name (.csv, incoming/orders.csv) or /<container>/blobs/<blob>, got "


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ({}, "spec: expected blobPathBeginsWith, blobPathEndsWith or both: Data Factory needs at least one"),
        # The /blobs/ segment between a container and a folder or blob.
        ({"blob_path_begins_with": "/landing/incoming/"}, BEGINS + "'/landing/incoming/'"),
        ({"blob_path_begins_with": "landing/blobs/incoming/"}, BEGINS + "'landing/blobs/incoming/'"),
        ({"blob_path_begins_with": "/landing"}, BEGINS + "'/landing'"),
        ({"blob_path_ends_with": "/landing/orders.csv"}, ENDS + "'/landing/orders.csv'"),
        ({"blob_path_ends_with": "/landing/blobs/"}, ENDS + "'/landing/blobs/'"),
        # Container names: 2 and 64 characters, capitals, a double or an end hyphen.
        ({"blob_path_begins_with": "/ab/"}, BEGINS + "'/ab/'"),
        ({"blob_path_begins_with": "/" + "a" * 64 + "/"}, BEGINS + "'/" + "a" * 64 + "/'"),
        ({"blob_path_begins_with": "/Landing/"}, BEGINS + "'/Landing/'"),
        ({"blob_path_begins_with": "/a--b/"}, BEGINS + "'/a--b/'"),
        ({"blob_path_begins_with": "/ab-/"}, BEGINS + "'/ab-/'"),
        (
            {"blob_path_ends_with": ".csv", "events": ["BlobChanged"]},
            "spec.events[0]: expected one of BlobCreated, BlobDeleted, got 'BlobChanged'",
        ),
        (
            {"blob_path_ends_with": ".csv", "events": []},
            "spec.events: expected a list of distinct events, BlobCreated and BlobDeleted, got a list []",
        ),
        (
            {"blob_path_ends_with": ".csv", "events": ["BlobCreated", "BlobCreated"]},
            "spec.events: expected a list of distinct events, BlobCreated and BlobDeleted, got a list"
            ' ["BlobCreated", "BlobCreated"]',
        ),
        (
            {"blob_path_ends_with": ".csv", "storage_account_id": ACCOUNT.replace("landing01", "Landing")},
            "spec.storageAccountId: expected /subscriptions/<id>/resourceGroups/<group>/providers"
            f"/Microsoft.Storage/storageAccounts/<name>, got {ACCOUNT.replace('landing01', 'Landing')!r}",
        ),
        (
            {"blob_path_ends_with": ".csv", "parameters": {"at": "@trigger().outputs.windowStartTime"}},
            "spec.parameters.at: at character 12: trigger().outputs (windowStartTime, windowEndTime) is set"
            " only by a tumbling window trigger, not a BlobEventsTrigger, which sets trigger().startTime"
            " (the value is not shown: it may be secret)",
        ),
        (
            {"blob_path_ends_with": ".csv", "parameters": {"n": 5}},
            "spec.parameters.n: expected a string, got a int: Data Factory does not convert an argument to"
            " the parameter's type; only String and SecureString parameters can be set by a storage event",
        ),
    ],
    ids=lambda value: str(value)[:50],
)
def test_what_data_factory_refuses_is_refused(spec: dict[str, Any], expected: str) -> None:
    assert problems(**spec) == [expected]


def test_event_arguments_set_declared_string_parameters(render: Render) -> None:
    p = on_arrival(parameters={"file": "@triggerBody().fileName", "n": "5"})
    p["parameters"] = {**FILE_PARAMETERS, "n": {"type": "Int", "default": 1}}
    with pytest.raises(Exception) as caught:
        render(base(pipelines=[p]))
    assert str(caught.value).splitlines() == [
        "adf-databricks:pipelines[0].storageEvent.parameters.n: a storage event cannot set a Int parameter:"
        " its trigger sends every argument as a string and Data Factory does not convert it to the"
        " parameter's type (Azure/Azure-DataFactory#518, #529); set the value as parameters.n.default"
        " instead, or declare the parameter String and convert it in the pipeline (@int(), @float(),"
        " @bool(), @json())",
    ]


def test_a_secure_string_event_argument_stays_secret(render: Render) -> None:
    p = on_arrival(parameters={"key": "s3cr3t-value"})
    p["parameters"] = {**FILE_PARAMETERS, "key": {"type": "SecureString"}}
    trigger = render(base(pipelines=[p])).one(NATIVE)
    assert trigger.inputs["properties"]["pipelines"][0]["parameters"] == engine.SECRET
