"""Reads and validates the stack configuration, and turns it into component args.

Everything is checked before any resource is declared, so a bad value creates nothing.
A problem raises `ConfigError` (a `pulumi.RunError`: a clean message, no traceback under
`pulumi up`) that names the full key path, what was expected and what was given.
The validators are small pure functions; `load` works on plain data, so it is tested
without Pulumi, and `from_pulumi_config` only gathers that data from the stack.
"""

from __future__ import annotations

import difflib
import graphlib
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path, PurePosixPath
from typing import Any, TypeVar, cast

import pulumi
from tzlocal import windows_tz

from components import validation
from components.catalog import catalog_name, object_name, schema_name, workspace_catalog_name
from components.compute import ComputeArgs
from components.data_factory import LinkedServiceSpec
from components.enums import (
    AuthMode,
    DependencyCondition,
    Frequency,
    ParameterType,
    PublicNetworkAccess,
    WeekDay,
    WorkspaceSku,
)
from components.notebooks import LANGUAGES, notebook_folder
from components.pipeline import (
    Dependency,
    Library,
    NotebookActivity,
    PipelineParameter,
    PipelineSpec,
)
from components.trigger import UTC, WALL_CLOCK, ScheduleSpec
from components.workspace import ExistingWorkspace, WorkspaceSpec, workspace_sku
from components.workspace_access import AuthSpec

NAMESPACE = "adf-databricks"

T = TypeVar("T")
Check = Callable[[Any], T]


class ConfigError(pulumi.RunError):
    """A configuration value is missing, unknown or invalid."""

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        super().__init__(f"{NAMESPACE}:{path}: {message}")


@dataclass(frozen=True)
class PipelineSettings:
    """A configured pipeline and its optional schedule."""

    spec: PipelineSpec
    schedule: ScheduleSpec | None = None


@dataclass(frozen=True)
class UnityCatalogSettings:
    """Where the notebooks write: a schema and a managed volume the stack creates."""

    catalog: str
    """Existing catalog (default: the workspace catalog)."""
    schema: str
    """Schema the stack creates in the catalog."""
    volume: str
    """Managed volume the stack creates in the schema."""


@dataclass(frozen=True)
class StackSettings:
    """The whole validated configuration of one stack."""

    project: str
    """Pulumi project name."""
    stack: str
    """Stack name (dev, prod, ...)."""
    pipelines: Sequence[PipelineSettings]
    """At least one pipeline."""
    resource_group_name: str | None = None
    """Existing resource group to deploy into; None creates `<project>-<stack>`."""
    location: str | None = None
    """Azure region for created resources."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Tags for every taggable Azure resource (environment and managed-by included)."""
    protect: bool = False
    """Protect the workspace, factory and Key Vault."""
    notebook_folder: str = ""
    """Workspace folder uploaded notebooks go to; the stack creates it and sets its permissions."""
    unity_catalog: UnityCatalogSettings = field(
        default_factory=lambda: UnityCatalogSettings("adf_databricks", "adf_databricks", "landing")
    )
    """The Unity Catalog volume the notebooks write to."""
    workspace: WorkspaceSpec = field(default_factory=lambda: WorkspaceSpec(name="adf-databricks"))
    """The workspace to create or adopt."""
    auth: AuthSpec = field(default_factory=AuthSpec)
    """How Data Factory authenticates to Databricks."""
    cluster: ComputeArgs = field(default_factory=lambda: ComputeArgs())
    """The compute the activities run on (without single_user_name, which the stack fills)."""
    linked_service: LinkedServiceSpec = field(default_factory=LinkedServiceSpec)
    """The Azure Databricks linked service's own settings."""

    @property
    def created_resource_group_name(self) -> str:
        return f"{self.project}-{self.stack}"


# ---------------------------------------------------------------- pure validators
# Each takes a raw value and returns the typed value, or raises ValueError whose text
# says what was expected and what was given; the readers below add the key path.

ADF_NAME = re.compile(r"^[A-Za-z0-9_][^<>*#.%&:\\+?/]*$")
TIMEOUT = re.compile(r"^(?:(\d+)\.)?(\d\d):([0-5]\d):([0-5]\d)$")
RESOURCE_GROUP = re.compile(r"^[-\w.()]{1,90}$")
WORKSPACE_ID = re.compile(
    r"^/subscriptions/[0-9a-fA-F-]{36}/resourceGroups/[-\w.()]+/providers/"
    r"Microsoft\.Databricks/workspaces/[-\w]+$",
    re.IGNORECASE,
)
WORKSPACE_HOST = re.compile(r"^(https://)?adb-\d+\.\d+\.azuredatabricks\.net/?$")
TAG_FORBIDDEN = set("<>%&\\?/")
MAX_TIMEOUT_SECONDS = 7 * 24 * 3600


def describe(value: Any) -> str:
    """How a given value is quoted in messages."""
    if isinstance(value, str):
        return repr(value)
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return f"{'an object' if isinstance(value, dict) else 'a list'} {json.dumps(value)[:60]}"


def string(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"expected a non-empty string, got {describe(value)}")
    return value


def boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"expected true or false, got {describe(value)}")
    return value


def integer(minimum: int | None = None, maximum: int | None = None) -> Check[int]:
    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"expected an integer{_range(minimum, maximum)}, got {describe(value)}")
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            raise ValueError(f"expected an integer{_range(minimum, maximum)}, got {value}")
        return value

    return check


def _range(minimum: int | None, maximum: int | None) -> str:
    if minimum is not None and maximum is not None:
        return f" from {minimum} to {maximum}"
    if minimum is not None:
        return f" >= {minimum}"
    return f" <= {maximum}" if maximum is not None else ""


E = TypeVar("E", bound=Any)


def enum(kind: type[E]) -> Check[E]:
    def check(value: Any) -> E:
        for member in kind:
            if value == member.value:
                return member
        choices = ", ".join(str(m.value) for m in kind)
        raise ValueError(f"expected one of {choices}, got {describe(value)}")

    return check


def string_map(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        raise ValueError(f"expected a map of strings, got {describe(value)}")
    for key, item in value.items():
        if not isinstance(item, str):
            raise ValueError(f"expected a map of strings, got {describe(item)} for {key!r}")
    return dict(value)


def mapping(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValueError(f"expected an object, got {describe(value)}")
    return value


def list_of(check: Check[T]) -> Check[list[T]]:
    def check_list(value: Any) -> list[T]:
        if not isinstance(value, list):
            raise ValueError(f"expected a list, got {describe(value)}")
        return [check(item) for item in value]

    return check_list


def adf_name(value: Any) -> str:
    """Data Factory object names (pipelines, triggers, linked services, runtimes)."""
    name = string(value)
    if len(name) > 140 or not ADF_NAME.match(name):
        raise ValueError(
            "expected a Data Factory name (letter, digit or _ first; none of . + ? / < > * % & : \\ #;"
            f" at most 140 characters), got {describe(value)}"
        )
    return name


def activity_name(value: Any) -> str:
    name = string(value)
    if len(name) > 55 or not ADF_NAME.match(name):
        raise ValueError(
            "expected an activity name of at most 55 characters (letter, digit or _ first;"
            f" none of . + ? / < > * % & : \\ #), got {describe(value)}"
        )
    return name


def timeout(value: Any) -> str:
    """ADF activity timeout: d.hh:mm:ss (days optional), at most 7 days."""
    match = TIMEOUT.match(value) if isinstance(value, str) else None
    if match is None:
        raise ValueError(f"expected d.hh:mm:ss (at most 7 days), got {describe(value)}")
    days, hours, minutes, seconds = (int(g or 0) for g in match.groups())
    total = ((days * 24 + hours) * 60 + minutes) * 60 + seconds
    if hours > 23 or total == 0 or total > MAX_TIMEOUT_SECONDS:
        raise ValueError(f"expected d.hh:mm:ss (at most 7 days), got {describe(value)}")
    return value


# Windows time zone ids and the IANA names they map to, from Unicode CLDR's windowsZones.xml as
# tzlocal generates it: the ids Data Factory's schedule triggers take (Learn,
# data-factory/how-to-create-schedule-trigger, "Time zone option"; an unknown id fails the
# trigger's start with InvalidWorkflowTriggerRecurrence "invalid time zone").
WINDOWS_ZONES: Mapping[str, str] = windows_tz.win_tz
IANA_ZONES: Mapping[str, str] = windows_tz.tz_win
SCHEDULE_TIME = re.compile(rf"({WALL_CLOCK})(Z|[+-]\d\d:\d\d)?")
ONLY_UTC = (
    "only UTC: Data Factory reads a time zone other than UTC from zoneless times"
    " (2026-12-01T06:00:00), but the trigger that can be started (pulumi-azure's TriggerSchedule)"
    " sends RFC 3339 times with Z or an offset, and with those Data Factory ignores timeZone and"
    " fires in UTC; write the schedule (startTime, hours, minutes) in UTC"
)


def time_zone(value: Any) -> str:
    """The schedule's time zone: UTC, the one zone pulumi-azure's trigger can honour.

    Data Factory takes times of zones other than UTC only without an offset
    (`yyyy-MM-ddTHH:mm:ss`; Learn, how-to-create-schedule-trigger, "Schema overview"). azurerm's
    start_time/end_time pass validation.IsRFC3339Time and go out as Go times, always with Z or
    an offset (terraform-provider-azurerm data_factory_trigger_schedule_resource.go), and with
    a Z Data Factory reads the time as UTC whatever timeZone says (Azure/azure-sdk-for-go#6244,
    "Want PST but read as UTC"; Microsoft's announcement of time zone support: a Z suffix
    "will render timeZone field useless"). A Windows id other than UTC is therefore refused
    with that reason, an IANA name or a misspelt id with its Windows spelling first.
    """
    name = string(value)
    if name == UTC:
        return name
    by_case = {zone.lower(): zone for zone in WINDOWS_ZONES}
    iana = {zone.lower(): windows for zone, windows in IANA_ZONES.items()}
    if name in WINDOWS_ZONES:
        hint = ""
    elif name.lower() in by_case:
        hint = f" (Windows spells it {by_case[name.lower()]!r})"
    elif name.lower() in iana:
        hint = f" (an IANA name; Data Factory's id for it is {iana[name.lower()]!r})"
    else:
        # "UTC+1" is one character from the id UTC+12: an offset gets no look-alike.
        offset = re.match(r"(UTC|GMT)?\s*[+-]\d", name, re.IGNORECASE)
        close = [] if offset else difflib.get_close_matches(name.lower(), by_case, n=1)
        hint = (
            f" (not a Windows time zone id; did you mean {by_case[close[0]]!r}?)"
            if close
            else " (not a Windows time zone id)"
        )
    raise ValueError(f"expected {ONLY_UTC}; got {describe(value)}{hint}")


def schedule_time(value: Any) -> str:
    """A schedule time as Data Factory takes UTC times: `yyyy-MM-ddTHH:mm:ssZ`, whole seconds.

    `+00:00` is rewritten to Z; Data Factory refuses to start a UTC schedule whose times lack
    the Z. Fractions are refused: azurerm reads times back with Format(time.RFC3339), so a
    fraction would show as a diff on every preview.
    """
    match = SCHEDULE_TIME.fullmatch(value) if isinstance(value, str) else None
    parsed = None
    if match:
        try:
            parsed = _parse_time(value)
        except ValueError:
            parsed = None
    if match is None or parsed is None:
        raise ValueError(
            f"expected a UTC time as yyyy-MM-ddTHH:mm:ssZ (whole seconds), e.g. 2026-12-01T06:00:00Z,"
            f" got {describe(value)}"
        )
    wall, offset = match.groups()
    if offset is None or parsed.utcoffset() != timedelta(0):
        raise ValueError(f"expected a UTC time (ending in Z), got {describe(value)}")
    return f"{wall}Z"


def _parse_time(value: str) -> datetime:
    """A time as schedule_time writes it; Python 3.10's fromisoformat does not read Z."""
    return datetime.fromisoformat(value[:-1] + "+00:00" if value.endswith("Z") else value)


def absolute_workspace_path(value: Any) -> str:
    path = string(value)
    if not path.startswith("/") or ".." in PurePosixPath(path).parts or path.endswith("/"):
        raise ValueError(f"expected an absolute workspace path like /Shared/x, got {describe(value)}")
    return path


def folder(value: Any) -> str:
    """The workspace folder uploaded notebooks go to: absolute, and one the stack can lock."""
    return notebook_folder(absolute_workspace_path(value))


def resource_group_name(value: Any) -> str:
    name = string(value)
    if not RESOURCE_GROUP.match(name) or name.endswith("."):
        raise ValueError(
            "expected a resource group name (1-90 letters, digits, - _ . ( ), not ending in .),"
            f" got {describe(value)}"
        )
    return name


def tags(value: Any) -> dict[str, str]:
    result = string_map(value)
    for key, item in result.items():
        if not key or len(key) > 512 or TAG_FORBIDDEN & set(key) or len(item) > 256:
            raise ValueError(
                "expected Azure tags (names of 1-512 characters without < > % & \\ ? /,"
                f" values of at most 256), got {describe(key)}"
            )
    return result


# ---------------------------------------------------------------- readers with key paths

_MISSING: Any = object()


class _Object:
    """A config object at a key path: rejects unknown keys, reads fields with checks."""

    def __init__(self, value: Any, path: str, known: Sequence[str]) -> None:
        if not isinstance(value, dict):
            raise ConfigError(path, f"expected an object, got {describe(value)}")
        for key in value:
            if key not in known:
                close = difflib.get_close_matches(str(key), known, n=1)
                hint = f"; did you mean '{close[0]}'?" if close else f"; known keys: {', '.join(known)}"
                raise ConfigError(_join(path, key), f"unknown key{hint}")
        self.value: dict[str, Any] = value
        self.path = path

    def has(self, key: str) -> bool:
        """Present with a value; an explicit null counts as absent, as it does for `get`."""
        return self.value.get(key) is not None

    def get(self, key: str, check: Check[T], default: Any = _MISSING) -> T:
        if key not in self.value or self.value[key] is None:
            if default is _MISSING:
                raise ConfigError(_join(self.path, key), "is required")
            return default
        return at(_join(self.path, key), check, self.value[key])


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def at(path: str, check: Check[T], value: Any) -> T:
    """Run a pure check and turn its complaint into a ConfigError naming the path."""
    try:
        return check(value)
    except ValueError as err:
        raise ConfigError(path, str(err)) from None


def _items(obj: _Object, key: str) -> list[tuple[str, Any]]:
    """The (path, value) pairs of a list field."""
    values = obj.get(key, _list, [])
    return [(f"{_join(obj.path, key)}[{i}]", v) for i, v in enumerate(values)]


def _list(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise ValueError(f"expected a list, got {describe(value)}")
    return value


# ---------------------------------------------------------------- sections

TOP_LEVEL = (
    "resourceGroupName",
    "location",
    "tags",
    "protect",
    "integrationRuntime",
    "notebookFolder",
    "unityCatalog",
    "workspace",
    "auth",
    "cluster",
    "pipelines",
)
STRUCTURED = ("tags", "unityCatalog", "workspace", "auth", "cluster", "pipelines", "protect")


def _workspace(value: Any, project: str, stack: str) -> WorkspaceSpec:
    obj = _Object(value, "workspace", ("name", "sku", "noPublicIp", "publicNetworkAccess", "existing"))
    name = obj.get("name", string, f"{project}-{stack}")
    if obj.has("existing"):
        for other in ("sku", "noPublicIp", "publicNetworkAccess"):
            if obj.has(other):
                raise ConfigError(
                    f"workspace.{other}", "applies to a created workspace, not with workspace.existing"
                )
        existing = _Object(obj.value["existing"], "workspace.existing", ("resourceId", "url"))
        resource_id = existing.get("resourceId", string)
        if not WORKSPACE_ID.match(resource_id):
            raise ConfigError(
                "workspace.existing.resourceId",
                "expected /subscriptions/<id>/resourceGroups/<group>/providers/"
                f"Microsoft.Databricks/workspaces/<name>, got {describe(resource_id)}",
            )
        url = existing.get("url", string)
        if not WORKSPACE_HOST.match(url):
            raise ConfigError(
                "workspace.existing.url",
                f"expected a workspace URL like adb-1234567890123456.7.azuredatabricks.net, got {describe(url)}",
            )
        host = url.removeprefix("https://").rstrip("/")
        return WorkspaceSpec(
            name=resource_id.rsplit("/", 1)[1], existing=ExistingWorkspace(resource_id, host)
        )
    access = obj.get("publicNetworkAccess", enum(PublicNetworkAccess), PublicNetworkAccess.ENABLED)
    if access is PublicNetworkAccess.DISABLED:
        # Azure needs VNet injection and Private Link for that, and the stack itself (notebook
        # upload, token) must reach the workspace; adopt such a workspace with
        # workspace.existing instead.
        raise ConfigError(
            "workspace.publicNetworkAccess",
            "Disabled needs VNet injection and Private Link, which this stack does not create;"
            " adopt such a workspace with workspace.existing instead",
        )
    return WorkspaceSpec(
        name=name,
        sku=obj.get("sku", workspace_sku, WorkspaceSku.PREMIUM),
        no_public_ip=obj.get("noPublicIp", boolean, True),
        public_network_access=access,
    )


def _auth(value: Any) -> AuthSpec:
    obj = _Object(value, "auth", ("mode", "tokenLifetimeDays", "rotateAfterDays", "keyVault"))
    mode = obj.get("mode", enum(AuthMode), AuthMode.MSI)
    if mode is AuthMode.MSI:
        for key in ("tokenLifetimeDays", "rotateAfterDays", "keyVault"):
            if obj.has(key):
                raise ConfigError(f"auth.{key}", "applies only with auth.mode token")
        return AuthSpec(mode=mode)
    # A token lives at least 2 days so that it can be rotated a day before it expires.
    lifetime = obj.get("tokenLifetimeDays", integer(2, 730), 90)
    rotate = obj.get("rotateAfterDays", integer(1, 729), min(60, lifetime * 2 // 3))
    if rotate >= lifetime:
        raise ConfigError(
            "auth.rotateAfterDays",
            f"expected fewer days than auth.tokenLifetimeDays ({lifetime}), got {rotate}",
        )
    return AuthSpec(
        mode=mode,
        token_lifetime_days=lifetime,
        rotate_after_days=rotate,
        key_vault=obj.get("keyVault", boolean, True),
    )


def _cluster(value: Any) -> ComputeArgs:
    """The `cluster` section: DatabricksCompute's own args and rules (components.compute), less
    single_user_name, which the stack fills with the identity Data Factory runs as."""
    if isinstance(value, dict):
        # An explicit null counts as absent, as it does for the other sections.
        value = {k: _without_nulls(v) if k == "pool" else v for k, v in value.items() if v is not None}
    found = validation.problems(ComputeArgs, value, "cluster", exclude={ComputeArgs: ["single_user_name"]})
    if found:
        raise ConfigError(found[0].path, found[0].message)
    return cast(ComputeArgs, validation.from_document(ComputeArgs, value))


def _without_nulls(value: Any) -> Any:
    return {k: v for k, v in value.items() if v is not None} if isinstance(value, dict) else value


LIBRARY_FIELDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # kind: (required keys, optional keys) of the object form
    "pypi": (("package",), ("repo",)),
    "cran": (("package",), ("repo",)),
    "maven": (("coordinates",), ("repo", "exclusions")),
}
LIBRARY_PATHS = ("jar", "egg", "whl")


def _library(path: str, value: Any) -> Library:
    kinds = (*LIBRARY_PATHS, *LIBRARY_FIELDS)
    if not isinstance(value, dict) or len(value) != 1:
        raise ConfigError(path, f"expected one of {', '.join(kinds)} as the only key, got {describe(value)}")
    obj = _Object(value, path, kinds)
    kind = next(iter(value))
    if kind in LIBRARY_PATHS:
        return Library(kind, obj.get(kind, string))
    required, optional = LIBRARY_FIELDS[kind]
    spec = _Object(value[kind], f"{path}.{kind}", (*required, *optional))
    result: dict[str, Any] = {k: spec.get(k, string) for k in required}
    for key in optional:
        if spec.has(key):
            check = list_of(string) if key == "exclusions" else string
            result[key] = spec.get(key, check)
    return Library(kind, result)


ACTIVITY_KEYS = (
    "name",
    "description",
    "notebook",
    "notebookPath",
    "baseParameters",
    "libraries",
    "timeout",
    "retries",
    "retryIntervalSeconds",
    "secureInput",
    "secureOutput",
    "userProperties",
    "dependsOn",
)


def _activity(path: str, value: Any, base_dir: Path) -> NotebookActivity:
    obj = _Object(value, path, ACTIVITY_KEYS)
    name = obj.get("name", activity_name)
    if obj.has("notebook") == obj.has("notebookPath"):
        raise ConfigError(path, "expected exactly one of notebook (a local file) or notebookPath")
    notebook = obj.get("notebook", string, None)
    if notebook is not None:
        suffixes = ", ".join(LANGUAGES)
        if Path(notebook).suffix.lower() not in LANGUAGES:
            raise ConfigError(f"{path}.notebook", f"expected a {suffixes} file, got {notebook!r}")
        if not (base_dir / notebook).is_file():
            raise ConfigError(f"{path}.notebook", f"no such file {notebook!r} in {base_dir}")
    depends = []
    for dep_path, dep in _items(obj, "dependsOn"):
        d = _Object(dep, dep_path, ("activity", "conditions"))
        conditions = d.get("conditions", list_of(enum(DependencyCondition)), None)
        if conditions == []:
            raise ConfigError(f"{dep_path}.conditions", "expected at least one condition, got []")
        depends.append(
            Dependency(
                activity=d.get("activity", string),
                conditions=tuple(conditions or [DependencyCondition.SUCCEEDED]),
            )
        )
    return NotebookActivity(
        name=name,
        notebook=notebook,
        notebook_path=obj.get("notebookPath", absolute_workspace_path, None),
        description=obj.get("description", string, None),
        timeout=obj.get("timeout", timeout, "0.12:00:00"),
        retries=obj.get("retries", integer(0), 0),
        retry_interval_seconds=obj.get("retryIntervalSeconds", integer(30, 86400), 30),
        secure_input=obj.get("secureInput", boolean, False),
        secure_output=obj.get("secureOutput", boolean, False),
        base_parameters=obj.get("baseParameters", string_map, {}),
        libraries=tuple(_library(p, v) for p, v in _items(obj, "libraries")),
        user_properties=obj.get("userProperties", string_map, {}),
        depends_on=tuple(depends),
    )


PARAMETER_TYPES: dict[ParameterType, tuple[str, Callable[[Any], bool]]] = {
    ParameterType.STRING: ("a string", lambda v: isinstance(v, str)),
    ParameterType.SECURE_STRING: ("a string", lambda v: isinstance(v, str)),
    ParameterType.INT: ("an integer", lambda v: isinstance(v, int) and not isinstance(v, bool)),
    ParameterType.FLOAT: (
        "a number",
        lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    ),
    ParameterType.BOOL: ("true or false", lambda v: isinstance(v, bool)),
    ParameterType.ARRAY: ("a list", lambda v: isinstance(v, list)),
    ParameterType.OBJECT: ("an object", lambda v: isinstance(v, dict)),
}


def parameter_value(kind: ParameterType) -> Check[Any]:
    expected, accepts = PARAMETER_TYPES[kind]

    def check(value: Any) -> Any:
        if not accepts(value):
            # A SecureString value must not reach CI logs, even a wrong one.
            given = f"a {type(value).__name__}" if kind is ParameterType.SECURE_STRING else describe(value)
            raise ValueError(f"expected {expected} ({kind.value} parameter), got {given}")
        return value

    return check


def trigger_argument(value: Any) -> str:
    """Schedule trigger parameters travel as strings; structured ones as JSON."""
    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True)


def _parameters(obj: _Object) -> dict[str, PipelineParameter]:
    result = {}
    for key, spec in obj.get("parameters", mapping, {}).items():
        path = f"{obj.path}.parameters.{key}"
        if not ADF_NAME.match(key):
            raise ConfigError(path, "expected a parameter name of letters, digits and _")
        p = _Object(spec, path, ("type", "default"))
        kind = p.get("type", enum(ParameterType))
        result[key] = PipelineParameter(kind, p.get("default", parameter_value(kind), None))
    return result


def _schedule(path: str, value: Any, parameters: Mapping[str, PipelineParameter]) -> ScheduleSpec:
    obj = _Object(
        value,
        path,
        (
            "frequency",
            "interval",
            "startTime",
            "endTime",
            "timeZone",
            "hours",
            "minutes",
            "weekDays",
            "monthDays",
            "parameters",
            "enabled",
        ),
    )
    frequency = obj.get("frequency", enum(Frequency))
    zone = obj.get("timeZone", time_zone, UTC)
    start = obj.get("startTime", schedule_time)
    end = obj.get("endTime", schedule_time, None)
    if end is not None and _parse_time(end) <= _parse_time(start):
        raise ConfigError(f"{path}.endTime", f"expected a time after startTime ({start}), got {end!r}")
    allowed = {
        "hours": (Frequency.DAY, Frequency.WEEK, Frequency.MONTH),
        "minutes": (Frequency.HOUR, Frequency.DAY, Frequency.WEEK, Frequency.MONTH),
        "weekDays": (Frequency.WEEK,),
        "monthDays": (Frequency.MONTH,),
    }
    for key, frequencies in allowed.items():
        if obj.has(key) and frequency not in frequencies:
            names = " or ".join(f.value for f in frequencies)
            raise ConfigError(f"{path}.{key}", f"applies only with frequency {names}, not {frequency.value}")
    month_days = obj.get("monthDays", list_of(integer(-31, 31)), [])
    if 0 in month_days:
        raise ConfigError(f"{path}.monthDays", "expected days from -31 to 31 other than 0, got 0")
    arguments = {}
    secret = False
    args_obj = _Object(obj.value.get("parameters", {}), f"{path}.parameters", list(parameters))
    for key, item in args_obj.value.items():
        kind = parameters[key].type
        checked = at(f"{path}.parameters.{key}", parameter_value(kind), item)
        arguments[key] = trigger_argument(checked)
        secret = secret or kind is ParameterType.SECURE_STRING
    return ScheduleSpec(
        frequency=frequency,
        start_time=start,
        interval=obj.get("interval", integer(1), 1),
        end_time=end,
        time_zone=zone,
        hours=tuple(sorted(set(obj.get("hours", list_of(integer(0, 23)), [])))),
        minutes=tuple(sorted(set(obj.get("minutes", list_of(integer(0, 59)), [])))),
        week_days=tuple(dict.fromkeys(obj.get("weekDays", list_of(enum(WeekDay)), []))),
        month_days=tuple(sorted(set(month_days))),
        parameters=arguments,
        secret_parameters=secret,
        enabled=obj.get("enabled", boolean, True),
    )


def _pipeline(path: str, value: Any, base_dir: Path) -> PipelineSettings:
    obj = _Object(
        value,
        path,
        ("name", "description", "folder", "concurrency", "parameters", "activities", "schedule"),
    )
    name = obj.get("name", adf_name)
    items = _items(obj, "activities")
    if not items:
        raise ConfigError(f"{path}.activities", "expected at least one activity")
    activities = [_activity(p, v, base_dir) for p, v in items]
    names: dict[str, int] = {}
    for i, activity in enumerate(activities):
        if activity.name in names:
            raise ConfigError(
                f"{path}.activities[{i}].name",
                f"duplicate of activities[{names[activity.name]}].name {activity.name!r}",
            )
        names[activity.name] = i
    graph = {}
    for i, activity in enumerate(activities):
        for j, dep in enumerate(activity.depends_on):
            if dep.activity not in names or dep.activity == activity.name:
                raise ConfigError(
                    f"{path}.activities[{i}].dependsOn[{j}].activity",
                    f"expected another activity of this pipeline ({', '.join(names)}), got {dep.activity!r}",
                )
        graph[activity.name] = {dep.activity for dep in activity.depends_on}
    try:
        tuple(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError as err:
        cycle = " -> ".join(err.args[1])
        raise ConfigError(f"{path}.activities", f"dependsOn forms a cycle: {cycle}") from None
    parameters = _parameters(obj)
    schedule = None
    if obj.has("schedule"):
        schedule = _schedule(f"{path}.schedule", obj.value["schedule"], parameters)
    spec = PipelineSpec(
        name=name,
        activities=tuple(activities),
        description=obj.get("description", string, None),
        folder=obj.get("folder", string, None),
        concurrency=obj.get("concurrency", integer(1, 50), None),
        parameters=parameters,
    )
    return PipelineSettings(spec=spec, schedule=schedule)


def _unity_catalog(value: Any, workspace: WorkspaceSpec, project: str, stack: str) -> UnityCatalogSettings:
    obj = _Object(value, "unityCatalog", ("catalog", "schema", "volume"))
    # Pulumi project and stack names may hold '-' and '.', which Unity Catalog names avoid.
    own = re.sub(r"[^a-z0-9_]", "_", f"{project}_{stack}".lower())
    return UnityCatalogSettings(
        catalog=obj.get("catalog", checked(catalog_name), workspace_catalog_name(workspace.name)),
        schema=obj.get("schema", checked(schema_name), own),
        volume=obj.get("volume", checked(object_name), "landing"),
    )


def checked(check: Callable[[str], str]) -> Check[str]:
    """A non-empty string that passes a component's own check."""
    return lambda value: check(string(value))


def load(
    raw: Mapping[str, Any],
    project: str,
    stack: str,
    base_dir: Path,
    default_location: str | None = None,
) -> StackSettings:
    """Validate the configuration of one stack (keys without the namespace) into settings."""
    top = _Object(dict(raw), "", TOP_LEVEL)
    resource_group = top.get("resourceGroupName", resource_group_name, None)
    location = top.get("location", string, default_location)
    if resource_group is None and location is None:
        raise ConfigError(
            "location",
            "is required to create the resource group (or set azure-native:location,"
            " or deploy into an existing adf-databricks:resourceGroupName)",
        )
    items = _items(top, "pipelines")
    if not items:
        raise ConfigError("pipelines", "expected at least one pipeline")
    pipelines = [_pipeline(p, v, base_dir) for p, v in items]
    seen: dict[str, int] = {}
    for i, pipeline in enumerate(pipelines):
        if pipeline.spec.name in seen:
            raise ConfigError(
                f"pipelines[{i}].name", f"duplicate of pipelines[{seen[pipeline.spec.name]}].name"
            )
        seen[pipeline.spec.name] = i
    sources = {}
    for i, pipeline in enumerate(pipelines):
        for j, activity in enumerate(pipeline.spec.activities):
            if activity.notebook is None:
                continue
            stem = Path(activity.notebook).stem
            if sources.setdefault(stem, activity.notebook) != activity.notebook:
                raise ConfigError(
                    f"pipelines[{i}].activities[{j}].notebook",
                    f"{activity.notebook!r} would overwrite {sources[stem]!r} in the workspace folder",
                )
    runtime = top.get("integrationRuntime", adf_name, None)
    user_tags = top.get("tags", tags, {})
    workspace = _workspace(top.value.get("workspace", {}), project, stack)
    return StackSettings(
        project=project,
        stack=stack,
        pipelines=tuple(pipelines),
        resource_group_name=resource_group,
        location=location,
        tags={**user_tags, "environment": stack, "managed-by": "pulumi"},
        protect=top.get("protect", boolean, False),
        notebook_folder=top.get("notebookFolder", folder, f"/{project}/{stack}"),
        unity_catalog=_unity_catalog(top.value.get("unityCatalog", {}), workspace, project, stack),
        workspace=workspace,
        auth=_auth(top.value.get("auth", {})),
        cluster=_cluster(top.value.get("cluster", {})),
        linked_service=LinkedServiceSpec(integration_runtime=runtime),
    )


def _parse(key: str, value: Any) -> Any:
    """Pulumi passes config values as strings; structured ones are JSON."""
    if key not in STRUCTURED or not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except json.JSONDecodeError:
        # Leave it a string: the field's check then says what was expected.
        return value


def from_pulumi_config(base_dir: Path | None = None) -> StackSettings:
    """Read this stack's `adf-databricks:*` configuration and validate it."""
    prefix = f"{NAMESPACE}:"
    keys = {*pulumi.runtime.get_config_env(), *pulumi.runtime.config.CONFIG.get()}
    raw = {}
    for full_key in sorted(keys):
        if full_key.startswith(prefix):
            key = full_key[len(prefix) :]
            raw[key] = _parse(key, pulumi.runtime.get_config(full_key))
    return load(
        raw,
        project=pulumi.get_project(),
        stack=pulumi.get_stack(),
        base_dir=base_dir or Path.cwd(),
        default_location=pulumi.Config("azure-native").get("location"),
    )
