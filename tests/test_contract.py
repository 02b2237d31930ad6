"""Every Data Factory resource any stack declares passes Microsoft's Data Factory models."""

from __future__ import annotations

import json

import pytest

from tests.conftest import ROOT
from tools import contract, plan

PLANS = sorted((ROOT / "plans").glob("*.json"))


@pytest.mark.parametrize("path", PLANS, ids=[p.stem for p in PLANS])
def test_committed_plans_pass_the_contract(path) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(path.read_text())
    checked = [s for s in data["steps"] if contract.is_datafactory(s["newState"]["type"])]
    assert checked, "the plan declares no Data Factory resource to check"
    assert contract.check_plan(data) == []


def test_every_documented_key_passes_the_contract() -> None:
    data = plan.plan_for(ROOT / "tests" / "fixtures" / "Pulumi.full.yaml", "full")
    types = {s["newState"]["type"] for s in data["steps"]}
    assert {
        "azure-native:datafactory:Pipeline",
        "azure-native:datafactory:LinkedService",
        "azure:datafactory/triggerSchedule:TriggerSchedule",
        "databricks:index/cluster:Cluster",
        "databricks:index/job:Job",
    } <= types
    pipelines = [
        s["newState"]["inputs"] for s in data["steps"] if s["newState"]["type"].endswith(":Pipeline")
    ]
    assert {a["type"] for p in pipelines for a in p["activities"]} == {
        "DatabricksNotebook",
        "DatabricksJob",
    }
    linked_services = [
        s["newState"]["inputs"] for s in data["steps"] if s["newState"]["type"].endswith("LinkedService")
    ]
    assert "AzureDatabricksServerless" in {ls["linkedServiceName"] for ls in linked_services}
    assert contract.check_plan(data) == []


def test_a_broken_resource_in_a_plan_fails_the_contract() -> None:
    data = plan.plan_for(ROOT / "tests" / "fixtures" / "Pulumi.learn.yaml", "learn")
    step = next(s for s in data["steps"] if s["newState"]["type"] == "azure-native:datafactory:Pipeline")
    step["newState"]["inputs"]["activities"][0]["policy"]["retrys"] = 1
    step["newState"]["inputs"]["activities"][0]["policy"]["timeout"] = "1h"
    errors = contract.check_plan(data)
    assert any("retrys" in e and "did you mean 'retry'" in e for e in errors), errors
    assert any("timeout" in e for e in errors), errors
