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
from components.catalog import CatalogVolumeArgs, workspace_catalog_name
from components.compute import ComputeArgs
from components.data_factory import LinkedServiceSpec
from components.names import DATA_FACTORY_NAME, MAX_NAME_LENGTH, NAME_PATTERN
from components.notebooks import NotebooksArgs
from components.pipeline import PipelineSpec
from components.workspace import DatabricksWorkspaceArgs, WorkspaceSpec
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
    """The workspace to create or adopt (its name always set)."""
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


def _first(problems: Sequence[validation.Problem]) -> None:
    """Raise the first of a component's problems (in key order) as a ConfigError, until the
    config loader reports them all."""
    if problems:
        raise ConfigError(problems[0].path, problems[0].message)


def _by_component(cls: type, key: str, path: str) -> Check[Any]:
    """A config value checked by the rules of the component field (`key` of `cls`) it becomes."""

    def check(value: Any) -> Any:
        found = validation.problems(cls, {key: value})
        _first(
            [
                validation.Problem(path + p.path[len(key) :], p.message)
                for p in found
                if p.path == key or p.path.startswith((f"{key}.", f"{key}["))
            ]
        )
        return value

    return check


folder = _by_component(NotebooksArgs, "folder", "notebookFolder")
"""The workspace folder uploaded notebooks go to: absolute, and one the stack can lock."""


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
    """The `workspace` section: DatabricksWorkspace's WorkspaceSpec and its rules
    (components.workspace); the name defaults to `<project>-<stack>`, or the adopted one's."""
    document = value
    if isinstance(value, dict):
        # An explicit null counts as absent, as everywhere in the config.
        document = validation.to_document(WorkspaceSpec, value)
        if "name" not in document and "existing" not in document:
            document = {"name": f"{project}-{stack}", **document}
    _first(validation.problems(WorkspaceSpec, document, "workspace"))
    spec = cast(WorkspaceSpec, validation.from_document(WorkspaceSpec, document))
    existing = spec.get("existing")
    if existing is not None:
        # An adopted workspace goes by its own name (its workspace catalog follows it).
        spec["name"] = existing["resource_id"].rsplit("/", 1)[1]
    return spec


def _auth(value: Any) -> AuthSpec:
    """The `auth` section: WorkspaceAccess's AuthSpec and its rules (components.workspace_access)."""
    document = validation.to_document(AuthSpec, value) if isinstance(value, dict) else value
    _first(validation.problems(AuthSpec, document, "auth"))
    return cast(AuthSpec, validation.from_document(AuthSpec, document))


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


def _unity_catalog(value: Any, workspace_name: str, project: str, stack: str) -> UnityCatalogSettings:
    """The `unityCatalog` section: CatalogVolume's args and rules (components.catalog), less
    run_as; catalog and schema default to the workspace catalog and `<project>_<stack>`."""
    document = value
    if isinstance(value, dict):
        # Pulumi project and stack names may hold '-' and '.', which Unity Catalog names avoid.
        own = re.sub(r"[^a-z0-9_]", "_", f"{project}_{stack}".lower())
        document = {
            "catalog": workspace_catalog_name(workspace_name),
            "schema": own,
            **validation.to_document(CatalogVolumeArgs, value),
        }
    _first(
        validation.problems(
            CatalogVolumeArgs, document, "unityCatalog", exclude={CatalogVolumeArgs: ["run_as"]}
        )
    )
    args = validation.from_document(CatalogVolumeArgs, document)
    return UnityCatalogSettings(catalog=args["catalog"], schema=args["schema"], volume=args["volume"])


def load(
    raw: Mapping[str, Any],
    project: str,
    stack: str,
    base_dir: Path,
    default_location: str | None = None,
) -> StackSettings:
    """Validate the configuration of one stack (keys without the namespace) into settings."""
    top = _Object(dict(raw), "", TOP_LEVEL)
    resource_group = top.get(
        "resourceGroupName",
        _by_component(DatabricksWorkspaceArgs, "resourceGroupName", "resourceGroupName"),
        None,
    )
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
    user_tags = top.get("tags", _by_component(DatabricksWorkspaceArgs, "tags", "tags"), {})
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
        unity_catalog=_unity_catalog(
            top.value.get("unityCatalog", {}),
            workspace["name"],  # pyright: ignore[reportTypedDictNotRequiredAccess]  (_workspace sets it)
            project,
            stack,
        ),
        workspace=workspace,
        auth=_auth(top.value.get("auth", {})),
        cluster=_cluster(top.value.get("cluster", {})),
        linked_service=LinkedServiceSpec(integration_runtime=runtime) if runtime else LinkedServiceSpec(),
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
