"""NotebookPipeline: typed Notebook activities carrying every setting of the Learn module."""

from __future__ import annotations

from tests.conftest import Render, activity, base, pipeline
from tools import engine

PIPELINE = "azure-native:datafactory:Pipeline"

FULL_ACTIVITY = {
    "name": "Process Data",
    "description": "Copies products into DBFS",
    "notebook": "notebooks/process_data.py",
    "timeout": "0.02:30:00",
    "retries": 3,
    "retryIntervalSeconds": 120,
    "secureInput": True,
    "secureOutput": True,
    "baseParameters": {"folder": "@pipeline().parameters.folder", "mode": "full"},
    "libraries": [
        {"jar": "dbfs:/libs/a.jar"},
        {"egg": "dbfs:/libs/b.egg"},
        {"whl": "/Workspace/libs/c.whl"},
        {"pypi": {"package": "requests==2.32.3", "repo": "https://pypi.org/simple"}},
        {"maven": {"coordinates": "com.x:y:1.0", "exclusions": ["org.z:w"]}},
        {"cran": {"package": "dplyr"}},
    ],
    "userProperties": {"source": "products", "team": "data"},
}


def test_activity_carries_every_setting(render: Render) -> None:
    p = pipeline(
        description="Loads products",
        folder="databricks/loads",
        concurrency=2,
        parameters={
            "folder": {"type": "String", "default": "product_data"},
            "limit": {"type": "Int", "default": 10},
            "ratio": {"type": "Float", "default": 0.5},
            "full": {"type": "Bool", "default": False},
            "tags": {"type": "Array", "default": ["a"]},
            "opts": {"type": "Object", "default": {"k": "v"}},
            "key": {"type": "SecureString"},
        },
        activities=[
            FULL_ACTIVITY,
            {
                "name": "Audit",
                "notebookPath": "/Shared/audit",
                "dependsOn": [{"activity": "Process Data", "conditions": ["Succeeded", "Failed"]}],
            },
        ],
    )
    result = render(base(pipelines=[p]))
    inputs = result.one(PIPELINE).inputs
    assert inputs["pipelineName"] == "process-data"
    assert inputs["description"] == "Loads products"
    assert inputs["folder"] == {"name": "databricks/loads"}
    assert inputs["concurrency"] == 2
    assert inputs["parameters"] == {
        "folder": {"type": "String", "defaultValue": "product_data"},
        "limit": {"type": "Int", "defaultValue": 10},
        "ratio": {"type": "Float", "defaultValue": 0.5},
        "full": {"type": "Bool", "defaultValue": False},
        "tags": {"type": "Array", "defaultValue": ["a"]},
        "opts": {"type": "Object", "defaultValue": {"k": "v"}},
        "key": {"type": "SecureString"},
    }
    first, second = inputs["activities"]
    assert first == {
        "type": "DatabricksNotebook",
        "name": "Process Data",
        "description": "Copies products into DBFS",
        "notebookPath": "/adf-databricks/test/process_data",
        "baseParameters": {
            "volume": "/Volumes/adf_databricks_test/adf_databricks_test/landing",
            "folder": "@pipeline().parameters.folder",
            "mode": "full",
        },
        "libraries": [
            {"jar": "dbfs:/libs/a.jar"},
            {"egg": "dbfs:/libs/b.egg"},
            {"whl": "/Workspace/libs/c.whl"},
            {"pypi": {"package": "requests==2.32.3", "repo": "https://pypi.org/simple"}},
            {"maven": {"coordinates": "com.x:y:1.0", "exclusions": ["org.z:w"]}},
            {"cran": {"package": "dplyr"}},
        ],
        "linkedServiceName": {"referenceName": "AzureDatabricks", "type": "LinkedServiceReference"},
        "policy": {
            "timeout": "0.02:30:00",
            "retry": 3,
            "retryIntervalInSeconds": 120,
            "secureInput": True,
            "secureOutput": True,
        },
        "userProperties": [{"name": "source", "value": "products"}, {"name": "team", "value": "data"}],
    }
    assert second["notebookPath"] == "/Shared/audit"
    assert second["dependsOn"] == [
        {"activity": "Process Data", "dependencyConditions": ["Succeeded", "Failed"]}
    ]
    assert second["policy"] == {
        "timeout": "0.12:00:00",
        "retry": 0,
        "retryIntervalInSeconds": 30,
        "secureInput": False,
        "secureOutput": False,
    }


def test_pipeline_waits_for_notebook_factory_and_linked_service(render: Render) -> None:
    result = render(base())
    deps = set(result.one(PIPELINE).dependencies)
    notebook = result.one("databricks:index/notebook:Notebook").urn
    factory = result.one("azure-native:datafactory:Factory").urn
    ls = result.one("azure-native:datafactory:LinkedService").urn
    assert {notebook, factory, ls} <= deps


def test_secure_string_default_is_secret(render: Render) -> None:
    p = pipeline(parameters={"key": {"type": "SecureString", "default": "s3cr3t-value"}}, schedule=None)
    result = render(base(pipelines=[p]))
    pipe = result.one(PIPELINE)
    assert pipe.inputs["parameters"]["key"]["defaultValue"] == engine.SECRET
    assert pipe.raw_inputs["parameters"]["key"]["defaultValue"] == "s3cr3t-value"


def test_one_pipeline_per_config_entry(render: Render) -> None:
    second = pipeline(name="audit", activities=[activity(name="Audit")], schedule=None)
    result = render(base(pipelines=[pipeline(), second]))
    names = sorted(r.inputs["pipelineName"] for r in result.of_type(PIPELINE))
    assert names == ["audit", "process-data"]
    # The shared notebook is uploaded once.
    assert len(result.of_type("databricks:index/notebook:Notebook")) == 1
    assert result.outputs["pipelines"] == ["process-data", "audit"]
