"""The governance forms read numbers, dates, amounts and CVR numbers with the shared clusterfund fields: what
those document is accepted, everything else refused with the field's message (never an exception)."""

import datetime as dt

import pytest
from django.http import QueryDict

from clusterfund import fields
from clusterfund.fields import posted_int
from governance.forms import ActorForm, ActorFormSet, FiguresForm, PlanActivityForm, SourceDecisionForm
from governance.models import Indicator

pytestmark = pytest.mark.django_db

HOSTILE = ["²⁰²¹", "２０２１", "٢٠٢١", "9" * 5000, "1e3", "NaN", "Infinity", "20\x0021", "\ud800", "x" * 20_000]


def test_the_forms_use_the_shared_fields(grant):
    source = SourceDecisionForm(grant=grant)
    assert isinstance(source.fields["finance_act_year"], fields.IntegerField)
    assert isinstance(source.fields["erdf"], fields.KronerField)
    activity = PlanActivityForm(call=grant.call, year=2021)
    assert isinstance(activity.fields["starts_on"], fields.DateField)
    assert isinstance(activity.fields["ends_on"], fields.DateField)
    assert isinstance(activity.fields["budget_board"], fields.KronerField)
    assert isinstance(ActorForm().fields["cvr"], fields.CVRField)


@pytest.mark.parametrize("total", ["99999", "１２３４５６７８"])
def test_a_forged_actor_row_count_builds_at_most_the_formsets_100_rows(total):
    """TOTAL_FORMS is the client's to say: Django's default cap (max_num + 1,000) built 1,100 rows from one post."""
    formset = ActorFormSet({"actors-TOTAL_FORMS": total, "actors-INITIAL_FORMS": "0"}, prefix="actors")
    assert not formset.is_valid()
    assert len(formset.forms) == 100


@pytest.mark.parametrize("text", HOSTILE)
def test_the_finance_act_year_refuses_what_is_not_a_year_in_digits_0_to_9(grant, text):
    year = grant.years[-1]
    form = SourceDecisionForm(
        {"year": str(year), "national": "1.000.000", "finance_act_year": text, "reason": "Bestyrelsens beslutning."},
        grant=grant,
    )
    assert not form.is_valid()
    assert "finance_act_year" in form.errors


def test_the_finance_act_year_accepts_a_year(grant):
    year = grant.years[-1]
    data = {"year": str(year), "national": "1.000.000", "finance_act_year": "2023", "reason": "Beslutning."}
    form = SourceDecisionForm(data, grant=grant)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["finance_act_year"] == 2023


@pytest.mark.parametrize("text", [*HOSTILE, "٠١.٠٢.٢٠٢١", "1. februar 2021", "01.02.99999", "01.02.0001"])
def test_an_activitys_dates_refuse_other_scripts_digits_and_far_years(grant, text):
    call = grant.call
    data = {
        "activity_type": str(call.activity_types.first().pk),
        "title": "Forløb",
        "description": "Beskrivelse",
        "starts_on": text,
        "ends_on": "2021-11-30",
    }
    form = PlanActivityForm(data, call=call, year=2021)
    assert not form.is_valid()
    assert "starts_on" in form.errors


def test_an_activitys_dates_accept_the_date_pickers_and_the_danish_way(grant):
    call = grant.call
    data = {
        "activity_type": str(call.activity_types.first().pk),
        "title": "Forløb",
        "description": "Beskrivelse",
        "starts_on": "01.02.2021",
        "ends_on": "2021-11-30",
        "budget_board": "250.000 kr.",
    }
    form = PlanActivityForm(data, call=call, year=2021)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["starts_on"] == dt.date(2021, 2, 1)
    assert form.cleaned_data["budget_board"] == 250_000


@pytest.mark.parametrize("text", [*HOSTILE, "¹2345678", "１２３４５６７８"])
def test_an_actors_cvr_refuses_what_is_not_8_digits_0_to_9(text):
    form = ActorForm({"name": "Virksomhed A/S", "kind": "company", "cvr": text})
    assert not form.is_valid()
    assert "cvr" in form.errors


def test_an_actors_cvr_is_kept_without_spaces():
    form = ActorForm({"name": "Virksomhed A/S", "kind": "company", "cvr": "1234 5674"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["cvr"] == "12345674"
    wrong_check_digit = ActorForm({"name": "Virksomhed A/S", "kind": "company", "cvr": "12345675"})
    assert not wrong_check_digit.is_valid()
    empty = ActorForm({"name": "Virksomhed A/S", "kind": "company", "cvr": ""})
    assert empty.is_valid(), empty.errors
    assert empty.cleaned_data["cvr"] == ""


@pytest.mark.parametrize("text", HOSTILE)
def test_a_planned_figure_refuses_hostile_text(grant, text):
    indicators = list(Indicator.objects.filter(call=grant.call))
    form = FiguresForm({f"figure_{i.pk}": text for i in indicators}, indicators=indicators, initial_values={})
    assert not form.is_valid()
    assert set(form.errors) == {f"figure_{i.pk}" for i in indicators}


class _Posted:
    def __init__(self, **data):
        self.POST = QueryDict(mutable=True)
        self.POST.update(data)


@pytest.mark.parametrize("text", ["²", "１", "9" * 5000, " 3 ", "1_000", "-3", "", "\x00"])
def test_a_posted_revision_in_other_than_digits_0_to_9_is_missing(text):
    assert posted_int(_Posted(revision=text), "revision") == -1


def test_a_posted_revision_in_digits_is_read():
    assert posted_int(_Posted(revision="12"), "revision") == 12
    assert posted_int(_Posted(), "revision") == -1
