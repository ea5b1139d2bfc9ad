"""Alembic for one service's database: `python -m kit.migrate <service> [action]`."""

from __future__ import annotations

import argparse
import os
import sys

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory


def alembic_config(service: str, database_url: str | None = None) -> Config:
    """Migrations live in services/<service>/migrations; the URL comes from DATABASE_URL."""
    cfg = Config()
    cfg.set_main_option("script_location", f"services.{service}:migrations")
    cfg.set_main_option("path_separator", "os")
    url = database_url or os.environ.get("DATABASE_URL", "")
    cfg.attributes["database_url"] = url
    return cfg


def head_revisions(service: str) -> set[str]:
    return set(ScriptDirectory.from_config(alembic_config(service)).get_heads())


def upgrade_head(service: str, database_url: str | None = None) -> None:
    command.upgrade(alembic_config(service, database_url), "head")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kit.migrate")
    parser.add_argument("service")
    parser.add_argument(
        "action", nargs="?", default="upgrade", choices=["upgrade", "check", "revision"]
    )
    parser.add_argument("-m", "--message", default="change")
    args = parser.parse_args(argv)
    cfg = alembic_config(args.service)
    if not cfg.attributes["database_url"]:
        print("DATABASE_URL is not set", file=sys.stderr)
        return 2
    if args.action == "upgrade":
        command.upgrade(cfg, "head")
    elif args.action == "check":
        command.check(cfg)
    else:
        command.revision(cfg, message=args.message, autogenerate=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
