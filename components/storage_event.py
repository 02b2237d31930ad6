"""StorageEventTrigger: a run when a blob is created or deleted in a storage account, started by Pulumi.

`StorageEventSpec` is also the stack config's `pipelines[].storageEvent`: the rules declared here
check both (paths relative to it: `blobPathBeginsWith`).

Data Factory's rules (Learn, data-factory/how-to-create-event-trigger.md, "JSON schema" and
"Examples of storage event triggers"; azure-mgmt-datafactory BlobEventsTrigger):

- scope: the storage account's ARM id (an Azure Data Lake Storage Gen2 or general-purpose v2
  account), events Microsoft.Storage.BlobCreated and/or BlobDeleted;
- at least one of blobPathBeginsWith and blobPathEndsWith;
- a path that names a container names it as `/<container>/`, and a folder or blob in it after a
  `/blobs/` segment (`/landing/blobs/incoming/`); blobPathBeginsWith always starts with the
  container; blobPathEndsWith without a leading `/` matches in any container (`.csv`,
  `incoming/orders.csv`);
- ignoreEmptyBlobs is true unless set.

The factory's identity needs no role for it: Data Factory relays the subscription through Event
Grid and checks the permission of whoever starts the trigger, who needs
`Microsoft.EventGrid/eventSubscriptions/write` on the storage account (Owner or Contributor
there, or EventGrid EventSubscription Contributor); "you do not need to assign special RBAC
permission to Data Factory service principal" (Learn, how-to-create-event-trigger.md, "Role-based
access control"; Azure Data Factory blog, "Storage Event Trigger - Permission and RBAC setting").
The subscription needs the `Microsoft.EventGrid` resource provider registered.

The trigger is azure-native's, started by components.lifecycle, which retries the start while
its Event Grid subscription is provisioning ("Resource cannot be updated during provisioning",
terraform-provider-azurerm#32570, which azurerm's TriggerBlobEvent cannot retry).
"""

from collections.abc import Iterator, Mapping
from typing import Any, TypedDict

import pulumi
import pulumi_azure_native.datafactory as datafactory
from typing_extensions import NotRequired

from . import expressions, lifecycle, outputs, validation
from .arm import any_case
from .enums import BlobEvent
from .names import DATA_FACTORY_NAME
from .validation import checks, rule, rules

STORAGE_ACCOUNT_ID = (
    f"^/{any_case('subscriptions')}/[0-9a-fA-F-]{{36}}/{any_case('resourceGroups')}/[-\\w.()]+"
    f"/{any_case('providers')}/{any_case('Microsoft.Storage')}/{any_case('storageAccounts')}/[a-z0-9]{{3,24}}$"
)
"""A storage account's ARM id (names: 3 to 24 lowercase letters and digits;
terraform-provider-azurerm storage/validate/storage_account_name.go)."""

CONTAINER = r"[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}"
"""A blob container name: 3 to 63 lowercase letters, digits and single hyphens, a letter or digit
at both ends (Learn, storage/blobs "Naming and referencing containers, blobs, and metadata")."""

BEGINS_WITH = rf"^/{CONTAINER}/(blobs/.*)?$"
"""`/<container>/`, or `/<container>/blobs/<folder or blob>`."""
ENDS_WITH = rf"^(/{CONTAINER}/blobs/.+|[^/].*)$"
"""A blob name or its end (`.csv`, `incoming/orders.csv`), or `/<container>/blobs/<blob>`."""

EVENT_TYPES = {
    BlobEvent.CREATED: "Microsoft.Storage.BlobCreated",
    BlobEvent.DELETED: "Microsoft.Storage.BlobDeleted",
}
"""The events a storage-event trigger takes (BlobEventTypes)."""


@rules(
    storage_account_id=rule(
        "/subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.Storage/storageAccounts/<name>",
        pattern=STORAGE_ACCOUNT_ID,
    ),
    events=rule(
        "a list of distinct events, BlobCreated and BlobDeleted",
        minItems=1,
        uniqueItems=True,
        default=[BlobEvent.CREATED],
    ),
    blob_path_begins_with=rule(
        "/<container>/ or /<container>/blobs/<folder or blob>, e.g. /landing/blobs/incoming/",
        pattern=BEGINS_WITH,
    ),
    blob_path_ends_with=rule(
        "the end of a blob's name (.csv, incoming/orders.csv) or /<container>/blobs/<blob>",
        pattern=ENDS_WITH,
    ),
    ignore_empty_blobs=rule(default=True),
    parameters=rule("a map of strings"),
    enabled=rule(default=True),
)
class StorageEventSpec(TypedDict):
    """A run of the pipeline for every blob created (or deleted) under a path of a storage
    account (a Data Factory storage-event trigger): at least one of blobPathBeginsWith and
    blobPathEndsWith."""

    storage_account_id: str
    """ARM id of the storage account whose blobs are watched: Azure Data Lake Storage Gen2 or
    general-purpose v2. Whoever deploys needs Microsoft.EventGrid/eventSubscriptions/write on it
    (Owner, Contributor or EventGrid EventSubscription Contributor); the factory needs no role."""
    events: NotRequired[list[BlobEvent]]
    """Which events start a run (default BlobCreated)."""
    blob_path_begins_with: NotRequired[str]
    """Only blobs under this path: `/<container>/` for a whole container, `/<container>/blobs/<folder>/`
    for a folder in it (the `/blobs/` segment is Data Factory's)."""
    blob_path_ends_with: NotRequired[str]
    """Only blobs whose path ends so: `.csv`, `incoming/orders.csv` (in any container), or
    `/<container>/blobs/orders.csv`."""
    ignore_empty_blobs: NotRequired[bool]
    """Zero-byte blobs start no run (default true, as Data Factory's)."""
    parameters: NotRequired[dict[str, Any]]
    """Values for the pipeline's String and SecureString parameters: text, or an expression of
    the event such as `@triggerBody().folderPath` and `@triggerBody().fileName`."""
    enabled: NotRequired[bool]
    """Started (runs on events) when true; created stopped when false."""


@checks(StorageEventSpec, "blobPathBeginsWith", "blobPathEndsWith")
def _a_path_is_given(spec: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    if "blobPathBeginsWith" not in spec and "blobPathEndsWith" not in spec:
        yield (
            "",
            "expected blobPathBeginsWith, blobPathEndsWith or both: Data Factory needs at least one",
        )


def argument_problem(value: Any, secret: bool = True) -> str | None:
    """What is wrong with a storage event's argument as an expression (components.expressions),
    or None: there `triggerBody()` is the event (fileName, folderPath). `secret`: quote none of
    the value."""
    context = expressions.Context(
        scope=expressions.Scope.TRIGGER, trigger=expressions.TriggerType.BLOB_EVENTS, secret=secret
    )
    return expressions.problem(value, context)


@checks(StorageEventSpec, "parameters")
def _arguments_are_strings(spec: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """Arguments are sent as strings, which Data Factory does not convert to another parameter
    type (Azure/Azure-DataFactory#518, #529; components.pipeline). A trigger alone does not know
    its parameters' types: every value may be a secret."""
    yield from lifecycle.string_arguments(
        spec,
        "Data Factory does not convert an argument to the parameter's type; only String and"
        " SecureString parameters can be set by a storage event",
        argument_problem,
    )


@rules(trigger_name=DATA_FACTORY_NAME, pipeline_name=DATA_FACTORY_NAME, secret_parameters=rule(default=False))
class StorageEventTriggerArgs(TypedDict):
    """Inputs of StorageEventTrigger. It starts once what `opts.depends_on` names exists (e.g.
    the role assignments its runs need), and is stopped before it is updated or deleted."""

    spec: StorageEventSpec
    """The events."""
    trigger_name: str
    """Trigger name in the factory."""
    factory_id: pulumi.Input[str]
    """ARM id of the factory."""
    pipeline_name: pulumi.Input[str]
    """Pipeline the trigger runs."""
    description: NotRequired[str]
    """A meaningful description."""
    secret_parameters: NotRequired[bool]
    """The parameters include a SecureString parameter's value: keep them all secret."""


def event_trigger_name(pipeline: str) -> str:
    """The name AdfDatabricks gives a pipeline's storage-event trigger."""
    return f"{pipeline}-storage-event"


class StorageEventTrigger(pulumi.ComponentResource):
    """A storage-event trigger that really fires: azure-native's Trigger (BlobEventsTrigger),
    started after what `opts.depends_on` names and stopped before an update or a delete by
    resource hooks (components.lifecycle), which retry while its Event Grid subscription is
    provisioning. `pulumi destroy` needs `--run-program`."""

    trigger: datafactory.Trigger
    """The trigger."""
    activated: pulumi.Output[bool]
    """Whether the trigger is left started."""

    def __init__(
        self, name: str, args: StorageEventTriggerArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        args = validation.parse(StorageEventTriggerArgs, args, f"StorageEventTrigger {name}: ")
        own, waits = lifecycle.split_waits(opts)
        super().__init__("adf-databricks:index:StorageEventTrigger", name, None, own)
        spec = args["spec"]
        parameters = lifecycle.arguments("StorageEventTrigger", "a storage event", name, args)
        properties: dict[str, Any] = {
            "type": "BlobEventsTrigger",
            "scope": spec["storage_account_id"],
            # In the order Data Factory lists them, each once (the rules refuse repeats).
            "events": [EVENT_TYPES[event] for event in BlobEvent if event in spec["events"]],  # pyright: ignore[reportTypedDictNotRequiredAccess] - the rules fill it
            "ignore_empty_blobs": spec["ignore_empty_blobs"],  # pyright: ignore[reportTypedDictNotRequiredAccess] - the rules fill it
            "pipelines": lifecycle.pipelines(args, parameters),
        }
        if "blob_path_begins_with" in spec:
            properties["blob_path_begins_with"] = spec["blob_path_begins_with"]
        if "blob_path_ends_with" in spec:
            properties["blob_path_ends_with"] = spec["blob_path_ends_with"]
        started = lifecycle.started(name, args, properties, parent=self, depends_on=waits)
        self.trigger = started.trigger
        self.activated = started.activated
        outputs.register(self)
