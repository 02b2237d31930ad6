"""Notebooks: local notebook sources uploaded into the Databricks workspace."""

from __future__ import annotations

import posixpath
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath

import pulumi
import pulumi_databricks as databricks

LANGUAGES = {".py": "PYTHON", ".sql": "SQL", ".scala": "SCALA", ".r": "R"}
"""Notebook languages Databricks knows, by source file suffix."""


def workspace_path(folder: str, source: str) -> str:
    """Where a local source lands in the workspace: the folder plus the file's stem."""
    return posixpath.join(folder, PurePath(source).stem)


def language(source: str) -> str:
    return LANGUAGES[PurePath(source).suffix.lower()]


@dataclass(frozen=True)
class NotebooksArgs:
    """Inputs of Notebooks."""

    folder: str
    """Absolute workspace folder, e.g. /Shared/adf-databricks/dev."""
    sources: Sequence[str]
    """Local notebook files (.py, .sql, .scala, .r) in Databricks source format, relative to
    the project directory (the Pulumi CLI runs providers there)."""


class Notebooks(pulumi.ComponentResource):
    """Uploads each local notebook once. Pass the workspace's provider via `opts.providers`."""

    paths: dict[str, pulumi.Output[str]]
    """Workspace path of each uploaded notebook, by local source."""

    def __init__(self, name: str, args: NotebooksArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("adf-databricks:index:Notebooks", name, None, opts)
        self.paths = {}
        for source in dict.fromkeys(args.sources):
            notebook = databricks.Notebook(
                f"{name}-{PurePath(source).stem}",
                path=workspace_path(args.folder, source),
                source=source,
                language=language(source),
                opts=pulumi.ResourceOptions(parent=self),
            )
            self.paths[source] = notebook.path
        self.register_outputs({"paths": self.paths})
