"""adf-databricks: Databricks notebooks run by Azure Data Factory, from one stack's config."""

import gc

import pulumi

from components.platform import AdfDatabricks
from components.settings import from_pulumi_config

# The SDKs imported above are about a thousand modules that live as long as the program.
# Freezing them keeps the cyclic GC from re-scanning them in every full collection while
# resources are declared: about a third of the cost of each added pipeline (BENCHMARKS.md).
gc.freeze()
# What the program declares lives as long as the program too, so a full collection, which
# re-scans all of it, finds almost nothing while costing more with every pipeline (the
# cost per pipeline grew by half from 200 to 1,000 pipelines). The young generations, where
# the SDK's short-lived cyclic garbage dies, are still collected as usual: peak memory stays
# that of the default thresholds (BENCHMARKS.md).
young, middle, _ = gc.get_threshold()
gc.set_threshold(young, middle, 1000)

settings = from_pulumi_config()
platform = AdfDatabricks(settings.project, settings.args)

pulumi.export("workspaceUrl", platform.workspace_url)
pulumi.export("factoryName", platform.factory_name)
pulumi.export("adfStudioUrl", platform.studio_url)
pulumi.export("adfMonitorUrl", platform.monitor_url)
pulumi.export("pipelines", platform.pipeline_names)
pulumi.export("triggers", platform.trigger_states)
pulumi.export("notebookPaths", platform.notebook_paths)
pulumi.export("authMode", platform.auth_mode)
pulumi.export("runAs", platform.run_as)
if platform.log_analytics_workspace_id is not None:
    pulumi.export("logAnalyticsWorkspaceId", platform.log_analytics_workspace_id)
if platform.failed_runs_query is not None:
    pulumi.export("failedRunsQuery", platform.failed_runs_query)
