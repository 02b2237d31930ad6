"""tools/engine.py: a program that goes wrong under the mock engine fails at once, never hangs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_program
from tools import engine


def test_a_grant_without_its_securable_fails_the_run(tmp_path: Path) -> None:
    """As the provider does. The mock once raised StopIteration here, which cannot cross the
    SDK's asyncio future: the run waited forever instead of failing."""
    with pytest.raises(ValueError, match="a Grant takes exactly one of catalog, schema, volume; got"):
        run_program(
            tmp_path,
            "import pulumi_databricks as databricks\n"
            "databricks.Grant('g', principal='etl@example.com', privileges=['USE_CATALOG'])\n",
        )


def test_a_run_waiting_for_an_output_that_never_resolves_times_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine, "RUN_SECONDS", 0.2)
    with pytest.raises(
        TimeoutError, match=r"^the program was still running after 0.2 s: an output never resolved$"
    ):
        run_program(
            tmp_path,
            "import asyncio\n"
            "import pulumi\n"
            "pulumi.export('never', pulumi.Output.from_input(asyncio.get_event_loop().create_future()))\n",
        )
    # The engine is usable again afterwards.
    assert run_program(tmp_path, "import pulumi\npulumi.export('x', 1)\n").outputs == {"x": 1}


def test_the_program_defers_full_collections_and_the_engine_restores_the_collector(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """__main__.py freezes the imported SDKs and defers full collections while resources are
    declared (BENCHMARKS.md); the engine puts the collector back for the next run in this
    process."""
    import gc

    from tests.conftest import BASE, cli_config

    seen: list[tuple[tuple[int, int, int], int]] = []
    new_resource = engine.PlanMocks.new_resource

    def observed(self: engine.PlanMocks, args: Any) -> Any:
        seen.append((gc.get_threshold(), gc.get_freeze_count()))
        return new_resource(self, args)

    monkeypatch.setattr(engine.PlanMocks, "new_resource", observed)
    before = gc.get_threshold()
    engine.run(cli_config(BASE), "test", preview=True)
    assert seen
    young, middle, _ = before
    assert {threshold for threshold, _ in seen} == {(young, middle, 1000)}
    assert all(frozen > 0 for _, frozen in seen)
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
