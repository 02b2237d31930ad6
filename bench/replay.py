"""The SDK's own cost of registering what the program registers: a Pulumi program that declares
the same resources (types, names, parents, inputs, dependencies) as plain CustomResources and
ComponentResources, with no logic of ours in between.

bench/run.py runs it under the same mock engine as the program (tools/engine.run with
`program=`), reading the registrations of a program run from the file named by
BENCH_REPLAY_FILE, so that "per added pipeline, the program against the SDK" compares like
with like.
"""

import gc
import json
import os
from typing import Any

import pulumi

if os.environ.get("BENCH_REPLAY_GC") == "program":
    # The program's collector settings (__main__.py), to tell the SDK's work from the GC's.
    gc.freeze()
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, 1000)

with open(os.environ["BENCH_REPLAY_FILE"]) as recorded:
    registrations: list[dict[str, Any]] = json.load(recorded)

declared: dict[str, pulumi.Resource] = {}
for r in registrations:
    opts = pulumi.ResourceOptions(
        parent=declared.get(r["parent"]),
        depends_on=[declared[d] for d in r["dependencies"] if d in declared],
    )
    if r["custom"]:
        resource: pulumi.Resource = pulumi.CustomResource(r["type"], r["name"], r["inputs"], opts)
    else:
        resource = pulumi.ComponentResource(r["type"], r["name"], None, opts)
        resource.register_outputs({})
    declared[r["urn"]] = resource
