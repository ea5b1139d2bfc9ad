"""The inbox's share of the notices process: the LISTEN hub and the WeChat push job."""

from __future__ import annotations

import asyncio

import httpx
from fastapi import FastAPI

from kit.db import asyncpg_dsn
from kit.service import ServiceRuntime, StartupHook
from services.notices.config import Settings
from services.notices.inbox.push import run_push_job
from services.notices.inbox.stream import InboxHub
from services.notices.inbox.wechat import WeChatSender


def inbox_startup(settings: Settings) -> StartupHook:
    async def start(app: FastAPI, runtime: ServiceRuntime) -> None:
        hub = InboxHub(asyncpg_dsn(settings.database_url))
        client = httpx.AsyncClient()
        app.state.inbox_hub = hub
        app.state.inbox_http = client
        sender = WeChatSender(
            client=client,
            base_url=settings.wechat_api_base,
            appid=settings.wechat_appid,
            secret=settings.wechat_secret.get_secret_value(),
        )
        runtime.tasks.append(asyncio.create_task(hub.run(runtime.stopping), name="inbox-listen"))
        runtime.tasks.append(
            asyncio.create_task(_push(runtime, sender, client, settings), name="inbox-push")
        )

    return start


async def _push(
    runtime: ServiceRuntime, sender: WeChatSender, client: httpx.AsyncClient, settings: Settings
) -> None:
    try:
        await run_push_job(
            runtime.session_factory,
            sender,
            stopping=runtime.stopping,
            poll_seconds=settings.inbox_push_poll_seconds,
        )
    finally:
        await client.aclose()
