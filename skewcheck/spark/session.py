"""The Spark session skewcheck runs in, and Spark's errors as one line the user can act on.

The user never learns Spark's environment: the Python workers run this interpreter (PYSPARK_PYTHON), the
JVM's log lines stay off stderr, and a missing Java, path or column is an InputError
naming it, with the JVM's trace kept as its cause (shown under --debug).
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from py4j.protocol import Py4JError
from pyspark.errors import PySparkException
from pyspark.sql import SparkSession

from skewcheck.errors import InputError


def session(master: str | None = None, conf: Sequence[tuple[str, str]] = ()) -> SparkSession:
    """The running session (under spark-submit, Databricks, a notebook), or a new one: on `master`, else Spark's
    default (local, every core), with `conf` set. Fails as an InputError when Java is missing."""
    # The executors' Python must be this one, with skewcheck and its dependencies (unless the cluster says).
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    launched = SparkSession.getActiveSession() is None and "PYSPARK_GATEWAY_PORT" not in os.environ
    if launched and not os.environ.get("JAVA_HOME") and shutil.which("java") is None:
        raise InputError("Spark needs Java 17 or newer, and there is no java on PATH and no JAVA_HOME")
    builder = SparkSession.builder.appName("skewcheck")
    if master:
        builder = builder.master(master)
    settings = {"spark.ui.showConsoleProgress": "false", "spark.sql.session.timeZone": "UTC"}
    for key, value in [*settings.items(), *conf]:
        builder = builder.config(key, value)
    with spark_errors("starting Spark"), _jvm_stderr_silenced(launched):
        spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


@contextmanager
def spark_errors(doing: str) -> Iterator[None]:
    """Spark's and the JVM's exceptions while `doing` as one InputError line; the original kept as its cause."""
    try:
        yield
    except (PySparkException, Py4JError) as error:
        raise InputError(f"{doing}: {first_line(error)}") from error


def first_line(error: BaseException) -> str:
    """The line of a Spark error that says what went wrong: not the JVM frames, not Spark's SQLSTATE tail."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    if type(error).__name__ == "PythonException" and len(lines) > 1:  # a worker's traceback: its last line says
        return lines[-1]
    useful = [line for line in lines if not line.startswith(("at ", "JVM stacktrace", "SQLSTATE"))]
    return (useful or lines or [type(error).__name__])[0].split(" SQLSTATE: ")[0]


@contextmanager
def _jvm_stderr_silenced(launching: bool) -> Iterator[None]:
    """The JVM launched meanwhile writes its stderr (its log, its startup warnings, its workers') to /dev/null:
    dozens of lines a run would bury skewcheck's one. Its errors still reach us, as exceptions."""
    if not launching:
        yield
        return
    saved, silent = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    os.dup2(silent, 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(silent)
