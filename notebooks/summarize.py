"""Summarize Products: a plain PySpark script (not a notebook) run by a Databricks Python activity.

The dev stack's process-data pipeline runs it after Process Data has written products.csv to
`<volume>/<folder>/products.csv`. It counts the products of each category, with their lowest,
average and highest list price, and writes the result as one CSV file to
`<volume>/<folder>/summary/`.

Data Factory passes the activity's parameters as command-line arguments; the stack puts
`--volume <the stack's volume>` before them (a local file's run gets it unless it passes one):

    summarize.py --volume /Volumes/<catalog>/<schema>/<volume> --folder product_data

The identity the run executes as needs READ VOLUME and WRITE VOLUME on the volume, and the
cluster Databricks Runtime 13.3 LTS or above in an access mode with Unity Catalog.
"""

import argparse
import sys


def volume_path(value: str) -> str:
    """The volume, exactly /Volumes/<catalog>/<schema>/<volume> (argparse reports a bad one)."""
    path = value.strip().removesuffix("/")
    parts = path.split("/")
    if parts[:2] != ["", "Volumes"] or len(parts) != 5 or any(p in ("", ".", "..") for p in parts[2:]):
        raise argparse.ArgumentTypeError(f"expected /Volumes/<catalog>/<schema>/<volume>, got {value!r}")
    return path


def folder_name(value: str) -> str:
    """A folder relative to the volume: no leading /, no scheme, no '..' or empty segment."""
    name = value.strip()
    segments = name.split("/")
    if (
        not name
        or name.startswith("/")
        or ":" in name
        or "\\" in name
        or any(s in ("", ".", "..") for s in segments)
    ):
        raise argparse.ArgumentTypeError(f"expected a folder relative to the volume, got {value!r}")
    return name


def arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="summarize.py", description=__doc__.splitlines()[0])
    parser.add_argument("--volume", type=volume_path, required=True, help="the stack's volume")
    parser.add_argument("--folder", type=folder_name, default="product_data", help="folder in the volume")
    return parser.parse_args(argv)


def main(argv: list[str]) -> None:
    args = arguments(argv)
    # Imported here, so that the argument checks run (and are tested) without Spark.
    from pyspark.sql import SparkSession, functions

    spark = SparkSession.builder.getOrCreate()
    directory = f"{args.volume}/{args.folder}"
    products = spark.read.csv(f"{directory}/products.csv", header=True, inferSchema=True)
    summary = (
        products.groupBy("Category")
        .agg(
            functions.count("*").alias("Products"),
            functions.min("ListPrice").alias("LowestPrice"),
            functions.round(functions.avg("ListPrice"), 2).alias("AveragePrice"),
            functions.max("ListPrice").alias("HighestPrice"),
        )
        .orderBy("Category")
    )
    target = f"{directory}/summary"
    summary.coalesce(1).write.mode("overwrite").csv(target, header=True)
    print(f"Wrote {summary.count()} categories to {target}")


if __name__ == "__main__":
    main(sys.argv[1:])
