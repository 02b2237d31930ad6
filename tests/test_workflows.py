"""The GitHub workflows pass actionlint and run what the README promises."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from tests.conftest import ROOT

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


def actionlint() -> str:
    found = shutil.which("actionlint", path=str(Path(sys.executable).parent)) or shutil.which("actionlint")
    assert found, "actionlint is missing: install requirements-dev.txt"
    return found


def test_workflows_pass_actionlint() -> None:
    assert {w.name for w in WORKFLOWS} == {"preview.yml", "deploy.yml"}
    proc = subprocess.run([actionlint(), *map(str, WORKFLOWS)], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_actionlint_catches_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ secrets }}\n        uses: actions/checkout@v4\n"
    )
    proc = subprocess.run([actionlint(), str(broken)], capture_output=True, text=True, check=False)
    assert proc.returncode != 0


def test_preview_runs_offline_job_and_gates_real_preview() -> None:
    flow = yaml.safe_load((ROOT / ".github/workflows/preview.yml").read_text())
    offline = "\n".join(step.get("run", "") for step in flow["jobs"]["offline"]["steps"])
    assert "make test" in offline and "make plans" in offline
    preview = flow["jobs"]["preview"]
    assert preview["if"] == "needs.credentials.outputs.available == 'true'"
    assert preview["permissions"]["id-token"] == "write"
    action = next(s for s in preview["steps"] if s.get("uses", "").startswith("pulumi/actions"))
    assert action["with"]["command"] == "preview"
    assert action["with"]["comment-on-pr"] is True and action["with"]["diff"] is True


def test_every_update_refreshes_first() -> None:
    """Token rotation is noticed only when pulumiverse_time.Rotating's state is read."""
    project = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())
    assert project["options"]["refresh"] == "always"


def test_prod_deploy_is_gated_behind_an_environment() -> None:
    flow = yaml.safe_load((ROOT / ".github/workflows/deploy.yml").read_text())
    prod = flow["jobs"]["prod"]
    assert prod["environment"] == "production"
    assert prod["needs"] == "dev"
    assert flow[True]["push"]["branches"] == ["main"]  # YAML reads the key `on` as true
