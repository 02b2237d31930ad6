# Databricks notebook source
# MAGIC %md
# MAGIC # Process Data
# MAGIC
# MAGIC This notebook is run by the **Process Data** Notebook activity of an Azure Data Factory
# MAGIC pipeline. It copies the AdventureWorks products file into a Unity Catalog volume and
# MAGIC returns the path it wrote as the activity's `runOutput`.
# MAGIC
# MAGIC The Learn exercise wrote to the DBFS root (`dbfs:/product_data`). DBFS root and mounts
# MAGIC are deprecated for data, and workspaces created since November 2023 are enabled for
# MAGIC Unity Catalog, so the file goes to a volume instead; the stack creates the volume and
# MAGIC passes its path.
# MAGIC
# MAGIC It takes three parameters (widgets); the activity's **Base parameters** set them:
# MAGIC
# MAGIC | Widget | Default | Meaning |
# MAGIC |---|---|---|
# MAGIC | `volume` | none (required) | The volume to write to, `/Volumes/<catalog>/<schema>/<volume>` |
# MAGIC | `folder` | `product_data` | Folder inside the volume to save the data in |
# MAGIC | `source` | the exercise's products CSV on GitHub | http(s) URL or local file path to read |
# MAGIC
# MAGIC The identity the notebook runs as needs `USE CATALOG`, `USE SCHEMA`, `READ VOLUME` and
# MAGIC `WRITE VOLUME` there, and the cluster must run Databricks Runtime 13.3 LTS or above in an
# MAGIC access mode that supports Unity Catalog.

# COMMAND ----------

# MAGIC %md
# MAGIC ## Parameters
# MAGIC
# MAGIC `dbutils.widgets.text` declares a parameter with a default value;
# MAGIC `dbutils.widgets.get` returns the value passed in (or the default if none was).

# COMMAND ----------

# Databricks provides `dbutils` as a global (pyproject.toml tells ruff so for notebooks/).
import urllib.request

DEFAULT_SOURCE = (
    "https://raw.githubusercontent.com/MicrosoftLearning/mslearn-databricks/main/data/products.csv"
)

dbutils.widgets.text("volume", "")
dbutils.widgets.text("folder", "product_data")
dbutils.widgets.text("source", DEFAULT_SOURCE)

volume = dbutils.widgets.get("volume")
folder = dbutils.widgets.get("folder")
source = dbutils.widgets.get("source")

# COMMAND ----------

# MAGIC %md
# MAGIC ## Check the target
# MAGIC
# MAGIC The volume and folder come from outside the notebook, so check them before writing
# MAGIC anything: the volume must be exactly `/Volumes/<catalog>/<schema>/<volume>`, and the
# MAGIC folder a relative path inside it (no leading `/`, no `..`, no scheme). A bad value fails
# MAGIC the run with a clear message, which ADF shows as the activity's error.

# COMMAND ----------


def validate_volume(value):
    """Return the volume path, trimmed, or raise ValueError saying what is wrong with it."""
    path = value.strip().removesuffix("/")
    expected = "/Volumes/<catalog>/<schema>/<volume>"
    if not path:
        raise ValueError(f"Invalid volume '': pass the Unity Catalog volume to write to as {expected}.")
    parts = path.split("/")
    if parts[:2] != ["", "Volumes"] or len(parts) != 5:
        raise ValueError(f"Invalid volume {value!r}: expected {expected}.")
    for part in parts[2:]:
        if part in ("", ".", "..") or any(c.isspace() or c in ":\\" for c in part):
            raise ValueError(f"Invalid volume {value!r}: {part!r} is not a catalog, schema or volume name.")
    return path


def validate_folder(value):
    """Return the folder name, trimmed, or raise ValueError saying what is wrong with it."""
    name = value.strip()
    if not name:
        raise ValueError("Invalid folder '': the folder parameter must not be empty.")
    if name.startswith("/"):
        raise ValueError(
            f"Invalid folder {value!r}: use a path relative to the volume, without a leading '/'."
        )
    if ":" in name or "\\" in name:
        raise ValueError(
            f"Invalid folder {value!r}: use a plain relative path with '/' separators, "
            "no scheme such as 'dbfs:' and no '\\'."
        )
    parts = name.split("/")
    if ".." in parts:
        raise ValueError(f"Invalid folder {value!r}: '..' is not allowed.")
    if any(part in ("", ".") for part in parts):
        raise ValueError(f"Invalid folder {value!r}: empty or '.' path segments are not allowed.")
    return name


directory = f"{validate_volume(volume)}/{validate_folder(folder)}"
path = f"{directory}/products.csv"
print(f"Saving products to {path}")

# COMMAND ----------

# MAGIC %md
# MAGIC ## Get the product data
# MAGIC
# MAGIC Download the CSV with plain Python when the source is a URL; otherwise read it as a
# MAGIC local file (for example a file in a volume, or a test copy).

# COMMAND ----------


def read_source(location):
    """Return the text at an http(s) URL or in a local file, decoded as UTF-8."""
    if location.lower().startswith(("http://", "https://")):
        with urllib.request.urlopen(location, timeout=60) as response:
            return response.read().decode("utf-8")
    with open(location, encoding="utf-8", newline="") as file:
        return file.read()


if not source.strip():
    raise ValueError("Invalid source '': give an http(s) URL or a file path to read.")
data = read_source(source.strip())
print(f"Read {len(data.splitlines())} lines from {source.strip()}")

# COMMAND ----------

# MAGIC %md
# MAGIC ## Save to the volume
# MAGIC
# MAGIC `dbutils.fs` works on `/Volumes/...` paths. `mkdirs` creates the folder (and does nothing
# MAGIC if it exists); `put(path, contents, True)` writes the text, overwriting any earlier copy.

# COMMAND ----------

dbutils.fs.mkdirs(directory)
dbutils.fs.put(path, data, True)

# COMMAND ----------

# MAGIC %md
# MAGIC ## Return the path
# MAGIC
# MAGIC `dbutils.notebook.exit` ends the run and hands its value back to the caller: ADF shows it
# MAGIC as `runOutput` in the activity's output, e.g.
# MAGIC `/Volumes/adf_databricks_dev/adf_databricks_dev/landing/product_data/products.csv`.

# COMMAND ----------

dbutils.notebook.exit(path)
