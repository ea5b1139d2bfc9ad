"""Kafka client construction with the platform's delivery guarantees."""

from __future__ import annotations

from functools import cache
from typing import Any, Literal

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.helpers import create_ssl_context
from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class KafkaSecurity(BaseSettings):
    """How every client of the process authenticates to the brokers (KAFKA_* variables).

    Unset, clients speak PLAINTEXT as on one machine; a cluster whose listener wants SCRAM over
    TLS (deploy/k8s: Strimzi with KafkaUser ACLs) sets KAFKA_SECURITY_PROTOCOL=SASL_SSL, the
    mechanism, the user, its password and the cluster CA's file.
    """

    model_config = SettingsConfigDict(env_prefix="KAFKA_", env_ignore_empty=True, extra="ignore")

    security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = "PLAINTEXT"
    sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] | None = None
    sasl_username: str | None = None
    sasl_password: SecretStr | None = None
    ssl_cafile: str | None = None

    def client_options(self) -> dict[str, Any]:
        """Keyword arguments for any aiokafka client (producer, consumer, admin, client)."""
        if self.security_protocol == "PLAINTEXT":
            return {}
        options: dict[str, Any] = {"security_protocol": self.security_protocol}
        if self.security_protocol.endswith("SSL"):
            options["ssl_context"] = create_ssl_context(cafile=self.ssl_cafile)
        if self.security_protocol.startswith("SASL"):
            options["sasl_mechanism"] = self.sasl_mechanism or "SCRAM-SHA-512"
            options["sasl_plain_username"] = self.sasl_username
            if self.sasl_password is not None:
                options["sasl_plain_password"] = self.sasl_password.get_secret_value()
        return options


@cache
def client_options() -> dict[str, Any]:
    """This process's security options for its Kafka clients, read once from the environment."""
    return KafkaSecurity().client_options()


def make_producer(bootstrap_servers: str, **overrides: Any) -> AIOKafkaProducer:
    """An idempotent producer that waits for all in-sync replicas (acks=all)."""
    options: dict[str, Any] = {
        "bootstrap_servers": bootstrap_servers,
        "enable_idempotence": True,
        "acks": "all",
        "linger_ms": 5,
        "request_timeout_ms": 15_000,
        **client_options(),
    }
    options.update(overrides)
    return AIOKafkaProducer(**options)


def make_consumer(
    bootstrap_servers: str, group_id: str | None, **overrides: Any
) -> AIOKafkaConsumer:
    """A consumer that never auto-commits: offsets follow the database transaction. A group
    member, or with `group_id` None a reader of partitions it assigns itself."""
    options: dict[str, Any] = {
        "bootstrap_servers": bootstrap_servers,
        "group_id": group_id,
        "enable_auto_commit": False,
        "auto_offset_reset": "earliest",
        "isolation_level": "read_committed",
        "max_poll_records": 500,
        **client_options(),
    }
    options.update(overrides)
    return AIOKafkaConsumer(**options)


async def fetch_metadata(producer: AIOKafkaProducer) -> bool:
    """True when the producer can reach a broker and read cluster metadata."""
    return bool(await producer.client.fetch_all_metadata())
