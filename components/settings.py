"""Reads and validates the stack configuration, and turns it into component args.

Everything is checked before any resource is declared, so a bad value creates nothing.
A problem raises `ConfigError` (a `pulumi.RunError`: a clean message, no traceback under
`pulumi up`) that names the full key path, what was expected and what was given.
The validators are small pure functions; `load` works on plain data, so it is tested
without Pulumi, and `from_pulumi_config` only gathers that data from the stack.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar, cast

import pulumi

from components import validation
from components.catalog import catalog_name, object_name, schema_name, workspace_catalog_name
from components.compute import ComputeArgs
from components.data_factory import LinkedServiceSpec
from components.enums import (
    AuthMode,
    PublicNetworkAccess,
    WorkspaceSku,
)
from components.names import DATA_FACTORY_NAME, MAX_NAME_LENGTH, NAME_PATTERN
from components.notebooks import notebook_folder
from components.pipeline import ABSOLUTE_WORKSPACE_PATH, PipelineSpec
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
    pipelines: Sequence[PipelineSpec]
    """At least one pipeline (each with its optional schedule)."""
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

RESOURCE_GROUP = re.compile(r"^[-\w.()]{1,90}$")
WORKSPACE_ID = re.compile(
    r"^/subscriptions/[0-9a-fA-F-]{36}/resourceGroups/[-\w.()]+/providers/"
    r"Microsoft\.Databricks/workspaces/[-\w]+$",
    re.IGNORECASE,
)
WORKSPACE_HOST = re.compile(r"^(https://)?adb-\d+\.\d+\.azuredatabricks\.net/?$")
TAG_FORBIDDEN = set("<>%&\\?/")


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


def adf_name(value: Any) -> str:
    """Data Factory object names (here: the integration runtime; components.names has the rule)."""
    name = string(value)
    if len(name) > MAX_NAME_LENGTH or not re.search(NAME_PATTERN, name):
        raise ValueError(f"expected {DATA_FACTORY_NAME.expected}, got {describe(value)}")
    return name


def absolute_workspace_path(value: Any) -> str:
    path = string(value)
    if not re.search(ABSOLUTE_WORKSPACE_PATH, path):
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
    found = validation.problems(
        ComputeArgs, value, "cluster", exclude={ComputeArgs: ["single_user_name", "run_as"]}
    )
    if found:
        raise ConfigError(found[0].path, found[0].message)
    return cast(ComputeArgs, validation.from_document(ComputeArgs, value))


def _without_nulls(value: Any) -> Any:
    return {k: v for k, v in value.items() if v is not None} if isinstance(value, dict) else value


def _pipeline(path: str, value: Any, base_dir: Path) -> PipelineSpec:
    """A `pipelines` entry: PipelineSpec's rules (components.pipeline), then its local notebooks."""
    # An explicit null counts as absent, as everywhere in the config.
    document = validation.to_document(PipelineSpec, value) if isinstance(value, dict) else value
    found = validation.problems(PipelineSpec, document, path)
    if found:
        # The first in key order, until the config loader reports them all.
        raise ConfigError(found[0].path, found[0].message)
    for i, activity in enumerate(document["activities"]):
        notebook = activity.get("notebook")
        if notebook is not None and not (base_dir / notebook).is_file():
            raise ConfigError(f"{path}.activities[{i}].notebook", f"no such file {notebook!r} in {base_dir}")
    return cast(PipelineSpec, validation.from_document(PipelineSpec, document))


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
        if pipeline["name"] in seen:
            raise ConfigError(
                f"pipelines[{i}].name", f"duplicate of pipelines[{seen[pipeline['name']]}].name"
            )
        seen[pipeline["name"]] = i
    sources: dict[str, str] = {}
    for i, pipeline in enumerate(pipelines):
        for j, activity in enumerate(pipeline["activities"]):
            notebook = activity.get("notebook")
            if notebook is None:
                continue
            stem = Path(notebook).stem
            if sources.setdefault(stem, notebook) != notebook:
                raise ConfigError(
                    f"pipelines[{i}].activities[{j}].notebook",
                    f"{notebook!r} would overwrite {sources[stem]!r} in the workspace folder",
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
