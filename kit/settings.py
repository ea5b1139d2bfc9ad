"""Settings base every service extends: database, Kafka, identity JWKS, secrets policy."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SECRET = "changethis"
# Relative data paths (e.g. `storage_dir`) are taken from here, not from the working directory.
REPO_ROOT = Path(__file__).resolve().parent.parent

Environment = Literal["development", "test", "production"]


class KitSettings(BaseSettings):
    """Read from the environment (and .env); empty variables count as unset."""

    model_config = SettingsConfigDict(
        env_file=".env", env_ignore_empty=True, extra="ignore", validate_default=True
    )

    environment: Environment = "development"
    service_name: str = "service"
    host: str = "127.0.0.1"
    port: int = 8000
    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:54329/postgres"
    kafka_bootstrap_servers: str = "127.0.0.1:9092"
    jwks_url: str = "http://127.0.0.1:8001/api/identity/.well-known/jwks.json"
    token_issuer: str = "shanzhi-identity"
    token_audience: str = "shanzhi"
    # How far back every process keeps identity's access changes (kit.access): at least the
    # longest an access token is accepted, identity's ACCESS_TOKEN_MINUTES (15) plus the
    # verifier's 30 s leeway, with a margin. Raise it with ACCESS_TOKEN_MINUTES.
    access_facts_window_seconds: int = 17 * 60
    # Key for secrets derived by the platform (e.g. keyed hashes); services may add more.
    secret_key: SecretStr = SecretStr(DEFAULT_SECRET)
    log_json: bool | None = None  # None: JSON when stderr is not a terminal
    log_level: str = "INFO"
    # Off for API-only test apps, which must not join the service's consumer group.
    consumer_enabled: bool = True
    # Off for test apps whose outbox events a test carries by hand: they stay off the shared
    # broker, where other tests' consumers would have to read past them.
    relay_enabled: bool = True
    outbox_poll_seconds: float = 5.0
    outbox_retention_hours: int = 72
    # Uploaded files (kit.storage.LocalDiskStorage): absolute, or relative to the repository
    # root; unset means .data/<service_name>/uploads. The launcher points it into its data dir.
    storage_dir: Path | None = None

    @property
    def source(self) -> str:
        """CloudEvents `source` of everything this service publishes."""
        return f"/services/{self.service_name}"

    @property
    def storage_root(self) -> Path:
        """The directory uploaded files go under, absolute."""
        path = self.storage_dir or Path(".data") / self.service_name / "uploads"
        return path if path.is_absolute() else REPO_ROOT / path

    def secret_fields(self) -> dict[str, SecretStr]:
        return {k: v for k, v in self.__dict__.items() if isinstance(v, SecretStr)}

    @model_validator(mode="after")
    def _refuse_default_secrets(self) -> KitSettings:
        if self.environment == "development":
            return self
        weak = [
            k for k, v in self.secret_fields().items() if v.get_secret_value() == DEFAULT_SECRET
        ]
        if weak:
            raise ValueError(
                f"{', '.join(weak)} still hold the default secret; set them for {self.environment}"
            )
        return self
