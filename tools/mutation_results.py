"""Keep `make mutation`'s results in git, so the next run starts where the last one stopped.

A full run of components/ takes hours on two cores, longer than one sitting, and mutmut keeps
its results only in mutants/ (git-ignored, gone on a new machine). mutmut stores them per
source file in `mutants/<path>.meta`: each mutant's exit code (`exit_code_by_key`) and a hash
of each mutated function (`hash_by_function_name`). When it generates the mutants of a file
again it keeps the exit code of every mutant whose function hash is unchanged and runs the
others (mutmut/__main__.py, `create_mutants_for_file`); without mutant names, `mutmut run`
then runs only the mutants without a result.

    save:     mutants/**/*.meta  ->  tests/mutation-results.json (decided results only)
    restore:  tests/mutation-results.json  ->  mutants/**/*.meta, for files without one

A result stays valid while its function is unchanged and no test that killed it is weakened;
`make mutation-fresh` drops them all.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "tests" / "mutation-results.json"
NOT_DECIDED = (None, 2)
"""Not run yet, or interrupted (mutmut/stats.py, status_by_exit_code)."""


def save(mutants: Path, results: Path) -> int:
    """Write every decided result under `mutants` to `results`; returns how many."""
    files: dict[str, Any] = {}
    for meta_path in sorted(mutants.glob("**/*.py.meta")):
        meta = json.loads(meta_path.read_text())
        decided = {k: v for k, v in meta["exit_code_by_key"].items() if v not in NOT_DECIDED}
        if decided:
            source = meta_path.relative_to(mutants).with_suffix("").as_posix()
            files[source] = {"functions": meta["hash_by_function_name"], "results": decided}
    results.write_text(json.dumps(files, indent=1, sort_keys=True) + "\n")
    return sum(len(f["results"]) for f in files.values())


def restore(results: Path, mutants: Path) -> int:
    """Write a mutmut meta file for each source file in `results` that has none under
    `mutants`; returns how many results it restored."""
    if not results.exists():
        return 0
    restored = 0
    for source, saved in json.loads(results.read_text()).items():
        meta_path = mutants / f"{source}.meta"
        if meta_path.exists():
            continue
        meta_path.parent.mkdir(parents=True, exist_ok=True)
        meta = {
            "exit_code_by_key": saved["results"],
            "hash_by_function_name": saved["functions"],
            "type_check_error_by_key": {},
            "durations_by_key": {},
            "estimated_durations_by_key": {},
        }
        meta_path.write_text(json.dumps(meta, indent=4))
        restored += len(saved["results"])
    return restored


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Save or restore mutmut's results (tests/mutation-results.json)."
    )
    parser.add_argument("action", choices=["save", "restore"])
    parser.add_argument("--mutants", type=Path, default=ROOT / "mutants", help="mutmut's directory")
    parser.add_argument("--results", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if args.action == "save":
        print(f"saved {save(args.mutants, args.results)} results to {args.results}")
    else:
        print(f"restored {restore(args.results, args.mutants)} results from {args.results}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
