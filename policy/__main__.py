"""Entry point the Pulumi CLI runs for `pulumi preview --policy-pack policy`.

The CLI executes this directory with `runpy.run_path`, which puts it first on sys.path, so
`rules` imports as a top-level module. `PolicyPack(...)` starts the analyzer's gRPC server and
blocks until the engine is done, which is why the policies live in rules.py: tests import them
from there without ever serving them.
"""

from pulumi_policy import EnforcementLevel, PolicyPack
from rules import PACK_NAME, POLICIES

PolicyPack(
    name=PACK_NAME,
    policies=POLICIES,
    # Each policy sets its own level; this only covers a policy that forgets to.
    enforcement_level=EnforcementLevel.ADVISORY,
)
