"""The adf-databricks package schema, generated offline from the public components.

    python -m tools.package_schema      # (make package-schema) write schema/package.json

The schema is the one the plugin (provider/__main__.py) serves to `pulumi package add` and
the engine: pulumi's ComponentProvider infers it from the type annotations and docstrings of
the components in components/package.py. Committed so that a change to a component's
interface shows in review and the package can be read without running the plugin;
tests/test_package.py fails when it is stale.
"""

import json
from pathlib import Path
from typing import Any

from pulumi.provider.experimental.component import ComponentProvider

from components.package import COMPONENTS, NAME, VERSION

PATH = Path(__file__).resolve().parent.parent / "schema" / "package.json"


def schema() -> dict[str, Any]:
    """The schema as the plugin's GetSchema returns it: the same provider, the same defaults."""
    return json.loads(ComponentProvider(list(COMPONENTS), NAME, version=VERSION).schema or "{}")


def dumps(value: dict[str, Any]) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def write(path: Path, value: dict[str, Any]) -> None:
    """Write a committed schema file and say which."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dumps(value))
    print(f"{path.parent.name}/{path.name}")


def main() -> None:
    write(PATH, schema())


if __name__ == "__main__":
    main()
