"""Settings of the identity service."""

import ipaddress

from pydantic import SecretStr, field_validator

from kit.settings import DEFAULT_SECRET, KitSettings


class Settings(KitSettings):
    service_name: str = "identity"
    port: int = 8001
    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:54329/shanzhi_identity"

    access_token_minutes: int = 15
    refresh_token_days: int = 30
    # Encrypts ID numbers, signing keys and partner secrets at rest.
    data_key: SecretStr = SecretStr(DEFAULT_SECRET)
    # Platform key of phone_hash; the gateway holds the same one.
    phone_hash_key: SecretStr = SecretStr(DEFAULT_SECRET)
    # Service-to-service calls (the gateway fetching partner secrets).
    internal_api_token: SecretStr = SecretStr(DEFAULT_SECRET)

    first_admin_phone: str | None = None
    first_admin_password: SecretStr | None = None
    root_district_code: str = "511702"  # GB/T 2260: 通川区
    root_district_name: str = "通川区"

    sms_code_ttl_seconds: int = 300
    sms_code_max_attempts: int = 5
    # Wrong passwords: tight per (phone, client IP), so a stranger elsewhere cannot lock the
    # owner out; a much slower per-phone limit still caps a guesser spread over many IPs.
    login_limit_per_phone_ip: str = "5/15 minutes"
    login_limit_per_phone: str = "50/hour"
    login_limit_per_ip: str = "30/15 minutes"
    sms_limit_per_phone: str = "1/minute;10/day"
    sms_limit_per_ip: str = "20/hour"
    # Real-name submissions per person: each one could probe an ID number.
    verification_limit_per_person: str = "5/day"

    wechat_api_base: str = "https://api.weixin.qq.com"
    wechat_appid: str = "wx-demo-appid"
    wechat_secret: SecretStr = SecretStr(DEFAULT_SECRET)

    partner_secret_grace_hours: int = 24
    # Peers whose X-Forwarded-For is believed (the gateway): addresses or networks (CIDR, e.g.
    # the pod network in Kubernetes); everyone else is the client.
    trusted_proxies: tuple[str, ...] = ("127.0.0.1", "::1")

    @field_validator("trusted_proxies")
    @classmethod
    def _addresses_or_networks(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for entry in value:
            ipaddress.ip_network(entry, strict=False)  # ValueError names the bad entry
        return value
