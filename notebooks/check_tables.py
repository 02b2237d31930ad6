# Databricks notebook source
# MAGIC %md
# MAGIC # Check Tables
# MAGIC
# MAGIC Run by the **Check Tables** Notebook activity of the `process-tables` pipeline after its
# MAGIC ForEach: a ForEach has no output to read, so this notebook counts how many of the tables
# MAGIC the pipeline was given now have a copy in the volume, and returns the count as the
# MAGIC activity's `runOutput`. The pipeline's **All Tables Written** IfCondition compares it with
# MAGIC the number of tables and fails the run when some are missing.
# MAGIC
# MAGIC | Widget | Default | Meaning |
# MAGIC |---|---|---|
# MAGIC | `volume` | none (required) | The volume the tables were written to (set by the stack) |
# MAGIC | `tables` | none | The tables expected, comma-separated |

# COMMAND ----------

# Databricks provides `dbutils` as a global (pyproject.toml tells ruff so for notebooks/).
dbutils.widgets.text("volume", "")
dbutils.widgets.text("tables", "")

volume = dbutils.widgets.get("volume").rstrip("/")
expected = [t for t in dbutils.widgets.get("tables").split(",") if t]

try:
    written = {entry.name.rstrip("/") for entry in dbutils.fs.ls(f"{volume}/tpch")}
except Exception:  # no folder yet: nothing was written
    written = set()

dbutils.notebook.exit(str(sum(table in written for table in expected)))
