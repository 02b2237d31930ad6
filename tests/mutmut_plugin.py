"""mutmut's hooks into the suite, loaded only by `make mutation` (pyproject.toml
[tool.mutmut] pytest_add_cli_args: `-p tests.mutmut_plugin`): `make test` never sees them.

- The JSON Schema validators are built once in mutmut's forkserver, not by every mutant.
- Fixtures the suite shares between tests (module or session scope) are set up for each test.
- A mutant's tests run the ones that killed other mutants of the same function first, then
  the rest fastest first, and each failure is recorded for the next mutant.
"""

from __future__ import annotations

import inspect
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest


def pytest_configure(config: pytest.Config) -> None:
    """Under `make mutation`, build the JSON Schema validators of the package's args once.

    mutmut forks each mutant's test run from a server that has collected the suite; built
    there, the validators (validation.problems caches them) are not rebuilt by every mutant,
    which costs seconds with mutmut's trampolines. Mutants of the schema builder still meet the
    tests that build schemas themselves: the committed-schema tests and test_validation's toy
    types.
    """
    from components import validation
    from components.package import COMPONENTS

    for component in COMPONENTS:
        args = inspect.signature(component.__init__).parameters["args"].annotation
        validation.problems(args, {})


_SHARED: list[tuple[pytest.FixtureDef[Any], pytest.FixtureRequest]] = []
"""The suite's module- and session-scoped fixtures set up for the running test."""


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(fixturedef: pytest.FixtureDef[Any], request: pytest.FixtureRequest) -> Iterator[Any]:
    """Under `make mutation`, a fixture shared between tests is set up again for each test.

    mutmut picks a mutant's tests by which test ran the mutated function in its stats run
    (mutmut/mutation/trampoline.py, record_trampoline_hit); a module-scoped fixture runs the
    program only for the first test that uses it, so the others would never be picked. Only
    the suite's own fixtures (a baseid: defined in a test module or conftest), not pytest's.
    """
    value = yield
    if fixturedef.scope != "function" and fixturedef.baseid:
        _SHARED.append((fixturedef, request))
    return value


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> None:
    """Tear down the shared fixtures the test set up, so that the next test sets them up again."""
    while _SHARED:
        fixturedef, request = _SHARED.pop()
        fixturedef.finish(request)  # pyright: ignore[reportArgumentType] - a SubRequest


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
