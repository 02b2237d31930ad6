"""The components this repo publishes as the Pulumi package `adf-databricks`, for every language.

`COMPONENTS` is the one list: the plugin (provider/__main__.py) hosts exactly these, the
committed package schema (schema/package.json, `make package-schema`) is generated from them,
and tests/test_package.py checks each against pulumi's component analyzer. To publish a
component, make its args a TypedDict the analyzer accepts (CONVENTIONS.md), add the class here,
run `make package-schema` and commit schema/package.json.

Only the plugin, the schema tool and the tests import this module; the program imports the
component modules it uses directly.
"""

import inspect
import sys

import pulumi

from . import __version__, enums
from .catalog import CatalogVolume
from .compute import DatabricksCompute
from .data_factory import DataFactory
from .job import NotebookJob
from .monitoring import Monitoring
from .network import PrivateNetwork, WorkspaceEndpoints
from .notebooks import Notebooks
from .pipeline import NotebookPipeline
from .platform import AdfDatabricks
from .run_identity import RunIdentity
from .storage_event import StorageEventTrigger
from .trigger import ScheduleTrigger
from .tumbling_window import TumblingWindowTrigger
from .workspace import DatabricksWorkspace
from .workspace_access import WorkspaceAccess

NAME = "adf-databricks"
"""The package name: types are `adf-databricks:index:<Component>`, as each component registers."""

VERSION = __version__
"""The package schema's version: the Python distribution's (components/__init__.py)."""

COMPONENTS: tuple[type[pulumi.ComponentResource], ...] = (
    AdfDatabricks,
    DatabricksWorkspace,
    RunIdentity,
    WorkspaceAccess,
    DatabricksCompute,
    CatalogVolume,
    Notebooks,
    DataFactory,
    NotebookJob,
    NotebookPipeline,
    ScheduleTrigger,
    TumblingWindowTrigger,
    StorageEventTrigger,
    Monitoring,
    PrivateNetwork,
    WorkspaceEndpoints,
)

# The analyzer takes a type's description from `__doc__`: the components', their args
# types' and the enums'. Python 3.13 compiles docstrings with their indentation stripped,
# earlier versions keep it; strip it here, for every class of the package's modules, so the
# schema reads the same, and stays fresh, under every Python this project supports.
for _module in {sys.modules[c.__module__] for c in COMPONENTS} | {enums}:
    for _class in vars(_module).values():
        if inspect.isclass(_class) and _class.__module__ == _module.__name__ and _class.__doc__:
            _class.__doc__ = inspect.cleandoc(_class.__doc__)
