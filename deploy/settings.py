"""Launcher settings read from the environment, with per-profile defaults."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent

Profile = Literal["dev", "test"]

# The test profile shifts every port by 10 000 (and PostgreSQL by 10) so a
# developer's running stack and a test run can live side by side.
_PROFILE_DEFAULTS: dict[str, dict[str, Any]] = {
    "dev": {
        "data_dir": REPO_ROOT / ".data",
        "pg_port": 54329,
        "kafka_port": 9092,
        "kafka_controller_port": 9093,
        "gateway_port": 8000,
        "identity_port": 8001,
        "points_port": 8002,
        "petitions_port": 8003,
        "notices_port": 8004,
        "mall_port": 8005,
        # The demo's district administrator, so `make up` has someone to log in as
        # (and the seed someone to load demo data with); the environment overrides it.
        "first_admin_phone": "13800000000",
        "first_admin_password": "Admin@2026",
    },
    "test": {
        "data_dir": REPO_ROOT / ".data" / "test",
        "pg_port": 54339,
        "kafka_port": 19092,
        "kafka_controller_port": 19093,
        "gateway_port": 18000,
        "identity_port": 18001,
        "points_port": 18002,
        "petitions_port": 18003,
        "notices_port": 18004,
        "mall_port": 18005,
    },
}

SERVICES: tuple[str, ...] = ("identity", "points", "petitions", "notices", "mall")


class DeploySettings(BaseSettings):
    """Where the local stack keeps its data and which ports it listens on."""

    model_config = SettingsConfigDict(env_ignore_empty=True, extra="ignore")

    profile: Profile = "dev"
    data_dir: Path
    pg_port: int
    database_url: str | None = None
    kafka_bootstrap_servers: str | None = None
    kafka_port: int
    kafka_controller_port: int
    kafka_version: str = "4.4.0"
    kafka_partitions: int = 6
    kafka_heap: str = "512m"
    gateway_port: int
    identity_port: int
    points_port: int
    petitions_port: int
    notices_port: int
    mall_port: int
    first_admin_phone: str | None = None
    first_admin_password: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _fill_profile_defaults(cls, data: Any) -> Any:
        # Defaults depend on the profile, which is only known once the
        # environment (or the --profile flag) has been read.
        if not isinstance(data, dict):
            return data
        profile = data.get("profile") or "dev"
        for key, value in _PROFILE_DEFAULTS.get(profile, {}).items():
            data.setdefault(key, value)
        return data

    @property
    def cache_dir(self) -> Path:
        """Downloaded artefacts (the Kafka jars); shared by all profiles."""
        return REPO_ROOT / ".cache"

    @property
    def postgres_dir(self) -> Path:
        return self.data_dir.resolve() / "postgres"

    @property
    def kafka_dir(self) -> Path:
        return self.data_dir.resolve() / "kafka"

    def service_port(self, name: str) -> int:
        """The HTTP port of a service or of the gateway."""
        port: int = getattr(self, f"{name}_port")
        return port

    def service_urls(self) -> dict[str, str]:
        return {name: f"http://127.0.0.1:{self.service_port(name)}" for name in SERVICES}
