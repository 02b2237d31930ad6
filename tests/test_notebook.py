"""Runs notebooks/process_data.py locally with a stand-in `dbutils`, as Databricks would."""

import io
import re
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "process_data.py"
PRODUCTS = ROOT / "notebooks" / "data" / "products.csv"
EXERCISE_URL = "https://raw.githubusercontent.com/MicrosoftLearning/mslearn-databricks/main/data/products.csv"
VOLUME = "/Volumes/adf_databricks_dev/adf_databricks_dev/landing"


class NotebookExit(Exception):
    """Raised by the stand-in `dbutils.notebook.exit`: like Databricks, exit stops the run."""

    def __init__(self, value):
        super().__init__(value)
        self.value = value


class InputWidgetNotDefined(Exception):
    """Raised when the notebook reads a widget it never declared, as Databricks does."""


class Widgets:
    def __init__(self, params):
        self.params = dict(params)  # values passed in, like ADF base parameters
        self.defaults = {}

    def text(self, name, default_value, label=None):
        self.defaults[name] = default_value

    def get(self, name):
        if name not in self.defaults:
            raise InputWidgetNotDefined(name)
        return self.params.get(name, self.defaults[name])


class Fs:
    def __init__(self):
        self.calls = []  # ("mkdirs", path) and ("put", path, contents, overwrite), in call order

    def mkdirs(self, dir):
        self.calls.append(("mkdirs", dir))
        return True

    def put(self, file, contents, overwrite=False):
        self.calls.append(("put", file, contents, overwrite))
        return True

    @property
    def writes(self):
        return [call[1:] for call in self.calls if call[0] == "put"]


class Notebook:
    def exit(self, value):
        raise NotebookExit(value)


class DbUtils:
    def __init__(self, params):
        self.widgets = Widgets(params)
        self.fs = Fs()
        self.notebook = Notebook()


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError(f"the test tried to use the network: {args!r}")

    monkeypatch.setattr(urllib.request, "urlopen", refuse)


def exec_notebook(dbutils):
    """Run the notebook source as Databricks does: top to bottom, `dbutils` a global."""
    code = compile(NOTEBOOK.read_text(encoding="utf-8"), str(NOTEBOOK), "exec")
    # exec is the point: the notebook is a script with globals, not an importable module.
    exec(code, {"__name__": "__main__", "dbutils": dbutils})


def run_notebook(**params):
    """Run the notebook with the given widget values; return (dbutils, exit value or None)."""
    dbutils = DbUtils(params)
    try:
        exec_notebook(dbutils)
    except NotebookExit as done:
        return dbutils, done.value
    return dbutils, None


def expected_contents():
    return PRODUCTS.read_bytes().decode("utf-8")


def test_writes_into_the_volume_and_exits_with_the_path():
    dbutils, exit_value = run_notebook(volume=VOLUME, source=str(PRODUCTS))

    expected = f"{VOLUME}/product_data/products.csv"
    assert dbutils.fs.calls == [
        ("mkdirs", f"{VOLUME}/product_data"),
        ("put", expected, expected_contents(), True),
    ]
    assert exit_value == expected


@pytest.mark.parametrize("folder", ["sales", "landing/products-2024"])
def test_folder_parameter_sets_the_folder_inside_the_volume(folder):
    dbutils, exit_value = run_notebook(volume=VOLUME, folder=folder, source=str(PRODUCTS))

    expected = f"{VOLUME}/{folder}/products.csv"
    assert [write[0] for write in dbutils.fs.writes] == [expected]
    assert exit_value == expected


@pytest.mark.parametrize(
    ("given", "used"),
    [
        (f"{VOLUME}/", VOLUME),
        (f"  {VOLUME} ", VOLUME),
        ("/Volumes/main/etl-in/raw_files", "/Volumes/main/etl-in/raw_files"),
    ],
)
def test_volume_is_trimmed(given, used):
    _, exit_value = run_notebook(volume=given, source=str(PRODUCTS))

    assert exit_value == f"{used}/product_data/products.csv"


def test_written_content_is_the_source_file_and_overwrites():
    dbutils, _ = run_notebook(volume=VOLUME, folder="copy", source=str(PRODUCTS))

    ((_, contents, overwrite),) = dbutils.fs.writes
    assert contents == expected_contents()
    assert contents.splitlines()[0] == "ProductID,ProductName,Category,ListPrice"
    assert overwrite is True


def test_widgets_and_defaults_are_declared():
    dbutils, _ = run_notebook(volume=VOLUME, source=str(PRODUCTS))

    # No default volume: the notebook cannot know the catalog, so the caller must pass it.
    assert dbutils.widgets.defaults == {
        "volume": "",
        "folder": "product_data",
        "source": EXERCISE_URL,
    }


def test_url_source_is_downloaded_with_urllib(monkeypatch):
    requested = []

    def fake_urlopen(url, *args, **kwargs):
        requested.append(url)
        return io.BytesIO(PRODUCTS.read_bytes())

    monkeypatch.setattr(urllib.request, "urlopen", fake_urlopen)

    dbutils, exit_value = run_notebook(volume=VOLUME)  # source left at its default URL

    expected = f"{VOLUME}/product_data/products.csv"
    assert requested == [EXERCISE_URL]
    assert dbutils.fs.writes == [(expected, expected_contents(), True)]
    assert exit_value == expected


def test_nothing_is_written_to_dbfs():
    dbutils, exit_value = run_notebook(volume=VOLUME, source=str(PRODUCTS))

    touched = [call[1] for call in dbutils.fs.calls] + [exit_value]
    assert all(p.startswith("/Volumes/") for p in touched), touched


@pytest.mark.parametrize(
    ("volume", "message"),
    [
        (None, "pass the Unity Catalog volume"),  # not passed at all: the widget's default
        ("", "pass the Unity Catalog volume"),
        ("   ", "pass the Unity Catalog volume"),
        ("dbfs:/product_data", "expected /Volumes/<catalog>/<schema>/<volume>"),
        ("/mnt/data", "expected /Volumes/<catalog>/<schema>/<volume>"),
        ("/Volumes/main/etl", "expected /Volumes/<catalog>/<schema>/<volume>"),
        ("/Volumes/main/etl/raw/extra", "expected /Volumes/<catalog>/<schema>/<volume>"),
        ("Volumes/main/etl/raw", "expected /Volumes/<catalog>/<schema>/<volume>"),
        ("/volumes/main/etl/raw", "expected /Volumes/<catalog>/<schema>/<volume>"),
        ("/Volumes/main/../raw", "'..' is not a catalog, schema or volume name"),
        ("/Volumes/main//raw", "'' is not a catalog, schema or volume name"),
        ("/Volumes/main/my schema/raw", "'my schema' is not a catalog, schema or volume name"),
    ],
)
def test_bad_volume_fails_clearly_and_writes_nothing(volume, message):
    params = {"source": str(PRODUCTS)}
    if volume is not None:
        params["volume"] = volume
    dbutils = DbUtils(params)

    with pytest.raises(ValueError, match=re.escape(message)) as failure:
        exec_notebook(dbutils)

    assert "Invalid volume" in str(failure.value)
    assert dbutils.fs.calls == []


@pytest.mark.parametrize(
    ("folder", "message"),
    [
        ("", "must not be empty"),
        ("   ", "must not be empty"),
        ("../x", "'..' is not allowed"),
        ("data/../../etc", "'..' is not allowed"),
        ("/abs", "without a leading '/'"),
        ("dbfs:/abs", "no scheme"),
        ("a//b", "empty or '.' path segments"),
    ],
)
def test_bad_folder_fails_clearly_and_writes_nothing(folder, message):
    dbutils = DbUtils({"volume": VOLUME, "folder": folder, "source": str(PRODUCTS)})

    with pytest.raises(ValueError, match=re.escape(message)) as failure:
        exec_notebook(dbutils)

    assert "Invalid folder" in str(failure.value)
    assert dbutils.fs.calls == []


def test_file_is_in_databricks_source_format():
    text = NOTEBOOK.read_text(encoding="utf-8")
    lines = text.splitlines()

    assert lines[0] == "# Databricks notebook source"
    separators = [line for line in lines if line.startswith("# COMMAND")]
    assert len(separators) >= 3
    assert set(separators) == {"# COMMAND ----------"}
    assert "# MAGIC %md" in lines


# ---------------------------------------------------------------- notebooks/summarize.py


def summarize_module():
    """notebooks/summarize.py as a module (a plain script, not a notebook: no dbutils)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("summarize", ROOT / "notebooks" / "summarize.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_summarize_reads_the_arguments_the_stack_passes():
    """The Python activity passes --volume (set by the stack) before the pipeline's --folder."""
    args = summarize_module().arguments(["--volume", f"{VOLUME}/", "--folder", " product_data "])
    assert (args.volume, args.folder) == (VOLUME, "product_data")


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["--volume", "/Volumes/a/b"],
        ["--volume", "dbfs:/Volumes/a/b/c"],
        ["--volume", VOLUME, "--folder", "/abs"],
        ["--volume", VOLUME, "--folder", "a/../b"],
        ["--volume", VOLUME, "--folder", "dbfs:/x"],
    ],
)
def test_summarize_refuses_bad_arguments_before_starting_spark(argv, capsys):
    with pytest.raises(SystemExit) as caught:
        summarize_module().main(argv)
    assert caught.value.code == 2  # argparse's usage error, shown as the activity's error
    assert "summarize.py: error:" in capsys.readouterr().err
