"""The end-to-end test's own logic, offline: what it deploys where, what it checks, and that it
always destroys. Pulumi's Automation API and the Data Factory client are replaced by fakes that
record their calls; the real run needs Azure (`make integration`)."""

from __future__ import annotations

import shutil
import sys
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import azure.identity
import azure.mgmt.datafactory
import pytest
import yaml
from pulumi import automation

from tests.conftest import ROOT
from tests.integration import test_end_to_end as e2e

STACK = "itfake"
DEV_CONFIG = {
    "adf-databricks:location": "westeurope",
    "adf-databricks:resourceGroupName": "shared-rg",
    "adf-databricks:auth": {"mode": "token"},
}
VOLUME_FILE = "/Volumes/main/adf_databricks/landing/product_data/products.csv"


class FakeStack:
    def __init__(self, calls: list[tuple[Any, ...]], fail_up: int | None) -> None:
        self.calls = calls
        self.fail_up = fail_up
        """Which `up` fails (1 or 2), if any."""
        self.workspace = SimpleNamespace(remove_stack=lambda name: calls.append(("remove_stack", name)))

    def up(self, **kwargs: Any) -> Any:
        self.calls.append(("up", kwargs))
        if sum(c[0] == "up" for c in self.calls) == self.fail_up:
            raise RuntimeError("pulumi up failed")
        outputs = {"factoryName": "adf-factory1234", "pipelines": ["process-data"]}
        return SimpleNamespace(outputs={k: SimpleNamespace(value=v) for k, v in outputs.items()})

    def destroy(self, **kwargs: Any) -> None:
        self.calls.append(("destroy", kwargs))


def fake_client(calls: list[tuple[Any, ...]], status: str, run_output: Any) -> type:
    class Client:
        def __init__(self, credential: Any, subscription_id: str) -> None:
            calls.append(("client", subscription_id))
            self.pipelines = SimpleNamespace(
                create_run=lambda *a: calls.append(("create_run", *a)) or SimpleNamespace(run_id="run-1")
            )
            self.pipeline_runs = SimpleNamespace(
                get=lambda *a: SimpleNamespace(status=status, message="notebook failed"),
                cancel=lambda *a, **k: calls.append(("cancel", *a)),
            )
            notebook = SimpleNamespace(activity_type="DatabricksNotebook", output={"runOutput": run_output})
            self.activity_runs = SimpleNamespace(
                query_by_pipeline_run=lambda *a: (
                    calls.append(("query", *a[:3])) or SimpleNamespace(value=[notebook])
                )
            )

    return Client


def fake_project(root: Path) -> Path:
    """A project tree like the repository's, with its own dev stack file (not the user's)."""
    for name in ("__main__.py", "notebooks/process_data.py", "tests/test_x.py", "plans/dev.json"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("")
    (root / "policy").mkdir()
    shutil.copy(ROOT / "policy" / "PulumiPolicy.yaml", root / "policy")
    shutil.copy(ROOT / "Pulumi.yaml", root)
    (root / "Pulumi.dev.yaml").write_text(yaml.safe_dump({"config": DEV_CONFIG}))
    (root / "Pulumi.prod.yaml").write_text(yaml.safe_dump({"config": {}}))
    return root


@pytest.fixture
def harness(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Any:
    """Runs the end-to-end test body with fakes; returns (calls, created stack arguments, error)."""
    monkeypatch.setattr(e2e, "ROOT", fake_project(tmp_path / "repo"))
    for name in ("PULUMI_BACKEND_URL", "PULUMI_CONFIG_PASSPHRASE", "PULUMI_CONFIG_PASSPHRASE_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("DATABRICKS_AUTH_TYPE", raising=False)
    monkeypatch.setenv("AZURE_SUBSCRIPTION_ID", "00000000-0000-0000-0000-000000000001")
    monkeypatch.setenv("ADF_IT_STACK", STACK)
    monkeypatch.setattr(azure.identity, "DefaultAzureCredential", lambda: object())

    def run(status: str = "Succeeded", run_output: Any = VOLUME_FILE, fail_up: int | None = None) -> Any:
        calls: list[tuple[Any, ...]] = []
        created: dict[str, Any] = {}

        def create_stack(stack_name: str, work_dir: str, opts: automation.LocalWorkspaceOptions) -> FakeStack:
            settings = Path(work_dir) / f"Pulumi.{stack_name}.yaml"
            created.update(
                name=stack_name,
                work=Path(work_dir),
                env=opts.env_vars,
                config=yaml.safe_load(settings.read_text()),
            )
            return FakeStack(calls, fail_up)

        monkeypatch.setattr(automation, "create_stack", create_stack)
        monkeypatch.setattr(
            azure.mgmt.datafactory, "DataFactoryManagementClient", fake_client(calls, status, run_output)
        )
        try:
            e2e.test_dev_stack_deploys_runs_its_pipeline_destroys_and_deploys_again(tmp_path / "test")
            return calls, created, None
        except (AssertionError, RuntimeError) as error:
            return calls, created, error

    return run


def test_deploys_a_copy_of_dev_into_its_own_stack_and_runs_its_pipeline(harness: Any) -> None:
    calls, created, error = harness()
    assert error is None
    work: Path = created["work"]
    assert created["name"] == STACK
    # The dev configuration, deployed into the stack's own resource group.
    assert created["config"]["config"] == {
        k: v for k, v in DEV_CONFIG.items() if k != "adf-databricks:resourceGroupName"
    }
    # A copy of the program, with the venv this suite runs in and no other stack's files.
    assert (work / "__main__.py").is_file() and (work / "notebooks" / "process_data.py").is_file()
    assert (work / "venv").resolve() == Path(sys.prefix).resolve()
    assert sorted(p.name for p in work.glob("Pulumi*.yaml")) == ["Pulumi.itfake.yaml", "Pulumi.yaml"]
    assert not (work / "tests").exists() and not (work / "plans").exists()
    env = created["env"]
    assert env["ARM_SUBSCRIPTION_ID"] == "00000000-0000-0000-0000-000000000001"
    assert env["DATABRICKS_AUTH_TYPE"] == "azure-cli"
    assert env["PULUMI_BACKEND_URL"].startswith("file://") and env["PULUMI_CONFIG_PASSPHRASE"]

    up = next(c[1] for c in calls if c[0] == "up")
    assert up["policy_packs"] == [str(work / "policy")] and (work / "policy" / "PulumiPolicy.yaml").is_file()
    assert up["show_secrets"] is False
    group = f"adf-databricks-{STACK}"
    assert ("create_run", group, "adf-factory1234", "process-data") in calls
    assert ("query", group, "adf-factory1234", "run-1") in calls
    # Deployed again after its destroy (what the group and vault Azure keeps would break),
    # then destroyed for good.
    assert lifecycle(calls) == ["up", "destroy", "up", "destroy", "remove_stack"]
    assert all(c[1]["policy_packs"] == [str(work / "policy")] for c in calls if c[0] == "up")


def lifecycle(calls: list[tuple[Any, ...]]) -> list[str]:
    return [c[0] for c in calls if c[0] in ("up", "destroy", "remove_stack")]


@pytest.mark.parametrize(
    ("status", "run_output", "message"),
    [
        ("Failed", VOLUME_FILE, "Failed: notebook failed"),
        ("Succeeded", None, "runOutput should name the products.csv"),
        ("Succeeded", "", "runOutput should name the products.csv"),
        ("Succeeded", "/Volumes/main/adf_databricks/landing/product_data/", "runOutput should name"),
    ],
)
def test_a_failed_check_still_destroys_the_stack(
    harness: Any, status: str, run_output: Any, message: str
) -> None:
    calls, _, error = harness(status=status, run_output=run_output)
    assert isinstance(error, AssertionError) and message in str(error)
    assert lifecycle(calls) == ["up", "destroy", "destroy", "remove_stack"]


def test_a_failed_deploy_still_destroys_what_was_created(harness: Any) -> None:
    calls, _, error = harness(fail_up=1)
    assert isinstance(error, RuntimeError)
    assert lifecycle(calls) == ["up", "destroy", "destroy", "remove_stack"]


def test_a_failed_second_deploy_is_destroyed_too(harness: Any) -> None:
    calls, _, error = harness(fail_up=2)
    assert isinstance(error, RuntimeError)
    assert lifecycle(calls) == ["up", "destroy", "up", "destroy", "remove_stack"]


def test_a_run_that_does_not_finish_is_cancelled(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[Any, ...]] = []
    client = fake_client(calls, "InProgress", None)(object(), "sub")
    monkeypatch.setattr(e2e, "RUN_TIMEOUT", timedelta(seconds=-1))
    with pytest.raises(pytest.fail.Exception, match="still InProgress"):
        e2e.wait_for_run(client, "group", "factory", "run-1")
    assert ("cancel", "group", "factory", "run-1") in calls


def test_the_stack_gets_its_own_resource_group_and_workspace(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "Pulumi.dev.yaml").write_text(
        yaml.safe_dump(
            {
                "config": {
                    "adf-databricks:resourceGroupName": "shared-rg",
                    "adf-databricks:workspace": {"name": "shared", "sku": "premium"},
                    "adf-databricks:location": "westeurope",
                }
            }
        )
    )
    monkeypatch.setattr(e2e, "ROOT", tmp_path)
    assert e2e.throwaway_config() == {
        "adf-databricks:workspace": {"sku": "premium"},
        "adf-databricks:location": "westeurope",
    }


def test_secret_dev_values_stop_the_test_with_their_keys(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    secret = {"parameters": {"token": {"type": "SecureString", "default": {"secure": "v1:abc"}}}}
    (tmp_path / "Pulumi.dev.yaml").write_text(
        yaml.safe_dump({"config": {"adf-databricks:pipelines": [secret]}})
    )
    monkeypatch.setattr(e2e, "ROOT", tmp_path)
    with pytest.raises(
        pytest.fail.Exception, match=r"adf-databricks:pipelines\[0\]\.parameters\.token\.default"
    ):
        e2e.throwaway_config()


def test_the_private_profile_is_prods_network_with_a_private_front_end(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    network = {"addressSpace": "10.20.0.0/22", "hostSubnet": "10.20.0.0/24"}
    (tmp_path / "Pulumi.dev.yaml").write_text(yaml.safe_dump({"config": DEV_CONFIG}))
    (tmp_path / "Pulumi.prod.yaml").write_text(
        yaml.safe_dump({"config": {"adf-databricks:network": network}})
    )
    monkeypatch.setattr(e2e, "ROOT", tmp_path)
    runner = "/subscriptions/x/resourceGroups/ci/providers/Microsoft.Network/virtualNetworks/runners"
    config = e2e.private_config({e2e.RUNNER_VNET: runner})
    assert config["adf-databricks:network"] == {**network, "linkedNetworkIds": [runner]}
    assert config["adf-databricks:workspace"] == {"publicNetworkAccess": "Disabled"}
    assert config["adf-databricks:auth"] == {"mode": "msi"}
    assert "adf-databricks:resourceGroupName" not in config
    assert "linkedNetworkIds" not in e2e.private_config({})["adf-databricks:network"]


def test_the_private_profile_is_marked_and_needs_a_runner_in_the_network() -> None:
    test = e2e.test_private_stack_deploys_runs_its_pipeline_destroys_and_deploys_again
    marks = {m.name: m for m in getattr(test, "pytestmark", [])}
    assert "private" in marks
    if not e2e.os.environ.get(e2e.PRIVATE_RUNNER):
        assert marks["skipif"].args == (True,)
        assert f"{e2e.PRIVATE_RUNNER}=1" in marks["skipif"].kwargs["reason"]
