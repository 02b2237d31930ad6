"""End to end against Azure: deploy a throwaway dev stack, run its pipeline, destroy it.

`make integration` runs this module; the unit suite (`make test`) leaves tests/integration out
(pyproject.toml, norecursedirs). It needs the Pulumi CLI, an Azure login that both the Pulumi
providers and the Data Factory client can use (`az login`, or the integration workflow's OIDC
login) and AZURE_SUBSCRIPTION_ID; without them it is skipped with a reason naming what is missing.

The stack takes Pulumi.dev.yaml's configuration under a new stack name, so it gets its own
resource group (`<project>-<stack>`) and workspace. Its state goes to PULUMI_BACKEND_URL when
that is set, otherwise to a local backend in the test's temporary directory. The program runs
from a copy of the project, so the stack's settings file never lands in the repository.

It proves: `pulumi up` of the dev configuration (with the policy pack) works on a new workspace,
the pipeline's Notebook activity runs and returns the path of the file the notebook wrote, and
`pulumi destroy` removes everything again: destroy runs even when an assertion failed.

The private profile (marked `private`) does the same with prod's `network` section and a
private front end; it runs only where ADF_IT_PRIVATE_RUNNER says the machine reaches the stack's
VNet (ADF_IT_RUNNER_VNET_ID: the runner's VNet, linked to the stack's DNS zone).
"""

from __future__ import annotations

import os
import shutil
import sys
import time
import uuid
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
PROJECT: str = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())["name"]
RUN_TIMEOUT = timedelta(minutes=90)  # cluster start, the notebook, one retry (Pulumi.dev.yaml)
POLL_SECONDS = 30
FINISHED = {"Succeeded", "Failed", "Cancelled"}


def missing_requirements(environ: Mapping[str, str]) -> list[str]:
    """What this environment lacks to run the test, in words a user can act on."""
    missing = []
    if not environ.get("AZURE_SUBSCRIPTION_ID"):
        missing.append("AZURE_SUBSCRIPTION_ID (the subscription to deploy the throwaway stack into)")
    if shutil.which("pulumi") is None:
        missing.append("the Pulumi CLI on PATH (https://www.pulumi.com/docs/install/)")
    if environ.get("DATABRICKS_AUTH_TYPE", "azure-cli") == "azure-cli" and shutil.which("az") is None:
        missing.append("the Azure CLI on PATH, logged in with `az login` (the Databricks provider uses it)")
    return missing


MISSING = missing_requirements(os.environ)
pytestmark = pytest.mark.skipif(
    bool(MISSING), reason="the end-to-end test against Azure needs " + "; ".join(MISSING)
)


def secret_keys(value: Any, path: str) -> list[str]:
    """Config paths holding `secure:` values (encrypted for the dev stack, unreadable by another)."""
    if isinstance(value, dict):
        if "secure" in value:
            return [path]
        return [key for k, v in value.items() for key in secret_keys(v, f"{path}.{k}")]
    if isinstance(value, list):
        return [key for i, v in enumerate(value) for key in secret_keys(v, f"{path}[{i}]")]
    return []


def throwaway_config() -> dict[str, Any]:
    """Pulumi.dev.yaml's config, minus what would make the stack share resources with dev."""
    config: dict[str, Any] = yaml.safe_load((ROOT / "Pulumi.dev.yaml").read_text())["config"]
    secrets = [key for k, v in config.items() for key in secret_keys(v, k)]
    if secrets:
        pytest.fail(f"Pulumi.dev.yaml has secret values the throwaway stack cannot decrypt: {secrets}")
    # An existing resource group would be shared; the default `<project>-<stack>` is the stack's own.
    config.pop(f"{PROJECT}:resourceGroupName", None)
    # So would a fixed workspace name's managed resource group (databricks-rg-<name>).
    workspace = config.get(f"{PROJECT}:workspace")
    if isinstance(workspace, dict):
        workspace.pop("name", None)
    return config


def project_copy(tmp_path: Path) -> Path:
    """The program in a scratch directory, using the venv this test runs in (Pulumi.yaml: venv)."""
    work = tmp_path / "project"
    shutil.copytree(
        ROOT,
        work,
        ignore=shutil.ignore_patterns(
            ".git", "venv", "plans", "tests", "bench", "Pulumi.*.yaml", "__pycache__", ".*_cache"
        ),
    )
    (work / "venv").symlink_to(Path(sys.prefix), target_is_directory=True)
    return work


def workspace_env(tmp_path: Path, subscription_id: str) -> dict[str, str]:
    """Environment for every Pulumi command of the throwaway stack (added to os.environ)."""
    env = {
        # The same subscription for the providers and the Data Factory client below.
        "ARM_SUBSCRIPTION_ID": subscription_id,
        "DATABRICKS_AUTH_TYPE": os.environ.get("DATABRICKS_AUTH_TYPE", "azure-cli"),
    }
    if not os.environ.get("PULUMI_BACKEND_URL"):
        state = tmp_path / "state"
        state.mkdir()
        env["PULUMI_BACKEND_URL"] = state.as_uri()
        if not (
            os.environ.get("PULUMI_CONFIG_PASSPHRASE") or os.environ.get("PULUMI_CONFIG_PASSPHRASE_FILE")
        ):
            # Encrypts only this throwaway state, which is deleted with the temporary directory.
            env["PULUMI_CONFIG_PASSPHRASE"] = uuid.uuid4().hex
    return env


def wait_for_run(client: Any, group: str, factory: str, run_id: str) -> Any:
    """Poll the pipeline run until it finishes; cancel it and fail after RUN_TIMEOUT."""
    deadline = time.monotonic() + RUN_TIMEOUT.total_seconds()
    while True:
        run = client.pipeline_runs.get(group, factory, run_id)
        if run.status in FINISHED:
            return run
        if time.monotonic() > deadline:
            client.pipeline_runs.cancel(group, factory, run_id, is_recursive=True)
            pytest.fail(f"pipeline run {run_id} was still {run.status} after {RUN_TIMEOUT}; cancelled it")
        time.sleep(POLL_SECONDS)


PRIVATE_RUNNER = "ADF_IT_PRIVATE_RUNNER"
"""Set (to 1) where the machine running the test reaches the throwaway stack's VNet: a runner
in a VNet peered with it. Its private front end is reached only from there."""
RUNNER_VNET = "ADF_IT_RUNNER_VNET_ID"
"""ARM id of that runner's VNet, which the stack's private DNS zone is linked to."""


def private_config(environ: Mapping[str, str]) -> dict[str, Any]:
    """The throwaway config made private as Pulumi.prod.yaml is: its `network` section and
    `publicNetworkAccess: Disabled`. In msi mode: a token kept in a private vault could not be
    deleted from outside the VNet (README, "Private deployment"), and the runner is inside."""
    config = throwaway_config()
    prod: dict[str, Any] = yaml.safe_load((ROOT / "Pulumi.prod.yaml").read_text())["config"]
    network = dict(prod[f"{PROJECT}:network"])
    if environ.get(RUNNER_VNET):
        network["linkedNetworkIds"] = [environ[RUNNER_VNET]]
    config[f"{PROJECT}:network"] = network
    workspace = config.get(f"{PROJECT}:workspace")
    config[f"{PROJECT}:workspace"] = {
        **(workspace if isinstance(workspace, dict) else {}),
        "publicNetworkAccess": "Disabled",
    }
    config[f"{PROJECT}:auth"] = {"mode": "msi"}
    return config


PRIVATE_MISSING = [
    *MISSING,
    *(
        []
        if os.environ.get(PRIVATE_RUNNER)
        else [f"{PRIVATE_RUNNER}=1 on a runner that reaches the stack's VNet"]
    ),
]


def test_dev_stack_deploys_runs_its_pipeline_destroys_and_deploys_again(tmp_path: Path) -> None:
    deploy_run_destroy(tmp_path, throwaway_config())


@pytest.mark.private
@pytest.mark.skipif(
    bool(PRIVATE_MISSING), reason="the private end-to-end test needs " + "; ".join(PRIVATE_MISSING)
)
def test_private_stack_deploys_runs_its_pipeline_destroys_and_deploys_again(tmp_path: Path) -> None:
    """The same run through the private path: VNet-injected workspace with Private Link, the
    factory's managed network and its approved endpoint."""
    deploy_run_destroy(tmp_path, private_config(os.environ))


def deploy_run_destroy(tmp_path: Path, config: dict[str, Any]) -> None:
    """Deploy `config` as a throwaway stack, run its first pipeline, check it, destroy it, and
    deploy and destroy it once more."""
    from azure.identity import DefaultAzureCredential
    from azure.mgmt.datafactory import DataFactoryManagementClient
    from azure.mgmt.datafactory.models import RunFilterParameters
    from pulumi import automation as auto

    subscription_id = os.environ["AZURE_SUBSCRIPTION_ID"]
    stack_name = os.environ.get("ADF_IT_STACK") or f"it{uuid.uuid4().hex[:10]}"
    work = project_copy(tmp_path)
    (work / f"Pulumi.{stack_name}.yaml").write_text(yaml.safe_dump({"config": config}, sort_keys=False))
    stack = auto.create_stack(
        stack_name,
        work_dir=str(work),
        opts=auto.LocalWorkspaceOptions(env_vars=workspace_env(tmp_path, subscription_id)),
    )
    try:
        try:
            up = stack.up(
                policy_packs=[str(work / "policy")], on_output=print, color="never", show_secrets=False
            )
            factory = up.outputs["factoryName"].value
            pipeline = up.outputs["pipelines"].value[0]
            group = f"{PROJECT}-{stack_name}"

            client = DataFactoryManagementClient(DefaultAzureCredential(), subscription_id)
            started = datetime.now(timezone.utc)
            run_id = client.pipelines.create_run(group, factory, pipeline).run_id
            run = wait_for_run(client, group, factory, run_id)
            assert run.status == "Succeeded", f"pipeline run {run_id}: {run.status}: {run.message}"

            activities = client.activity_runs.query_by_pipeline_run(
                group,
                factory,
                run_id,
                RunFilterParameters(
                    last_updated_after=started - timedelta(minutes=5),
                    last_updated_before=datetime.now(timezone.utc) + timedelta(minutes=5),
                ),
            ).value
            notebook_runs = [a for a in activities if a.activity_type == "DatabricksNotebook"]
            assert notebook_runs, (
                f"no Notebook activity in run {run_id}: {[a.activity_type for a in activities]}"
            )
            # dbutils.notebook.exit(path) in notebooks/process_data.py comes back as runOutput.
            run_output = (notebook_runs[-1].output or {}).get("runOutput")
            assert isinstance(run_output, str) and run_output.strip().endswith("products.csv"), (
                f"runOutput should name the products.csv the notebook wrote, got {run_output!r}"
            )
        finally:
            # Also when an assertion failed: a failing destroy is a finding of its own. With the
            # program, as README asks: a trigger the lifecycle hooks stop (components.lifecycle)
            # has a delete hook, which Pulumi runs only then.
            stack.destroy(on_output=print, color="never", show_secrets=False, run_program=True)
        # The same stack again, minutes after its destroy: Azure still holds the first
        # workspace's managed resource group and the soft-deleted vault, and a new `up` must
        # not meet either (components.workspace.managed_resource_group_name, vault_name).
        again = stack.up(
            policy_packs=[str(work / "policy")], on_output=print, color="never", show_secrets=False
        )
        assert again.outputs["factoryName"].value == factory
    finally:
        # A no-op when the stack is already destroyed (a failure before the second `up`).
        stack.destroy(on_output=print, color="never", show_secrets=False, run_program=True)
        stack.workspace.remove_stack(stack_name)
