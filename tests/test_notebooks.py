"""Notebooks: uploaded into a folder the stack creates and locks, with their language."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from components import validation
from components.notebooks import (
    Notebooks,
    NotebooksArgs,
    is_service_principal,
    language,
    run_as_control,
    workspace_path,
)
from components.settings import ConfigError, load
from components.validation import InvalidArgs
from tests.conftest import ROOT, Render, activity, base, pipeline, run_program
from tools import engine

NOTEBOOK = "databricks:index/notebook:Notebook"
DIRECTORY = "databricks:index/directory:Directory"
PERMISSIONS = "databricks:index/permissions:Permissions"
EDIT_RIGHTS = {"CAN_EDIT", "CAN_MANAGE"}
APP_ID = "55555555-5555-5555-5555-555555555555"


@pytest.mark.parametrize(
    ("source", "lang"),
    [("a/b.py", "PYTHON"), ("x.sql", "SQL"), ("x.scala", "SCALA"), ("x.R", "R")],
)
def test_language_from_suffix(source: str, lang: str) -> None:
    assert language(source) == lang


def test_workspace_path() -> None:
    assert workspace_path("/team/a", "notebooks/process_data.py") == "/team/a/process_data"


# ---------------------------------------------------------------- which folders can be locked


def folder_problems(folder: str) -> list[str]:
    return [str(p) for p in validation.problems(NotebooksArgs, {"folder": folder, "sources": []})]


@pytest.mark.parametrize(
    "folder", ["/adf-databricks/dev", "/team/etl", "/Workspace/team/etl", "/Users/me@example.com/etl"]
)
def test_folder_the_stack_can_lock(folder: str) -> None:
    assert folder_problems(folder) == []


@pytest.mark.parametrize(
    ("folder", "message"),
    [
        ("/Shared/adf-databricks/dev", "every workspace user can edit what is under /Shared"),
        ("/Shared/x", "outside /Shared"),
        ("/Workspace/Shared/x", "outside /Shared"),
        ("/Shared", "special folder"),
        ("/Workspace", "special folder"),
        ("/Workspace/", "absolute workspace path"),
        ("/Users", "special folder"),
        ("/Repos", "special folder"),
        ("/", "absolute workspace path"),
        ("/team/../Shared/x", "absolute workspace path"),
    ],
)
def test_folder_the_stack_cannot_lock(folder: str, message: str) -> None:
    [problem] = folder_problems(folder)
    assert problem.startswith("folder: expected") and message in problem


def test_a_folder_under_shared_is_refused_with_a_way_out() -> None:
    assert folder_problems("/Shared/etl") == [
        "folder: expected a folder outside /Shared, got '/Shared/etl': every workspace user can edit"
        " what is under /Shared, and that right cannot be taken away there; use a top-level folder"
        " such as /adf-databricks/dev"
    ]


def test_component_refuses_shared_before_registering_anything() -> None:
    # No mocks are set: reaching the engine would fail differently.
    with pytest.raises(InvalidArgs, match="Notebooks nb: folder: expected a folder outside /Shared"):
        Notebooks("nb", NotebooksArgs(folder="/Shared/x", sources=["notebooks/process_data.py"]))


def test_component_lists_every_problem_of_its_args() -> None:
    with pytest.raises(InvalidArgs) as caught:
        Notebooks("nb", {"folder": "/Users", "sources": ["a/etl.py", "README.md", "b/etl.sql"]})
    assert str(caught.value).splitlines() == [
        "Notebooks nb: folder: expected a folder of the stack's own, got '/Users': the stack cannot"
        " set the permissions of a special folder",
        "Notebooks nb: sources[1]: expected a .py, .sql, .scala, .r file, got 'README.md'",
    ]
    # Once the sources are all notebooks, two with one name are refused too: both would land
    # at <folder>/etl.
    with pytest.raises(InvalidArgs, match=r"sources\[1\]: 'b/etl.sql' would overwrite 'a/etl.py'"):
        Notebooks("nb", {"folder": "/team/etl", "sources": ["a/etl.py", "b/etl.sql"]})


def test_default_folder_is_top_level_per_stack() -> None:
    s = load(base(), project="adf-databricks", stack="dev")
    assert s.args["notebook_folder"] == "/adf-databricks/dev"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("/Shared/team/etl", "expected a folder outside /Shared, got '/Shared/team/etl'"),
        ("/Workspace/Shared/etl", "expected a folder outside /Shared"),
        ("/Users", "special folder"),
        ("team/etl", "expected an absolute workspace path"),
    ],
)
def test_config_refuses_folders_users_could_edit(value: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as err:
        load(base(notebookFolder=value), project="adf-databricks", stack="dev")
    assert err.value.path == "notebookFolder"
    assert str(err.value).startswith("adf-databricks:notebookFolder: ")


# ---------------------------------------------------------------- who may do what in the folder


@pytest.mark.parametrize(
    ("principal", "field"),
    [
        (APP_ID, "service_principal_name"),
        ("adf-runner@example.com", "user_name"),
        ("not-a-uuid-5555-5555", "user_name"),
    ],
)
def test_run_as_is_a_user_or_a_service_principal(principal: str, field: str) -> None:
    control = run_as_control(principal)
    assert is_service_principal(principal) is (field == "service_principal_name")
    assert getattr(control, field) == principal
    assert control.permission_level == "CAN_RUN"


def controls(result: engine.Result) -> list[dict[str, Any]]:
    return result.one(PERMISSIONS).inputs["accessControls"]


def test_folder_is_created_and_locked(render: Render) -> None:
    result = render(base(notebookFolder="/team/etl"))
    folder = result.one(DIRECTORY)
    permissions = result.one(PERMISSIONS)
    assert folder.inputs == {"path": "/team/etl", "deleteRecursive": True}
    assert permissions.inputs["directoryPath"] == "/team/etl"
    assert permissions.property_dependencies["directoryPath"] == [folder.urn]
    # msi: ordinary users read, the identity Data Factory runs as runs; nobody edits.
    assert controls(result) == [
        {"groupName": "users", "permissionLevel": "CAN_READ"},
        {"servicePrincipalName": engine.IDENTITY_CLIENT, "permissionLevel": "CAN_RUN"},
    ]


def test_token_mode_leaves_the_deployer_its_own_rights(render: Render) -> None:
    # In token mode Data Factory runs as the deployer, which created the folder: a lower level
    # for it would be refused, so only the users' entry is set.
    result = render(base(auth={"mode": "token"}))
    assert controls(result) == [{"groupName": "users", "permissionLevel": "CAN_READ"}]


@pytest.mark.parametrize("auth", [{"mode": "msi"}, {"mode": "token"}])
def test_no_one_but_admins_can_edit(render: Render, auth: dict[str, str]) -> None:
    for control in controls(render(base(auth=auth))):
        assert control["permissionLevel"] not in EDIT_RIGHTS, control


def test_notebooks_land_in_the_locked_folder(render: Render) -> None:
    result = render(base(notebookFolder="/team/etl"))
    nb = result.one(NOTEBOOK)
    assert nb.inputs == {
        "path": "/team/etl/process_data",
        "source": "notebooks/process_data.py",
        "language": "PYTHON",
    }
    # Code is uploaded only once the folder's permissions are set.
    assert nb.property_dependencies["path"] == [result.one(PERMISSIONS).urn]
    assert result.outputs["notebookPaths"] == ["/team/etl/process_data"]


def test_each_local_notebook_is_uploaded_once(tmp_path: Path) -> None:
    """Notebooks with names of their own each land in the folder; a source listed twice (two
    activities run it) is uploaded once."""
    load_py, check_sql = tmp_path / "a" / "load.py", tmp_path / "b" / "check.sql"
    for source in (load_py, check_sql):
        source.parent.mkdir()
        source.write_text("-- Databricks notebook source\n")
    result = run_program(
        tmp_path,
        "import pulumi\n"
        "from components.notebooks import Notebooks\n"
        f"nb = Notebooks('nb', {{'folder': '/team/etl', 'sources': ['{load_py}', '{check_sql}', '{load_py}']}})\n"
        "pulumi.export('paths', nb.paths)\n",
    )
    assert [(r.name, r.inputs["path"], r.inputs["language"]) for r in result.of_type(NOTEBOOK)] == [
        ("nb-load", "/team/etl/load", "PYTHON"),
        ("nb-check", "/team/etl/check", "SQL"),
    ]
    assert result.outputs["paths"] == {str(load_py): "/team/etl/load", str(check_sql): "/team/etl/check"}


def test_a_program_of_its_own_is_refused_missing_sources_before_deploy(tmp_path: Path) -> None:
    """The component checks its own files, where the provider reads them (the working
    directory): another program learns of a missing one at preview, not from the provider."""
    with pytest.raises(InvalidArgs) as caught:
        run_program(
            tmp_path,
            "from components.notebooks import Notebooks\n"
            "Notebooks('nb', {'folder': '/team/etl', 'sources': ['notebooks/process_data.py', 'etl/gone.py']})\n",
        )
    assert str(caught.value).splitlines() == [
        f"Notebooks nb: sources[1]: no such file 'etl/gone.py' in {ROOT}"
    ]


def test_a_stack_names_the_activity_of_a_missing_notebook_once() -> None:
    """The component's fact, reported at the stack's key path (not as Notebooks' sources[i]),
    once, with the other problems of the same run."""
    job = {"name": "job", "job": {"notebook": "etl/gone.sql"}}
    config = base(
        pipelines=[pipeline(activities=[activity(notebook="notebooks/gone.py", timeout="1h"), job])]
    )
    with pytest.raises(ConfigError) as caught:
        load(config, project="adf-databricks", stack="dev")
    assert str(caught.value).splitlines() == [
        f"adf-databricks:pipelines[0].activities[0].notebook: no such file 'notebooks/gone.py' in {ROOT}",
        "adf-databricks:pipelines[0].activities[0].timeout: expected d.hh:mm:ss (at most 7 days), got '1h'",
        f"adf-databricks:pipelines[0].activities[1].job.notebook: no such file 'etl/gone.sql' in {ROOT}",
    ]


@pytest.mark.parametrize("where", ["stack", "component"])
def test_a_path_the_file_system_refuses_is_a_problem_not_a_traceback(where: str) -> None:
    """os.stat raises OSError (ENAMETOOLONG) for a name longer than NAME_MAX; Path.is_file
    passes that one on."""
    source = "notebooks/" + "x" * 300 + ".py"
    if where == "stack":
        with pytest.raises(ConfigError) as caught:
            load(
                base(pipelines=[pipeline(activities=[activity(notebook=source)])]),
                project="adf-databricks",
                stack="dev",
            )
        path = "adf-databricks:pipelines[0].activities[0].notebook"
    else:
        with pytest.raises(InvalidArgs) as caught:
            Notebooks("nb", NotebooksArgs(folder="/team/etl", sources=[source]))
        path = "Notebooks nb: sources[0]"
    assert str(caught.value).splitlines() == [f"{path}: cannot read {source!r} in {ROOT}: File name too long"]


def test_moving_the_folder_keeps_the_notebook_urn(render: Render) -> None:
    # The default moved from /Shared/<project>/<stack>; the Notebook is replaced at the new
    # path but keeps its URN (same name, same parent), so the stack does not churn otherwise.
    result = render(base())
    nb = result.one(NOTEBOOK)
    assert nb.inputs["path"] == "/adf-databricks/test/process_data"
    assert nb.urn == (
        "urn:pulumi:test::adf-databricks::adf-databricks:index:AdfDatabricks"
        "$adf-databricks:index:Notebooks$databricks:index/notebook:Notebook"
        "::adf-databricks-notebooks-process_data"
    )


def test_every_folder_resource_uses_the_workspace_provider(render: Render) -> None:
    result = render(base())
    provider = result.one("pulumi:providers:databricks").urn
    for type_ in (DIRECTORY, PERMISSIONS, NOTEBOOK):
        assert result.one(type_).provider == provider, type_


def test_workspace_paths_need_no_upload(render: Render) -> None:
    p = pipeline(activities=[{"name": "Run", "notebookPath": "/Repos/team/etl/run"}])
    result = render(base(pipelines=[p]))
    assert result.of_type(NOTEBOOK) == []
    assert result.of_type(DIRECTORY) == []
    assert result.of_type("adf-databricks:index:Notebooks") == []
    acts = result.one("azure-native:datafactory:Pipeline").inputs["activities"]
    assert acts[0]["notebookPath"] == "/Repos/team/etl/run"
    assert result.outputs["notebookPaths"] == []


def test_activity_uses_uploaded_path(render: Render) -> None:
    result = render(base(pipelines=[pipeline(activities=[activity()])]))
    acts = result.one("azure-native:datafactory:Pipeline").inputs["activities"]
    assert acts[0]["notebookPath"] == "/adf-databricks/test/process_data"


def test_readme_says_the_deployer_keeps_no_direct_right_on_the_folder(render: Render) -> None:
    """The Permissions resource replaces the folder's list and, for folders, the provider adds
    no Can Manage for the caller: in token mode the list names only `users`, so the deployer's
    Can Manage as the folder's creator goes, and README must not say it stays."""
    assert controls(render(base(auth={"mode": "token"}))) == [
        {"groupName": "users", "permissionLevel": "CAN_READ"}
    ]
    readme = " ".join((ROOT / "README.md").read_text().split())
    assert "deployer keeps the Can Manage" not in readme
    assert "Nobody else keeps a direct permission, the deployer included" in readme
    assert "manages the folder, and uploads the notebooks, as a workspace admin" in readme


def test_destroy_deletes_the_folder_with_its_contents_unless_protected(render: Render) -> None:
    """A non-empty folder is deleted only with delete_recursive (terraform-provider-databricks
    workspace/resource_directory.go); only a protected stack keeps what others put there."""
    folder = "databricks:index/directory:Directory"
    assert render(base()).one(folder).inputs["deleteRecursive"] is True
    assert render(base(protect=True)).one(folder).inputs["deleteRecursive"] is False
