"""Checks and CrossGuard policy objects of the adf-databricks policy pack.

The `check_*` functions hold all the logic. They take plain values (type token, props dict,
protect flag, URN) and return violation messages, so they run without the policy engine. The
`_validate_*` adapters turn the SDK's argument objects into those plain values, and `POLICIES`
wires the adapters into `pulumi_policy` policies. `__main__.py` only builds the `PolicyPack`,
because constructing one starts the analyzer's gRPC server and blocks.

Values that cannot be judged during a preview never produce a violation: engine unknowns, the
`"[unknown]"`/`"[secret]"` placeholders of a JSON plan, and ADF expressions (strings starting
with `@` or `{"type": "Expression"}` objects), which only get a value when the pipeline runs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, Final, NamedTuple

from pulumi_policy import (
    EnforcementLevel,
    Policy,
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Secret,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.proxy import (
    UNKNOWN_ARCHIVE_VALUE,
    UNKNOWN_ARRAY_VALUE,
    UNKNOWN_ASSET_VALUE,
    UNKNOWN_BOOLEAN_VALUE,
    UNKNOWN_NUMBER_VALUE,
    UNKNOWN_OBJECT_VALUE,
    UNKNOWN_STRING_VALUE,
    UnknownValueError,
)

PACK_NAME: Final = "adf-databricks-policies"

PIPELINE: Final = "azure-native:datafactory:Pipeline"
LINKED_SERVICE: Final = "azure-native:datafactory:LinkedService"
FACTORY: Final = "azure-native:datafactory:Factory"
WORKSPACE: Final = "azure-native:databricks:Workspace"
RESOURCE_GROUP: Final = "azure-native:resources:ResourceGroup"
KEY_VAULT: Final = "azure-native:keyvault:Vault"
KEY_VAULT_SECRET: Final = "azure-native:keyvault:Secret"
CLUSTER: Final = "databricks:index/cluster:Cluster"
INSTANCE_POOL: Final = "databricks:index/instancePool:InstancePool"
JOB: Final = "databricks:index/job:Job"

# Only types whose ARM resource accepts a `tags` map; role assignments, linked services,
# pipelines, triggers and Databricks objects have none, so demanding tags there would be noise.
TAGGABLE_TYPES: Final = frozenset({RESOURCE_GROUP, WORKSPACE, FACTORY, KEY_VAULT, KEY_VAULT_SECRET})
PROTECTED_IN_PROD_TYPES: Final = frozenset({WORKSPACE, FACTORY})

MAX_ACTIVITY_TIMEOUT_SECONDS: Final = 12 * 60 * 60
MAX_ACTIVITY_TIMEOUT_TEXT: Final = "0.12:00:00"
MIN_RETRY_INTERVAL_SECONDS: Final = 30
DEFAULT_MAX_WORKERS: Final = 20
DEFAULT_REQUIRED_TAGS: Final = ("environment", "managed-by")


# --- values that cannot be judged -------------------------------------------------------------


class _Unknown:
    """Stands in for a value the engine will only know at deployment time."""

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Final = _Unknown()

# Plans written by `pulumi preview --json` show placeholders; the engine itself passes sentinels.
_OPAQUE_STRINGS: Final = frozenset(
    {
        "[unknown]",
        "[secret]",
        UNKNOWN_ARCHIVE_VALUE,
        UNKNOWN_ARRAY_VALUE,
        UNKNOWN_ASSET_VALUE,
        UNKNOWN_BOOLEAN_VALUE,
        UNKNOWN_NUMBER_VALUE,
        UNKNOWN_OBJECT_VALUE,
        UNKNOWN_STRING_VALUE,
    }
)


def is_opaque(value: Any) -> bool:
    """True when `value` is unknown or redacted, so no policy may judge it."""
    return value is UNKNOWN or (isinstance(value, str) and value in _OPAQUE_STRINGS)


def _is_adf_expression(value: Any) -> bool:
    """ADF evaluates these at run time, so their value is not known at preview time."""
    if isinstance(value, str):
        return value.startswith("@")
    return isinstance(value, Mapping) and value.get("type") == "Expression"


def to_plain(value: Any) -> Any:
    """Copy SDK property proxies into plain dicts and lists, with `UNKNOWN` for unknowns.

    The SDK wraps props in proxies that raise `UnknownValueError` when an unknown is read; the
    engine reports that as "can't run policy during preview". Copying first lets every check
    treat unknowns as "not a violation" instead.
    """
    if isinstance(value, Secret):
        return to_plain(value.value)
    if isinstance(value, (str, bytes)):
        return UNKNOWN if is_opaque(value) else value
    if isinstance(value, Mapping):
        result: dict[str, Any] = {}
        for key in value:
            try:
                item = value[key]
            except UnknownValueError:
                result[key] = UNKNOWN
                continue
            result[key] = to_plain(item)
        return result
    if isinstance(value, Sequence):
        items: list[Any] = []
        for index in range(len(value)):
            try:
                item = value[index]
            except UnknownValueError:
                items.append(UNKNOWN)
                continue
            items.append(to_plain(item))
        return items
    return value


def _get(obj: Any, *path: str) -> Any:
    """Follow `path` through nested mappings: None when absent, `UNKNOWN` when unknowable."""
    current = obj
    for key in path:
        if is_opaque(current):
            return UNKNOWN
        if not isinstance(current, Mapping):
            return None
        current = current.get(key)
    return UNKNOWN if is_opaque(current) else current


def _number(value: Any) -> float | None:
    """A known numeric value (numbers arrive as floats over gRPC), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str) and not is_opaque(value):
        try:
            return float(value.strip())
        except ValueError:
            return None
    return None


def _fmt(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


def name_from_urn(urn: str) -> str:
    """The resource name: the URN's last `::` segment."""
    return urn.rsplit("::", 1)[-1]


def stack_from_urn(urn: str) -> str | None:
    """The stack of `urn:pulumi:<stack>::<project>::<type>::<name>`, or None if malformed."""
    prefix = "urn:pulumi:"
    if not urn.startswith(prefix) or "::" not in urn:
        return None
    return urn[len(prefix) :].split("::", 1)[0] or None


def is_prod_name(name: str) -> bool:
    """Whether a stack name or environment tag denotes production."""
    lowered = name.strip().lower()
    return lowered in ("prod", "production") or lowered.startswith(
        ("prod-", "prod_", "production-", "production_")
    )


def _is_databricks_linked_service(resource_type: str, props: Mapping[str, Any]) -> bool:
    return resource_type == LINKED_SERVICE and _get(props, "properties", "type") == "AzureDatabricks"


# --- 1. notebook-activity-timeout-and-retry ---------------------------------------------------

# ADF's documented timespan pattern, ((\d+)\.)?(\d\d):(60|([0-5][0-9])):(60|([0-5][0-9])),
# anchored. Hours above 23 are summed naively: anything >= 13 h already fails the 12 h cap,
# whether ADF reads the field as hours or (like .NET TimeSpan) as days.
_TIMESPAN_RE: Final = re.compile(r"^(?:(\d+)\.)?(\d\d):(60|[0-5]\d):(60|[0-5]\d)$")

# Control activities carry their inner activities in these (flattened) inputs; a long-running
# notebook inside a ForEach must not escape the check.
_NESTED_ACTIVITY_KEYS: Final = (
    "activities",
    "ifTrueActivities",
    "ifFalseActivities",
    "defaultActivities",
)


def parse_adf_timespan(text: str) -> int | None:
    """Seconds in an ADF `d.hh:mm:ss` timespan, or None if it does not match the pattern."""
    match = _TIMESPAN_RE.match(text)
    if match is None:
        return None
    days, hours, minutes, seconds = (int(group or 0) for group in match.groups())
    return ((days * 24 + hours) * 60 + minutes) * 60 + seconds


def _iter_activities(activities: Any, prefix: str = "") -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Yield (label, activity) for every activity, nested ones labelled `outer/inner`."""
    if not isinstance(activities, list):
        return
    for activity in activities:
        if not isinstance(activity, Mapping):
            continue
        name = activity.get("name")
        label = prefix + (name if isinstance(name, str) else "<unnamed>")
        yield label, activity
        for key in _NESTED_ACTIVITY_KEYS:
            yield from _iter_activities(activity.get(key), label + "/")
        cases = activity.get("cases")
        if isinstance(cases, list):
            for case in cases:
                if isinstance(case, Mapping):
                    yield from _iter_activities(case.get("activities"), label + "/")


def check_activity_timeouts(resource_type: str, props: Mapping[str, Any]) -> list[str]:
    """Every pipeline activity times out within 12 hours and waits >= 30 s between retries."""
    if resource_type != PIPELINE:
        return []
    pipeline = _get(props, "pipelineName")
    where = f"pipeline '{pipeline}' " if isinstance(pipeline, str) else ""
    messages: list[str] = []
    for label, activity in _iter_activities(_get(props, "activities")):
        policy = activity.get("policy")
        if is_opaque(policy):
            continue
        if not isinstance(policy, Mapping):
            policy = {}
        timeout = policy.get("timeout")
        # A Databricks activity must state its timeout: the service default differs between
        # ADF's docs (12 hours) and its REST reference (7 days), so absence bounds nothing.
        # Control activities (ForEach, Wait, ...) have no policy block to set.
        if timeout is None and str(activity.get("type", "")).startswith("Databricks"):
            messages.append(f"{where}activity '{label}': no timeout set (the service default may be 7 days)")
            continue
        if isinstance(timeout, str) and not is_opaque(timeout) and not _is_adf_expression(timeout):
            seconds = parse_adf_timespan(timeout)
            if seconds is None:
                messages.append(
                    f"{where}activity '{label}': timeout '{timeout}' is not an ADF timespan (d.hh:mm:ss)"
                )
            elif seconds > MAX_ACTIVITY_TIMEOUT_SECONDS:
                messages.append(
                    f"{where}activity '{label}': timeout '{timeout}' exceeds the 12-hour "
                    f"maximum ({MAX_ACTIVITY_TIMEOUT_TEXT})"
                )
        # Absent means ADF's documented default of 30 s, which passes.
        interval = _number(policy.get("retryIntervalInSeconds"))
        if interval is not None and interval < MIN_RETRY_INTERVAL_SECONDS:
            messages.append(
                f"{where}activity '{label}': retryIntervalInSeconds {_fmt(interval)} is below "
                f"the {MIN_RETRY_INTERVAL_SECONDS}-second minimum"
            )
    return messages


# --- 2. databricks-clusters-autoterminate-and-cap-workers -------------------------------------

_NUM_OF_WORKER_RE: Final = re.compile(r"^\s*(\d+)\s*(?::\s*(\d+)\s*)?$")


def parse_num_of_worker(value: Any) -> int | None:
    """Largest worker count of an ADF `newClusterNumOfWorker` ("N" or "min:max"), else None."""
    if isinstance(value, str):
        match = _NUM_OF_WORKER_RE.match(value)
        if match is None:
            return None
        return max(int(group) for group in match.groups() if group is not None)
    number = _number(value)
    return int(number) if number is not None else None


def _job_clusters(props: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    """(label, cluster spec) of every cluster a Databricks job creates for its runs."""
    tasks = _get(props, "tasks")
    for task in tasks if isinstance(tasks, list) else []:
        if isinstance(task, Mapping) and isinstance(task.get("newCluster"), Mapping):
            yield f"task '{task.get('taskKey')}' newCluster", task["newCluster"]
    shared = _get(props, "jobClusters")
    for cluster in shared if isinstance(shared, list) else []:
        if isinstance(cluster, Mapping) and isinstance(cluster.get("newCluster"), Mapping):
            yield f"jobCluster '{cluster.get('jobClusterKey')}' newCluster", cluster["newCluster"]
    if isinstance(_get(props, "newCluster"), Mapping):
        yield "newCluster", props["newCluster"]


def check_compute_caps(
    resource_type: str, props: Mapping[str, Any], max_workers: int = DEFAULT_MAX_WORKERS
) -> list[str]:
    """Interactive clusters auto-terminate; clusters, job clusters (ADF's and Databricks jobs')
    and pools stay under the cap."""
    messages: list[str] = []

    def over_cap(what: str, shown: str, count: float | None) -> None:
        if count is not None and count > max_workers:
            messages.append(f"{what} {shown} exceeds the cap of {max_workers} workers")

    def check_number(what: str, value: Any) -> None:
        number = _number(value)
        over_cap(what, _fmt(number) if number is not None else "", number)

    if resource_type == CLUSTER:
        # Absent passes: the Databricks provider defaults autoterminationMinutes to 60.
        minutes = _number(_get(props, "autoterminationMinutes"))
        if minutes is not None and minutes <= 0:
            messages.append(
                f"cluster autoterminationMinutes {_fmt(minutes)} disables auto-termination; set it above 0"
            )
        check_number("cluster numWorkers", _get(props, "numWorkers"))
        check_number("cluster autoscale.maxWorkers", _get(props, "autoscale", "maxWorkers"))
    elif resource_type == INSTANCE_POOL:
        # An absent maxCapacity cannot be told from an unknown one in a preview, so it passes.
        check_number("instance pool maxCapacity", _get(props, "maxCapacity"))
    elif resource_type == JOB:
        for label, cluster in _job_clusters(props):
            check_number(f"job {label} numWorkers", _get(cluster, "numWorkers"))
            check_number(f"job {label} autoscale.maxWorkers", _get(cluster, "autoscale", "maxWorkers"))
    elif _is_databricks_linked_service(resource_type, props):
        raw = _get(props, "properties", "newClusterNumOfWorker")
        over_cap("linked service newClusterNumOfWorker", f"'{raw}'", parse_num_of_worker(raw))
    return messages


# --- 3. no-inline-token-when-protected --------------------------------------------------------


class ResourceView(NamedTuple):
    """The plain facts a stack check needs about one resource."""

    resource_type: str
    props: Mapping[str, Any]
    urn: str
    protect: bool


def check_no_inline_token_when_protected(
    resources: Iterable[ResourceView],
) -> list[tuple[str, str]]:
    """(urn, message) for each Databricks linked service with an inline SecureString token,
    when the stack protects anything: a protected stack is one worth keeping secrets out of."""
    resources = list(resources)
    protected = [resource.urn for resource in resources if resource.protect]
    if not protected:
        return []
    violations: list[tuple[str, str]] = []
    for resource in resources:
        if not _is_databricks_linked_service(resource.resource_type, resource.props):
            continue
        token_type = _get(resource.props, "properties", "accessToken", "type")
        if isinstance(token_type, str) and token_type.lower() == "securestring":
            violations.append(
                (
                    resource.urn,
                    f"linked service '{name_from_urn(resource.urn)}' carries an inline "
                    f"accessToken of type '{token_type}' while {len(protected)} resource(s) "
                    f"in the stack are protected (e.g. {protected[0]}); reference the token "
                    "from Key Vault (AzureKeyVaultSecret) or use MSI authentication",
                )
            )
    return violations


# --- 4. databricks-linked-service-https -------------------------------------------------------


def check_linked_service_https(resource_type: str, props: Mapping[str, Any]) -> list[str]:
    """A known AzureDatabricks linked-service domain uses https://."""
    if not _is_databricks_linked_service(resource_type, props):
        return []
    domain = _get(props, "properties", "domain")
    if not isinstance(domain, str) or _is_adf_expression(domain):
        return []
    if domain.lower().startswith("https://"):
        return []
    return [f"AzureDatabricks linked service domain '{domain}' must start with https://"]


# --- 5. required-tags -------------------------------------------------------------------------


def check_required_tags(
    resource_type: str,
    props: Mapping[str, Any],
    required: Sequence[str] = DEFAULT_REQUIRED_TAGS,
) -> list[str]:
    """Taggable Azure resources carry every required tag with a non-blank value."""
    if resource_type not in TAGGABLE_TYPES:
        return []
    tags = _get(props, "tags")
    if tags is UNKNOWN:
        return []
    if tags is None:
        tags = {}
    if not isinstance(tags, Mapping):
        return []
    missing = [
        key for key in required if key not in tags or (isinstance(tags[key], str) and not tags[key].strip())
    ]
    if not missing:
        return []
    present = ", ".join(sorted(key for key in tags if key not in missing)) or "none"
    return [f"missing required tag(s) {', '.join(missing)} (present: {present})"]


# --- 6. prod-protects-workspace-and-factory ---------------------------------------------------


def prod_reason(urn: str, props: Mapping[str, Any]) -> str | None:
    """Why a resource counts as production, or None when it does not."""
    stack = stack_from_urn(urn)
    if stack is not None and is_prod_name(stack):
        return f"stack '{stack}' is prod-like"
    environment = _get(props, "tags", "environment")
    if isinstance(environment, str) and is_prod_name(environment):
        return f"its environment tag is '{environment}'"
    return None


def check_prod_protection(resource_type: str, props: Mapping[str, Any], protect: bool, urn: str) -> list[str]:
    """In production the workspace and the factory are protected against deletion."""
    if resource_type not in PROTECTED_IN_PROD_TYPES or protect:
        return []
    reason = prod_reason(urn, props)
    if reason is None:
        return []
    return [f"{resource_type} '{name_from_urn(urn)}' has protect=False but {reason}; set protect=True"]


# --- 7. prod-workspace-is-private -------------------------------------------------------------


def check_prod_is_private(resource_type: str, props: Mapping[str, Any], urn: str) -> list[str]:
    """In production the workspace is private: injected into a VNet, its clusters reaching the
    control plane over back-end Private Link (requiredNsgRules NoAzureDatabricksRules), and its
    UI and API closed to the internet (publicNetworkAccess Disabled). An adopted workspace is
    not declared, so not judged."""
    if resource_type != WORKSPACE:
        return []
    reason = prod_reason(urn, props)
    if reason is None:
        return []
    name = name_from_urn(urn)
    messages: list[str] = []
    vnet = _get(props, "parameters", "customVirtualNetworkId", "value")
    if vnet is None:
        messages.append(
            f"workspace '{name}' is not injected into a VNet but {reason}; give the stack a network"
        )
    # Absent, Azure takes its defaults: AllRules and Enabled (azure-native databricks Workspace).
    nsg_rules = _get(props, "requiredNsgRules") or "AllRules"
    if nsg_rules is not UNKNOWN and nsg_rules != "NoAzureDatabricksRules":
        messages.append(
            f"workspace '{name}' has requiredNsgRules {nsg_rules!r}, not back-end Private Link"
            f" (NoAzureDatabricksRules), but {reason}"
        )
    access = _get(props, "publicNetworkAccess") or "Enabled"
    if access is not UNKNOWN and access != "Disabled":
        messages.append(
            f"workspace '{name}' has publicNetworkAccess {access!r} but {reason}; set"
            " workspace.publicNetworkAccess: Disabled"
        )
    return messages


# --- adapters from the SDK's argument objects --------------------------------------------------


def _config_int(config: Mapping[str, Any], key: str, default: int) -> int:
    value = _number(config.get(key))
    return int(value) if value is not None else default


def _config_strings(config: Mapping[str, Any], key: str, default: Sequence[str]) -> list[str]:
    value = config.get(key)
    if isinstance(value, Sequence) and not isinstance(value, str):
        return [str(item) for item in value]
    return list(default)


def _validate_activity_timeouts(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    for message in check_activity_timeouts(args.resource_type, to_plain(args.props)):
        report_violation(message, None)


def _validate_compute_caps(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    cap = _config_int(args.get_config(), "maxWorkers", DEFAULT_MAX_WORKERS)
    for message in check_compute_caps(args.resource_type, to_plain(args.props), cap):
        report_violation(message, None)


def _validate_inline_tokens(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    views = [
        ResourceView(
            resource.resource_type,
            to_plain(resource.props),
            resource.urn,
            bool(getattr(resource.opts, "protect", False)),
        )
        for resource in args.resources
    ]
    for urn, message in check_no_inline_token_when_protected(views):
        report_violation(message, urn)


def _validate_https(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    for message in check_linked_service_https(args.resource_type, to_plain(args.props)):
        report_violation(message, None)


def _validate_required_tags(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    required = _config_strings(args.get_config(), "requiredTags", DEFAULT_REQUIRED_TAGS)
    for message in check_required_tags(args.resource_type, to_plain(args.props), required):
        report_violation(message, None)


def _validate_prod_protection(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    protect = bool(getattr(args.opts, "protect", False))
    for message in check_prod_protection(args.resource_type, to_plain(args.props), protect, args.urn):
        report_violation(message, None)


def _validate_prod_private(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    for message in check_prod_is_private(args.resource_type, to_plain(args.props), args.urn):
        report_violation(message, None)


POLICIES: Final[list[Policy]] = [
    ResourceValidationPolicy(
        name="notebook-activity-timeout-and-retry",
        description=(
            "Data Factory pipeline activities (Databricks notebook and job activities included) "
            "time out within 12 hours and wait at least 30 seconds between retries."
        ),
        validate=_validate_activity_timeouts,
        enforcement_level=EnforcementLevel.MANDATORY,
        severity=Severity.MEDIUM,
    ),
    ResourceValidationPolicy(
        name="databricks-clusters-autoterminate-and-cap-workers",
        description=(
            "Interactive Databricks clusters auto-terminate, and clusters, ADF job clusters, the "
            "clusters of Databricks jobs and instance pools stay within the worker cap."
        ),
        validate=_validate_compute_caps,
        enforcement_level=EnforcementLevel.MANDATORY,
        severity=Severity.MEDIUM,
        config_schema=PolicyConfigSchema(
            properties={
                "maxWorkers": {
                    "type": "integer",
                    "minimum": 0,
                    "default": DEFAULT_MAX_WORKERS,
                    "description": "Largest worker count (or pool capacity) allowed.",
                }
            }
        ),
    ),
    StackValidationPolicy(
        name="no-inline-token-when-protected",
        description=(
            "A stack that protects resources keeps Databricks access tokens out of linked "
            "services: use a Key Vault reference or MSI, not an inline SecureString."
        ),
        validate=_validate_inline_tokens,
        enforcement_level=EnforcementLevel.MANDATORY,
        severity=Severity.HIGH,
    ),
    ResourceValidationPolicy(
        name="databricks-linked-service-https",
        description="The AzureDatabricks linked service reaches its workspace over https://.",
        validate=_validate_https,
        enforcement_level=EnforcementLevel.MANDATORY,
        severity=Severity.HIGH,
    ),
    ResourceValidationPolicy(
        name="required-tags",
        description="Taggable Azure resources carry the required tags.",
        validate=_validate_required_tags,
        enforcement_level=EnforcementLevel.ADVISORY,
        severity=Severity.LOW,
        config_schema=PolicyConfigSchema(
            properties={
                "requiredTags": {
                    "type": "array",
                    "items": {"type": "string"},
                    "default": list(DEFAULT_REQUIRED_TAGS),
                    "description": "Tag keys every taggable Azure resource must carry.",
                }
            }
        ),
    ),
    ResourceValidationPolicy(
        name="prod-protects-workspace-and-factory",
        description=(
            "In a production stack the Databricks workspace and the Data Factory are protected "
            "against deletion."
        ),
        validate=_validate_prod_protection,
        enforcement_level=EnforcementLevel.MANDATORY,
        severity=Severity.HIGH,
    ),
    ResourceValidationPolicy(
        name="prod-workspace-is-private",
        description=(
            "In a production stack the Databricks workspace is private: VNet-injected, with back-end "
            "Private Link and public network access disabled."
        ),
        validate=_validate_prod_private,
        enforcement_level=EnforcementLevel.MANDATORY,
        severity=Severity.HIGH,
    ),
]
