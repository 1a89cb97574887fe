"""The gold-label watch: the lapsed-label rule (day before, on and after the valid-until date), plans to become
gold, registering a new certificate, and the application's evidence carried over when a grant starts."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from applications.models import Application, Attachment
from clusterfund.models import AuditEvent
from governance.models import GoldLabel, GoldPlan
from governance.models.watch import two_years_after
from governance.selectors.watch import GoldState, add_months, gold_status, gold_statuses
from governance.services.watch import gold_carry_over, gold_label_register, gold_plan_register
from tests.factories.applications import pdf_upload
from tests.factories.clusterfund import UserFactory

pytestmark = pytest.mark.django_db


def label(organisation, *, level="gold", audited=dt.date(2021, 11, 1), until=dt.date(2023, 10, 31)):
    return GoldLabel.objects.create(
        organisation=organisation,
        level=level,
        audited_on=audited,
        valid_until=until,
        registered_by=UserFactory(),
    )


def test_two_years_after_ends_the_day_before_the_anniversary():
    assert two_years_after(dt.date(2021, 11, 1)) == dt.date(2023, 10, 31)
    assert two_years_after(dt.date(2020, 2, 29)) == dt.date(2022, 2, 27)


def test_add_months_clamps_to_the_month_end():
    assert add_months(dt.date(2023, 10, 31), -6) == dt.date(2023, 4, 30)
    assert add_months(dt.date(2023, 3, 31), -1) == dt.date(2023, 2, 28)
    assert add_months(dt.date(2023, 1, 15), -3) == dt.date(2022, 10, 15)


@pytest.mark.parametrize(
    ("day", "state", "met"),
    [
        (dt.date(2023, 10, 30), GoldState.GOLD, True),  # the day before
        (dt.date(2023, 10, 31), GoldState.GOLD, True),  # the valid-until date itself
        (dt.date(2023, 11, 1), GoldState.LAPSED, False),  # the day after
    ],
)
def test_lapsed_label_rule_around_the_valid_until_date(grant, day, state, met):
    label(grant.organisation)
    status = gold_status(organisation=grant.organisation, day=day)
    assert status.state == state
    assert status.condition_met is met


def test_a_lapsed_label_stays_not_met_until_a_new_certificate_is_registered(grant):
    label(grant.organisation)
    after = dt.date(2024, 1, 10)
    GoldPlan.objects.create(
        organisation=grant.organisation, target_date=dt.date(2025, 1, 1), registered_by=grant.created_by
    )
    assert gold_status(organisation=grant.organisation, day=after).state == GoldState.LAPSED  # a plan does not cure it
    label(grant.organisation, audited=dt.date(2024, 1, 5), until=dt.date(2026, 1, 4))
    assert gold_status(organisation=grant.organisation, day=after).state == GoldState.GOLD


@pytest.mark.parametrize(
    ("day", "state"),
    [(dt.date(2022, 6, 30), GoldState.PLAN), (dt.date(2022, 7, 1), GoldState.PLAN_OVERDUE)],
)
def test_plan_to_become_gold_meets_the_condition_until_its_target_date(grant, day, state):
    GoldPlan.objects.create(
        organisation=grant.organisation, target_date=dt.date(2022, 6, 30), registered_by=grant.created_by
    )
    assert gold_status(organisation=grant.organisation, day=day).state == state


def test_silver_label_without_a_plan_does_not_meet_the_condition(grant):
    label(grant.organisation, level="silver")
    assert gold_status(organisation=grant.organisation, day=dt.date(2022, 1, 1)).state == GoldState.MISSING
    GoldPlan.objects.create(
        organisation=grant.organisation, target_date=dt.date(2023, 1, 1), registered_by=grant.created_by
    )
    assert gold_status(organisation=grant.organisation, day=dt.date(2022, 1, 1)).state == GoldState.PLAN


def test_nothing_registered_is_not_met(grant):
    assert gold_status(organisation=grant.organisation, day=dt.date(2022, 1, 1)).state == GoldState.MISSING


def test_gold_statuses_takes_two_queries_however_many_organisations(grant, django_assert_num_queries):
    label(grant.organisation)
    with django_assert_num_queries(2):
        statuses = gold_statuses(organisation_ids=[grant.organisation_id, 999999], day=dt.date(2022, 1, 1))
    assert statuses[grant.organisation_id].state == GoldState.GOLD
    assert statuses[999999].state == GoldState.MISSING


def test_member_registers_a_new_certificate_with_a_default_two_year_validity(grant, member):
    new = gold_label_register(
        organisation=grant.organisation,
        level="gold",
        audited_on=dt.date(2023, 9, 1),
        certificate=pdf_upload("ECEI guld 2023.pdf"),
        by=member,
    )
    assert new.valid_until == dt.date(2025, 8, 31)
    assert new.original_name == "ECEI guld 2023.pdf"
    assert len(new.sha256) == 64
    assert "static" not in new.file.path
    assert AuditEvent.objects.filter(action="gold_label.register").count() == 1


def test_certificate_must_be_a_pdf_by_content(grant, member):
    with pytest.raises(ValidationError) as error:
        gold_label_register(
            organisation=grant.organisation,
            level="gold",
            audited_on=dt.date(2023, 9, 1),
            certificate=pdf_upload("certifikat.pdf", b"<html>not a pdf</html>"),
            by=member,
        )
    assert "certificate" in error.value.message_dict
    assert not GoldLabel.objects.exists()


def test_valid_until_must_follow_the_audit(grant, member):
    with pytest.raises(ValidationError):
        gold_label_register(
            organisation=grant.organisation,
            level="gold",
            audited_on=dt.date(2023, 9, 1),
            valid_until=dt.date(2023, 9, 1),
            certificate=pdf_upload(),
            by=member,
        )


def test_another_organisation_cannot_register(grant):
    other = UserFactory(roles=["applicant"])
    with pytest.raises(PermissionDenied):
        gold_plan_register(organisation=grant.organisation, target_date=dt.date(2023, 1, 1), by=other)


def test_secretariat_on_the_call_may_register_a_plan(grant, reviewers):
    plan = gold_plan_register(
        organisation=grant.organisation, target_date=dt.date(2023, 1, 1), summary="Audit i efteråret.", by=reviewers[0]
    )
    assert plan.summary == "Audit i efteråret."
    assert AuditEvent.objects.filter(action="gold_plan.register").exists()


def test_ufm_may_not_register(grant, reviewers):
    with pytest.raises(PermissionDenied):
        gold_plan_register(organisation=grant.organisation, target_date=dt.date(2023, 1, 1), by=reviewers[1])


def test_gold_evidence_is_carried_over_when_the_grant_starts(grant, member):
    application = grant.application
    application.gold_status = Application.GoldStatus.GOLD
    application.gold_awarded_on = dt.date(2019, 11, 1)
    application.gold_expires_on = dt.date(2021, 10, 31)
    application.save()
    upload = pdf_upload("guld.pdf")
    Attachment.objects.create(
        application=application,
        kind=Attachment.Kind.GOLD_CERTIFICATE,
        file=upload,
        original_name="guld.pdf",
        size=upload.size,
        sha256="a" * 64,
        uploaded_by=member,
    )
    carried = gold_carry_over(grant=grant, by=grant.created_by)
    assert isinstance(carried, GoldLabel)
    assert (carried.level, carried.audited_on, carried.valid_until) == (
        "gold",
        dt.date(2019, 11, 1),
        dt.date(2021, 10, 31),
    )
    assert carried.original_name == "guld.pdf" and carried.file.name
    assert gold_carry_over(grant=grant, by=grant.created_by) is None  # once only
    assert gold_status(organisation=grant.organisation, day=dt.date(2021, 11, 1)).state == GoldState.LAPSED


def test_gold_plan_is_carried_over(grant):
    application = grant.application
    application.gold_status = Application.GoldStatus.PLAN
    application.gold_target_date = dt.date(2022, 6, 30)
    application.save()
    carried = gold_carry_over(grant=grant, by=grant.created_by)
    assert isinstance(carried, GoldPlan) and carried.target_date == dt.date(2022, 6, 30)
    assert gold_status(organisation=grant.organisation, day=dt.date(2022, 1, 1)).state == GoldState.PLAN


def test_nothing_to_carry_over_without_evidence(grant):
    assert gold_carry_over(grant=grant, by=grant.created_by) is None
