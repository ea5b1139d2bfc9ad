"""Local launcher: PostgreSQL, Kafka, migrations, services and gateway on one machine.

Tests use the same pieces to run a dedicated database and broker of their own.
"""

from deploy.kafka import KafkaBroker, KafkaSetupError
from deploy.postgres import PostgresServer, ensure_databases
from deploy.topics import PLATFORM_TOPICS, create_topics, list_topics

__all__ = [
    "PLATFORM_TOPICS",
    "KafkaBroker",
    "KafkaSetupError",
    "PostgresServer",
    "create_topics",
    "ensure_databases",
    "list_topics",
]
