"""Settings of the mall service."""

from kit.settings import KitSettings


class Settings(KitSettings):
    service_name: str = "mall"
    port: int = 8005
    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:54329/shanzhi_mall"
