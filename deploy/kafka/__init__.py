"""The local Kafka broker: its jars (fetched by pom.xml), logging config and process."""

from deploy.kafka.broker import DEFAULT_VERSION, KafkaBroker
from deploy.kafka.jars import KafkaSetupError, check_prerequisites

__all__ = ["DEFAULT_VERSION", "KafkaBroker", "KafkaSetupError", "check_prerequisites"]
