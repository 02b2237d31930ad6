"""tools/mutation_report: counts per module from mutmut's .meta files, minus recorded equivalents."""

from __future__ import annotations

import gc
import json
from pathlib import Path

import pytest

from tools import mutation_report, mutation_results

TRIGGER = "components.trigger"


def write_meta(mutants: Path, source: str, codes: dict[str, int | None], hashes: dict[str, str]) -> None:
    path = mutants / f"{source}.meta"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps(
            {
                "exit_code_by_key": codes,
                "hash_by_function_name": hashes,
                "type_check_error_by_key": {},
                "durations_by_key": {},
                "estimated_durations_by_key": {},
            }
        )
    )


@pytest.fixture
def mutants(tmp_path: Path) -> Path:
    mutants = tmp_path / "mutants"
    write_meta(
        mutants,
        "components/trigger.py",
        {
            f"{TRIGGER}.x_f__mutmut_1": 1,  # killed
            f"{TRIGGER}.x_f__mutmut_2": 36,  # timeout: killed
            f"{TRIGGER}.x_f__mutmut_3": 0,  # survived, recorded as equivalent
            f"{TRIGGER}.xǁScheduleTriggerǁ__init____mutmut_1": 0,  # survived, record stale
            f"{TRIGGER}.xǁScheduleTriggerǁ__init____mutmut_2": 33,  # no tests: a survivor
            f"{TRIGGER}.x_f__mutmut_4": None,  # not run
        },
        {"x_f": "aaa", "xǁScheduleTriggerǁ__init__": "new"},
    )
    write_meta(mutants, "components/arm.py", {"components.arm.x_g__mutmut_1": None}, {"x_g": "bbb"})
    return mutants


def equivalents(tmp_path: Path) -> Path:
    path = tmp_path / "equivalents.toml"
    path.write_text(
        f'["{TRIGGER}.x_f__mutmut_3"]\nfunction = "aaa"\nreason = "unobservable"\n'
        f'["{TRIGGER}.xǁScheduleTriggerǁ__init____mutmut_1"]\nfunction = "old"\nreason = "was"\n'
        f'["{TRIGGER}.x_f__mutmut_1"]\nfunction = "aaa"\nreason = "killed now"\n'
    )
    return path


def test_counts_per_module_and_kill_rate_over_non_equivalent(mutants: Path, tmp_path: Path) -> None:
    records = mutation_report.load_equivalents(equivalents(tmp_path))
    report = mutation_report.summarise(mutants.glob("components/**/*.meta"), mutants, records)
    by_name = {m.name: m for m in report.modules}
    trigger = by_name[TRIGGER]
    assert (trigger.mutants, trigger.killed, trigger.equivalent, trigger.not_run) == (6, 2, 1, 1)
    assert trigger.survivors == [
        f"{TRIGGER}.xǁScheduleTriggerǁ__init____mutmut_1",
        f"{TRIGGER}.xǁScheduleTriggerǁ__init____mutmut_2",
    ]
    assert trigger.kill_rate == pytest.approx(2 / 4)
    assert trigger.timeouts == [f"{TRIGGER}.x_f__mutmut_2"]
    assert by_name["components.arm"].kill_rate is None
    # A record whose function changed counts as a survivor again; one that was killed is reported.
    assert report.stale == [f"{TRIGGER}.xǁScheduleTriggerǁ__init____mutmut_1"]
    assert report.unknown == [f"{TRIGGER}.x_f__mutmut_1"]


@pytest.fixture
def collected() -> None:
    """Garbage other tests left is collected before a test parses components/ with `ast`.

    The engine's failed programs leave futures whose exception nobody retrieved; collected in
    the middle of an `ast.parse`, asyncio logs each with a traceback, which Python 3.11 formats
    with `ast.parse` too, and the interrupted parse fails ("AST constructor recursion depth
    mismatch": python/cpython#106905, pytest-dev/pytest#10763). `make mutation-report` runs in
    a process of its own.
    """
    gc.collect()


@pytest.mark.usefixtures("collected")
def test_writes_markdown_naming_the_survivors(mutants: Path, tmp_path: Path) -> None:
    out = tmp_path / "MUTATION.md"
    assert (
        mutation_report.main(
            ["--mutants", str(mutants), "--equivalents", str(equivalents(tmp_path)), "--out", str(out)]
        )
        == 0
    )
    text = out.read_text()
    assert f"| `{TRIGGER}` | 6 | 1 | 2 | 2 | 1 | 50.0% |" in text
    assert "| `components.arm` | 1 | 1 | 0 | 0 | 0 | – |" in text
    assert f"Scope of the last run: `{TRIGGER}` (other modules' mutants not run)" in text
    assert f"- `{TRIGGER}.xǁScheduleTriggerǁ__init____mutmut_2`" in text
    assert f"as mutmut's own score counts them):\n\n- `{TRIGGER}.x_f__mutmut_2`" in text
    # What mutmut does not mutate is listed with the tests that cover it instead.
    decorated = text.split("## Not mutated: decorated functions", 1)[1]
    assert (
        "- `components.compute.check_mode_keys`: `tests/test_compute.py::test_component_refuses`" in decorated
    )


def test_a_record_without_reason_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "equivalents.toml"
    path.write_text(f'["{TRIGGER}.x_f__mutmut_3"]\nfunction = "aaa"\n')
    with pytest.raises(ValueError, match="needs a reason"):
        mutation_report.load_equivalents(path)


def test_no_results_exits_2(tmp_path: Path) -> None:
    assert mutation_report.main(["--mutants", str(tmp_path)]) == 2


def test_the_recorded_equivalents_are_well_formed() -> None:
    mutation_report.load_equivalents()


def test_results_survive_a_new_machine(mutants: Path, tmp_path: Path) -> None:
    """save keeps the decided results with their function hashes; restore writes them back as
    mutmut's meta files, which mutmut merges by function hash when it generates mutants."""
    results = tmp_path / "mutation-results.json"
    assert mutation_results.save(mutants, results) == 5
    fresh = tmp_path / "fresh"
    assert mutation_results.restore(results, fresh) == 5
    meta = json.loads((fresh / "components/trigger.py.meta").read_text())
    original = json.loads((mutants / "components/trigger.py.meta").read_text())
    assert meta["exit_code_by_key"] == {
        k: v for k, v in original["exit_code_by_key"].items() if v is not None
    }
    assert meta["hash_by_function_name"] == original["hash_by_function_name"]
    assert set(meta) == set(original)  # mutmut's SourceFileMutationData.load asserts no other keys
    # A file with nothing decided is not kept.
    assert not (fresh / "components/arm.py.meta").exists()


def test_restore_keeps_results_already_there(mutants: Path, tmp_path: Path) -> None:
    results = tmp_path / "mutation-results.json"
    mutation_results.save(mutants, results)
    write_meta(mutants, "components/trigger.py", {f"{TRIGGER}.x_f__mutmut_1": 0}, {"x_f": "newer"})
    assert mutation_results.restore(results, mutants) == 0
    assert json.loads((mutants / "components/trigger.py.meta").read_text())["hash_by_function_name"] == {
        "x_f": "newer"
    }
    assert mutation_results.restore(tmp_path / "missing.json", mutants) == 0


@pytest.mark.usefixtures("collected")
def test_decorated_functions_are_the_ones_mutmut_skips(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "m.py").write_text(
        "import functools\n"
        "def plain(): pass\n"
        "@functools.cache\n"
        "def cached(): pass\n"
        "class C:\n"
        "    @staticmethod\n"
        "    def static(): pass\n"
        "    @classmethod\n"
        "    def of(cls): pass\n"
        "    @property\n"
        "    def value(self): pass\n"
        "    @staticmethod\n"
        "    @functools.cache\n"
        "    def both(): pass\n"
    )
    assert mutation_report.decorated_functions(tmp_path, "pkg") == [
        "pkg.m.cached",
        "pkg.m.C.value",
        "pkg.m.C.both",
    ]


@pytest.mark.source
@pytest.mark.usefixtures("collected")
def test_every_decorated_function_names_the_tests_that_cover_it() -> None:
    """mutmut leaves decorated functions alone; each is recorded with tests that exist."""
    records = mutation_report.load_decorated()
    assert sorted(records) == sorted(mutation_report.decorated_functions())
    root = Path(__file__).resolve().parent.parent
    for function, tests in records.items():
        for test in tests:
            path, _, name = test.partition("::")
            source = (root / path).read_text()
            assert f"def {name.partition('[')[0]}(" in source, f"{function}: no test {test}"


def test_a_decorated_record_without_tests_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "decorated.toml"
    path.write_text('["components.m.f"]\ntests = []\n')
    with pytest.raises(ValueError, match="needs the tests that cover it"):
        mutation_report.load_decorated(path)
