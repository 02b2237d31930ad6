"""Shared fixtures: run the program against the mock engine with a given configuration."""

from __future__ import annotations

import copy
import inspect
import json
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tools import engine, plan


def pytest_configure(config: pytest.Config) -> None:
    """Under `make mutation`, build the JSON Schema validators of the package's args once.

    mutmut forks each mutant's test run from a server that has collected the suite; built
    there, the validators (validation.problems caches them) are not rebuilt by every mutant,
    which costs seconds with mutmut's trampolines. Mutants of the schema builder still meet the
    tests that build schemas themselves: the committed-schema tests and test_validation's toy
    types.
    """
    if "mutmut" not in sys.modules:
        return
    from components import platform, validation
    from components.package import COMPONENTS

    for component in COMPONENTS:
        args = inspect.signature(component.__init__).parameters["args"].annotation
        validation.problems(args, {})
    validation.problems(platform.AdfDatabricksArgs, {}, exclude=platform.FILLED_BY_THE_STACK)


def module_unless_mutating(fixture_name: str, config: pytest.Config) -> str:
    """Scope of a fixture shared by a module's tests: one per test under `make mutation`.

    mutmut picks a mutant's tests by which test ran the mutated function in its stats run
    (mutmut/mutation/trampoline.py, record_trampoline_hit); a module-scoped fixture runs the
    program only for the first test that uses it, so the others would never be picked.
    """
    return "function" if os.environ.get("MUTANT_UNDER_TEST") else "module"


KILLERS = Path("mutmut-killers.tsv")
"""Under `make mutation` (cwd mutants/): each test that failed under a mutant, by function."""


def _mutant() -> str:
    name = os.environ.get("MUTANT_UNDER_TEST", "")
    return name if "__mutmut_" in name else ""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under `make mutation`, run first the tests that killed other mutants of the same function,
    then the rest fastest first.

    mutmut runs the tests that reach a mutant with `pytest -x` and stops at the first failure,
    so a killed mutant costs only the tests before it. It names the mutant in MUTANT_UNDER_TEST
    and runs from mutants/, where mutmut-stats.json holds each test's duration from its stats
    run (mutmut/stats.py).
    """
    mutant = _mutant()
    if not mutant:
        return
    try:
        durations = json.loads(Path("mutmut-stats.json").read_text())["duration_by_test"]
    except (OSError, ValueError, KeyError):
        durations = {}
    function = mutant.rpartition("__mutmut_")[0]
    killers: dict[str, int] = {}
    if KILLERS.exists():
        for line in KILLERS.read_text().splitlines():
            killed, _, test = line.partition("\t")
            if killed == function:
                killers[test] = killers.get(test, 0) + 1
    items.sort(key=lambda item: (-killers.get(item.nodeid, 0), durations.get(item.nodeid, 0.0)))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    report = yield
    mutant = _mutant()
    if mutant and report.failed:
        # One short line per append: mutmut's parallel workers do not interleave it (O_APPEND).
        with KILLERS.open("a") as killers:
            killers.write(f"{mutant.rpartition('__mutmut_')[0]}\t{item.nodeid}\n")
    return report


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


def session_unless_mutating(fixture_name: str, config: pytest.Config) -> str:
    """Scope of a fixture shared by the whole run: one per test under `make mutation` (see
    module_unless_mutating)."""
    return "function" if os.environ.get("MUTANT_UNDER_TEST") else "session"


@pytest.fixture(scope=session_unless_mutating)
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
