"""Job activities: a Databricks job the stack creates (or one that exists) run by a DatabricksJob
activity, through a serverless linked service, as the identity Data Factory authenticates with."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from components import validation
from components.job import NotebookJobArgs
from components.pipeline import NotebookPipeline
from components.settings import ConfigError, load
from tests.conftest import (
    ROOT,
    Render,
    activity,
    base,
    cli_config,
    pipeline,
    run_program,
)
from tools import contract, engine

PIPELINE = "azure-native:datafactory:Pipeline"
LINKED_SERVICE = "azure-native:datafactory:LinkedService"
JOB = "databricks:index/job:Job"
PERMISSIONS = "databricks:index/permissions:Permissions"
RULE_SET = "databricks:index/accessControlRuleSet:AccessControlRuleSet"
ACCOUNT = "12345678-1234-1234-1234-123456789012"

JOB_ACTIVITY: dict[str, Any] = {
    "name": "Run Job",
    "description": "Runs the products notebook as a job.",
    "job": {"notebook": "notebooks/process_data.py", "parameters": {"folder": "product_data"}},
    "jobParameters": {"folder": "@pipeline().parameters.folder"},
    "timeout": "0.01:00:00",
    "retries": 1,
    "retryIntervalSeconds": 60,
    "secureOutput": True,
    "userProperties": {"team": "data"},
    "dependsOn": [{"activity": "Process Data"}],
}
EXISTING_JOB = {
    "name": "Existing",
    "jobId": 42,
    "dependsOn": [{"activity": "Run Job", "conditions": ["Failed"]}],
}


def mixed(**overrides: Any) -> dict[str, Any]:
    """A notebook activity, a job activity after it, and an existing job after that (msi)."""
    config = base(
        pipelines=[pipeline(activities=[activity(), JOB_ACTIVITY, EXISTING_JOB])],
        auth={"mode": "msi", "accountId": ACCOUNT},
    )
    config.update(copy.deepcopy(overrides))
    return config


@pytest.fixture(scope="module")
def stack() -> engine.Result:
    return engine.run(cli_config(mixed()), "test", preview=False)


def _job_permissions(result: engine.Result) -> list[engine.Registration]:
    return [r for r in result.of_type(PERMISSIONS) if "jobId" in r.inputs]


def _serverless(result: engine.Result) -> engine.Registration:
    return next(
        r
        for r in result.of_type(LINKED_SERVICE)
        if r.inputs["linkedServiceName"] == "AzureDatabricksServerless"
    )


# ---------------------------------------------------------------- what the stack declares


def test_pipeline_runs_the_created_job_between_notebook_and_existing_job(stack: engine.Result) -> None:
    pipe = stack.one(PIPELINE)
    job = stack.one(JOB)
    notebook, run_job, existing = pipe.inputs["activities"]
    assert notebook["type"] == "DatabricksNotebook"
    assert notebook["linkedServiceName"]["referenceName"] == "AzureDatabricks"
    assert run_job == {
        "type": "DatabricksJob",
        "name": "Run Job",
        "description": "Runs the products notebook as a job.",
        "jobId": job.id,
        "jobParameters": {"folder": "@pipeline().parameters.folder"},
        "linkedServiceName": {"referenceName": "AzureDatabricksServerless", "type": "LinkedServiceReference"},
        "policy": {
            "timeout": "0.01:00:00",
            "retry": 1,
            "retryIntervalInSeconds": 60,
            "secureInput": False,
            "secureOutput": True,
        },
        "userProperties": [{"name": "team", "value": "data"}],
        "dependsOn": [{"activity": "Process Data", "dependencyConditions": ["Succeeded"]}],
    }
    assert job.id.isdigit()
    assert job.urn in pipe.property_dependencies["activities"]
    assert existing["type"] == "DatabricksJob"
    # "Type: string (or Expression with resultType string)" (DatabricksJobActivity.job_id).
    assert existing["jobId"] == "42"
    assert "jobParameters" not in existing
    assert existing["dependsOn"] == [{"activity": "Run Job", "dependencyConditions": ["Failed"]}]


def test_job_runs_the_uploaded_notebook_serverless_as_the_factory_identity(stack: engine.Result) -> None:
    job = stack.one(JOB)
    notebook = stack.one("databricks:index/notebook:Notebook")
    volume = stack.one("databricks:index/volume:Volume")
    # No new_cluster, existing_cluster_id or job_cluster_key: serverless compute.
    assert job.inputs["tasks"] == [
        {"taskKey": "notebook", "notebookTask": {"notebookPath": notebook.inputs["path"]}}
    ]
    assert notebook.urn in job.property_dependencies["tasks"]
    assert job.inputs["parameters"] == [
        {"name": "volume", "default": "/Volumes/adf_databricks_test/adf_databricks_test/landing"},
        {"name": "folder", "default": "product_data"},
    ]
    assert volume.urn in job.property_dependencies["parameters"]
    assert (job.inputs["maxConcurrentRuns"], job.inputs["timeoutSeconds"]) == (1, 0)
    assert job.inputs["name"] == "adf-databricks-test: process-data/Run Job"
    assert job.inputs["description"] == "Runs the products notebook as a job."
    # The user-assigned identity the linked services authenticate as (through the credential).
    assert job.inputs["runAs"] == {"servicePrincipalName": engine.IDENTITY_CLIENT}
    (permissions,) = _job_permissions(stack)
    assert permissions.inputs == {
        "jobId": job.id,
        "accessControls": [
            {"servicePrincipalName": engine.IDENTITY_CLIENT, "permissionLevel": "CAN_MANAGE_RUN"}
        ],
    }


def test_deployer_becomes_a_user_of_the_identity_before_the_job_names_it(stack: engine.Result) -> None:
    rule_set = stack.one(RULE_SET)
    deployer = f"servicePrincipals/{engine.CLIENT_CONFIG['clientId']}"
    assert rule_set.inputs == {
        "name": f"accounts/{ACCOUNT}/servicePrincipals/{engine.IDENTITY_CLIENT}/ruleSets/default",
        "grantRules": [
            {"role": "roles/servicePrincipal.manager", "principals": [deployer]},
            {"role": "roles/servicePrincipal.user", "principals": [deployer]},
        ],
    }
    assert rule_set.urn in stack.one(JOB).property_dependencies["runAs"]
    # The schedule starts runs only once the identity may run the job.
    trigger = stack.one("azure:datafactory/triggerSchedule:TriggerSchedule")
    assert _job_permissions(stack)[0].urn in trigger.dependencies


def test_serverless_linked_service_authenticates_as_the_notebook_one_without_a_cluster(
    stack: engine.Result,
) -> None:
    notebooks = next(
        r for r in stack.of_type(LINKED_SERVICE) if r.inputs["linkedServiceName"] == "AzureDatabricks"
    )
    serverless = _serverless(stack).inputs["properties"]
    cluster_keys = {
        k for k in notebooks.inputs["properties"] if k.startswith("newCluster") or k == "dataSecurityMode"
    }
    assert cluster_keys
    same = {
        k: v for k, v in notebooks.inputs["properties"].items() if k not in cluster_keys | {"description"}
    }
    assert {k: v for k, v in serverless.items() if k != "description"} == same
    assert same["authentication"] == "MSI" and "credential" in same


def test_no_job_no_serverless_linked_service(render: Render) -> None:
    result = render(base())
    assert [r.inputs["linkedServiceName"] for r in result.of_type(LINKED_SERVICE)] == ["AzureDatabricks"]
    assert result.of_type(JOB) == [] and result.of_type(RULE_SET) == []


def test_an_existing_job_alone_gets_the_serverless_linked_service(render: Render) -> None:
    """A pipeline whose only job activity runs an existing job (jobId) still needs the linked
    service a DatabricksJob activity names; the stack creates no job for it."""
    existing = {k: v for k, v in EXISTING_JOB.items() if k != "dependsOn"}
    result = render(mixed(pipelines=[pipeline(activities=[activity(), existing])]))
    assert [r.inputs["linkedServiceName"] for r in result.of_type(LINKED_SERVICE)] == [
        "AzureDatabricks",
        "AzureDatabricksServerless",
    ]
    assert result.of_type(JOB) == []
    assert result.one(PIPELINE).inputs["activities"][1]["linkedServiceName"]["referenceName"] == (
        "AzureDatabricksServerless"
    )


def test_a_job_a_bundle_deploys_is_found_by_name_once_and_run_by_its_id(render: Render) -> None:
    """jobName: the workspace's provider looks the job up (databricks_job data source) once per
    name, however many activities run it, nested ones included; each activity runs it by id on
    the serverless linked service, and the stack creates and grants nothing on a job it does
    not own (a Permissions resource would replace the bundle's own grants and owner)."""
    by_name = {
        "name": "Bundle",
        "jobName": "[prod] nightly etl",
        "jobParameters": {"day": "@pipeline().RunId"},
    }
    loop = {
        "name": "Each",
        "forEach": {
            "items": "@createArray(1, 2)",
            "activities": [{"name": "Again", "jobName": "[prod] nightly etl"}],
        },
    }
    result = render(base(pipelines=[pipeline(activities=[by_name, loop])]))
    lookups = [i for i in result.invokes if i.token == "databricks:index/getJob:getJob"]
    assert [i.args["jobName"] for i in lookups] == ["[prod] nightly etl"]
    workspace_provider = result.one("pulumi:providers:databricks").urn
    assert lookups[0].provider == workspace_provider
    outer, each = result.one(PIPELINE).inputs["activities"]
    inner = each["activities"][0]
    assert outer["type"] == inner["type"] == "DatabricksJob"
    assert outer["jobId"] == inner["jobId"]
    assert outer["jobId"].isdigit()
    assert outer["jobParameters"] == {"day": "@pipeline().RunId"}
    assert outer["linkedServiceName"]["referenceName"] == "AzureDatabricksServerless"
    assert result.of_type(JOB) == []
    assert not [r for r in result.of_type(PERMISSIONS) if "jobId" in r.inputs]


@pytest.mark.parametrize(
    ("activity_", "problem"),
    [
        ({"name": "a", "jobName": ""}, "jobName: expected a job's name in the workspace, got ''"),
        (
            {"name": "a", "jobName": "etl", "jobId": 7},
            "expected exactly one of notebook (a local file), notebookPath, python, jar, job, jobId or jobName"
            " (or a control activity: setVariable, appendVariable, forEach, ifCondition, executePipeline,"
            " wait, fail)",
        ),
        (
            {"name": "a", "jobName": "etl", "baseParameters": {"x": "1"}},
            "baseParameters: applies only to notebook activities: a job activity passes jobParameters,"
            " which Databricks hands the job's notebook as widget values",
        ),
    ],
)
def test_a_job_by_name_is_refused_where_it_cannot_run(activity_: dict[str, Any], problem: str) -> None:
    from components.pipeline import NotebookActivity

    assert [str(p) for p in validation.problems(NotebookActivity, activity_)] == [problem]


def test_job_parameters_go_with_a_job_by_name_too() -> None:
    from components.pipeline import NotebookActivity

    assert (
        validation.problems(NotebookActivity, {"name": "a", "jobName": "etl", "jobParameters": {"x": "1"}})
        == []
    )
    assert [
        str(p)
        for p in validation.problems(
            NotebookActivity, {"name": "a", "notebookPath": "/a", "jobParameters": {}}
        )
    ] == ["jobParameters: applies only with job, jobId or jobName"]


def test_token_mode_job_runs_as_the_deployer_who_creates_it(render: Render) -> None:
    """In mode token Data Factory authenticates as the deployer, who owns the jobs it creates
    and whom a job runs as when run_as is unset: nothing to grant (a lower level for the owner
    would be refused)."""
    result = render(mixed(auth={"mode": "token"}))
    assert "runAs" not in result.one(JOB).inputs
    assert _job_permissions(result) == [] and result.of_type(RULE_SET) == []
    assert _serverless(result).inputs["properties"]["accessToken"]["type"] == "AzureKeyVaultSecret"


def test_a_job_without_parameters_still_gets_the_volume(render: Render) -> None:
    job_activity = {**JOB_ACTIVITY, "job": {"notebook": "notebooks/process_data.py"}, "dependsOn": []}
    del job_activity["jobParameters"]
    result = render(mixed(pipelines=[pipeline(activities=[job_activity])]))
    assert result.one(JOB).inputs["parameters"] == [
        {"name": "volume", "default": "/Volumes/adf_databricks_test/adf_databricks_test/landing"}
    ]


def _task_on_the_stack_cluster(render: Render, cluster: dict[str, Any]) -> dict[str, Any]:
    """The one task of the job activity's job, run on the stack's cluster section."""
    job_activity = {**JOB_ACTIVITY, "job": {**JOB_ACTIVITY["job"], "compute": "cluster"}, "dependsOn": []}
    result = render(mixed(cluster=cluster, pipelines=[pipeline(activities=[job_activity])]))
    (task,) = result.one(JOB).inputs["tasks"]
    return task


def test_job_on_the_stack_existing_cluster(render: Render) -> None:
    task = _task_on_the_stack_cluster(render, {"mode": "existing", "existingClusterId": "0606-101010-xyz"})
    assert task == {
        "taskKey": "notebook",
        "notebookTask": {"notebookPath": task["notebookTask"]["notebookPath"]},
        "existingClusterId": "0606-101010-xyz",
    }


@pytest.mark.parametrize("mode", ["job", "pool", "interactive"])
def test_job_on_the_stack_cluster(render: Render, mode: str) -> None:
    # Data Factory gives pool clusters a fixed worker count (compute.check_worker_range).
    workers = 2 if mode == "pool" else "2:4"
    cluster = {
        "mode": mode,
        "sparkVersion": "15.4.x-scala2.12",
        "nodeType": "Standard_D4ds_v5",
        "workers": workers,
        "customTags": {"team": "data"},
    }
    task = _task_on_the_stack_cluster(render, cluster)
    if mode == "interactive":
        assert task["existingClusterId"] == "0101-120000-abcdefgh"
        assert "newCluster" not in task
        return
    common = {
        "sparkVersion": "15.4.x-scala2.12",
        "dataSecurityMode": "SINGLE_USER",
        "sparkEnvVars": {"PYSPARK_PYTHON": "/databricks/python3/bin/python3"},
    }
    if mode == "pool":
        # Node type and tags come from the pool, as on the clusters Data Factory creates in it.
        assert task["newCluster"] == {**common, "instancePoolId": "0101-120000-pool-0123", "numWorkers": 2}
    else:
        # An autoscale range and no fixed worker count (the Jobs API takes one or the other).
        assert task["newCluster"] == {
            **common,
            "nodeTypeId": "Standard_D4ds_v5",
            "autoscale": {"minWorkers": 2, "maxWorkers": 4},
            "customTags": {"team": "data"},
        }


# The DBFS init script is legacy and pulumi-databricks says so (a DeprecationWarning); the
# job's cluster still takes it, as Data Factory's job clusters do (compute.INIT_SCRIPT_SOURCES).
@pytest.mark.filterwarnings("ignore:For init scripts use:DeprecationWarning")
@pytest.mark.parametrize(
    ("log_destination", "log_conf"),
    [
        # A volume is refused in modes job and pool (tests/test_compute.py).
        ("dbfs:/cluster-logs", {"dbfs": {"destination": "dbfs:/cluster-logs"}}),
    ],
)
def test_job_cluster_gets_every_cluster_setting(render: Render, log_destination: str, log_conf: Any) -> None:
    """The job's own cluster is the one Data Factory would create from the linked service: the
    same runtime, sizes, conf, tags, init scripts (Jobs API sources), logs and policy."""
    cluster = {
        "mode": "job",
        "sparkVersion": "15.4.x-scala2.12",
        "nodeType": "Standard_D4ds_v5",
        "driverNodeType": "Standard_D8ds_v5",
        "workers": 3,
        "sparkConf": {"spark.speculation": "true"},
        "customTags": {"team": "data"},
        "initScripts": ["/Workspace/init/setup.sh", "dbfs:/init/legacy.sh"],
        "logDestination": log_destination,
        "policyId": "ABC123",
    }
    task = _task_on_the_stack_cluster(render, cluster)
    assert task["newCluster"] == {
        "sparkVersion": "15.4.x-scala2.12",
        "nodeTypeId": "Standard_D4ds_v5",
        "driverNodeTypeId": "Standard_D8ds_v5",
        "numWorkers": 3,
        "sparkConf": {"spark.speculation": "true"},
        "sparkEnvVars": {"PYSPARK_PYTHON": "/databricks/python3/bin/python3"},
        "customTags": {"team": "data"},
        "initScripts": [
            {"workspace": {"destination": "/Workspace/init/setup.sh"}},
            {"dbfs": {"destination": "dbfs:/init/legacy.sh"}},
        ],
        "clusterLogConf": log_conf,
        "policyId": "ABC123",
        "dataSecurityMode": "SINGLE_USER",
    }


# ---------------------------------------------------------------- every bad value, with its key path


def problems(config: dict[str, Any]) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load(config, project="adf-databricks", stack="test")
    return str(caught.value).splitlines()


def with_job(**changes: Any) -> dict[str, Any]:
    """The mixed config with the job activity changed (a None value removes the key)."""
    changed = {**JOB_ACTIVITY, **changes}
    return mixed(
        pipelines=[pipeline(activities=[activity(), {k: v for k, v in changed.items() if v is not None}])]
    )


AT = "adf-databricks:pipelines[0].activities[1]"
JOB_OF = dict(JOB_ACTIVITY["job"])


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"job": {**JOB_OF, "notebook": "etl/load.md"}},
            [f"{AT}.job.notebook: expected a .py, .sql, .scala, .r file, got 'etl/load.md'"],
        ),
        (
            {"job": {**JOB_OF, "notebook": "notebooks/nope.py"}},
            [f"{AT}.job.notebook: no such file 'notebooks/nope.py' in {ROOT}"],
        ),
        (
            {"job": {**JOB_OF, "notebookPath": "/Shared/x"}},
            [f"{AT}.job: expected exactly one of notebook (a local file) or notebookPath"],
        ),
        (
            {"job": {"parameters": {"folder": "x"}}},
            [f"{AT}.job: expected exactly one of notebook (a local file) or notebookPath"],
        ),
        (
            {"job": {"notebookPath": "Shared/x", "parameters": {"folder": "x"}}},
            [f"{AT}.job.notebookPath: expected an absolute workspace path like /Shared/x, got 'Shared/x'"],
        ),
        (
            {"job": {**JOB_OF, "parameters": {"folder": 5}}},
            [f"{AT}.job.parameters.folder: expected a string, got 5"],
        ),
        (
            {"job": {**JOB_OF, "parameters": {"my folder": "x"}}, "jobParameters": None},
            [
                f"{AT}.job.parameters: expected a job parameter name of letters, digits, _, - and ., got 'my folder'"
            ],
        ),
        (
            {"job": {**JOB_OF, "compute": "gpu"}},
            [f"{AT}.job.compute: expected one of serverless, cluster, got 'gpu'"],
        ),
        (
            {"job": {**JOB_OF, "maxConcurrentRuns": 0}},
            [
                f"{AT}.job.maxConcurrentRuns: expected an integer from 1 to 1000 (0 would skip every run), got 0"
            ],
        ),
        (
            {"job": {**JOB_OF, "maxConcurrentRuns": 1001}},
            [
                f"{AT}.job.maxConcurrentRuns: expected an integer from 1 to 1000 (0 would skip every run), got 1001"
            ],
        ),
        (
            {"job": {**JOB_OF, "timeoutSeconds": -1}},
            [f"{AT}.job.timeoutSeconds: expected an integer >= 0 (0: no timeout), got -1"],
        ),
        (
            {"job": {**JOB_OF, "timeoutSecs": 60}},
            [f"{AT}.job.timeoutSecs: unknown key; did you mean 'timeoutSeconds'?"],
        ),
        (
            {"job": None, "jobId": "nightly"},
            [
                f"{AT}.jobId: expected a job id (a positive integer, or its digits) or an ADF expression, got 'nightly'"
            ],
        ),
        (
            {"job": None, "jobId": 0},
            [
                f"{AT}.jobId: expected a job id (a positive integer, or its digits) or an ADF expression, got 0"
            ],
        ),
        (
            {"jobId": 42},
            [
                f"{AT}: expected exactly one of notebook (a local file), notebookPath, python, jar, job, jobId or jobName"
                " (or a control activity: setVariable, appendVariable, forEach, ifCondition, executePipeline, wait, fail)"
            ],
        ),
        (
            {"notebookPath": "/Shared/x"},
            [
                f"{AT}: expected exactly one of notebook (a local file), notebookPath, python, jar, job, jobId or jobName"
                " (or a control activity: setVariable, appendVariable, forEach, ifCondition, executePipeline, wait, fail)"
            ],
        ),
        ({"jobParameters": {"folder": 7}}, [f"{AT}.jobParameters.folder: expected a string, got 7"]),
        (
            {"jobParameters": {"foldr": "x"}},
            [
                f"{AT}.jobParameters.foldr: expected a parameter the job declares in job.parameters (folder), got 'foldr'"
            ],
        ),
        (
            {"job": {**JOB_OF, "parameters": {"folder": "x", "day": "1"}}, "jobParameters": {"foldr": "x"}},
            [
                f"{AT}.jobParameters.foldr: expected a parameter the job declares in job.parameters"
                " (folder, day), got 'foldr'"
            ],
        ),
        (
            {"job": {"notebook": "notebooks/process_data.py"}, "jobParameters": {"foldr": "x"}},
            [
                f"{AT}.jobParameters.foldr: expected a parameter the job declares in job.parameters"
                " (none), got 'foldr'"
            ],
        ),
        (
            {"job": None, "notebookPath": "/Shared/x"},
            [f"{AT}.jobParameters: applies only with job, jobId or jobName"],
        ),
        (
            {"baseParameters": {"folder": "x"}},
            [
                f"{AT}.baseParameters: applies only to notebook activities: a job activity passes jobParameters,"
                " which Databricks hands the job's notebook as widget values"
            ],
        ),
        (
            {"job": None, "jobId": "42", "libraries": [{"jar": "dbfs:/a.jar"}]},
            [
                f"{AT}.libraries: applies only to notebook activities: a job's libraries belong to the job"
                " (a notebook on serverless compute installs its own with %pip)"
            ],
        ),
    ],
)
def test_bad_job_activity_values_are_refused_with_their_key_path(
    changes: dict[str, Any], expected: list[str]
) -> None:
    assert problems(with_job(**changes)) == expected


def test_account_id_rules() -> None:
    assert problems(mixed(auth={"mode": "msi", "accountId": "my-account"})) == [
        "adf-databricks:auth.accountId: expected a Databricks account id (a UUID, shown in the account"
        " console's user menu), got 'my-account'"
    ]
    assert problems(mixed(auth={"mode": "msi"})) == [
        "adf-databricks:auth.accountId: is required with auth.mode msi: pipelines[0].activities[1].job runs"
        " as the factory's identity, and the deployer may set that only as its Service Principal User, a"
        " role granted in the Databricks account"
    ]
    assert problems(mixed(auth={"mode": "token", "accountId": ACCOUNT})) == [
        "adf-databricks:auth.accountId: applies only with auth.mode msi: in mode token jobs run as the deployer"
    ]
    # An existing job names its own run_as: no account id needed.
    load(
        base(pipelines=[pipeline(activities=[EXISTING_JOB | {"dependsOn": []}])]),
        project="adf-databricks",
        stack="test",
    )


def test_a_job_notebook_may_not_overwrite_another_notebook(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "other").mkdir()
    (tmp_path / "notebooks").mkdir()
    for path in ("other/process_data.py", "notebooks/process_data.py"):
        (tmp_path / path).write_text("# Databricks notebook source\n")
    config = with_job(job={**JOB_OF, "notebook": "other/process_data.py"})
    monkeypatch.chdir(tmp_path)  # where the provider would read them
    with pytest.raises(ConfigError) as caught:
        load(config, project="adf-databricks", stack="test")
    assert str(caught.value).splitlines() == [
        f"{AT}.job.notebook: 'other/process_data.py' would overwrite 'notebooks/process_data.py' in the"
        " workspace folder"
    ]


# ---------------------------------------------------------------- the components on their own


def test_notebook_job_refuses_what_it_cannot_run() -> None:
    def found(args: dict[str, Any]) -> list[str]:
        return [
            str(p)
            for p in validation.problems(NotebookJobArgs, validation.to_document(NotebookJobArgs, args))
        ]

    assert found({"spec": {"notebook": "a.py"}, "job_name": "j"}) == [
        "spec.notebook: expected notebookPath instead: NotebookJob runs notebooks already in the workspace"
        " (AdfDatabricks uploads local ones), got 'a.py'"
    ]
    assert found({"spec": {"notebook_path": "/Shared/a", "compute": "cluster"}, "job_name": "j"}) == [
        "cluster: is required with spec.compute cluster"
    ]
    assert found(
        {"spec": {"notebook_path": "/Shared/a"}, "job_name": "j", "cluster": {"existing_cluster_id": "c"}}
    ) == ["cluster: applies only with spec.compute cluster: a serverless task takes no cluster"]


def test_notebook_job_from_another_program_runs_as_a_user(tmp_path: Path) -> None:
    result = run_program(
        tmp_path,
        "from components.job import NotebookJob\n"
        "NotebookJob('j', {'spec': {'notebook_path': '/Shared/etl', 'compute': 'serverless',"
        " 'max_concurrent_runs': 3, 'timeout_seconds': 600}, 'job_name': 'etl', 'run_as': 'etl@example.com'})\n",
    )
    job = result.one(JOB).inputs
    assert job["runAs"] == {"userName": "etl@example.com"}
    assert (job["maxConcurrentRuns"], job["timeoutSeconds"]) == (3, 600)
    assert result.one(PERMISSIONS).inputs["accessControls"] == [
        {"userName": "etl@example.com", "permissionLevel": "CAN_MANAGE_RUN"}
    ]


def test_notebook_pipeline_runs_only_jobs_that_exist_through_a_job_linked_service() -> None:
    spec = {
        "name": "load",
        "activities": [
            {"name": "Make", "job": {"notebook_path": "/Shared/a"}},
            {"name": "Run", "job_id": 7},
            {"name": "Named", "job_name": "etl"},
        ],
    }
    with pytest.raises(validation.InvalidArgs) as caught:
        NotebookPipeline(
            "p", {"spec": spec, "factory_name": "f", "resource_group_name": "rg", "linked_service_name": "ls"}
        )
    assert [str(p) for p in caught.value.problems] == [
        "spec.activities[0].job: expected jobId instead: NotebookPipeline runs jobs that exist (AdfDatabricks"
        " creates them from job)",
        "spec.activities[2].jobName: expected jobId instead: NotebookPipeline has no workspace to look a job"
        " up in by name (AdfDatabricks resolves jobName)",
        "jobLinkedServiceName: is required: spec.activities[1] runs a Databricks job",
    ]


# ---------------------------------------------------------------- schemas and the contract


def test_new_keys_are_in_the_stack_and_package_schemas() -> None:
    stack = json.loads((ROOT / "schema" / "stack.json").read_text())["$defs"]
    assert {"job", "jobId", "jobParameters"} <= set(stack["NotebookActivity"]["properties"])
    assert list(stack["JobSpec"]["properties"]) == [
        "notebook",
        "notebookPath",
        "parameters",
        "compute",
        "maxConcurrentRuns",
        "timeoutSeconds",
    ]
    assert stack["JobSpec"]["properties"]["compute"]["enum"] == ["serverless", "cluster"]
    assert stack["JobSpec"]["properties"]["maxConcurrentRuns"] | {"description": ""} == {
        "description": "",
        "type": "integer",
        "minimum": 1,
        "maximum": 1000,
        "x-expected": "an integer from 1 to 1000 (0 would skip every run)",
        "default": 1,
    }
    assert "accountId" in stack["AuthSpec"]["properties"]
    package = json.loads((ROOT / "schema" / "package.json").read_text())
    types = package["types"]
    assert {"job", "jobId", "jobParameters"} <= set(
        types["adf-databricks:index:NotebookActivity"]["properties"]
    )
    assert set(types["adf-databricks:index:JobSpec"]["properties"]) == set(stack["JobSpec"]["properties"])
    assert "accountId" in types["adf-databricks:index:AuthSpec"]["properties"]
    notebook_job = package["resources"]["adf-databricks:index:NotebookJob"]
    assert set(notebook_job["inputProperties"]) == {"spec", "jobName", "description", "runAs", "cluster"}
    assert (
        "jobLinkedServiceName"
        in package["resources"]["adf-databricks:index:NotebookPipeline"]["inputProperties"]
    )


def _prod_job_activity(data: dict[str, Any]) -> dict[str, Any]:
    step = next(s for s in data["steps"] if s["newState"]["type"] == PIPELINE)
    return next(a for a in step["newState"]["inputs"]["activities"] if a["type"] == "DatabricksJob")


def test_contract_checks_job_activities_against_microsofts_model() -> None:
    data = json.loads((ROOT / "plans" / "prod.json").read_text())
    assert _prod_job_activity(data)
    assert contract.check_plan(data) == []
    job_activity = _prod_job_activity(data)
    # The Learn page's own sample spells it jobID; the model's key is jobId.
    job_activity["jobID"] = job_activity.pop("jobId")
    job_activity["jobParameters"]["folder"] = 5
    job_activity["baseParameters"] = {"folder": "x"}
    errors = contract.check_plan(data)
    assert any("jobID" in e and "did you mean 'jobId'" in e for e in errors), errors
    assert any("missing required property 'jobId'" in e for e in errors), errors
    assert any("jobParameters.folder: expected a string" in e for e in errors), errors
    assert any("unknown property 'baseParameters' for DatabricksJobActivity" in e for e in errors), errors
    job_activity["jobId"] = "nightly"
    assert any("jobId: expected a Databricks job id" in e for e in contract.check_plan(data))
