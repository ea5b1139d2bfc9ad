"""Command line: python -m deploy up | infra | run [--profile test] -- CMD ARGS..."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys

from pydantic import ValidationError

from deploy import commands
from deploy.settings import DeploySettings
from deploy.supervisor import follow_parent, report

# `run` exists for tests, so it defaults to the test profile's ports and data.
_DEFAULT_PROFILE = {"up": "dev", "infra": "dev", "run": "test"}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m deploy", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    for name, text in (
        ("up", "PostgreSQL, Kafka, migrations, every service, the gateway and demo data"),
        ("infra", "only PostgreSQL and Kafka with the databases and topics"),
        ("run", "infrastructure around one command, e.g. run -- pytest -q"),
    ):
        command = sub.add_parser(name, help=text, description=text)
        command.add_argument("--profile", choices=["dev", "test"], default=None)
        if name == "run":
            command.add_argument("argv", nargs=argparse.REMAINDER, help="-- CMD ARGS...")
    return parser


def main() -> int:
    args = _parser().parse_args()
    follow_parent()
    profile = args.profile or os.environ.get("PROFILE") or _DEFAULT_PROFILE[args.command]
    try:
        settings = DeploySettings(profile=profile)
    except ValidationError as error:
        # Say what is wrong (REPLICAS="pionts=3", a port that is not a number) and stop.
        for problem in error.errors():
            where = ".".join(str(part) for part in problem["loc"]).upper()
            message = problem["msg"].removeprefix("Value error, ")
            report("deploy", f"{where + ': ' if where else ''}{message}")
        return 2
    if args.command == "up":
        return asyncio.run(commands.up(settings))
    if args.command == "infra":
        return asyncio.run(commands.infra(settings))
    argv = args.argv[1:] if args.argv[:1] == ["--"] else args.argv
    if not argv:
        _parser().error("run needs a command: python -m deploy run -- CMD ARGS...")
    return asyncio.run(commands.run(settings, argv))


if __name__ == "__main__":
    sys.exit(main())
