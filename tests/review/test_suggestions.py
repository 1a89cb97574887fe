"""The requirement checks' pre-filled suggestions, computed from the application's data."""

import datetime as dt

import pytest

from applications.models import Application, BoardMember, Organisation
from review.selectors.checks import requirement_suggestions
from tests.factories.applications import complete_application


@pytest.fixture
def application(call, make_user):
    application = complete_application(call=call, member=make_user("applicant"))
    Application.objects.filter(pk=application.pk).update(status="submitted", submitted_at=call.opens_at)
    application.refresh_from_db()
    return application


def suggested(application) -> dict[str, str | None]:
    by_pk = requirement_suggestions(application=application)
    return {r.code: by_pk[r.pk].verdict for r in application.call.requirements.all()}


def test_a_complete_application_is_suggested_met_where_the_portal_can_tell(application):
    assert suggested(application) == {
        "legal_entity": "met",
        "robust_foundation": None,  # the accounts need a person's judgement
        "board_composition": "met",
        "gold_label": "met",
        "virksomhedsguiden": "met",
    }


def test_the_evidence_is_shown_with_the_suggestion(application):
    by_code = {r.code: r.pk for r in application.call.requirements.all()}
    suggestion = requirement_suggestions(application=application)[by_code["board_composition"]]
    assert "Board members: 2 (companies: 1, knowledge institutions: 1, other: 0)" in suggestion.evidence


def test_an_invalid_cvr_is_suggested_not_met(application):
    Organisation.objects.filter(pk=application.organisation_id).update(cvr="12345678")  # fails modulus 11
    application.refresh_from_db()
    assert suggested(application)["legal_entity"] == "not_met"


def test_a_board_without_knowledge_institutions_is_suggested_not_met(application):
    application.board_members.filter(affiliation=BoardMember.Affiliation.KNOWLEDGE_INSTITUTION).delete()
    assert suggested(application)["board_composition"] == "not_met"


@pytest.mark.parametrize(
    ("days_after_deadline", "expected"),
    [(1, "met"), (0, "not_met"), (-30, "not_met")],  # valid at the deadline means expiring after its date
)
def test_the_gold_label_must_be_valid_at_the_deadline(application, days_after_deadline, expected):
    from django.utils import timezone

    deadline = timezone.localdate(application.call.deadline)
    application.gold_awarded_on = deadline - dt.timedelta(days=1000)
    application.gold_expires_on = deadline + dt.timedelta(days=days_after_deadline)
    application.save()
    assert suggested(application)["gold_label"] == expected


def test_a_plan_with_a_target_date_is_suggested_met_and_without_one_needs_clarification(application):
    application.gold_status = Application.GoldStatus.PLAN
    application.gold_target_date = dt.date(2027, 6, 1)
    application.save()
    assert suggested(application)["gold_label"] == "met"
    application.gold_target_date = None
    application.save()
    assert suggested(application)["gold_label"] == "needs_clarification"


def test_virksomhedsguiden_needs_a_link_or_a_commitment(application):
    application.vg_listing_url = ""
    application.save()
    assert suggested(application)["virksomhedsguiden"] == "not_met"
    application.vg_commitment = True
    application.save()
    assert suggested(application)["virksomhedsguiden"] == "met"


def test_missing_financial_figures_need_clarification(application):
    application.equity = None
    application.save()
    assert suggested(application)["robust_foundation"] == "needs_clarification"
