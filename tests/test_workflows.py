"""The GitHub workflows pass actionlint and run what the README promises."""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.version import Version

from tests.conftest import ROOT

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
LOGIN_ACTION = "./.github/actions/azure-login"


def actionlint() -> str:
    found = shutil.which("actionlint", path=str(Path(sys.executable).parent)) or shutil.which("actionlint")
    assert found, "actionlint is missing: install requirements-dev.txt"
    return found


def load(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text())


def triggers(flow: dict[str, Any]) -> dict[str, Any]:
    return flow[True]  # YAML reads the key `on` as true


def all_jobs() -> list[tuple[str, str, dict[str, Any]]]:
    return [(path.name, name, job) for path in WORKFLOWS for name, job in load(path)["jobs"].items()]


def uses(step: dict[str, Any], action: str) -> bool:
    return step.get("uses", "").split("@")[0] == action


def is_pulumi_command(step: dict[str, Any]) -> bool:
    return uses(step, "pulumi/actions") and "command" in step.get("with", {})


def runs_pulumi(job: dict[str, Any]) -> bool:
    """The job runs the Pulumi program against Azure (pulumi/actions, or the end-to-end test)."""
    return any(is_pulumi_command(s) or "make integration" in s.get("run", "") for s in job["steps"])


PULUMI_JOBS = [(wf, name, job) for wf, name, job in all_jobs() if runs_pulumi(job)]
POLICY_JOBS = [
    (wf, n, j) for wf, n, j in PULUMI_JOBS if any("policyPacks" in s.get("with", {}) for s in j["steps"])
]


def job_ids(jobs: list[tuple[str, str, dict[str, Any]]]) -> list[str]:
    return [f"{workflow}:{name}" for workflow, name, _ in jobs]


@pytest.mark.subprocess
def test_workflows_pass_actionlint() -> None:
    assert {w.name for w in WORKFLOWS} == {"preview.yml", "deploy.yml", "integration.yml"}
    proc = subprocess.run([actionlint(), *map(str, WORKFLOWS)], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.subprocess
def test_actionlint_catches_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ secrets }}\n        uses: actions/checkout@v4\n"
    )
    proc = subprocess.run([actionlint(), str(broken)], capture_output=True, text=True, check=False)
    assert proc.returncode != 0


def test_preview_runs_offline_job_and_gates_real_preview() -> None:
    flow = load(ROOT / ".github/workflows/preview.yml")
    offline = "\n".join(step.get("run", "") for step in flow["jobs"]["offline"]["steps"])
    assert "make plans" in offline
    tests = "\n".join(step.get("run", "") for step in flow["jobs"]["tests"]["steps"])
    assert "make test" in tests
    preview = flow["jobs"]["preview"]
    assert set(preview["needs"]) == {"tests", "offline", "credentials"}
    assert preview["if"] == "needs.credentials.outputs.available == 'true'"
    assert preview["permissions"]["id-token"] == "write"
    action = next(s for s in preview["steps"] if uses(s, "pulumi/actions"))
    assert action["with"]["command"] == "preview"
    assert action["with"]["comment-on-pr"] is True and action["with"]["diff"] is True


def test_pull_requests_run_the_suite_on_every_python_the_package_claims() -> None:
    """pyproject.toml's classifiers and requires-python are what CI proves, no more, no less."""
    import re

    project = (ROOT / "pyproject.toml").read_text()
    claimed = re.findall(r'"Programming Language :: Python :: (3\.\d+)"', project)
    assert 'requires-python = ">=3.10"' in project and claimed[0] == "3.10"
    tests = load(ROOT / ".github/workflows/preview.yml")["jobs"]["tests"]
    assert tests["strategy"]["matrix"]["python"] == claimed
    setup = next(s for s in tests["steps"] if uses(s, "actions/setup-python"))
    assert setup["with"]["python-version"] == "${{ matrix.python }}"


def test_every_update_refreshes_first() -> None:
    """Token rotation is noticed only when pulumiverse_time.Rotating's state is read."""
    project = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())
    assert project["options"]["refresh"] == "always"


def test_prod_deploy_is_gated_behind_an_environment() -> None:
    flow = load(ROOT / ".github/workflows/deploy.yml")
    prod = flow["jobs"]["prod"]
    assert prod["environment"] == "production"
    assert prod["needs"] == "dev"
    assert triggers(flow)["push"]["branches"] == ["main"]


# ---------------------------------------------------------------- defect 1: Databricks auth in CI


def test_jobs_that_run_pulumi_are_the_expected_ones() -> None:
    """Guards the tests below against passing on an empty list."""
    assert {(wf, name) for wf, name, _ in PULUMI_JOBS} == {
        ("deploy.yml", "dev"),
        ("deploy.yml", "prod"),
        ("preview.yml", "preview"),
        ("integration.yml", "end-to-end"),
    }


@pytest.mark.parametrize(("workflow", "name", "job"), PULUMI_JOBS, ids=job_ids(PULUMI_JOBS))
def test_databricks_provider_authenticates_through_the_az_cli(
    workflow: str, name: str, job: dict[str, Any]
) -> None:
    """github-oidc-azure, the SDK's pick under OIDC, omits the SP management token a new workspace needs."""
    assert job["env"].get("DATABRICKS_AUTH_TYPE") == "azure-cli"
    steps = job["steps"]
    login = next(i for i, s in enumerate(steps) if uses(s, LOGIN_ACTION))
    first_pulumi = next(
        i for i, s in enumerate(steps) if is_pulumi_command(s) or "make integration" in s.get("run", "")
    )
    assert login < first_pulumi, "the az CLI must be logged in before the program runs"
    assert not any(uses(s, "azure/login") for s in steps), (
        "use the renewing login action, not azure/login alone"
    )
    flow = load(ROOT / ".github/workflows" / workflow)
    permissions = job.get("permissions", flow.get("permissions", {}))
    assert permissions.get("id-token") == "write"


def login_action() -> dict[str, Any]:
    return load(ROOT / ".github/actions/azure-login/action.yml")


def renewal_script() -> str:
    return next(s["run"] for s in login_action()["runs"]["steps"] if "run" in s)


def test_login_action_logs_in_then_renews_before_github_id_tokens_expire() -> None:
    steps = login_action()["runs"]["steps"]
    assert uses(steps[0], "azure/login"), "the first login is azure/login's"
    script = renewal_script()
    match = re.search(r"while sleep (\d+)", script)
    assert match, script
    interval = int(match[1])
    # GitHub's ID tokens are valid for 5 minutes (Azure/azure-cli#28737); leave time for the login.
    assert 60 <= interval <= 240
    assert re.search(r"\) *>\"\$log\" 2>&1 </dev/null &\n", script), (
        "the loop must run detached in the background"
    )


def fake_command(bindir: Path, name: str, body: str) -> None:
    path = bindir / name
    path.write_text(f"#!/usr/bin/env bash\n{body}\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)


@pytest.mark.subprocess
@pytest.mark.skipif(
    shutil.which("jq") is None, reason="jq (on every GitHub-hosted runner) is not installed here"
)
def test_login_renewal_loop_logs_in_with_a_fresh_github_id_token(tmp_path: Path) -> None:
    """Runs the action's script as the runner would, with curl, az and sleep faked."""
    bindir = tmp_path / "bin"
    bindir.mkdir()
    calls = tmp_path / "calls"
    fake_command(bindir, "curl", f'echo "curl $*" >> {calls}; echo \'{{"value": "fresh-id-token"}}\'')
    fake_command(bindir, "az", f'echo "az $*" >> {calls}')
    # The first sleep returns at once, the second ends the loop: one renewal.
    fake_command(bindir, "sleep", f"[ -e {tmp_path}/slept ] && exit 1; touch {tmp_path}/slept")
    script = tmp_path / "renew.sh"
    script.write_text(renewal_script())
    env = {
        **os.environ,
        "PATH": f"{bindir}{os.pathsep}{os.environ['PATH']}",
        "RUNNER_TEMP": str(tmp_path),
        "ACTIONS_ID_TOKEN_REQUEST_URL": "https://token.example/id?api-version=2.0",
        "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "request-token",
        "CLIENT_ID": "client",
        "TENANT_ID": "tenant",
        "SUBSCRIPTION_ID": "subscription",
    }
    # The runner's own invocation for `shell: bash`.
    proc = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    log = tmp_path / "az-login-renewal.log"
    deadline = time.monotonic() + 20
    while "renew" not in (log.read_text() if log.exists() else "") and time.monotonic() < deadline:
        time.sleep(0.1)
    assert log.read_text().split()[-1] == "renewed", log.read_text()
    assert calls.read_text().splitlines() == [
        "curl -sSf -H Authorization: bearer request-token "
        "https://token.example/id?api-version=2.0&audience=api://AzureADTokenExchange",
        "az login --service-principal --username client --tenant tenant "
        "--federated-token fresh-id-token --output none",
        "az account set --subscription subscription",
    ]


# ---------------------------------------------------------------- defect 18: workflows


def requirement(path: Path, name: str) -> Requirement:
    lines = (line.split("#")[0].strip() for line in path.read_text().splitlines())
    return next(Requirement(line) for line in lines if line and Requirement(line).name == name)


def test_pulumi_cli_version_is_pinned_and_matches_the_sdk_range() -> None:
    steps = [s for _, _, job in all_jobs() for s in job["steps"] if uses(s, "pulumi/actions")]
    versions = {str(s["with"].get("pulumi-version")) for s in steps}
    assert steps and len(versions) == 1, f"one exact CLI version everywhere, got {versions}"
    (version,) = versions
    assert re.fullmatch(r"\d+\.\d+\.\d+", version), f"pin an exact version, not a range: {version}"
    sdk = requirement(ROOT / "requirements.txt", "pulumi")
    assert Version(version) in sdk.specifier, f"CLI {version} outside requirements.txt's {sdk}"


@pytest.mark.parametrize(("workflow", "job"), [("preview.yml", "offline"), ("deploy.yml", "test")])
def test_ci_runs_lint(workflow: str, job: str) -> None:
    steps = load(ROOT / ".github/workflows" / workflow)["jobs"][job]["steps"]
    assert any(s.get("run", "").strip() == "make lint" for s in steps)


def test_weekly_rotation_run_deploys_dev_without_waiting_for_prod() -> None:
    flow = load(ROOT / ".github/workflows/deploy.yml")
    assert "schedule" in triggers(flow)
    assert "if" not in flow["jobs"]["dev"], "dev must run on the schedule: it rotates the token"
    assert flow["jobs"]["prod"]["if"] == "github.event_name != 'schedule'"


def make_dry_run(target: str, tmp_path: Path) -> str:
    """What `make <target>` would run on a fresh clone (no venv yet)."""
    proc = subprocess.run(
        ["make", "-n", target, f"VENV={tmp_path / 'fresh-venv'}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return proc.stdout


@pytest.mark.subprocess
def test_make_install_fills_the_venv_the_policy_pack_runs_from(tmp_path: Path) -> None:
    pack = load(ROOT / "policy/PulumiPolicy.yaml")["runtime"]["options"]["virtualenv"]
    program = load(ROOT / "Pulumi.yaml")["runtime"]["options"]["virtualenv"]
    assert (ROOT / "policy" / pack).resolve() == (ROOT / program).resolve()
    commands = make_dry_run("install", tmp_path)
    assert "pip install --quiet -r requirements.txt" in commands
    assert "pip install --quiet -r policy/requirements.txt" in commands


@pytest.mark.parametrize(("workflow", "name", "job"), POLICY_JOBS, ids=job_ids(POLICY_JOBS))
def test_policy_pack_dependencies_are_installed_before_the_pack_runs(
    workflow: str, name: str, job: dict[str, Any]
) -> None:
    steps = job["steps"]
    pack = next(i for i, s in enumerate(steps) if "policyPacks" in s.get("with", {}))
    installs = [
        i for i, s in enumerate(steps) if s.get("run", "").strip() in ("make install", "make install-dev")
    ]
    assert installs and installs[0] < pack


def test_federated_credential_subjects_are_documented() -> None:
    """Every OIDC subject the workflows present to Entra ID is listed in README."""
    readme = (ROOT / "README.md").read_text()
    subjects = set()
    for _, _, job in PULUMI_JOBS:
        subjects.add(f"environment:{job['environment']}" if "environment" in job else "pull_request")
    assert subjects == {
        "pull_request",
        "environment:dev",
        "environment:production",
        "environment:integration",
    }
    for subject in subjects:
        assert f"repo:<owner>/<repo>:{subject}" in readme, subject


# ---------------------------------------------------------------- the end-to-end test


@pytest.mark.subprocess
def test_make_test_leaves_the_integration_tests_out(tmp_path: Path) -> None:
    """Collects a stand-in tree with the project's pyproject.toml (its pytest configuration)."""
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    (tmp_path / "tests" / "integration").mkdir(parents=True)
    (tmp_path / "tests" / "test_unit.py").write_text("def test_unit():\n    pass\n")
    (tmp_path / "tests" / "integration" / "test_cloud.py").write_text("def test_cloud():\n    pass\n")

    def collected(*args: str) -> str:
        proc = subprocess.run(
            [sys.executable, "-m", "pytest", "--collect-only", "-q", *args],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=False,
        )
        return proc.stdout

    default = collected()
    assert "test_unit.py" in default and "integration" not in default
    assert "tests/integration/test_cloud.py" in collected("tests/integration"), "make integration names it"
    assert "pytest tests/integration" in make_dry_run("integration", tmp_path)


@pytest.mark.subprocess
def test_integration_test_skips_saying_what_it_needs() -> None:
    env = {k: v for k, v in os.environ.items() if k != "AZURE_SUBSCRIPTION_ID"}
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "tests/integration", "-rs", "-p", "no:cacheprovider"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # The dev profile and the private one, each saying what it needs.
    assert "2 skipped" in proc.stdout, proc.stdout
    assert "the end-to-end test against Azure needs AZURE_SUBSCRIPTION_ID" in proc.stdout, proc.stdout
    assert "ADF_IT_PRIVATE_RUNNER=1 on a runner that reaches the stack's VNet" in proc.stdout, proc.stdout


def test_the_end_to_end_workflow_deletes_the_retained_managed_groups_and_purges_the_vaults() -> None:
    """Deleting a Unity-Catalog workspace without forceDeletion keeps its managed resource group
    (REST Workspaces - Delete) and a deleted vault stays soft-deleted, so the workflow removes
    both after every run: every group the stack's workspaces were given, whatever their
    creation time, and every deleted vault tagged with the stack."""
    from components.workspace import managed_resource_group_name

    steps = load(ROOT / ".github" / "workflows" / "integration.yml")["jobs"]["end-to-end"]["steps"]
    runs_test = next(i for i, s in enumerate(steps) if "make integration" in s.get("run", ""))
    cleanup = [
        s for s in steps[runs_test + 1 :] if s.get("if") == "always()" and "az group delete" in s["run"]
    ]
    assert len(cleanup) == 1
    run = cleanup[0]["run"]
    prefix = re.search(r'prefix="([^"]+)"', run)
    assert prefix, run
    # The prefix matches the group of every creation of the throwaway workspace.
    for created in (0, 1_768_469_400, 2**32 - 1):
        assert managed_resource_group_name("adf-databricks-$ADF_IT_STACK", created).startswith(prefix[1])
    assert "starts_with(name, '$prefix')" in run
    assert "az keyvault list-deleted" in run and "properties.tags.environment=='$ADF_IT_STACK'" in run
    assert 'az keyvault purge --name "$vault"' in run
