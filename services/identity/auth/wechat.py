"""WeChat mini-program login: exchange a `code` for an openid at code2session."""

from __future__ import annotations

import httpx

from kit.errors import DomainError

# How long a client should wait before trying WeChat login again.
RETRY_AFTER_SECONDS = 30


class WechatUnavailable(DomainError):
    """WeChat did not answer: our dependency is down, so a retryable 503 (not a 502)."""

    status = 503
    title = "微信服务不可用"


class WechatRefused(DomainError):
    status = 401
    title = "微信登录失败"


async def code_to_openid(
    *, client: httpx.AsyncClient, base_url: str, appid: str, secret: str, code: str
) -> str:
    try:
        answer = await client.get(
            f"{base_url.rstrip('/')}/sns/jscode2session",
            params={
                "appid": appid,
                "secret": secret,
                "js_code": code,
                "grant_type": "authorization_code",
            },
            timeout=5.0,
        )
        body = answer.json()
    except (httpx.HTTPError, ValueError):
        raise WechatUnavailable(
            "暂时无法连接微信，请稍后再试", headers={"Retry-After": str(RETRY_AFTER_SECONDS)}
        ) from None
    openid = body.get("openid") if isinstance(body, dict) else None
    if not openid:
        raise WechatRefused("微信登录凭证无效或已过期", field="code")
    return str(openid)
