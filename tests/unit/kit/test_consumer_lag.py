"""kafka_consumer_lag: log end minus position per owned partition, dropped when given away."""

from __future__ import annotations

from dataclasses import dataclass, field

from aiokafka import TopicPartition
from aiokafka.errors import IllegalStateError
from prometheus_client import REGISTRY

from kit.consumer_lag import ConsumerLag

A, B = TopicPartition("volunteer.events", 0), TopicPartition("volunteer.events", 1)


@dataclass
class FakeConsumer:
    high: dict[TopicPartition, int | None]
    positions: dict[TopicPartition, int] = field(default_factory=dict)

    def assignment(self) -> set[TopicPartition]:
        return set(self.high)

    def highwater(self, partition: TopicPartition) -> int | None:
        return self.high[partition]

    async def position(self, partition: TopicPartition) -> int:
        if partition not in self.positions:
            raise IllegalStateError("not assigned")
        return self.positions[partition]


def lag(consumer: str, tp: TopicPartition) -> float | None:
    labels = {"consumer": consumer, "topic": tp.topic, "partition": str(tp.partition)}
    return REGISTRY.get_sample_value("kafka_consumer_lag", labels)


async def test_lag_is_the_log_end_minus_the_position_per_partition() -> None:
    gauge = ConsumerLag("lag-test-1")
    await gauge.update(FakeConsumer({A: 120, B: 7}, {A: 100, B: 7}))
    assert (lag("lag-test-1", A), lag("lag-test-1", B)) == (20, 0)


async def test_a_partition_not_fetched_yet_is_not_reported_as_caught_up() -> None:
    gauge = ConsumerLag("lag-test-2")
    await gauge.update(FakeConsumer({A: None, B: 9}, {A: 0, B: 4}))
    assert (lag("lag-test-2", A), lag("lag-test-2", B)) == (None, 5)


async def test_a_partition_given_away_stops_being_reported() -> None:
    gauge = ConsumerLag("lag-test-3")
    await gauge.update(FakeConsumer({A: 10, B: 10}, {A: 5, B: 5}))
    await gauge.update(FakeConsumer({B: 12}, {B: 5}), force=True)
    assert (lag("lag-test-3", A), lag("lag-test-3", B)) == (None, 7)


async def test_updates_come_at_most_once_per_interval() -> None:
    gauge = ConsumerLag("lag-test-4", interval=60)
    await gauge.update(FakeConsumer({A: 10}, {A: 5}))
    await gauge.update(FakeConsumer({A: 50}, {A: 5}))
    assert lag("lag-test-4", A) == 5
