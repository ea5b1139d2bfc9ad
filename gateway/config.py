"""Settings of the gateway."""

from pathlib import Path

from pydantic import Field, SecretStr

from kit.settings import DEFAULT_SECRET, KitSettings

SERVICES = ("identity", "points", "petitions", "notices", "mall")
# The residents' H5 app as `npm run build:h5` leaves it in a checkout.
RESIDENT_BUILD = Path(__file__).resolve().parent.parent / "web/resident/dist/build/h5"
CONSOLE_BUILD = Path(__file__).resolve().parent.parent / "web/console/dist"


def _default_urls() -> dict[str, list[str] | str]:
    return {name: [f"http://127.0.0.1:{8001 + i}"] for i, name in enumerate(SERVICES)}


class Settings(KitSettings):
    service_name: str = "gateway"
    port: int = 8000
    # Base URL(s) of each service: {"points": ["http://127.0.0.1:8002", ...]} (a plain string
    # per service is accepted too). Several replicas are used round-robin.
    service_urls: dict[str, list[str] | str] = Field(default_factory=_default_urls)
    upstream_timeout_seconds: float = 10.0
    upstream_connect_timeout_seconds: float = 2.0
    # A replica that refused a connection is skipped this long.
    replica_cooldown_seconds: float = 5.0
    max_body_bytes: int = 2 * 1024 * 1024
    # Rate limits (`limits` syntax): per signed-in person, per anonymous client IP, and the
    # stricter ones for login and SMS routes. Per replica, in memory (see README).
    rate_limit_person: str = "600/minute"
    rate_limit_anonymous: str = "120/minute"
    rate_limit_login: str = "20/minute"
    # Open311 POSTs (new service requests) per client IP, on top of the anonymous window.
    rate_limit_open311: str = "60/minute"
    rate_limit_storage_uri: str = "memory://"
    # The gateway's own /metrics answers loopback peers, and others only with
    # `Authorization: Bearer <METRICS_TOKEN>` when one is set (Prometheus `authorization`).
    metrics_token: SecretStr | None = None
    # Partner ingress: identity's internal secret lookup and the platform phone-hash key.
    internal_api_token: SecretStr = SecretStr(DEFAULT_SECRET)
    phone_hash_key: SecretStr = SecretStr(DEFAULT_SECRET)
    webhook_tolerance_seconds: int = 300
    webhook_batch_max: int = 500
    webhook_dedupe_hours: int = 24
    # Refused pushes (bad headers, unknown partner, bad signature) per client IP, tested
    # before the body is read; and authenticated pushes per partner (a batch counts once).
    webhook_failures_per_ip: str = "20/minute"
    webhook_rate_limit_partner: str = "6000/minute"
    # Phone home screen: how long to wait for each section before calling it degraded.
    bff_section_timeout_seconds: float = 1.5
    # The residents' H5 app served at `/` (WEB_ROOT; empty: none). Images put the bundle here.
    web_root: Path | None = RESIDENT_BUILD
    # The staff console served at `/console/` (CONSOLE_ROOT; empty: none).
    console_root: Path | None = CONSOLE_BUILD

    def urls_of(self, service: str) -> list[str]:
        value = self.service_urls.get(service, [])
        return [value] if isinstance(value, str) else list(value)
