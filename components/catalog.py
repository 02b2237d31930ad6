"""CatalogVolume: the Unity Catalog schema and managed volume the pipelines' notebooks write to.

DBFS root and mounts are a deprecated place for data ("Storing and accessing data using DBFS
root or DBFS mounts is a deprecated pattern", Databricks docs, dbfs/index), and every Azure
Databricks workspace created since 9 November 2023 is enabled for Unity Catalog
automatically (Databricks docs, data-governance/unity-catalog/enable-workspaces). So the
stack declares a schema and a MANAGED volume (no storage credential or external location
needed: the files live in the catalog's managed storage) and grants the principal Data
Factory runs the notebooks as exactly what writing a file there takes.
"""

# Args module read by Pulumi's component analyzer: no `from __future__ import annotations`.
# validation.parse fills every default, so keys with a default are read with [].
# pyright: reportTypedDictNotRequiredAccess=false

from collections.abc import Iterator, Mapping
from dataclasses import replace
from pathlib import PurePath
from typing import Any, TypedDict

import pulumi
import pulumi_databricks as databricks
from typing_extensions import NotRequired

from . import outputs, validation
from .arm import any_case
from .notebooks import source_problem
from .validation import checks, rule, rules

# Unity Catalog stores names in lower case; a mixed-case name would be read back lower-case
# and show a diff on every refresh. Names the stack creates stay to letters, digits and _
# so the /Volumes/... path needs no quoting; an existing catalog may also contain '-'.
NAME = r"^[a-z0-9_]{1,255}$"
CATALOG_NAME = r"^[a-z0-9_][a-z0-9_-]{0,254}$"
NOT_UNITY_CATALOGS = {
    "hive_metastore": "the legacy Hive metastore, which has no volumes",
    "system": "read-only system tables",
    "samples": "read-only sample data",
}
RESERVED_SCHEMAS = {
    "information_schema": "is reserved in every catalog",
    "default": "exists in every catalog already; the stack creates a schema of its own",
}
OBJECT_NAME = rule("a name of lower-case letters, digits and _ (at most 255)", pattern=NAME)
"""A schema or volume name the stack creates."""

# What writing a file into a volume takes, and no more (Databricks docs, volumes/privileges,
# "Create, delete, or update files": USE CATALOG, USE SCHEMA, READ VOLUME and WRITE VOLUME).
# Spelled with underscores as the Grants API wants them (terraform-provider-databricks
# docs/resources/grants.md).
CATALOG_PRIVILEGES = ("USE_CATALOG",)
SCHEMA_PRIVILEGES = ("USE_SCHEMA",)
VOLUME_PRIVILEGES = ("READ_VOLUME", "WRITE_VOLUME")


PYTHON_SOURCE = rule("a .py file", pattern="[^/]" + any_case(".py") + "$")
"""A local Python file (a Spark Python activity's file, CatalogVolume's files)."""

SCRIPTS_FOLDER = "scripts"
"""The volume's folder the local Python files land in: `<volume path>/scripts/<file name>`."""


def script_path(volume_path: str, source: str) -> str:
    """Where a local Python file lands in the volume: its scripts folder plus the file's name."""
    return f"{volume_path}/{SCRIPTS_FOLDER}/{PurePath(source).name}"


def local_python_file_exists(args: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """The `file` a Spark Python activity names for AdfDatabricks to upload through CatalogVolume
    is a file the provider can read (notebooks.source_problem): registered on those args, so a
    stack's message names the activity's key (pipelines[i].activities[j].python.file) before
    anything deploys."""
    problem = source_problem(args["file"]) if "file" in args else None
    if problem:
        yield "file", problem


def workspace_catalog_name(workspace_name: str) -> str:
    """The catalog a workspace the stack creates is given at creation (the workspace's
    `defaultCatalog.initialName`, components.workspace), the name Databricks itself uses for
    the catalog of an automatically enabled workspace: the workspace's name, with '-' written
    as '_' (MicrosoftLearning/mslearn-databricks, Instructions/Exercises/UC-02-Upgrade-tables-
    to-unity-catalog.md: "If your workspace name has a `-` in it, replace that with a `_`")."""
    return workspace_name.lower().replace("-", "_")


@rules(
    catalog=rule(
        "a catalog name in lower case (letters, digits, _ and -, Unity Catalog stores names in lower case)",
        pattern=CATALOG_NAME,
        refused={
            name: f"expected a Unity Catalog catalog, got {name!r} ({reason})"
            for name, reason in NOT_UNITY_CATALOGS.items()
        },
    ),
    schema=rule(
        OBJECT_NAME.expected,
        pattern=NAME,
        refused={
            name: f"expected a schema of the stack's own, got {name!r}: it {reason}"
            for name, reason in RESERVED_SCHEMAS.items()
        },
    ),
    volume=replace(OBJECT_NAME, default="landing"),
)
class CatalogVolumeSpec(TypedDict):
    """The Unity Catalog schema and managed volume the notebooks write to."""

    catalog: NotRequired[str]
    """An existing catalog to create the schema in. Required; AdfDatabricks defaults it to the
    catalog a workspace it creates is given at creation, the workspace's name in lower case with
    `-` as `_` (e.g. `adf_databricks_dev`), and needs it set with an adopted workspace."""
    schema: NotRequired[str]
    """Name of the schema the stack creates in the catalog. Required; AdfDatabricks defaults it
    to `<project>_<stack>` in lower case, with characters other than letters, digits and `_`
    as `_`."""
    volume: NotRequired[str]
    """Name of the managed volume the stack creates in the schema (default landing), whose path
    `/Volumes/<catalog>/<schema>/<volume>` the notebooks get."""


@checks(CatalogVolumeSpec, "catalog", "schema")
def _named(args: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """Both names are needed; they are optional in the schema only because AdfDatabricks
    derives them when a stack leaves them out."""
    for key in ("catalog", "schema"):
        if key not in args:
            yield key, "is required"


@rules(files=rule(items=PYTHON_SOURCE))
class CatalogVolumeArgs(TypedDict):
    """Inputs of CatalogVolume."""

    spec: CatalogVolumeSpec
    """The catalog to create the schema in, and the names of the schema and volume."""
    run_as: NotRequired[pulumi.Input[str] | None]
    """Databricks principal the notebooks run as (a user name, or a service principal's
    application id): it gets USE_CATALOG, USE_SCHEMA, READ_VOLUME and WRITE_VOLUME. Leave it
    out when that is the deploying principal: it owns the schema and volume it creates, and
    a grant for it on the catalog would replace its own grants there."""
    protect: NotRequired[bool]
    """Keep the schema's data: destroy then stops on a schema that holds tables or volumes
    someone else created (default false: destroy drops the schema with everything in it)."""
    files: NotRequired[list[str]]
    """Local Python files (.py) to upload into the volume's `scripts/` folder, relative to the
    project directory (the Pulumi CLI runs providers there); each lands under its file name, so
    two with one name are refused. The principal the notebooks run as reads them with its
    READ_VOLUME grant."""


@checks(CatalogVolumeArgs, "files")
def _files_exist_once(args: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """Each file is one the provider can read (notebooks.source_problem), and lands at a path of
    its own in the scripts folder."""
    seen: dict[str, str] = {}
    for i, source in enumerate(args.get("files", [])):
        first = seen.setdefault(PurePath(source).name, source)
        if first != source:
            yield (
                f"files[{i}]",
                f"{source!r} would overwrite {first!r} in the volume's {SCRIPTS_FOLDER} folder",
            )
        elif problem := source_problem(source):
            yield f"files[{i}]", problem


class CatalogVolume(pulumi.ComponentResource):
    """A schema and a managed volume in an existing catalog, writable by the notebooks'
    principal. Pass the workspace's provider via `opts.providers`."""

    volume_path: pulumi.Output[str]
    """/Volumes/<catalog>/<schema>/<volume>, known in a preview; a consumer waits for the volume."""
    grants: list[databricks.Grant]
    """What the notebooks' principal is granted; whatever starts runs (a trigger) waits for them."""
    file_paths: dict[str, pulumi.Output[str]]
    """Volume path (/Volumes/...) of each uploaded file, by local source."""

    def __init__(
        self, name: str, args: CatalogVolumeArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        # A component used from another program gets the same checks as the stack's config,
        # before anything is registered.
        args = validation.parse(CatalogVolumeArgs, args, f"CatalogVolume {name}: ")
        spec = args["spec"]
        catalog, schema_in_catalog, volume_in_schema = spec["catalog"], spec["schema"], spec["volume"]
        super().__init__("adf-databricks:index:CatalogVolume", name, None, opts)
        run_as = args.get("run_as")
        child = pulumi.ResourceOptions(parent=self)

        comment = "Created by adf-databricks for the files its Data Factory pipelines' notebooks write."
        # Without force_destroy a schema that holds anything is not deleted ("Delete schema
        # regardless of its contents", terraform-provider-databricks docs/resources/schema.md);
        # an unprotected stack's destroy drops it with its contents. The managed volume goes
        # first either way (it depends on the schema), and Unity Catalog deletes a dropped
        # managed volume's files (Databricks docs, unity-catalog/object-storage-lifecycle).
        schema = databricks.Schema(
            f"{name}-schema",
            catalog_name=catalog,
            name=schema_in_catalog,
            comment=comment,
            force_destroy=not args.get("protect", False),
            opts=child,
        )
        volume = databricks.Volume(
            f"{name}-volume",
            catalog_name=schema.catalog_name,
            schema_name=schema.name,
            name=volume_in_schema,
            volume_type="MANAGED",
            comment=comment,
            opts=child,
        )
        # Full names are <catalog>.<schema>[.<volume>], the ids the provider gives schemas and
        # volumes (terraform-provider-databricks docs/resources/schema.md and volume.md); built
        # from the names so that a preview shows them.
        path = pulumi.Output.concat(
            "/Volumes/", volume.catalog_name, "/", volume.schema_name, "/", volume.name
        )
        self.grants = []
        if run_as is not None:
            # databricks.Grant, not Grants: Grants is authoritative for every principal on the
            # securable and would strip the workspace users' own grants on the catalog
            # (terraform-provider-databricks docs/resources/grant.md and grants.md).
            self.grants = [
                databricks.Grant(
                    f"{name}-catalog-grant",
                    catalog=catalog,
                    principal=run_as,
                    privileges=list(CATALOG_PRIVILEGES),
                    opts=child,
                ),
                databricks.Grant(
                    f"{name}-schema-grant",
                    schema=pulumi.Output.concat(schema.catalog_name, ".", schema.name),
                    principal=run_as,
                    privileges=list(SCHEMA_PRIVILEGES),
                    opts=child,
                ),
                databricks.Grant(
                    f"{name}-volume-grant",
                    volume=pulumi.Output.concat(
                        volume.catalog_name, ".", volume.schema_name, ".", volume.name
                    ),
                    principal=run_as,
                    privileges=list(VOLUME_PRIVILEGES),
                    opts=child,
                ),
            ]
        # Built from the names, so a preview shows it. The grants are not folded into it: in msi
        # mode their principal (a new identity's application id) is unknown until deploy, and
        # a pipeline may exist before them; only a trigger, which starts runs, waits for them.
        self.volume_path = path
        # In the volume, not the notebook folder: Data Factory runs a Python file only from DBFS
        # (components.pipeline.PYTHON_PATH), and a volume is reached as dbfs:/Volumes/... where
        # Unity Catalog decides who reads and writes: the owner (the deployer) and the grants
        # above. DBFS root has no such control (every workspace user can read and write it,
        # Databricks docs, dbfs/dbfs-root) and is deprecated (module docstring), so nothing is put
        # there. databricks.File uploads into a volume (terraform-provider-databricks
        # docs/resources/file.md); like Notebook's, its source is read in the working directory
        # the provider runs in.
        self.file_paths = {}
        for source in dict.fromkeys(args.get("files", [])):
            uploaded = databricks.File(
                f"{name}-file-{PurePath(source).stem}",
                path=path.apply(lambda volume, source=source: script_path(volume, source)),
                source=source,
                opts=child,
            )
            self.file_paths[source] = uploaded.path
        outputs.register(self)
