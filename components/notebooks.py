"""Notebooks: local notebook sources uploaded into a workspace folder whose permissions the stack sets.

Data Factory runs these notebooks with its own identity, which is usually a workspace admin.
A folder where ordinary users can edit would let any of them change code that runs with that
identity, so the folder is one the stack creates and locks: workspace users may read what
runs, the principal Data Factory runs as may run it, and nobody else gets more than the
workspace admins and the deploying principal already have.
"""

# Args module read by Pulumi's component analyzer: no `from __future__ import annotations`.

import posixpath
import uuid
from collections.abc import Iterator, Mapping
from functools import partial
from pathlib import Path, PurePath, PurePosixPath
from typing import Any, TypedDict

import pulumi
import pulumi_databricks as databricks
from typing_extensions import NotRequired

from . import outputs, validation
from .arm import any_case
from .validation import checks, rule, rules

LANGUAGES = {".py": "PYTHON", ".sql": "SQL", ".scala": "SCALA", ".r": "R"}
"""Notebook languages Databricks knows, by source file suffix."""

USERS_PERMISSION = "CAN_READ"
"""What the workspace's `users` group gets on the folder: view the notebooks (and clone a copy
into a folder of their own), never edit them (Databricks docs, security/auth/access-control/
workspace-acl, folder permissions table)."""
RUN_AS_PERMISSION = "CAN_RUN"
"""What the principal Data Factory runs as gets on the folder: read and run, not edit."""

SPECIAL_FOLDERS = ("/", "/Workspace", "/Users", "/Repos", "/Shared")

ABSOLUTE_WORKSPACE_PATH = r"^/(?!(.*/)?\.\.(/|$)).*[^/]$"
"""A workspace path from the root, without `..` and without a trailing slash."""
WORKSPACE_PATH = rule("an absolute workspace path like /Shared/x", pattern=ABSOLUTE_WORKSPACE_PATH)
"""An absolute path in the workspace file tree (the notebook folder, an activity's notebookPath)."""

NOTEBOOK_SOURCE = rule(
    f"a {', '.join(LANGUAGES)} file",
    # A name, then a suffix in any letter case (JSON Schema patterns take no flags).
    pattern="[^/](" + "|".join(any_case(suffix) for suffix in LANGUAGES) + ")$",
)
"""A local notebook source whose language Databricks knows from its suffix (the Notebooks'
sources, an activity's notebook)."""


def workspace_path(folder: str, source: str) -> str:
    """Where a local source lands in the workspace: the folder plus the file's stem."""
    return posixpath.join(folder, PurePath(source).stem)


def language(source: str) -> str:
    return LANGUAGES[PurePath(source).suffix.lower()]


def is_service_principal(principal: str) -> bool:
    """Databricks names a service principal by its application id (a UUID) and a user by
    user name; terraform-provider-databricks scim/data_current_user.go tells them apart the
    same way (common.StringIsUUID)."""
    try:
        uuid.UUID(principal)
    except ValueError:
        return False
    return True


def run_as_control(principal: str, level: str = RUN_AS_PERMISSION) -> databricks.PermissionsAccessControlArgs:
    """One principal's entry of a Permissions resource: a service principal by application id,
    a user by user name."""
    if is_service_principal(principal):
        return databricks.PermissionsAccessControlArgs(
            service_principal_name=principal, permission_level=level
        )
    return databricks.PermissionsAccessControlArgs(user_name=principal, permission_level=level)


@rules(folder=WORKSPACE_PATH, sources=rule(items=NOTEBOOK_SOURCE), protect=rule(default=False))
class NotebooksArgs(TypedDict):
    """Inputs of Notebooks."""

    folder: str
    """Absolute workspace folder the stack creates and locks, e.g. /adf-databricks/dev: not a
    special folder, nothing under /Shared."""
    sources: list[str]
    """Local notebook files (.py, .sql, .scala, .r) in Databricks source format, relative to
    the project directory (the Pulumi CLI runs providers there)."""
    run_as: NotRequired[pulumi.Input[str] | None]
    """Databricks principal Data Factory runs the notebooks as (user name, or a service
    principal's application id): it gets CAN_RUN on the folder. Leave it out when that is the
    deploying principal: it created the folder and keeps Can Manage on it, and a lower level
    for it would be refused."""
    protect: NotRequired[bool]
    """Keep what others put in the folder: destroy then deletes the folder only when it is empty
    (default false: destroy deletes the folder with everything in it)."""


def lockable_folder_problem(path: str) -> str | None:
    """Why the stack cannot lock `path` (a special folder, or under /Shared), or None.

    Objects in a folder inherit all its permissions, and every user has Can Manage on
    everything in /Shared (Databricks docs, security/auth/access-control/workspace-acl,
    "Special folders and permissions"). An inherited permission cannot be lowered on a child:
    the Permissions API refuses with "Cannot remove <principal>'s CAN_MANAGE permission"
    (databricks/terraform-provider-databricks#3899), and /Shared's own permissions cannot be
    changed (ibid. #2269, #5317). Only workspace admins can create objects in the workspace
    root, so a top-level folder inherits no edit right for ordinary users.
    """
    parts = PurePosixPath(path).parts
    if parts[1:2] == ("Workspace",):  # /Workspace/Shared/x is /Shared/x
        parts = ("/", *parts[2:])
    canonical = str(PurePosixPath(*parts))
    if canonical in SPECIAL_FOLDERS:
        return (
            f"expected a folder of the stack's own, got {path!r}: the stack cannot set the"
            " permissions of a special folder"
        )
    if parts[1:2] == ("Shared",):
        return (
            f"expected a folder outside /Shared, got {path!r}: every workspace user can edit"
            " what is under /Shared, and that right cannot be taken away there;"
            " use a top-level folder such as /adf-databricks/dev"
        )
    return None


@checks(NotebooksArgs, "folder")
def _lockable_folder(args: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """A folder the stack can lock (lockable_folder_problem)."""
    problem = lockable_folder_problem(args["folder"])
    if problem:
        yield "folder", problem


@checks(NotebooksArgs, "sources")
def _one_notebook_per_name(args: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """Each source lands at the folder plus its stem, so two sources with one stem collide."""
    seen: dict[str, str] = {}
    for i, source in enumerate(args["sources"]):
        first = seen.setdefault(PurePath(source).stem, source)
        if first != source:
            yield f"sources[{i}]", f"{source!r} would overwrite {first!r} in the workspace folder"


def source_problem(source: str) -> str | None:
    """Why the provider could not upload `source`, or None: it reads the file relative to the
    working directory it runs in, the program's (the Pulumi CLI starts both in the project
    directory). A path the file system refuses (too long, a loop) says why, never a traceback."""
    try:
        if Path(source).is_file():
            return None
    except OSError as err:
        return f"cannot read {source!r} in {Path.cwd()}: {err.strerror or err}"
    return f"no such file {source!r} in {Path.cwd()}"


@checks(NotebooksArgs, "sources")
def _sources_exist(args: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """Each source is a file the provider can read (source_problem)."""
    for i, source in enumerate(args["sources"]):
        problem = source_problem(source)
        if problem:
            yield f"sources[{i}]", problem


def local_notebook_exists(args: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """The `notebook` an activity or a job names for AdfDatabricks to upload through Notebooks
    is a file it can read (source_problem): registered on those args, so a stack's message
    names the activity's key (pipelines[i].activities[j].notebook) before anything deploys."""
    problem = source_problem(args["notebook"]) if "notebook" in args else None
    if problem:
        yield "notebook", problem


class Notebooks(pulumi.ComponentResource):
    """Creates the folder, sets its permissions, then uploads each local notebook once into it.
    Pass the workspace's provider via `opts.providers`."""

    paths: dict[str, pulumi.Output[str]]
    """Workspace path of each uploaded notebook, by local source."""

    def __init__(self, name: str, args: NotebooksArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        args = validation.parse(NotebooksArgs, args, f"Notebooks {name}: ")
        super().__init__("adf-databricks:index:Notebooks", name, None, opts)
        # Mkdirs also creates missing parents, which then inherit the root's permissions
        # (terraform-provider-databricks workspace/resource_directory.go). Its Delete removes a
        # non-empty folder only with delete_recursive (ibid.), so an unprotected stack's destroy
        # takes the folder with whatever is in it, and a protected one's stops on anything
        # someone else put there. delete_recursive is read only on delete: changing it updates
        # the state, never the folder.
        folder = databricks.Directory(
            f"{name}-folder",
            path=args["folder"],
            delete_recursive=not args.get("protect", False),
            opts=pulumi.ResourceOptions(parent=self),
        )
        controls: list[pulumi.Input[databricks.PermissionsAccessControlArgs]] = [
            databricks.PermissionsAccessControlArgs(group_name="users", permission_level=USERS_PERMISSION)
        ]
        run_as = args.get("run_as")
        if run_as is not None:
            controls.append(pulumi.Output.from_input(run_as).apply(run_as_control))
        # Authoritative for the folder: only admins (whose Can Manage cannot be lowered) and the
        # entries here keep direct access, and a change made by hand is reset on the next
        # `pulumi up` (terraform-provider-databricks docs/resources/permissions.md, "Folder usage").
        permissions = databricks.Permissions(
            f"{name}-folder-permissions",
            directory_path=folder.path,
            access_controls=controls,
            opts=pulumi.ResourceOptions(parent=self),
        )
        # The folder, known once the Permissions resource has locked it: code lands in the folder
        # only after that.
        locked = permissions.directory_path.apply(lambda _: args["folder"])
        self.paths = {}
        for source in dict.fromkeys(args["sources"]):
            notebook = databricks.Notebook(
                f"{name}-{PurePath(source).stem}",
                path=locked.apply(partial(workspace_path, source=source)),
                source=source,
                language=language(source),
                opts=pulumi.ResourceOptions(parent=self),
            )
            self.paths[source] = notebook.path
        outputs.register(self)
