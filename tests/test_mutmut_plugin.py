"""tests/mutmut_plugin.py: the hooks `make mutation` loads, and only it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tools.mutation_report import tomllib

ROOT = Path(__file__).resolve().parent.parent

SHARED = """
import pytest

RUNS = []


@pytest.fixture(scope="module")
def shared():
    RUNS.append(1)
    return len(RUNS)


def test_first(shared):
    assert shared == 1


def test_second(shared):
    assert shared == 2
"""
"""Passes only if the module-scoped fixture is set up again for the second test."""


def run(tmp_path: Path, *plugin: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "test_shared.py").write_text(SHARED)
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *plugin, str(tmp_path)],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.subprocess
def test_shared_fixtures_are_set_up_for_each_test_under_the_plugin(tmp_path: Path) -> None:
    """mutmut picks a mutant's tests by which ones ran the mutated function: a fixture shared
    between tests would credit only the first of them."""
    with_plugin = run(tmp_path, "-p", "tests.mutmut_plugin")
    assert with_plugin.returncode == 0, with_plugin.stdout + with_plugin.stderr
    assert "2 passed" in with_plugin.stdout
    without = run(tmp_path)
    assert "1 failed, 1 passed" in without.stdout


def test_only_make_mutation_loads_the_plugin() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]
    assert "mutmut_plugin" not in config["pytest"]["ini_options"]["addopts"]
    assert "tests.mutmut_plugin" in config["mutmut"]["pytest_add_cli_args"]
    assert "mutmut_plugin" not in (ROOT / "tests" / "conftest.py").read_text()
