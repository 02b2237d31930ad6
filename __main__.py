"""adf-databricks: Databricks notebooks run by Azure Data Factory, from one stack's config."""

import gc

import pulumi

from components.platform import AdfDatabricks
from components.settings import from_pulumi_config
from components.workspace_access import auth_mode

# The SDKs imported above are about a thousand modules that live as long as the program.
# Freezing them keeps the cyclic GC from re-scanning them in every full collection while
# resources are declared: about a third of the cost of each added pipeline (BENCHMARKS.md).
gc.freeze()

settings = from_pulumi_config()
platform = AdfDatabricks(settings.project, settings)

pulumi.export("workspaceUrl", platform.workspace.url)
pulumi.export("factoryName", platform.data_factory.factory.name)
pulumi.export("adfStudioUrl", platform.data_factory.studio_url)
pulumi.export("adfMonitorUrl", platform.data_factory.monitor_url)
pulumi.export("pipelines", list(platform.pipelines))
pulumi.export("triggers", {name: t.activated for name, t in platform.triggers.items()})
pulumi.export("notebookPaths", platform.notebook_paths)
pulumi.export("authMode", auth_mode(settings.auth).value)
pulumi.export("runAs", platform.run_as)
