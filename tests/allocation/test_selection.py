"""The minister's selections: status moves, one per area, eligibility, grants, notifications once, locks."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from allocation.models import LockedError, Selection, SelectionGrant
from allocation.services.selection import selection_record
from applications.models import Application, Message
from clusterfund.models import AuditEvent
from tests.factories.allocation import applications_by_area, approved_proposal, reviewed_call, select, selected_call
from tests.factories.clusterfund import UserFactory
from tests.factories.review import agree


@pytest.fixture
def call(db):
    return reviewed_call(areas=2, per_area=2)


@pytest.fixture
def area_apps(call):
    return list(applications_by_area(call).values())


def record(application, by, decision="selected", grants=None, **kwargs):
    return selection_record(
        application=application,
        decision=decision,
        decision_date=kwargs.pop("decision_date", dt.date(2020, 9, 2)),
        case_number=kwargs.pop("case_number", "2020-1234"),
        grants=grants,
        by=by,
        **kwargs,
    )


def test_selecting_a_submitted_application_passes_through_under_review(call, area_apps, ufm):
    application = area_apps[0][0]
    Application.objects.filter(pk=application.pk).update(status=Application.Status.SUBMITTED)
    selection = record(application, ufm, grants={2021: 5_000_000, 2022: 6_000_000})
    application.refresh_from_db()
    assert application.status == Application.Status.SELECTED
    assert selection.business_area == application.business_area and selection.call == call
    assert {g.year: g.amount for g in selection.grants.all()} == {2021: 5_000_000, 2022: 6_000_000}
    transitions = AuditEvent.objects.for_object(application).filter(action="application.transition")
    assert [e.after["status"] for e in reversed(transitions)] == ["under_review", "selected"]
    event = AuditEvent.objects.for_object(selection).get(action="selection.record")
    assert event.after["decision"] == "selected" and event.after["grants"] == {"2021": 5_000_000, "2022": 6_000_000}


def test_a_second_selection_in_an_area_is_refused_with_the_name_of_the_first(area_apps, ufm):
    first, second = area_apps[0]
    record(first, ufm)
    with pytest.raises(ValidationError) as caught:
        record(second, ufm)
    assert first.organisation.name in caught.value.messages[0]
    assert caught.value.error_list[0].code == "area_taken"
    second.refresh_from_db()
    assert second.status == Application.Status.UNDER_REVIEW
    assert not Selection.objects.filter(application=second).exists()


def test_another_area_may_have_its_own_selection(area_apps, ufm):
    record(area_apps[0][0], ufm)
    record(area_apps[1][0], ufm)
    assert Selection.objects.filter(decision="selected").count() == 2


def test_the_database_keeps_one_selected_per_area(area_apps, ufm):
    first, second = area_apps[0]
    record(first, ufm)
    with pytest.raises(IntegrityError), transaction.atomic():
        Selection.objects.create(
            application=second,
            call=second.call,
            business_area=second.business_area,
            decision="selected",
            decision_date=dt.date(2020, 9, 2),
            case_number="x",
            recorded_by=ufm,
        )


def test_changing_the_first_to_not_selected_frees_the_area(area_apps, ufm):
    first, second = area_apps[0]
    record(first, ufm)
    record(first, ufm, decision="not_selected")
    record(second, ufm)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("not_selected", "selected")
    assert not SelectionGrant.objects.filter(selection__application=first).exists()  # grants follow the decision


def test_an_application_the_joint_assessment_found_ineligible_cannot_be_selected(area_apps, ufm):
    application = area_apps[0][1]
    agree(application, [3, 3, 3, 3], eligible=False)
    with pytest.raises(ValidationError, match="meets the requirements"):
        record(application, ufm)
    record(application, ufm, decision="not_selected")  # but it can be recorded as not selected


def test_a_draft_or_withdrawn_application_cannot_be_decided(area_apps, ufm):
    application = area_apps[0][0]
    Application.objects.filter(pk=application.pk).update(status=Application.Status.WITHDRAWN)
    with pytest.raises(ValidationError, match="in the review"):
        record(application, ufm)


@pytest.mark.parametrize(
    ("grants", "message"),
    [
        ({2021: -1}, "cannot be negative"),
        ({2021: Decimal("1000.50")}, "whole number of kroner"),
        ({2021: "1.000"}, "whole number of kroner"),
        ({2021: 1.5}, "whole number of kroner"),
        ({2021: 10**13}, "unrealistically large"),
        ({2030: 1_000}, "not a year of the call"),
    ],
)
def test_bad_grants_are_refused_and_nothing_is_saved(area_apps, ufm, grants, message):
    application = area_apps[0][0]
    with pytest.raises(ValidationError) as caught:
        record(application, ufm, grants={2022: 1_000_000, **grants})
    assert any(message in m for m in caught.value.messages)
    application.refresh_from_db()
    assert application.status == Application.Status.UNDER_REVIEW
    assert not Selection.objects.exists() and not SelectionGrant.objects.exists()
    assert not Message.objects.exists()


def test_case_number_and_date_are_required(area_apps, ufm):
    with pytest.raises(ValidationError) as caught:
        record(area_apps[0][0], ufm, case_number="  ", decision_date=None)
    assert set(caught.value.message_dict) == {"case_number", "decision_date"}


@pytest.mark.parametrize("role", ["secretariat", "subcommittee_chair", "applicant", "administrator"])
def test_only_ufm_records_selections(area_apps, make_user, role):
    with pytest.raises(PermissionDenied):
        record(area_apps[0][0], make_user(role))


def test_the_applicant_is_told_once_per_decision(area_apps, ufm, mailoutbox, django_capture_on_commit_callbacks):
    application = area_apps[0][0]
    member = UserFactory(email="leder@klynge.example")
    application.organisation.members.add(member)
    with django_capture_on_commit_callbacks(execute=True):
        record(application, ufm, grants={2021: 5_000_000})
    with django_capture_on_commit_callbacks(execute=True):
        record(application, ufm, grants={2021: 6_000_000}, note="Rettet beløb")  # same decision: no new notice
    messages = Message.objects.filter(organisation=application.organisation)
    assert messages.count() == 1 and len(mailoutbox) == 1
    assert mailoutbox[0].to == ["leder@klynge.example"]
    assert application.business_area.name in mailoutbox[0].body
    assert messages.get().application == application and messages.get().sent_by == ufm
    with django_capture_on_commit_callbacks(execute=True):
        record(application, ufm, decision="not_selected")
    assert messages.count() == 2 and len(mailoutbox) == 2
    assert Selection.objects.get(application=application).notified_decision == "not_selected"


def test_no_email_is_sent_when_the_transaction_fails(area_apps, ufm, mailoutbox, django_capture_on_commit_callbacks):
    application = area_apps[0][0]
    application.organisation.members.add(UserFactory())
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        record(application, ufm)
        raise RuntimeError("rolled back")
    assert callbacks == [] and mailoutbox == []
    assert not Message.objects.exists()


def test_a_selection_behind_an_approved_allocation_is_locked(db, ufm):
    call = selected_call(organisations=2)
    approved_proposal(call)
    application = Application.objects.filter(call=call).first()
    with pytest.raises(ValidationError, match="approved allocation"):
        record(application, ufm, decision="not_selected")
    selection = Selection.objects.get(application=application)
    selection.note = "ændret i admin"
    with pytest.raises(LockedError):
        selection.save()
    with pytest.raises(LockedError):
        selection.grants.first().save()


def test_select_helper_records_default_grants(area_apps):
    selection = select(area_apps[1][0])
    assert selection.grants.count() == 4
