"""Services keep their uploads in the launcher's data dir, per profile."""

from __future__ import annotations

from deploy.services import service_env
from deploy.settings import REPO_ROOT, DeploySettings

SERVER = "postgresql://postgres@127.0.0.1:1/postgres"


def test_test_profile_puts_uploads_under_the_test_data_dir(monkeypatch):
    monkeypatch.delenv("DATA_DIR", raising=False)
    env = service_env(DeploySettings(profile="test"), "petitions", SERVER, "k:1")
    assert env["STORAGE_DIR"] == str(REPO_ROOT / ".data" / "test" / "petitions" / "uploads")


def test_a_data_dir_from_the_environment_carries_the_uploads(monkeypatch, tmp_path):
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    env = service_env(DeploySettings(profile="dev"), "mall", SERVER, "k:1")
    assert env["STORAGE_DIR"] == str(tmp_path.resolve() / "mall" / "uploads")
