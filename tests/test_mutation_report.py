"""tools/mutation_report: counts per module from mutmut's .meta files, minus recorded equivalents."""

from __future__ import annotations

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
