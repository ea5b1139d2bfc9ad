"""Kafka clients log in as the KAFKA_* variables say, and speak PLAINTEXT when none are set."""

from __future__ import annotations

import ssl

import pytest

from kit.kafka import KafkaSecurity


def test_without_variables_clients_get_no_security_options(monkeypatch):
    for name in ("SECURITY_PROTOCOL", "SASL_MECHANISM", "SASL_USERNAME", "SASL_PASSWORD"):
        monkeypatch.delenv(f"KAFKA_{name}", raising=False)
    monkeypatch.delenv("KAFKA_SSL_CAFILE", raising=False)
    assert KafkaSecurity().client_options() == {}


def test_scram_over_tls_gives_every_option_aiokafka_needs(monkeypatch):
    monkeypatch.setenv("KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
    monkeypatch.setenv("KAFKA_SASL_MECHANISM", "SCRAM-SHA-512")
    monkeypatch.setenv("KAFKA_SASL_USERNAME", "points")
    monkeypatch.setenv("KAFKA_SASL_PASSWORD", "s3cret")
    options = KafkaSecurity().client_options()
    assert options["security_protocol"] == "SASL_SSL"
    assert options["sasl_mechanism"] == "SCRAM-SHA-512"
    assert (options["sasl_plain_username"], options["sasl_plain_password"]) == ("points", "s3cret")
    assert isinstance(options["ssl_context"], ssl.SSLContext)


def test_sasl_without_tls_has_no_ssl_context(monkeypatch):
    monkeypatch.setenv("KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT")
    monkeypatch.setenv("KAFKA_SASL_USERNAME", "gateway")
    options = KafkaSecurity().client_options()
    assert "ssl_context" not in options
    assert options["sasl_mechanism"] == "SCRAM-SHA-512"


def test_an_unknown_protocol_is_refused(monkeypatch):
    monkeypatch.setenv("KAFKA_SECURITY_PROTOCOL", "SASL_SLL")
    with pytest.raises(ValueError, match="security_protocol"):
        KafkaSecurity()
