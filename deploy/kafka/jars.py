"""The Kafka broker's jars: checking for Java and Maven, and fetching them once."""

from __future__ import annotations

import asyncio
import fcntl
import re
import shutil
import subprocess
from pathlib import Path

POM = Path(__file__).resolve().parent / "pom.xml"
MIN_JAVA = 17

_MISSING_TOOLS = (
    "{tool} was not found on PATH. The local Kafka broker needs Java {java}+ and Maven "
    "(e.g. `apt-get install openjdk-17-jre-headless maven`), or set "
    "KAFKA_BOOTSTRAP_SERVERS to use a Kafka cluster that is already running."
)


class KafkaSetupError(RuntimeError):
    """Java, Maven or the Kafka jars are not available."""


def jar_dir(cache_dir: Path, version: str) -> Path:
    return cache_dir / "kafka" / version


def require_tool(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        raise KafkaSetupError(_MISSING_TOOLS.format(tool=tool, java=MIN_JAVA))
    return path


def require_java() -> str:
    """The java executable, checked to be new enough for a Kafka 4 broker."""
    java = require_tool("java")
    done = subprocess.run([java, "-version"], capture_output=True, text=True, check=False)
    found = re.search(r'version "(\d+)(?:\.(\d+))?', done.stderr + done.stdout)
    if found is None:
        return java
    # Java 8 and older report "1.8"; the major version is then the second number.
    major = int(found.group(2) or 0) if found.group(1) == "1" else int(found.group(1))
    if major < MIN_JAVA:
        raise KafkaSetupError(
            f"{java} is Java {major}; the Kafka broker needs Java {MIN_JAVA}+, or set "
            "KAFKA_BOOTSTRAP_SERVERS to use a Kafka cluster that is already running."
        )
    return java


def check_prerequisites(cache_dir: Path, version: str) -> None:
    """Java always; Maven only while the jars still have to be fetched."""
    require_java()
    if not _is_complete(jar_dir(cache_dir, version), version):
        require_tool("mvn")


def _is_complete(directory: Path, version: str) -> bool:
    return (directory / f"kafka_2.13-{version}.jar").exists()


async def ensure_jars(cache_dir: Path, version: str) -> Path:
    """Return the directory holding the broker's jars, fetching them with Maven if missing."""
    target = jar_dir(cache_dir, version)
    if _is_complete(target, version):
        return target
    return await asyncio.to_thread(_fetch_locked, target, version)


def _fetch_locked(target: Path, version: str) -> Path:
    # Two launchers may start at once (a test run next to a dev stack); the
    # lock lets one download while the other waits and then reuses it.
    target.parent.mkdir(parents=True, exist_ok=True)
    with (target.parent / f".{version}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not _is_complete(target, version):
            _fetch(target, version)
    return target


def _fetch(target: Path, version: str) -> None:
    mvn = require_tool("mvn")
    require_java()
    print(f"kafka     | fetching Kafka {version} jars into {target} (once)", flush=True)
    # Download beside the target and rename, so an interrupted download never
    # looks like a complete one.
    partial = target.with_name(target.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    argv = [
        mvn, "-q", "-B", "-f", str(POM),
        "dependency:copy-dependencies",
        f"-DoutputDirectory={partial}",
        "-DincludeScope=runtime",
        f"-Dkafka.version={version}",
    ]  # fmt: skip
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    if done.returncode != 0 or not _is_complete(partial, version):
        raise KafkaSetupError(
            f"fetching the Kafka {version} jars failed:\n{done.stdout}{done.stderr}"
        )
    shutil.rmtree(target, ignore_errors=True)
    partial.rename(target)
