"""Launcher settings read from the environment, with per-profile defaults."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from deploy.replicas import check_ports, parse_replicas, replica_name, replica_port

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
# What REPLICAS can scale: every service and the gateway.
APPS: tuple[str, ...] = (*SERVICES, "gateway")


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
    # Replica counts, "points=3 gateway=2" (deploy/replicas.py); one of each by default.
    replicas: str | None = None

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

    @model_validator(mode="after")
    def _check_replicas(self) -> DeploySettings:
        # Raises ReplicasError (a ValueError) with a message that names the mistake.
        parse_replicas(self.replicas, APPS)
        ports = [("postgres", self.pg_port), ("kafka", self.kafka_port)]
        ports.append(("kafka controller", self.kafka_controller_port))
        for name in APPS:
            count = self.replica_count(name)
            ports += [(replica_name(name, k, count), p) for k, p in enumerate(self.ports_of(name))]
        check_ports(ports)
        return self

    @property
    def replica_counts(self) -> dict[str, int]:
        """Every service and the gateway with how many replicas to run."""
        given = parse_replicas(self.replicas, APPS)
        return {name: given.get(name, 1) for name in APPS}

    def replica_count(self, name: str) -> int:
        return self.replica_counts[name]

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
        """The HTTP port of a service or of the gateway (its first replica's)."""
        port: int = getattr(self, f"{name}_port")
        return port

    def ports_of(self, name: str) -> list[int]:
        """The HTTP port of each replica of a service or of the gateway."""
        base = self.service_port(name)
        return [replica_port(base, k) for k in range(self.replica_count(name))]

    def urls_of(self, name: str) -> list[str]:
        return [f"http://127.0.0.1:{port}" for port in self.ports_of(name)]

    def service_urls(self) -> dict[str, list[str]]:
        """Every replica's base URL, per service (the gateway balances over them)."""
        return {name: self.urls_of(name) for name in SERVICES}
