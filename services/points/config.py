"""Settings of the points service."""

from kit.settings import KitSettings


class Settings(KitSettings):
    service_name: str = "points"
    port: int = 8002
    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:54329/shanzhi_points"
