"""Settings of the petitions service."""

from kit.settings import KitSettings


class Settings(KitSettings):
    service_name: str = "petitions"
    port: int = 8003
    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:54329/shanzhi_petitions"
