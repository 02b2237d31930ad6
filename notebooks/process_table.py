# Databricks notebook source
# MAGIC %md
# MAGIC # Process Table
# MAGIC
# MAGIC Run once per table by the **Process Table** Notebook activity inside the **For Each Table**
# MAGIC ForEach activity of the `process-tables` pipeline (`table` is the ForEach's `@item()`).
# MAGIC It copies one table of the TPC-H sample catalog every workspace has (`samples.tpch`)
# MAGIC into the stack's Unity Catalog volume as Parquet, at `<volume>/tpch/<table>`.
# MAGIC
# MAGIC | Widget | Default | Meaning |
# MAGIC |---|---|---|
# MAGIC | `volume` | none (required) | The volume to write to, `/Volumes/<catalog>/<schema>/<volume>` (set by the stack) |
# MAGIC | `table` | none (required) | The `samples.tpch` table to copy: `nation`, `region`, `customer`, ... |

# COMMAND ----------

# Databricks provides `dbutils` and `spark` as globals (pyproject.toml tells ruff so for notebooks/).
import re

dbutils.widgets.text("volume", "")
dbutils.widgets.text("table", "")

volume = dbutils.widgets.get("volume").rstrip("/")
table = dbutils.widgets.get("table")

if not volume.startswith("/Volumes/"):
    raise ValueError(f"volume must be a Unity Catalog volume path (/Volumes/...), got {volume!r}")
if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", table):
    raise ValueError(f"table must be a table name of samples.tpch, got {table!r}")

# COMMAND ----------

target = f"{volume}/tpch/{table}"
rows = spark.table(f"samples.tpch.{table}")
rows.write.mode("overwrite").parquet(target)
dbutils.notebook.exit(target)
