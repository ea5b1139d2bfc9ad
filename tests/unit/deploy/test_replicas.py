"""REPLICAS: what the launcher accepts, the ports it gives replicas, what it refuses."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from deploy.replicas import idle_consumer_warnings, parse_replicas
from deploy.services import app_specs, gateway_env
from deploy.settings import APPS, SERVICES, DeploySettings

SERVER = "postgresql://postgres@127.0.0.1:1/postgres"


@pytest.fixture(autouse=True)
def _no_ports_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    # `make test` exports its own ports and maybe REPLICAS; these tests set what they use.
    for name in ("REPLICAS", "PROFILE", *(f"{app.upper()}_PORT" for app in APPS)):
        monkeypatch.delenv(name, raising=False)


def test_counts_are_read_with_spaces_or_commas():
    assert parse_replicas("points=3 gateway=2", APPS) == {"points": 3, "gateway": 2}
    assert parse_replicas("points=3,mall=1", APPS) == {"points": 3, "mall": 1}
    assert parse_replicas("", APPS) == {} and parse_replicas(None, APPS) == {}


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("pionts=3", "unknown service 'pionts'"),
        ("points=0", "a count is a whole number from 1 to 9"),
        ("points=-1", "a count is a whole number from 1 to 9"),
        ("points=10", "a count is a whole number from 1 to 9"),
        ("points=three", "a count is a whole number from 1 to 9"),
        ("points", "is not NAME=COUNT"),
        ("points=2 points=3", "points is given twice"),
    ],
)
def test_bad_input_is_refused_with_a_message_that_names_it(text: str, says: str):
    with pytest.raises(ValidationError, match=says):
        DeploySettings(profile="dev", replicas=text)


def test_replica_k_listens_on_the_base_port_plus_100_k_and_the_gateway_gets_them_all():
    settings = DeploySettings(profile="dev", replicas="points=3 gateway=2")
    specs = {spec.name: spec for spec in app_specs(settings, SERVER, "k:1")}
    points, gateways = ["points-1", "points-2", "points-3"], ["gateway-1", "gateway-2"]
    assert list(specs) == ["identity", *points, "petitions", "notices", "mall", *gateways]
    ports = {name: spec.argv[spec.argv.index("--port") + 1] for name, spec in specs.items()}
    assert [ports[f"points-{k}"] for k in (1, 2, 3)] == ["8002", "8102", "8202"]
    assert [ports["gateway-1"], ports["gateway-2"]] == ["8000", "8100"]
    urls = json.loads(gateway_env(settings, "k:1")["SERVICE_URLS"])
    assert urls["points"] == [f"http://127.0.0.1:{p}" for p in (8002, 8102, 8202)]
    assert urls["identity"] == ["http://127.0.0.1:8001"]
    # Same database and same consumer group (the service name) for every replica.
    envs = [specs[f"points-{k}"].env or {} for k in (1, 2, 3)]
    assert len({(e["DATABASE_URL"], e["SERVICE_NAME"]) for e in envs}) == 1


def test_ports_that_would_clash_are_refused_naming_both():
    with pytest.raises(ValidationError, match="points-2 and petitions on 8102"):
        DeploySettings(profile="dev", replicas="points=2", petitions_port=8102)


def test_more_consumers_than_partitions_is_a_warning_not_a_refusal():
    counts = DeploySettings(profile="dev", replicas="points=7").replica_counts
    [warning] = idle_consumer_warnings(counts, SERVICES, 6)
    assert "points=7 is more than the 6 partitions" in warning
    assert idle_consumer_warnings({"points": 6}, SERVICES, 6) == []
