"""Settings of the gateway."""

from pydantic import Field

from kit.settings import KitSettings

SERVICES = ("identity", "points", "petitions", "notices", "mall")


class Settings(KitSettings):
    service_name: str = "gateway"
    port: int = 8000
    # Base URL of each service, e.g. {"points": "http://127.0.0.1:8002"}.
    service_urls: dict[str, str] = Field(
        default_factory=lambda: {
            name: f"http://127.0.0.1:{8001 + i}" for i, name in enumerate(SERVICES)
        }
    )
    upstream_timeout_seconds: float = 10.0
