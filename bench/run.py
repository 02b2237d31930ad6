"""Benchmark of what this program costs on every preview and deploy; writes BENCHMARKS.md.

    python bench/run.py                 # full run (make bench)
    python bench/run.py --quick --out /tmp/b.md --sizes 1,2 --skip-tests

1. Start-up: a cold offline plan of dev against the floor, a bare import of exactly the
   SDK modules the program loads (read from sys.modules after a plan).
2. Scaling: generated configs with N pipelines (2 notebookPath activities, parameters and
   a schedule each): wall time, peak RSS, resources, and the marginal cost per pipeline.
3. Tests: wall time of `make test`.
4. Deploy depth: from the committed plans' dependency edges, the longest chain of
   dependent resources and what waits on the Databricks workspace.

Only public tools: time, subprocess, and the kernel's own peak-RSS figure (bench/peak.py).
Commands compared in a ratio are interleaved A B A B so machine noise hits both alike.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
SDK_PACKAGES = ("pulumi", "pulumi_azure_native", "pulumi_azure", "pulumi_databricks", "pulumiverse_time")
WORKSPACE_TYPE = "azure-native:databricks:Workspace"


@dataclass
class Sample:
    seconds: float
    rss_mb: float


@dataclass
class Stats:
    samples: list[Sample]

    def median_s(self) -> float:
        return statistics.median(s.seconds for s in self.samples)

    def median_mb(self) -> float:
        return statistics.median(s.rss_mb for s in self.samples)

    def range_s(self) -> str:
        values = [s.seconds for s in self.samples]
        return f"{min(values):.2f}-{max(values):.2f}"

    def range_mb(self) -> str:
        values = [s.rss_mb for s in self.samples]
        return f"{min(values):.0f}-{max(values):.0f}"


def measure(cmd: Sequence[str]) -> Sample:
    """Wall time and peak RSS of `python -m ...` / `python -c ...` run through bench/peak.py,
    or wall time alone for any other command."""
    python = cmd[0] == PY and cmd[1] in ("-m", "-c")
    with tempfile.NamedTemporaryFile("r", suffix=".peak") as peak:
        argv = [PY, str(ROOT / "bench" / "peak.py"), *cmd[1:]] if python else list(cmd)
        start = time.perf_counter()
        proc = subprocess.run(
            argv,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            check=False,
            env={**os.environ, "BENCH_PEAK_FILE": peak.name},
        )
        seconds = time.perf_counter() - start
        if proc.returncode != 0:
            raise SystemExit(f"{' '.join(cmd)} failed: {proc.stderr.decode()}")
        rss_kb = int(peak.read() or 0) if python else 0
    return Sample(seconds, rss_kb / 1024)


def interleave(commands: dict[str, Sequence[str]], runs: int) -> dict[str, Stats]:
    results: dict[str, list[Sample]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, cmd in commands.items():
            results[name].append(measure(cmd))
    return {name: Stats(samples) for name, samples in results.items()}


def sdk_modules() -> list[str]:
    """The SDK modules a dev plan loads, read from sys.modules after running it."""
    probe = (
        "import sys, contextlib, io\n"
        "from tools import plan\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    plan.main(['--stack', 'dev', '--json'])\n"
        f"pkgs = {SDK_PACKAGES!r}\n"
        "print('\\n'.join(sorted(m for m in sys.modules if m.split('.')[0] in pkgs)))\n"
    )
    out = subprocess.run([PY, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    return out.stdout.split()


def pipeline_config(count: int) -> dict[str, Any]:
    stack = yaml.safe_load((ROOT / "Pulumi.dev.yaml").read_text())["config"]
    pipelines = []
    for i in range(count):
        pipelines.append(
            {
                "name": f"pipeline-{i:03d}",
                "parameters": {"folder": {"type": "String", "default": f"data_{i}"}},
                "activities": [
                    {
                        "name": "Extract",
                        "notebookPath": f"/Shared/bench/extract_{i}",
                        "baseParameters": {"folder": "@pipeline().parameters.folder"},
                    },
                    {
                        "name": "Load",
                        "notebookPath": f"/Shared/bench/load_{i}",
                        "dependsOn": [{"activity": "Extract"}],
                    },
                ],
                "schedule": {"frequency": "Day", "startTime": "2026-01-01T06:00:00Z", "hours": [i % 24]},
            }
        )
    stack["adf-databricks:pipelines"] = pipelines
    return {"config": stack}


@dataclass
class Comparison:
    """One size of the program-against-SDK runs: medians in seconds."""

    pipelines: int
    program: float
    replay: float
    """The replay as a plain Pulumi program: the SDK with Python's default collector."""
    replay_same_gc: float
    """The replay with the program's collector settings (__main__.py): the SDK's own work."""


def sdk_comparison(sizes: Sequence[int], runs: int) -> list[Comparison]:
    """Per size: the program under the mock engine against a replay of exactly its
    registrations as plain resources (bench/replay.py), in one process, interleaved, medians of
    `runs`; the replay both as a plain program and with the program's GC settings. The
    stack-output and provider plumbing are the SDK's in all three."""
    sys.path.insert(0, str(ROOT))
    from tools import engine

    def cli(n: int) -> dict[str, str]:
        return {
            key: value if isinstance(value, str) else json.dumps(value)
            for key, value in pipeline_config(n)["config"].items()
        }

    def timed(config: dict[str, str], program: Path | None = None) -> float:
        # Each run starts from a collected heap: what the run before left behind (the program's
        # frozen heap goes back to the collector after it) is not charged to the next one.
        gc.collect()
        start = time.perf_counter()
        engine.run(config, "bench", preview=True, program=program)
        return time.perf_counter() - start

    engine.run(cli(1), "bench", preview=True)  # imports and caches, outside the timings
    rows = []
    replay_program = ROOT / "bench" / "replay.py"
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            config = cli(n)
            recorded = engine.run(config, "bench", preview=True)
            replay = Path(tmp) / f"replay{n}.json"
            replay.write_text(
                json.dumps(
                    [
                        {
                            "type": r.type,
                            "name": r.name,
                            "urn": r.urn,
                            "custom": r.custom,
                            "parent": r.parent,
                            "inputs": r.raw_inputs,
                            "dependencies": r.dependencies,
                        }
                        for r in recorded.resources
                        if not r.type.startswith("pulumi:pulumi:Stack")
                    ]
                )
            )
            os.environ["BENCH_REPLAY_FILE"] = str(replay)
            program_s, replay_s, same_gc_s = [], [], []
            for _ in range(runs):
                program_s.append(timed(config))
                os.environ.pop("BENCH_REPLAY_GC", None)
                replay_s.append(timed({}, replay_program))
                os.environ["BENCH_REPLAY_GC"] = "program"
                same_gc_s.append(timed({}, replay_program))
                os.environ.pop("BENCH_REPLAY_GC")
            rows.append(
                Comparison(
                    n,
                    statistics.median(program_s),
                    statistics.median(replay_s),
                    statistics.median(same_gc_s),
                )
            )
    return rows


def deploy_depth(plan: dict[str, Any]) -> dict[str, Any]:
    """Longest chain of custom resources over dependency and provider edges."""
    states = {s["urn"]: s["newState"] for s in plan["steps"]}
    custom = {u for u, s in states.items() if s["custom"]}
    edges: dict[str, set[str]] = {}
    for urn in custom:
        state = states[urn]
        before = set(state["dependencies"])
        if state["provider"] in states:
            before.add(state["provider"])
        edges[urn] = before & custom
    memo: dict[str, list[str]] = {}

    def chain(urn: str) -> list[str]:
        if urn not in memo:
            longest = max((chain(d) for d in sorted(edges[urn])), key=len, default=[])
            memo[urn] = [*longest, urn]
        return memo[urn]

    longest = max((chain(u) for u in sorted(custom)), key=len)
    workspaces = {u for u in custom if states[u]["type"] == WORKSPACE_TYPE}

    def waits_on_workspace(urn: str, seen: set[str]) -> bool:
        if urn in workspaces:
            return True
        seen.add(urn)
        return any(waits_on_workspace(d, seen) for d in edges[urn] if d not in seen)

    waiting = sorted(u for u in custom if u not in workspaces and waits_on_workspace(u, set()))
    ordering_only = []
    for urn in sorted(custom):
        state = states[urn]
        by_input = {d for urns in state.get("propertyDependencies", {}).values() for d in urns}
        for dep in sorted(set(state["dependencies"]) - by_input):
            ordering_only.append((urn, dep))
    return {
        "longest": longest,
        "waiting": waiting,
        "ordering_only": ordering_only,
        "types": {u: states[u]["type"] for u in custom},
    }


def name(urn: str) -> str:
    return urn.rsplit("::", 1)[1]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="repetitions per measurement")
    parser.add_argument("--sizes", default="1,50,200,1000", help="pipeline counts for the scaling runs")
    parser.add_argument("--skip-tests", action="store_true", help="do not time make test")
    parser.add_argument(
        "--replay-sizes", default="1,50,200,1000", help="pipeline counts for the program-against-SDK runs"
    )
    parser.add_argument("--quick", action="store_true", help="one run each (for the self-test)")
    parser.add_argument("--out", type=Path, default=ROOT / "BENCHMARKS.md")
    args = parser.parse_args(argv)
    runs = 1 if args.quick else args.runs
    sizes = [int(s) for s in args.sizes.split(",")]

    modules = sdk_modules()
    floor_cmd = [PY, "-c", "import " + ", ".join(modules)]
    plan_cmd = [PY, "-m", "tools.plan", "--stack", "dev", "--json"]
    startup = interleave({"floor": floor_cmd, "plan": plan_cmd}, runs)
    floor, plan = startup["floor"], startup["plan"]

    scaling: list[tuple[int, Stats, int]] = []
    with tempfile.TemporaryDirectory() as tmp:
        files = {}
        for n in sizes:
            files[n] = Path(tmp) / f"Pulumi.bench{n}.yaml"
            files[n].write_text(yaml.safe_dump(pipeline_config(n)))
        outputs = {n: Path(tmp) / f"plan{n}.json" for n in sizes}
        stats = interleave(
            {
                str(n): [
                    *(PY, "-m", "tools.plan", "--config-file", str(f), "--stack", "bench", "--json"),
                    *("--out", str(outputs[n])),
                ]
                for n, f in files.items()
            },
            runs,
        )
        for n in sizes:
            declared = json.loads(outputs[n].read_text())["changeSummary"]["create"]
            scaling.append((n, stats[str(n)], declared))

    replay_sizes = [int(s) for s in args.replay_sizes.split(",")]
    comparison = sdk_comparison(replay_sizes, 1 if args.quick else 3)

    test_seconds = None
    if not args.skip_tests:
        test_seconds = statistics.median(
            measure(["make", "--no-print-directory", "test"]).seconds for _ in range(1 if args.quick else 3)
        )

    depths = {
        stack: deploy_depth(json.loads((ROOT / "plans" / f"{stack}.json").read_text()))
        for stack in ("dev", "prod")
    }
    history = ROOT / "bench" / "history.md"
    text = report(modules, floor, plan, scaling, comparison, test_seconds, depths, runs)
    if history.exists():
        text += "\n" + history.read_text()
    args.out.write_text(text)
    print(f"wrote {args.out}")
    return 0


def report(
    modules: list[str],
    floor: Stats,
    plan: Stats,
    scaling: list[tuple[int, Stats, int]],
    comparison: list[Comparison],
    test_seconds: float | None,
    depths: dict[str, dict[str, Any]],
    runs: int,
) -> str:
    ratio = plan.median_s() / floor.median_s()
    extra_mb = plan.median_mb() - floor.median_mb()
    lines = [
        "# Benchmarks",
        "",
        f"Made by `make bench` (`bench/run.py`) on {os.cpu_count()} cores, Python {sys.version.split()[0]};"
        f" {runs} runs per figure, medians with min-max. Regenerate after changing the program.",
        "",
        "## 1. Start-up: dev plan against the SDK import floor",
        "",
        f"The floor imports exactly the {len(modules)} SDK modules a dev plan loads"
        " (read from `sys.modules` after a plan).",
        "",
        "| command | wall s (median) | min-max | peak RSS MB (median) | min-max |",
        "| --- | --- | --- | --- | --- |",
        f'| floor: `python -c "import <{len(modules)} modules>"` | {floor.median_s():.2f} | {floor.range_s()} | {floor.median_mb():.0f} | {floor.range_mb()} |',
        f"| `python -m tools.plan --stack dev --json` | {plan.median_s():.2f} | {plan.range_s()} | {plan.median_mb():.0f} | {plan.range_mb()} |",
        "",
        f"- plan / floor wall time: **{ratio:.2f}x** (target at most 1.15x: {'met' if ratio <= 1.15 else 'MISSED'})",
        f"- plan peak RSS over the floor: **{extra_mb:+.0f} MB** (target at most +40 MB: {'met' if extra_mb <= 40 else 'MISSED'})",
        "",
        "## 2. Scaling with the number of pipelines",
        "",
        "Each pipeline: 2 notebook activities (`notebookPath`), a parameter and a daily schedule.",
        "",
        "| pipelines | resources declared | wall s (median) | min-max | peak RSS MB (median) |",
        "| --- | --- | --- | --- | --- |",
    ]
    for n, stats, resources in scaling:
        lines.append(
            f"| {n} | {resources} | {stats.median_s():.2f} | {stats.range_s()} | {stats.median_mb():.0f} |"
        )
    if len(scaling) >= 2:
        (n0, s0, _), (n1, s1, _) = scaling[0], scaling[-1]
        per_ms = (s1.median_s() - s0.median_s()) / (n1 - n0) * 1000
        per_mb = (s1.median_mb() - s0.median_mb()) / (n1 - n0)
        lines += [
            "",
            f"- marginal cost per added pipeline ({n0} to {n1}): **{per_ms:.1f} ms** and **{per_mb:.2f} MB**"
            f" (targets at most 10 ms: {'met' if per_ms <= 10 else 'MISSED'}; at most 1 MB: {'met' if per_mb <= 1 else 'MISSED'})",
        ]
    lines += [
        "",
        "## 3. The program against the SDK's own registration cost",
        "",
        "The program under the mock engine, in one process, against a replay of exactly the"
        " resources it registered (types, names, parents, inputs, dependencies) as plain"
        " `CustomResource`s and `ComponentResource`s (bench/replay.py); interleaved, medians."
        " The replay runs twice: as a plain Pulumi program (Python's default collector, the"
        " target's baseline) and with the program's collector settings (`gc.freeze()` and"
        " deferred full collections, `__main__.py`), which shows the SDK's work apart from the"
        " collector's.",
        "",
        "| pipelines | program s | SDK replay s | SDK replay with the program's GC settings s |",
        "| --- | --- | --- | --- |",
        *[
            f"| {c.pipelines} | {c.program:.2f} | {c.replay:.2f} | {c.replay_same_gc:.2f} |"
            for c in comparison
        ],
    ]
    if len(comparison) >= 2:
        for a, b in itertools.pairwise(comparison):
            added = b.pipelines - a.pipelines
            program_ms = (b.program - a.program) / added * 1000
            sdk_ms = (b.replay - a.replay) / added * 1000
            same_ms = (b.replay_same_gc - a.replay_same_gc) / added * 1000
            lines += [
                "",
                f"- per added pipeline, {a.pipelines} to {b.pipelines}: program **{program_ms:.1f} ms**,"
                f" SDK **{sdk_ms:.1f} ms** (**{program_ms / sdk_ms:.2f}x**); SDK with the program's GC"
                f" settings {same_ms:.1f} ms ({program_ms / same_ms:.2f}x)",
            ]
        first, last = comparison[0], comparison[-1]
        ratio = (last.program - first.program) / (last.replay - first.replay)
        same = (last.program - first.program) / (last.replay_same_gc - first.replay_same_gc)
        lines += [
            "",
            f"- overall ({first.pipelines} to {last.pipelines}): **{ratio:.2f}x** the SDK's own cost"
            f" (target at most 2x: {'met' if ratio <= 2 else 'MISSED'}); {same:.2f}x the SDK's"
            " work under the same GC settings",
        ]
    lines += ["", "## 4. Tests", ""]
    if test_seconds is None:
        lines.append("- `make test`: not measured in this run (--skip-tests).")
    else:
        lines.append(
            f"- `make test` wall time: **{test_seconds:.1f} s** (target under 60 s: {'met' if test_seconds < 60 else 'MISSED'})"
        )
    lines += ["", "## 5. Deploy depth", ""]
    for stack, depth in depths.items():
        chain = depth["longest"]
        lines += [
            f"### {stack}",
            "",
            f"Longest chain of dependent resources: **{len(chain)}**",
            "",
            *[f"{i}. `{name(u)}` ({depth['types'][u]})" for i, u in enumerate(chain, 1)],
            "",
            f"Waiting on the workspace ({len(depth['waiting'])}): "
            + ", ".join(f"`{name(u)}`" for u in depth["waiting"]),
            "",
            "Edges that carry no input value (ordering only): "
            + (", ".join(f"`{name(a)}` after `{name(b)}`" for a, b in depth["ordering_only"]) or "none"),
            "",
        ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
