"""Settings of the notices service."""

from pydantic import Field, SecretStr

from kit.settings import DEFAULT_SECRET, KitSettings


class Settings(KitSettings):
    service_name: str = "notices"
    port: int = 8004
    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:54329/shanzhi_notices"

    # Inbox: WeChat subscription messages (服务通知), through the same API base identity uses.
    wechat_api_base: str = "https://api.weixin.qq.com"
    wechat_appid: str = "wx-demo-appid"
    wechat_secret: SecretStr = SecretStr(DEFAULT_SECRET)
    # What each message topic is sent as: topic ("points", "petitions", "mall", "notices") →
    # the mini-program's subscription template id (WECHAT_TEMPLATES as JSON).
    wechat_templates: dict[str, str] = Field(
        default_factory=lambda: {
            "points": "demo-points-template",
            "petitions": "demo-petitions-template",
            "mall": "demo-mall-template",
            "notices": "demo-notices-template",
        }
    )
    inbox_push_poll_seconds: float = 1.0
    inbox_heartbeat_seconds: float = 15.0
    # A stream ends after this and the client reconnects with a current token.
    inbox_stream_lifetime_seconds: float = 900.0
