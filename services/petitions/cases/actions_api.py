"""POST /api/petitions/{id}/actions/{action}: one route per action, each with its own body,
so the OpenAPI document says exactly what every action takes."""

# No `from __future__ import annotations`: each route's body type is a closure variable that
# FastAPI must see as a real class when the route is built.
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter

from kit.deps import CurrentPrincipal
from services.petitions.cases import actions, views
from services.petitions.cases.rules import Action
from services.petitions.cases.schemas import (
    AcceptIn,
    AdoptIn,
    AssignIn,
    CloseIn,
    NoteIn,
    PetitionOut,
    ProgressIn,
    RateIn,
    ReasonIn,
    ReopenIn,
    ResolveIn,
    StartIn,
)
from services.petitions.cases.service import Act, begin
from services.petitions.deps import Now, Session

router = APIRouter(tags=["petition actions"])

Handler = Callable[[Act, Any], Awaitable[None]]

# action → (body model, what it does, summary)
ACTIONS: dict[Action, tuple[type[Any], Handler, str]] = {
    "accept": (AcceptIn, actions.accept, "受理（可同时指派）"),
    "reject": (ReasonIn, actions.reject, "不予受理（须说明理由）"),
    "cancel": (ReasonIn, actions.cancel, "撤回（提出人）"),
    "assign": (AssignIn, actions.assign, "指派承办人或网格"),
    "start": (StartIn, actions.start, "开始办理"),
    "progress": (ProgressIn, actions.progress, "办理进展（可附照片）"),
    "resolve": (ResolveIn, actions.resolve, "办结并公开答复"),
    "rate": (RateIn, actions.rate, "评价（3–5 分办结，1–2 分重新办理）"),
    "reopen": (ReopenIn, actions.reopen, "不满意，重新办理"),
    "close": (CloseIn, actions.close, "确认办结（提出人）"),
    "adopt": (AdoptIn, actions.adopt, "采纳建议（按积分清单奖励）"),
    "note": (NoteIn, actions.note, "内部备注（仅工作人员可见）"),
}


def _route(action: Action, model: type[Any], handler: Handler, summary: str) -> None:
    async def act(
        petition_id: uuid.UUID,
        body: model,  # type: ignore[valid-type]
        principal: CurrentPrincipal,
        session: Session,
        now: Now,
    ) -> PetitionOut:
        doing = await begin(
            session=session, principal=principal, petition_id=petition_id, action=action, now=now
        )
        await handler(doing, body)
        answer = await views.petition_out(session, doing.petition, doing.viewer)
        await session.commit()
        return answer

    act.__name__ = f"petition_{action}"
    router.add_api_route(
        f"/{{petition_id}}/actions/{action}",
        act,
        methods=["POST"],
        summary=summary,
        response_model=PetitionOut,
    )


for _action, (_model, _handler, _summary) in ACTIONS.items():
    _route(_action, _model, _handler, _summary)
