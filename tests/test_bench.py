"""The benchmark script keeps working (its timings belong in BENCHMARKS.md, not in a test)."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import ROOT
from tools import plan


def load_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_run"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    return load_bench()


def test_generated_config_is_valid_and_scales(bench: ModuleType, tmp_path: Path) -> None:
    counts = {}
    for n in (1, 3):
        path = tmp_path / f"Pulumi.bench{n}.yaml"
        path.write_text(__import__("yaml").safe_dump(bench.pipeline_config(n)))
        counts[n] = plan.plan_for(path, "bench")["changeSummary"]["create"]
    # Each added pipeline: two components, a pipeline and a trigger.
    assert counts[3] - counts[1] == 2 * 4


def test_deploy_depth_of_committed_plans(bench: ModuleType) -> None:
    depth = bench.deploy_depth(json.loads((ROOT / "plans" / "prod.json").read_text()))
    types = [depth["types"][u] for u in depth["longest"]]
    # From a resource that waits for nothing: the resource group, or the time the workspace
    # was created (its managed group's name), both of which the workspace waits for.
    assert types[0] in ("azure-native:resources:ResourceGroup", "time:index/static:Static")
    # Then the workspace; in a private stack (prod) after the VNet it is injected into, which
    # waits for the NAT gateway and its public IP (or the NSGs).
    workspace = types.index("azure-native:databricks:Workspace")
    assert set(types[1:workspace]) <= {
        "azure-native:network:PublicIPAddress",
        "azure-native:network:NatGateway",
        "azure-native:network:NetworkSecurityGroup",
        "azure-native:network:VirtualNetwork",
    }
    assert types[workspace - 1] in ("azure-native:network:VirtualNetwork", types[0])
    # The schedule trigger ends the chain; with monitoring, its missed-run alert follows it
    # (the rule starts watching once the trigger exists).
    trigger = "azure:datafactory/triggerSchedule:TriggerSchedule"
    assert types[types.index(trigger) :] in (
        [trigger],
        [trigger, "time:index/static:Static", "azure-native:monitor:ScheduledQueryRule"],
    )
    waiting = {depth["types"][u] for u in depth["waiting"]}
    # Nothing that does not use the workspace waits for it.
    assert "azure-native:datafactory:Factory" not in waiting
    assert "azure-native:resources:ResourceGroup" not in waiting
    assert "pulumi:providers:databricks" in waiting


def test_deploy_depth_finds_the_longest_chain(bench: ModuleType) -> None:
    def step(urn: str, deps: list[str]) -> dict:
        return {
            "urn": urn,
            "newState": {
                "custom": True,
                "type": f"t:{urn}",
                "dependencies": deps,
                "provider": "",
                "propertyDependencies": {"x": deps[:1]},
            },
        }

    plan_data = {"steps": [step("a", []), step("b", ["a"]), step("c", ["b", "a"]), step("d", ["a"])]}
    depth = bench.deploy_depth(plan_data)
    assert depth["longest"] == ["a", "b", "c"]
    assert depth["ordering_only"] == [("c", "a")]


def test_measure_reports_child_rss(bench: ModuleType) -> None:
    small = bench.measure([sys.executable, "-c", "pass"])
    big = bench.measure(
        [sys.executable, "-c", "x = bytearray(80 * 1024 * 1024); x[::4096] = b'1' * len(x[::4096])"]
    )
    assert big.rss_mb - small.rss_mb > 50


@pytest.mark.bench
@pytest.mark.subprocess
def test_script_runs_end_to_end(tmp_path: Path) -> None:
    out = tmp_path / "BENCH.md"
    proc = subprocess.run(
        [
            *(sys.executable, "bench/run.py", "--quick", "--sizes", "1", "--skip-tests"),
            *("--replay-sizes", "1,2", "--out", str(out)),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    text = out.read_text()
    for heading in (
        "## 1. Start-up",
        "## 2. Scaling",
        "## 3. The program against the SDK's own registration cost",
        "## 4. Tests",
        "## 5. Deploy depth",
    ):
        assert heading in text
    assert "plan / floor wall time" in text
    assert (
        "- per added pipeline, 1 to 2: program **" in text and "the SDK's own cost (target at most 2x" in text
    )
