"""Shared fixtures: run the program against the mock engine with a given configuration."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tools import engine, plan

ROOT = Path(__file__).resolve().parent.parent

BASE: dict[str, Any] = {
    "location": "westeurope",
    "cluster": {"sparkVersion": "15.4.x-scala2.12", "nodeType": "Standard_D4ds_v5"},
    "pipelines": [
        {
            "name": "process-data",
            "parameters": {"folder": {"type": "String", "default": "product_data"}},
            "activities": [
                {
                    "name": "Process Data",
                    "notebook": "notebooks/process_data.py",
                    "baseParameters": {"folder": "@pipeline().parameters.folder"},
                }
            ],
            "schedule": {"frequency": "Day", "startTime": "2026-01-01T06:00:00Z"},
        }
    ],
}
"""A small valid configuration (msi auth, job cluster) that tests change one key of."""


def cli_config(raw: dict[str, Any]) -> dict[str, str]:
    """Config as the Pulumi CLI hands it to the program: namespaced keys, string values."""
    return {f"{engine.PROJECT}:{k}": engine._as_config_string(v) for k, v in raw.items()}


class Later:
    """Stands for a value known only at deploy time (awaitable, like an Output's future)."""

    def __await__(self):
        yield
        return "x"


def base(**overrides: Any) -> dict[str, Any]:
    config = copy.deepcopy(BASE)
    config.update(copy.deepcopy(overrides))
    return config


def run_program(tmp_path: Path, source: str) -> engine.Result:
    """Run a Pulumi program of the test's own (components used without the stack's config)."""
    program = tmp_path / "program.py"
    program.write_text(source)
    return engine.run({}, "test", preview=False, program=program)


Render = Callable[..., engine.Result]


@pytest.fixture
def render() -> Render:
    """Run the program like a finished `pulumi up` (realistic computed outputs)."""

    def run(raw: dict[str, Any], stack: str = "test", preview: bool = False) -> engine.Result:
        return engine.run(cli_config(raw), stack, preview=preview)

    return run


def pipeline(**overrides: Any) -> dict[str, Any]:
    """The base pipeline with some keys replaced."""
    return {**copy.deepcopy(BASE["pipelines"][0]), **copy.deepcopy(overrides)}


def activity(**overrides: Any) -> dict[str, Any]:
    """The base activity with some keys replaced."""
    return {**copy.deepcopy(BASE["pipelines"][0]["activities"][0]), **copy.deepcopy(overrides)}


def databricks_linked_service(result: engine.Result) -> engine.Registration:
    """The factory's Azure Databricks linked service (the Key Vault one is another)."""
    return next(
        r
        for r in result.of_type("azure-native:datafactory:LinkedService")
        if r.inputs["properties"]["type"] == "AzureDatabricks"
    )


STACK_FILES = {
    "learn": ROOT / "tests" / "fixtures" / "Pulumi.learn.yaml",
    "msi": ROOT / "tests" / "fixtures" / "Pulumi.msi.yaml",
    "full": ROOT / "tests" / "fixtures" / "Pulumi.full.yaml",
    "prod": ROOT / "Pulumi.prod.yaml",
}


@pytest.fixture(scope="session")
def stacks() -> dict[str, engine.Result]:
    """Every kind of stack, run once for the tests that read them all."""
    return every_kind_of_stack()


def every_kind_of_stack() -> dict[str, engine.Result]:
    """The program run (as `pulumi up`) for each stack file: the fixtures, prod, and a pool stack."""
    runs = {}
    for stack, path in STACK_FILES.items():
        config, secret_keys = engine.read_stack_config(path)
        config = plan.with_values(config, plan.PLACEHOLDER_FILLS.get(stack, ()))
        runs[stack] = engine.run(config, stack, preview=False, secret_keys=secret_keys)
    # No stack file uses a pool.
    config, secret_keys = engine.read_stack_config(STACK_FILES["msi"])
    cluster = {**json.loads(config["adf-databricks:cluster"]), "mode": "pool", "workers": 2}
    del cluster["driverNodeType"]
    config["adf-databricks:cluster"] = json.dumps({**cluster, "pool": {"maxCapacity": 3}})
    runs["pool"] = engine.run(config, "pool", preview=False, secret_keys=secret_keys)
    return runs
