"""Settings of the notices service."""

from kit.settings import KitSettings


class Settings(KitSettings):
    service_name: str = "notices"
    port: int = 8004
    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:54329/shanzhi_notices"
