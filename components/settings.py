"""Reads a stack's configuration and maps it onto AdfDatabricks's args.

The configuration is AdfDatabricksArgs as a stack file writes it (camelCase keys), so its
rules are the components' own (components.platform and the components its sections belong to);
this module only gathers the values, adds what depends on the machine (the project directory,
`azure-native:location`), and reports every problem at once, before any resource is declared:
one `ConfigError` (a `pulumi.RunError`: a clean message under `pulumi up`, no traceback) with a
line per problem, in the order the keys appear, each naming its full key path.
"""

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi

from . import platform, validation
from .platform import AdfDatabricksArgs

NAMESPACE = "adf-databricks"


class ConfigError(pulumi.RunError):
    """Configuration values that are missing, unknown or invalid: one line per problem."""

    def __init__(self, problems: Sequence[validation.Problem]) -> None:
        self.problems = list(problems)
        self.path = self.problems[0].path
        super().__init__("\n".join(f"{NAMESPACE}:{p.path}: {p.message}" for p in self.problems))


@dataclass(frozen=True)
class StackSettings:
    """One stack's validated configuration: who it is, and AdfDatabricks's args."""

    project: str
    """Pulumi project name (the AdfDatabricks component's name)."""
    args: AdfDatabricksArgs
    """The configuration as AdfDatabricks's args: snake_case keys, defaults applied."""


STRUCTURED = frozenset(k for k, f in validation.fields(AdfDatabricksArgs).items() if f.type is not str)
"""Keys whose values Pulumi hands the program as JSON text (every key that is not a string)."""


def load(
    raw: Mapping[str, Any],
    project: str,
    stack: str,
    default_location: str | None = None,
) -> StackSettings:
    """Validate the configuration of one stack (keys without the namespace) into settings.
    Local notebooks are looked up in the working directory, where the provider reads them
    (notebooks.source_problem)."""
    document = dict(raw)
    if default_location is not None and document.get("location") is None:
        document["location"] = default_location
    found = platform.problems(document, project, stack)
    if found:
        raise ConfigError(validation.sort_problems(found, document, ""))
    return StackSettings(project=project, args=platform.parse(document, project, stack))


def _parse(key: str, value: Any) -> Any:
    """Pulumi passes config values as strings; structured ones are JSON."""
    if key not in STRUCTURED or not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except json.JSONDecodeError:
        # Leave it a string: the key's rule then says what was expected.
        return value


def from_pulumi_config() -> StackSettings:
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
        default_location=pulumi.Config("azure-native").get("location"),
    )
