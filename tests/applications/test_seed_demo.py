from django.core.management import call_command

from applications.models import BudgetFrame, Call, Criterion, Funder, Organisation
from clusterfund.models import User
from clusterfund.roles import Role
from clusterfund.validators import cvr_is_valid


def test_seed_demo_creates_the_call_from_the_memo(demo):
    call = demo
    assert call.period_start == 2021 and call.period_end == 2024
    assert [r.code for r in call.requirements.all()] == [
        "legal_entity",
        "robust_foundation",
        "board_composition",
        "gold_label",
        "virksomhedsguiden",
    ]
    criteria = list(call.criteria.all())
    assert [(c.short_name, c.weight) for c in criteria] == [
        ("Organisering", 30),
        ("Aktiviteter", 30),
        ("Placering", 20),
        ("Partnerkreds", 20),
    ]
    assert call.activity_types.count() == 7
    assert call.activity_min_actors == 2 and call.activity_requires_company
    assert call.areas.filter(is_emerging=True).count() == 1
    assert call.areas.count() == 11
    assert call.milestones.count() == 5


def test_seed_demo_budget_frames(demo):
    frames = {(f.year, f.funder): f for f in demo.frames.all()}
    assert len(frames) == 8
    assert all(f.amount == 80_000_000 for f in frames.values())
    assert (
        frames[(2021, Funder.BOARD)].source_label == "Finanslov 2020"
        or frames[(2021, Funder.BOARD)].source_year == 2020
    )
    assert frames[(2022, Funder.BOARD)].source_year == 2021
    for year in (2023, 2024):
        assert frames[(year, Funder.BOARD)].source == BudgetFrame.Source.UNDECIDED
        assert frames[(year, Funder.BOARD)].is_conditional
    assert not frames[(2021, Funder.BOARD)].is_conditional


def test_seed_demo_users_and_organisations(demo):
    for role in Role:
        assert User.objects.filter(groups__name=role.value).exists(), role
    organisations = Organisation.objects.all()
    assert organisations.count() == 16
    assert all(cvr_is_valid(o.cvr) for o in organisations)
    assert User.objects.get(email="ansoeger@klyngeportalen.example").organisations.count() == 1


def test_seed_demo_is_idempotent_and_keeps_edited_weights(demo):
    Criterion.objects.filter(call=demo, code="organisation").update(weight=35)
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Call.objects.count() == 2  # the memo's call and the open practice copy
    assert Organisation.objects.count() == 16
    assert demo.criteria.count() == 4 and demo.frames.count() == 8
    assert Criterion.objects.get(call=demo, code="organisation").weight == 35


def test_seed_demo_adds_an_open_practice_call_with_the_same_configuration(demo):
    from applications.demo import PRACTICE_SLUG

    practice = Call.objects.get(slug=PRACTICE_SLUG)
    assert practice.is_open()
    assert [(c.code, c.weight) for c in practice.criteria.all()] == [(c.code, c.weight) for c in demo.criteria.all()]
    assert practice.requirements.count() == 5 and practice.frames.count() == 8 and practice.areas.count() == 11
    deadline = practice.deadline
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    practice.refresh_from_db()
    assert practice.deadline == deadline
