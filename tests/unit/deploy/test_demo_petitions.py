"""The demo petitions fit the petitions service: authors who may raise them, categories that
exist, and steps the state table allows, reaching every state the board should show."""

from collections import Counter

from deploy import demo_data as demo
from deploy import demo_petitions as plan
from services.petitions.cases.rules import FLOW, WHO
from services.petitions.categories.schemas import CategoryCreate


def end_state(petition: plan.Petition) -> tuple[str, bool]:
    """The status the steps leave it in (by the state table), and whether it was adopted."""
    status, adopted = "submitted", False
    for step in petition.steps:
        actor = "manager" if step.by == "staff" else "author"
        assert actor in WHO[step.action], (petition.title, step.action)  # type: ignore[index]
        if step.action == "adopt":
            adopted = True
            continue
        status = FLOW[(status, step.action)]
        if step.action == "accept" and step.body.get("assignee_id"):
            status = FLOW[(status, "assign")]
        if step.action == "rate" and step.body["rating"] >= 3:
            assert status == "closed"
    return status, adopted


def test_authors_are_verified_residents_of_the_community():
    verified = {r.phone: r.community for r in demo.RESIDENTS if r.verification == "verified"}
    for petition in plan.PETITIONS:
        assert verified.get(petition.author) == petition.community, petition.title


def test_categories_are_valid_and_every_petition_names_one():
    names = {c.name for c in plan.CATEGORIES}
    assert names == {"环境卫生", "道路设施", "邻里纠纷", "安全隐患", "意见建议"}
    for category in plan.CATEGORIES:
        CategoryCreate(community_id="00000000-0000-0000-0000-000000000001", **vars(category))
    kinds = {c.name: c.kind for c in plan.CATEGORIES}
    assert kinds["意见建议"] == "suggestion"
    for petition in plan.PETITIONS:
        assert petition.category in names
        if any(s.action == "adopt" for s in petition.steps):
            assert kinds[petition.category] == "suggestion", petition.title


def test_titles_are_unique_per_author_since_a_second_run_finds_petitions_by_them():
    keys = Counter((p.author, p.title) for p in plan.PETITIONS)
    assert max(keys.values()) == 1


def test_each_community_shows_petitions_in_many_states_public_and_private():
    for community in demo.communities():
        mine = [p for p in plan.PETITIONS if p.community == community]
        states = {end_state(p)[0] for p in mine}
        assert {"submitted", "assigned", "in_progress", "resolved", "closed"} <= states
        assert any(end_state(p)[1] for p in mine), "an adopted suggestion"
        assert {p.visibility for p in mine} == {"public", "private"}
    assert "reopened" in {end_state(p)[0] for p in plan.PETITIONS}
    ratings = [s.body["rating"] for p in plan.PETITIONS for s in p.steps if s.action == "rate"]
    assert ratings and all(4 <= r <= 5 for r in ratings)
