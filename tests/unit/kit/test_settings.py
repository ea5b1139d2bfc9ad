"""Settings refuse default secrets outside development."""

import pytest
from pydantic import ValidationError

from kit.settings import KitSettings


def test_development_accepts_the_default_secret(monkeypatch):
    monkeypatch.setenv("ENVIRONMENT", "development")
    assert KitSettings().secret_key.get_secret_value() == "changethis"


@pytest.mark.parametrize("environment", ["test", "production"])
def test_default_secret_is_refused_outside_development(monkeypatch, environment):
    monkeypatch.setenv("ENVIRONMENT", environment)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ValidationError, match="secret_key"):
        KitSettings()


def test_production_with_a_real_secret_starts(monkeypatch):
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.setenv("SECRET_KEY", "a-real-one")
    settings = KitSettings(service_name="points")
    assert settings.source == "/services/points"


def test_empty_environment_variables_count_as_unset(monkeypatch):
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "")
    assert KitSettings().kafka_bootstrap_servers == "127.0.0.1:9092"
