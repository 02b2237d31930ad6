"""Notebooks: local sources are uploaded under the notebook folder with their language."""

from __future__ import annotations

import pytest

from components.notebooks import language, workspace_path
from tests.conftest import Render, activity, base, pipeline


@pytest.mark.parametrize(
    ("source", "lang"),
    [("a/b.py", "PYTHON"), ("x.sql", "SQL"), ("x.scala", "SCALA"), ("x.R", "R")],
)
def test_language_from_suffix(source: str, lang: str) -> None:
    assert language(source) == lang


def test_workspace_path() -> None:
    assert workspace_path("/Shared/a", "notebooks/process_data.py") == "/Shared/a/process_data"


def test_upload(render: Render) -> None:
    result = render(base(notebookFolder="/Shared/team/etl"))
    nb = result.one("databricks:index/notebook:Notebook")
    assert nb.inputs == {
        "path": "/Shared/team/etl/process_data",
        "source": "notebooks/process_data.py",
        "language": "PYTHON",
    }
    assert result.outputs["notebookPaths"] == ["/Shared/team/etl/process_data"]


def test_workspace_paths_need_no_upload(render: Render) -> None:
    p = pipeline(activities=[{"name": "Run", "notebookPath": "/Repos/team/etl/run"}])
    result = render(base(pipelines=[p]))
    assert result.of_type("databricks:index/notebook:Notebook") == []
    assert result.of_type("adf-databricks:index:Notebooks") == []
    acts = result.one("azure-native:datafactory:Pipeline").inputs["activities"]
    assert acts[0]["notebookPath"] == "/Repos/team/etl/run"
    assert result.outputs["notebookPaths"] == []


def test_activity_uses_uploaded_path(render: Render) -> None:
    result = render(base(pipelines=[pipeline(activities=[activity()])]))
    acts = result.one("azure-native:datafactory:Pipeline").inputs["activities"]
    assert acts[0]["notebookPath"] == "/Shared/adf-databricks/test/process_data"
