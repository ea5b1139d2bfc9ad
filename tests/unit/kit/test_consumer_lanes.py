"""A poll dealt to lanes: whole partitions, in order, about even, never an empty lane."""

from __future__ import annotations

from aiokafka import ConsumerRecord, TopicPartition

from kit.consumer_batch import split_lanes


def records(topic: str, partition: int, count: int) -> list[ConsumerRecord]:
    return [
        ConsumerRecord(topic, partition, offset, 0, 0, b"k", b"v", None, 1, 1, [])
        for offset in range(count)
    ]


def poll(*sizes: int) -> dict[TopicPartition, list[ConsumerRecord]]:
    return {TopicPartition("t", p): records("t", p, n) for p, n in enumerate(sizes)}


def test_whole_partitions_in_order_and_balanced() -> None:
    lanes = split_lanes(poll(100, 90, 80, 70, 60, 50), 2)
    assert sorted(len(lane) for lane in lanes) == [220, 230]
    for lane in lanes:
        for partition in {r.partition for r in lane}:
            offsets = [r.offset for r in lane if r.partition == partition]
            assert offsets == sorted(offsets) and offsets[0] == 0  # all of it, in order
    assert sorted(r.partition for lane in lanes for r in lane if r.offset == 0) == list(range(6))


def test_one_partition_is_one_lane_and_one_lane_takes_all() -> None:
    assert [len(lane) for lane in split_lanes(poll(500), 2)] == [500]
    assert [len(lane) for lane in split_lanes(poll(3, 4, 5), 1)] == [12]
    assert split_lanes({}, 2) == []
