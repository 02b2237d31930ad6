"""Summarise the last `make mutation` run (mutmut 3's results in mutants/) per module.

mutmut keeps one JSON file per mutated source file, `mutants/<path>.meta`: the exit code of each
mutant's test run (`exit_code_by_key`, null while not run) and a hash of each mutated
function's source (`hash_by_function_name`). Exit codes mean what mutmut's own
`mutmut.stats.status_by_exit_code` says; it is not imported here because importing mutmut
loads its configuration from the current directory.

Survivors that no test can observe are recorded, each with its reason, in
tests/mutation-equivalents.toml:

    ["components.trigger.x_trigger_argument__mutmut_3"]
    function = "e3b0c44298fc"   # hash_by_function_name of the function when it was judged
    reason = "..."

A record whose function has changed since (another hash) no longer counts: mutmut numbers the
mutants of a function anew when it changes, so the survivor is listed again for a fresh look.
The kill rate is killed / (mutants run - equivalent).

mutmut 3 does not mutate decorated functions (but @staticmethod and @classmethod ones:
mutmut/mutation/file_mutation.py), so their mutants are in no count. Each is recorded in
tests/mutation-decorated.toml with the tests that pin what it does instead, and the report
lists them:

    ["components.compute.check_mode_keys"]
    tests = ["tests/test_compute.py::test_component_refuses"]
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # the same parser, before it joined the standard library
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
EQUIVALENTS = ROOT / "tests" / "mutation-equivalents.toml"
DECORATED = ROOT / "tests" / "mutation-decorated.toml"

# mutmut 3.8 mutmut/stats.py status_by_exit_code, folded into what the report counts.
KILLED = {1: "killed", 3: "killed", 36: "timeout", 37: "caught by type check", -24: "timeout",
          24: "timeout", 152: "timeout", 255: "timeout", -11: "segfault", -9: "segfault"}  # fmt: skip
SURVIVED = {0: "survived", 5: "no tests", 33: "no tests"}
NOT_RUN = {None: "not checked", 2: "interrupted", 34: "skipped"}
# Anything else (35 and unknown codes) is mutmut's "suspicious": counted as a survivor to look at.

MUTANT = re.compile(r"^(?P<module>.+?)\.(?P<function>x[_ǁ].*)__mutmut_(?P<number>\d+)$")


@dataclass
class Module:
    name: str
    mutants: int = 0
    killed: int = 0
    timeouts: list[str] = field(default_factory=list)
    """Killed by timing out (mutmut scores them as killed), listed for a second look."""
    survivors: list[str] = field(default_factory=list)
    equivalent: int = 0
    not_run: int = 0

    @property
    def judged(self) -> int:
        """Mutants run whose outcome counts: neither equivalent nor left unrun."""
        return self.mutants - self.not_run - self.equivalent

    @property
    def kill_rate(self) -> float | None:
        return self.killed / self.judged if self.judged else None


@dataclass
class Report:
    modules: list[Module]
    stale: list[str]
    """Recorded equivalents whose function changed since they were judged."""
    unknown: list[str]
    """Recorded equivalents that are not survivors of this run (killed now, or gone)."""


def function_of(mutant: str) -> tuple[str, str]:
    match = MUTANT.match(mutant)
    if match is None:
        raise ValueError(f"not a mutmut 3 mutant name: {mutant!r}")
    return match["module"], match["function"]


def load_equivalents(path: Path = EQUIVALENTS) -> dict[str, dict[str, str]]:
    if not path.exists():
        return {}
    records = tomllib.loads(path.read_text())
    for mutant, record in records.items():
        function_of(mutant)
        if not isinstance(record, dict) or not record.get("reason") or not record.get("function"):
            raise ValueError(f"{path}: {mutant} needs a reason and the function hash it was judged at")
    return records


def decorated_functions(root: Path = ROOT, package: str = "components") -> list[str]:
    """The functions and methods of `package` that mutmut leaves unmutated, as `module.name`
    (`module.Class.name` for a method): those with a decorator other than a lone
    @staticmethod or @classmethod."""
    found: list[str] = []

    def walk(body: list[ast.stmt], prefix: str) -> None:
        for node in body:
            if isinstance(node, ast.ClassDef):
                walk(node.body, f"{prefix}{node.name}.")
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.decorator_list:
                only = node.decorator_list[0] if len(node.decorator_list) == 1 else None
                if not (isinstance(only, ast.Name) and only.id in ("staticmethod", "classmethod")):
                    found.append(f"{prefix}{node.name}")

    for path in sorted((root / package).rglob("*.py")):
        module = ".".join(path.relative_to(root).with_suffix("").parts)
        walk(ast.parse(path.read_text()).body, f"{module}.")
    return found


def load_decorated(path: Path = DECORATED) -> dict[str, list[str]]:
    """The recorded decorated functions: each with the tests (pytest node ids) that cover it."""
    if not path.exists():
        return {}
    records = tomllib.loads(path.read_text())
    for function, record in records.items():
        tests = record.get("tests") if isinstance(record, dict) else None
        if not tests or not all(isinstance(t, str) and "::" in t for t in tests):
            raise ValueError(f"{path}: {function} needs the tests that cover it (pytest node ids)")
    return {function: list(record["tests"]) for function, record in records.items()}


def summarise(
    metas: Iterable[Path], mutants_dir: Path, equivalents: Mapping[str, Mapping[str, str]]
) -> Report:
    modules: list[Module] = []
    stale: list[str] = []
    seen: set[str] = set()
    for meta_path in sorted(metas):
        meta = json.loads(meta_path.read_text())
        source = meta_path.relative_to(mutants_dir).with_suffix("")  # components/x.py
        module = Module(".".join(source.with_suffix("").parts))
        hashes: Mapping[str, str] = meta.get("hash_by_function_name", {})
        for mutant, code in sorted(meta["exit_code_by_key"].items()):
            module.mutants += 1
            if code in NOT_RUN:
                module.not_run += 1
            elif code in KILLED:
                module.killed += 1
                if KILLED[code] == "timeout":
                    module.timeouts.append(mutant)
            elif mutant in equivalents:
                seen.add(mutant)
                if equivalents[mutant]["function"] == hashes.get(function_of(mutant)[1]):
                    module.equivalent += 1
                else:
                    stale.append(mutant)
                    module.survivors.append(mutant)
            else:
                module.survivors.append(mutant)
        if module.mutants:
            modules.append(module)
    unknown = sorted(set(equivalents) - seen)
    return Report(modules, stale, unknown)


def percent(rate: float | None) -> str:
    return "–" if rate is None else f"{100 * rate:.1f}%"


def markdown(report: Report, scope: str, decorated: Mapping[str, Iterable[str]] | None = None) -> str:
    ran = [m for m in report.modules if m.mutants > m.not_run]
    total = Module(
        "all run",
        mutants=sum(m.mutants for m in ran),
        killed=sum(m.killed for m in ran),
        timeouts=[t for m in ran for t in m.timeouts],
        survivors=[s for m in ran for s in m.survivors],
        equivalent=sum(m.equivalent for m in ran),
        not_run=sum(m.not_run for m in ran),
    )
    lines = [
        "# Mutation testing",
        "",
        "`make mutation` (mutmut 3, pyproject.toml `[tool.mutmut]`) mutates every undecorated function",
        "in components/ (the decorated ones are listed last) and runs, per mutant, the tests that reach",
        "it. Equivalent mutants, which no test can observe, are recorded with their reason in",
        "tests/mutation-equivalents.toml; the kill rate is killed / (mutants run − equivalent). Results",
        "are kept in tests/mutation-results.json, so the next `make mutation` runs only the mutants",
        "counted as not run below.",
        "Regenerate with `make mutation-report`.",
        "",
        f"Scope of the last run: {scope}",
        "",
        "| module | mutants | not run | killed | survived | equivalent | kill rate |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for m in [*report.modules, total]:
        name = f"**{m.name}**" if m is total else f"`{m.name}`"
        lines.append(
            f"| {name} | {m.mutants} | {m.not_run} | {m.killed} | {len(m.survivors)} | {m.equivalent} "
            f"| {percent(m.kill_rate) if m.mutants > m.not_run else '–'} |"
        )
    lines += ["", "## Survivors to look at", ""]
    lines += [f"- `{s}`" for s in total.survivors] or ["None."]
    if total.timeouts:
        lines += ["", "Timed out (counted as killed, as mutmut's own score counts them):", ""]
        lines += [f"- `{t}`" for t in total.timeouts]
    if report.stale:
        lines += ["", "Recorded as equivalent, but their function changed since (judge again):", ""]
        lines += [f"- `{s}`" for s in report.stale]
    if decorated:
        lines += [
            "",
            "## Not mutated: decorated functions",
            "",
            "mutmut does not mutate a decorated function (mutmut/mutation/file_mutation.py), so these",
            "are in no count above. What each does is pinned by the tests named (recorded in",
            "tests/mutation-decorated.toml):",
            "",
        ]
        for function, tests in decorated.items():
            named = ", ".join(f"`{t}`" for t in tests) or "no tests recorded"
            lines.append(f"- `{function}`: {named}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Summarise the last `make mutation` run per module.")
    parser.add_argument("--mutants", type=Path, default=ROOT / "mutants", help="mutmut's directory")
    parser.add_argument("--equivalents", type=Path, default=EQUIVALENTS)
    parser.add_argument("--decorated", type=Path, default=DECORATED)
    parser.add_argument("--out", type=Path, help="write the Markdown report here (e.g. MUTATION.md)")
    parser.add_argument("--scope", default="", help="what the run covered, for the report")
    args = parser.parse_args(argv)
    metas = list(args.mutants.glob("components/**/*.py.meta"))
    if not metas:
        print(f"no mutmut results under {args.mutants}: run `make mutation` first", file=sys.stderr)
        return 2
    report = summarise(metas, args.mutants, load_equivalents(args.equivalents))
    ran = [m for m in report.modules if m.mutants > m.not_run]
    scope = args.scope or (
        "all of components/"
        if all(m.not_run == 0 for m in report.modules)
        else ", ".join(f"`{m.name}`" for m in ran) + " (other modules' mutants not run)"
    )
    records = load_decorated(args.decorated)
    decorated = {function: records.get(function, []) for function in decorated_functions()}
    for function in decorated:
        if function not in records:
            print(
                f"decorated {function} is outside mutmut's reach: record its tests in {args.decorated}",
                file=sys.stderr,
            )
    text = markdown(report, scope, decorated)
    for mutant in report.unknown:
        print(
            f"recorded equivalent {mutant} did not survive this run (killed, not run or gone)",
            file=sys.stderr,
        )
    if args.out:
        args.out.write_text(text)
    print(text, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
