"""Reusable ComponentResources for Databricks notebooks run by Azure Data Factory.

One module per component (workspace, workspace_access, compute, notebooks, data_factory,
pipeline, trigger, platform), the closed value sets in enums, and settings, which reads
and validates a stack's configuration into their args. Import what you need from its
module; nothing is imported here, so a program loads only the SDKs it uses.
"""

__version__ = "0.3.0"
"""The package's version: the Python distribution's (pyproject.toml reads it) and the
multi-language package schema's (components.package). CHANGELOG.md says what each changed."""
