"""The adf-databricks component package, served to Pulumi programs in any language.

Pulumi starts this as `python <this directory> <engine address> [flags]` with the consumer's
project as working directory; it prints the port of its gRPC ResourceProvider server on stdout
and builds the components when a program declares them. The components and the package name
live in components/package.py; the repository root goes on sys.path so they import as they do
in the program.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from pulumi.provider.experimental import component_provider_host

    from components.package import COMPONENTS, NAME, VERSION

    component_provider_host(list(COMPONENTS), NAME, version=VERSION)


if __name__ == "__main__":
    main()
