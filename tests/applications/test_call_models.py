import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from applications.models import Call
from tests.factories.applications import BudgetFrameFactory, CallFactory, CriterionFactory


@pytest.mark.parametrize("weight", [0])
def test_criterion_weight_must_be_positive(db, weight):
    with pytest.raises(IntegrityError), transaction.atomic():
        CriterionFactory(weight=weight)


def test_criterion_scale_must_be_valid(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        CriterionFactory(scale_min=5, scale_max=5)


def test_call_deadline_after_opening(db):
    now = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        CallFactory(opens_at=now, deadline=now - dt.timedelta(hours=1))


def test_budget_frame_year_within_period(db):
    frame = BudgetFrameFactory.build(call=CallFactory(), year=2030)
    with pytest.raises(ValidationError, match="period"):
        frame.full_clean()


def test_finance_act_frame_needs_its_year(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        BudgetFrameFactory(source="finance_act", source_year=None)


def test_call_phase_follows_the_clock(db):
    call = CallFactory()
    assert call.phase(call.opens_at - dt.timedelta(seconds=1)) == "upcoming"
    assert call.phase(call.opens_at) == "open"
    assert call.phase(call.deadline - dt.timedelta(seconds=1)) == "open"
    assert call.phase(call.deadline) == "closed"
    assert call.is_open(call.deadline - dt.timedelta(seconds=1))
    assert not call.is_open(call.deadline)
    assert list(Call.objects.open_at(call.deadline - dt.timedelta(seconds=1))) == [call]
