"""Settings of the mall service."""

from pydantic import SecretStr

from kit.settings import DEFAULT_SECRET, KitSettings


class Settings(KitSettings):
    service_name: str = "mall"
    port: int = 8005
    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:54329/shanzhi_mall"
    # Signs pickup QR payloads (the code alone still works when typed).
    pickup_qr_key: SecretStr = SecretStr(DEFAULT_SECRET)
    # The platform key of identity's keyed hashes: phone + ID tail at the counter.
    phone_hash_key: SecretStr = SecretStr(DEFAULT_SECRET)
    # An order still waiting for points this long has its placement published again.
    sweep_after_seconds: float = 120.0
    # A counter redemption waits this long for points before answering "pending".
    counter_wait_seconds: float = 5.0
    jobs_every_seconds: float = 30.0
