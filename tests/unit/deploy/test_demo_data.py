"""The demo data is consistent and acceptable to identity; the dev profile brings its admin."""

import stat
from collections import Counter
from pathlib import Path

import pytest

from deploy import demo_data as demo
from deploy.seed import saved_partner_id, write_private
from deploy.services import seed_spec, service_env
from deploy.settings import DeploySettings
from kit.phone import normalise_phone
from services.identity.people.rules import id_check_char, normalise_id_number

PEOPLE: list[demo.Staff | demo.Resident] = [*demo.STAFF, *demo.RESIDENTS]


def test_generated_id_numbers_carry_identitys_check_character():
    for sequence in range(0, 1000, 7):
        number = demo.citizen_id("19800101", sequence)
        assert number[17] == id_check_char(number[:17])
    assert demo.citizen_id("19491231", 2, region="110105") == "11010519491231002X"


def test_every_demo_id_number_passes_identitys_validation_and_is_unique():
    numbers = [r.id_number for r in demo.RESIDENTS if r.id_number]
    assert [normalise_id_number(n) for n in numbers] == numbers
    assert len(set(numbers)) == len(numbers)


def test_residents_to_verify_have_an_id_number_and_the_others_none():
    for resident in demo.RESIDENTS:
        assert (resident.id_number is not None) == (resident.verification != "unverified")


def test_demo_phones_are_valid_unique_and_in_the_fake_range():
    phones = [p.phone for p in PEOPLE]
    assert [normalise_phone(p) for p in phones] == phones
    assert len(set(phones)) == len(phones)
    assert all(p.startswith("1380000") for p in phones)


def test_units_are_declared_below_a_parent_of_the_right_kind():
    kinds: dict[str | None, str] = {None: "district"}  # None: the root district
    expected_parent = {"town": "district", "community": "town", "grid": "community"}
    for unit in demo.UNITS:
        assert kinds[unit.parent] == expected_parent[unit.kind], unit
        kinds[unit.code] = unit.kind
    assert len(kinds) == len(demo.UNITS) + 1, "unit codes are unique"


def test_each_community_has_an_admin_a_staff_member_and_a_counter_operator():
    assert demo.communities() == ["xiaobeijie", "fuxing-sq"]
    for community in demo.communities():
        roles = sorted(s.role for s in demo.STAFF if s.community == community)
        assert roles == ["community_admin", "community_staff", "counter_operator"]
        assert demo.reviewer_of(community).role == "community_staff"


def test_each_community_has_verified_residents_and_grids():
    for community in demo.communities():
        here = [r for r in demo.RESIDENTS if r.community == community]
        assert len(here) >= 5
        assert any(r.verification == "verified" for r in here)
        assert sum(u.kind == "grid" and u.parent == community for u in demo.UNITS) >= 2


def test_household_members_are_residents_of_its_community_in_one_household_only():
    residents = {r.phone: r for r in demo.RESIDENTS}
    for household in demo.HOUSEHOLDS:
        assert all(residents[p].community == household.community for p in household.members)
    memberships = Counter(p for h in demo.HOUSEHOLDS for p in h.members)
    assert max(memberships.values()) == 1


@pytest.fixture
def no_admin_in_environment(monkeypatch):
    for name in ("FIRST_ADMIN_PHONE", "FIRST_ADMIN_PASSWORD", "PROFILE"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.usefixtures("no_admin_in_environment")
def test_dev_profile_brings_the_demo_admin_to_identity_and_the_seed(tmp_path):
    settings = DeploySettings(profile="dev")
    env = service_env(settings, "identity", "postgresql://postgres@127.0.0.1:1/postgres", "k:1")
    assert env["FIRST_ADMIN_PHONE"] == "13800000000"
    assert env["FIRST_ADMIN_PASSWORD"] == "Admin@2026"
    seed_env = seed_spec(settings, tmp_path / ".seeded").env
    assert seed_env is not None
    assert seed_env["FIRST_ADMIN_PHONE"] == "13800000000"


@pytest.mark.usefixtures("no_admin_in_environment")
def test_admin_set_in_the_environment_overrides_the_dev_default(monkeypatch):
    monkeypatch.setenv("FIRST_ADMIN_PHONE", "13900000001")
    monkeypatch.setenv("FIRST_ADMIN_PASSWORD", "Mine@2026x")
    settings = DeploySettings(profile="dev")
    assert (settings.first_admin_phone, settings.first_admin_password) == (
        "13900000001",
        "Mine@2026x",
    )


@pytest.mark.usefixtures("no_admin_in_environment")
def test_test_profile_has_no_admin_unless_one_is_set(tmp_path):
    settings = DeploySettings(profile="test")
    assert settings.first_admin_phone is None and settings.first_admin_password is None
    env = service_env(settings, "identity", "postgresql://postgres@127.0.0.1:1/postgres", "k:1")
    assert "FIRST_ADMIN_PHONE" not in env
    seed_env = seed_spec(settings, tmp_path / ".seeded").env
    assert seed_env is not None and "FIRST_ADMIN_PASSWORD" not in seed_env


@pytest.mark.usefixtures("no_admin_in_environment")
def test_other_services_never_see_the_admin_password():
    settings = DeploySettings(profile="dev")
    env = service_env(settings, "points", "postgresql://postgres@127.0.0.1:1/postgres", "k:1")
    assert "FIRST_ADMIN_PASSWORD" not in env


def test_partner_file_is_private_and_read_back(tmp_path: Path):
    path = tmp_path / "demo-partner.json"
    assert saved_partner_id(path) is None
    write_private(path, {"partner_id": "ptn_1", "name": demo.PARTNER_NAME, "secret": "pss_x"})
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert saved_partner_id(path) == "ptn_1"
    assert demo.PARTNER_NAME in path.read_text(encoding="utf-8")
