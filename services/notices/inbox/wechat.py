"""WeChat subscription messages (服务通知) behind a `Sender` interface, and code2session.

Logs name template ids, error codes and our message ids only: never an openid or a name.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import httpx

from kit.errors import DomainError
from services.notices.inbox.rules import PushOutcome, push_outcome

log = logging.getLogger("notices.inbox.wechat")
TIMEOUT = 5.0
# WeChat's codes for an access token that expired or is not (any longer) valid.
TOKEN_INVALID = frozenset({40001, 40014, 42001})
# Renew a little before WeChat's stated expiry.
TOKEN_MARGIN_SECONDS = 300
NO_ANSWER = -1


@dataclass(frozen=True)
class SubscriptionMessage:
    openid: str
    template_id: str
    page: str
    data: dict[str, dict[str, str]]


@dataclass(frozen=True)
class SendResult:
    outcome: PushOutcome
    errcode: int


class Sender(Protocol):
    async def send(self, message: SubscriptionMessage) -> SendResult: ...


class WeChatSender:
    """Sends through `{base}/cgi-bin/message/subscribe/send` with a cached access token."""

    def __init__(
        self,
        *,
        client: httpx.AsyncClient,
        base_url: str,
        appid: str,
        secret: str,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._base = base_url.rstrip("/")
        self._appid = appid
        self._secret = secret
        self._monotonic = monotonic
        self._token: str | None = None
        self._expires = 0.0
        self._lock = asyncio.Lock()

    async def send(self, message: SubscriptionMessage) -> SendResult:
        try:
            token = await self._access_token()
            code = await self._post(token, message)
            if code in TOKEN_INVALID:
                # Expired or revoked early (another process may have renewed it): once more.
                token = await self._access_token(stale=token)
                code = await self._post(token, message)
        except (httpx.HTTPError, ValueError) as exc:
            log.warning("wechat unreachable", extra={"error": type(exc).__name__})
            return SendResult(PushOutcome.RETRY, NO_ANSWER)
        result = SendResult(push_outcome(code), code)
        log.info(
            "wechat subscription message",
            extra={"template_id": message.template_id, "errcode": code, "outcome": result.outcome},
        )
        return result

    async def _access_token(self, *, stale: str | None = None) -> str:
        async with self._lock:
            fresh = self._token is not None and self._token != stale
            if fresh and self._monotonic() < self._expires:
                assert self._token is not None
                return self._token
            answer = await self._client.get(
                f"{self._base}/cgi-bin/token",
                params={
                    "grant_type": "client_credential",
                    "appid": self._appid,
                    "secret": self._secret,
                },
                timeout=TIMEOUT,
            )
            body = _json(answer)
            token = body.get("access_token")
            if not isinstance(token, str) or not token:
                log.warning("wechat token refused", extra={"errcode": body.get("errcode")})
                raise ValueError("no access token")
            self._token = token
            lifetime = int(body.get("expires_in", 7200))
            self._expires = self._monotonic() + max(lifetime - TOKEN_MARGIN_SECONDS, 60)
            return token

    async def _post(self, token: str, message: SubscriptionMessage) -> int:
        answer = await self._client.post(
            f"{self._base}/cgi-bin/message/subscribe/send",
            params={"access_token": token},
            json={
                "touser": message.openid,
                "template_id": message.template_id,
                "page": message.page,
                "data": message.data,
            },
            timeout=TIMEOUT,
        )
        return int(_json(answer).get("errcode", NO_ANSWER))


def _json(answer: httpx.Response) -> dict[str, Any]:
    body = answer.json()
    if not isinstance(body, dict):
        raise ValueError("not a JSON object")
    return body


class WechatUnavailable(DomainError):
    status = 503
    title = "微信服务不可用"


class WechatRefused(DomainError):
    status = 422
    title = "微信凭证无效"


async def code_to_openid(
    *, client: httpx.AsyncClient, base_url: str, appid: str, secret: str, code: str
) -> str:
    """The openid of the person who just called wx.login in the mini-program (jscode2session):
    WeChat vouches for it, so a client can never subscribe someone else's openid."""
    try:
        answer = await client.get(
            f"{base_url.rstrip('/')}/sns/jscode2session",
            params={
                "appid": appid,
                "secret": secret,
                "js_code": code,
                "grant_type": "authorization_code",
            },
            timeout=TIMEOUT,
        )
        body = _json(answer)
    except (httpx.HTTPError, ValueError):
        raise WechatUnavailable("暂时无法连接微信，请稍后再试") from None
    openid = body.get("openid")
    if not isinstance(openid, str) or not openid:
        raise WechatRefused("微信登录凭证无效或已过期", field="code")
    return openid
