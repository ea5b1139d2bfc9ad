"""The Kubernetes manifests agree with the code: topics, Kafka ACLs, autoscalers, settings.

Reads deploy/k8s/base as written (no kustomize needed); `make k8s-check` validates the built
overlays against the Kubernetes and operator schemas.
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path
from typing import Any

import pytest
import yaml

from contracts import TOPICS, dlq_topic
from gateway.config import Settings as GatewaySettings
from kit.kafka import KafkaSecurity
from kit.subscriptions import Subscriptions

BASE = Path(__file__).resolve().parents[3] / "deploy/k8s/base"
SERVICES = ("identity", "points", "petitions", "notices", "mall")
# Read by no Settings: FORWARDED_ALLOW_IPS is uvicorn's own.
NOT_SETTINGS = {
    "FORWARDED_ALLOW_IPS",
    "DB_USER",  # parts of DATABASE_URL
    "DB_PASSWORD",
}


def objects(kind: str) -> dict[str, dict[str, Any]]:
    found = {}
    for path in BASE.rglob("*.yaml"):
        for doc in yaml.safe_load_all(path.read_text()):
            if doc and doc.get("kind") == kind:
                found[doc["metadata"]["name"]] = doc
    return found


def subscriptions(service: str) -> Subscriptions:
    table: Subscriptions = import_module(f"services.{service}.consumers").SUBSCRIPTIONS
    return table


def acls(user: str) -> set[tuple[str, str, str]]:
    """(resource type, name, operation) for every operation the user is allowed."""
    spec = objects("KafkaUser")[user]["spec"]
    return {
        (rule["resource"]["type"], rule["resource"]["name"], op)
        for rule in spec["authorization"]["acls"]
        for op in rule["operations"]
    }


def test_every_platform_topic_and_its_dead_letter_twin_is_a_kafka_topic() -> None:
    declared = {t["spec"]["topicName"] for t in objects("KafkaTopic").values()}
    assert declared == set(TOPICS) | {dlq_topic(t) for t in TOPICS}


@pytest.mark.parametrize("service", SERVICES)
def test_a_service_writes_its_topic_and_reads_exactly_what_it_consumes(service: str) -> None:
    consumed = subscriptions(service).topics
    expected = {("topic", f"{service}.events", "Write"), ("topic", f"{service}.events", "Describe")}
    for topic in consumed:
        expected |= {("topic", topic, "Read"), ("topic", topic, "Describe")}
        # Poison is parked in the twin of the topic it came from (kit/consumer.py).
        expected |= {("topic", dlq_topic(topic), "Write"), ("topic", dlq_topic(topic), "Describe")}
    if consumed:
        expected |= {("group", service, "Read"), ("group", service, "Describe")}
    assert acls(service) == expected


def test_the_gateway_may_only_publish_volunteer_pushes() -> None:
    assert acls("gateway") == {
        ("topic", "volunteer.events", "Write"),
        ("topic", "volunteer.events", "Describe"),
    }


def test_each_consuming_service_scales_on_its_own_group_lag_and_the_rest_on_cpu() -> None:
    scaled = objects("ScaledObject")
    consuming = {s for s in SERVICES if len(subscriptions(s))}
    assert set(scaled) == consuming
    for name, scaled_object in scaled.items():
        kafka = [t for t in scaled_object["spec"]["triggers"] if t["type"] == "kafka"]
        assert [t["metadata"]["consumerGroup"] for t in kafka] == [name]
    assert set(objects("HorizontalPodAutoscaler")) == {"gateway"} | (set(SERVICES) - consuming)


def settings_fields(process: str) -> set[str]:
    if process == "gateway":
        model: Any = GatewaySettings
    else:
        model = import_module(f"services.{process}.config").Settings
    # Every process's Kafka clients read KAFKA_* through kit.kafka.KafkaSecurity.
    kafka = {f"KAFKA_{name.upper()}" for name in KafkaSecurity.model_fields}
    return {name.upper() for name in model.model_fields} | kafka


def env_names(deployment: dict[str, Any]) -> set[str]:
    names = set()
    for container in deployment["spec"]["template"]["spec"]["containers"]:
        names |= {env["name"] for env in container.get("env", [])}
    return names


@pytest.mark.parametrize("process", ("gateway", *SERVICES))
def test_every_variable_a_process_is_given_is_one_its_settings_read(process: str) -> None:
    config = {name: cm["data"] for name, cm in objects("ConfigMap").items()}
    given = env_names(objects("Deployment")[process]) | set(config["platform-env"])
    if process == "gateway":
        given |= set(config["gateway-env"])
    unknown = given - settings_fields(process) - NOT_SETTINGS
    assert not unknown, f"{process} is given variables nothing reads: {sorted(unknown)}"
