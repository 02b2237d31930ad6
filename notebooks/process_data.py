# Databricks notebook source
# MAGIC %md
# MAGIC # Process Data
# MAGIC
# MAGIC This notebook is run by the **Process Data** Notebook activity of an Azure Data Factory
# MAGIC pipeline. It copies the AdventureWorks products file into the Databricks File System
# MAGIC (DBFS) and returns the path it wrote as the activity's `runOutput`.
# MAGIC
# MAGIC It takes two parameters (widgets); the activity's **Base parameters** set them:
# MAGIC
# MAGIC | Widget | Default | Meaning |
# MAGIC |---|---|---|
# MAGIC | `folder` | `product_data` | DBFS folder to save the data in, relative to `dbfs:/` |
# MAGIC | `source` | the exercise's products CSV on GitHub | http(s) URL or local file path to read |

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

dbutils.widgets.text("folder", "product_data")
dbutils.widgets.text("source", DEFAULT_SOURCE)

folder = dbutils.widgets.get("folder")
source = dbutils.widgets.get("source")

# COMMAND ----------

# MAGIC %md
# MAGIC ## Check the folder
# MAGIC
# MAGIC The folder comes from outside the notebook, so check it before writing anything:
# MAGIC it must be a relative path (no leading `/`, no `..`, no `dbfs:` prefix). A bad value
# MAGIC fails the run with a clear message, which ADF shows as the activity's error.

# COMMAND ----------


def validate_folder(value):
    """Return the folder name, trimmed, or raise ValueError saying what is wrong with it."""
    name = value.strip()
    if not name:
        raise ValueError("Invalid folder '': the folder parameter must not be empty.")
    if name.startswith("/"):
        raise ValueError(f"Invalid folder {value!r}: use a path relative to dbfs:/ without a leading '/'.")
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


folder = validate_folder(folder)
path = f"dbfs:/{folder}/products.csv"
print(f"Saving products to {path}")

# COMMAND ----------

# MAGIC %md
# MAGIC ## Get the product data
# MAGIC
# MAGIC Download the CSV with plain Python when the source is a URL; otherwise read it as a
# MAGIC local file (for example a `/dbfs/...` path, or a test copy).

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
# MAGIC ## Save to DBFS
# MAGIC
# MAGIC `dbutils.fs.put(path, contents, True)` writes the text, overwriting any earlier copy.

# COMMAND ----------

dbutils.fs.put(path, data, True)

# COMMAND ----------

# MAGIC %md
# MAGIC ## Return the path
# MAGIC
# MAGIC `dbutils.notebook.exit` ends the run and hands its value back to the caller: ADF shows it
# MAGIC as `runOutput` in the activity's output, e.g. `dbfs:/product_data/products.csv`.

# COMMAND ----------

dbutils.notebook.exit(path)
