"""What a service consumes: a table of event model → handler, one line per subscription.

    SUBSCRIPTIONS = (
        Subscriptions()
        .add(ResidentRegistered, projections.on_registered)
        .add(OrderPlaced, saga.on_order_placed)
    )

The key is the contracts model, never a type-name string: a model the registry does not hold
is refused when the table is built, the topics to subscribe to come from the models, and a
handler receives `ParsedEvent[ItsModel]`, its data already validated by the runner.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from contracts import REGISTRY, EventData, Registry, UnknownEventType
from kit.events import ParsedEvent

E = TypeVar("E", bound=EventData)

Handler = Callable[[AsyncSession, ParsedEvent[E]], Awaitable[None]]
# Applies a run of events of one type, in order, in the caller's transaction; it must leave the
# database exactly as the one-event handler applied to each in turn would.
BatchHandler = Callable[[AsyncSession, Sequence[ParsedEvent[E]]], Awaitable[None]]
# What the runner dispatches on: the CloudEvent type name read off the wire.
HandlerTable = Mapping[str, Handler[Any]]


@dataclass(frozen=True)
class Batchable(Generic[E]):
    """A handler with a batch form: called as the one-event handler, `.many` for a run.

    The runner's fast path hands consecutive events of the type to `many` at once; its careful
    path (one event per savepoint, after any failure) calls the handler itself.
    """

    one: Handler[E]
    many: BatchHandler[E]

    async def __call__(self, session: AsyncSession, event: ParsedEvent[E]) -> None:
        await self.one(session, event)


class UnregisteredEvent(LookupError):
    """A subscription names a model that is not the registry's model for its type name."""


class Subscriptions:
    """The subscription table of one service; build it once, in the service's consumers.py."""

    def __init__(self, registry: Registry = REGISTRY) -> None:
        self._registry = registry
        self._models: dict[str, type[EventData]] = {}
        self._handlers: dict[str, Handler[Any]] = {}

    def add(
        self, model: type[E], handler: Handler[E], *, batch: BatchHandler[E] | None = None
    ) -> Subscriptions:
        """Route events of `model` to `handler` (and runs of them to `batch`, when given);
        returns the table, so adds can be chained."""
        name = _registered_name(self._registry, model)
        if name in self._handlers:
            raise ValueError(f"{model.__name__} already has a handler")
        self._models[name] = model
        self._handlers[name] = handler if batch is None else Batchable(handler, batch)
        return self

    @property
    def topics(self) -> tuple[str, ...]:
        """The topics the models are published on, sorted; empty while the table is empty."""
        return tuple(sorted({model.topic for model in self._models.values()}))

    @property
    def handlers(self) -> HandlerTable:
        """Type name → handler, for the consumer runner."""
        return dict(self._handlers)

    @property
    def registry(self) -> Registry:
        return self._registry

    def __iter__(self) -> Iterator[type[EventData]]:
        return iter(self._models.values())

    def __len__(self) -> int:
        return len(self._models)


def _registered_name(registry: Registry, model: type[EventData]) -> str:
    name = getattr(model, "event_type", None)
    try:
        found = registry.model_for(str(name))
    except UnknownEventType:
        found = None
    if found is not model:
        raise UnregisteredEvent(f"{model.__name__} is not registered in the contracts registry")
    return str(name)
