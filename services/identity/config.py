"""Settings of the identity service."""

from kit.settings import KitSettings


class Settings(KitSettings):
    service_name: str = "identity"
    port: int = 8001
    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:54329/shanzhi_identity"
