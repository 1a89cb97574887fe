"""The budget section: a row per year of the call, funders' columns only in their frame years, totals."""

import pytest
from django.urls import reverse

from applications.models import BudgetLine, Funder
from applications.services import application_create, section_version
from clusterfund.models import AuditEvent
from tests.factories.applications import BudgetFrameFactory, CallFactory, OrganisationFactory


@pytest.fixture
def call(db):
    """2021–2024; the board has frames for 2021–2022 only, UFM for all four years."""
    call = CallFactory(period_start=2021, period_end=2024)
    for year in (2021, 2022):
        BudgetFrameFactory(call=call, year=year, funder=Funder.BOARD)
    for year in (2021, 2022, 2023, 2024):
        BudgetFrameFactory(call=call, year=year, funder=Funder.UFM, amount=10_000_000)
    return call


@pytest.fixture
def application(call, member):
    organisation = OrganisationFactory()
    organisation.members.add(member)
    return application_create(call=call, organisation=organisation, by=member)


def url(application):
    return reverse("applications:section_budget", args=[application.pk])


def budget_post(application, **amounts):
    return {"version": section_version(application=application, section="budget"), **amounts}


def test_page_has_a_row_per_year_and_inputs_only_where_a_funder_has_a_frame(browser, application):
    response = browser.get(url(application))
    html = response.content.decode()
    assert response.status_code == 200
    for year in (2021, 2022, 2023, 2024):
        assert f'id="budget-{year}"' in html
        assert f'name="ufm_{year}"' in html
        assert f'name="cofinancing_{year}"' in html
    assert 'name="board_2021"' in html and 'name="board_2022"' in html
    assert 'name="board_2023"' not in html and 'name="board_2024"' not in html
    row_2023 = html[html.index('id="budget-2023"') : html.index('id="budget-2024"')]
    assert "–" in row_2023 and "No budget frame this year" in row_2023
    assert "js/budget.js" in html


def test_amounts_are_saved_and_totals_shown_after_saving(client, member, application):
    client.force_login(member)  # Danish page: amounts the Danish way
    data = budget_post(
        application,
        board_2021="1.250.000",
        ufm_2021="250000",
        cofinancing_2021="500.000 kr.",
        ufm_2023="1 000 000",
    )
    response = client.post(url(application), data)
    assert response.status_code == 302
    lines = {line.year: line for line in BudgetLine.objects.filter(application=application)}
    assert (lines[2021].board_amount, lines[2021].ufm_amount, lines[2021].cofinancing) == (1_250_000, 250_000, 500_000)
    assert (lines[2023].board_amount, lines[2023].ufm_amount, lines[2023].cofinancing) == (0, 1_000_000, 0)
    assert 2022 not in lines  # nothing typed for 2022: no empty line
    html = client.get(url(application)).content.decode()
    row_2021 = html[html.index('id="budget-2021"') : html.index('id="budget-2022"')]
    assert 'value="1.250.000"' in row_2021
    assert "2.000.000 kr." in row_2021
    for column, total in [
        ("board", "1.250.000"),
        ("ufm", "1.250.000"),
        ("cofinancing", "500.000"),
        ("all", "3.000.000"),
    ]:
        assert f'data-budget-total-column="{column}">{total} kr.</td>' in html, column
    assert 'data-budget-total-year="2023">1.000.000 kr.</td>' in html


def test_a_value_in_a_year_without_board_frame_is_refused(browser, application):
    data = budget_post(application, board_2021="100.000", board_2024="5.000.000")
    response = browser.post(url(application), data)
    assert response.status_code == 422
    assert response.context["form"].non_field_errors() == [
        "The board has no budget frame in 2024, so nothing can be applied for there."
    ]
    assert not BudgetLine.objects.exists()
    assert 'value="100.000"' in response.content.decode()


def test_an_old_amount_in_a_year_without_frame_is_cleared_on_save(browser, application):
    BudgetLine.objects.create(application=application, year=2024, board_amount=7, ufm_amount=3)
    response = browser.post(url(application), budget_post(application, ufm_2024="3"))
    assert response.status_code == 302
    line = BudgetLine.objects.get(application=application, year=2024)
    assert (line.board_amount, line.ufm_amount) == (0, 3)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("-5", "The amount cannot be negative."),
        ("mange", "Write the amount in whole kroner, e.g. 1.250.000."),
        ("1,5", "Write whole kroner without øre."),
        ("99999999999999", "The amount is unrealistically large (more than 10.000.000.000 kr.)."),
    ],
)
def test_bad_amounts_are_refused_with_a_message_and_other_rows_kept(browser, application, typed, message):
    data = budget_post(application, board_2021="1.250.000", ufm_2022=typed, cofinancing_2024="42.000")
    response = browser.post(url(application), data)
    html = response.content.decode()
    assert response.status_code == 422
    assert response.context["form"].errors["ufm_2022"] == [message]
    assert 'value="1.250.000"' in html and 'value="42.000"' in html
    assert f'value="{typed}"' in html  # the wrong value too, to be corrected
    assert 'href="#id_ufm_2022"' in html  # the error summary links to the field
    assert not BudgetLine.objects.exists()


def test_audit_event_names_the_changed_fields_not_the_amounts(browser, application):
    browser.post(url(application), budget_post(application, board_2021="1.234.567", cofinancing_2022="7.654.321"))
    event = AuditEvent.objects.filter(action="application.section_save").get()
    assert event.after["changed"] == ["board_2021", "cofinancing_2022"]
    recorded = repr(event.before) + repr(event.after)
    assert "1234567" not in recorded and "7654321" not in recorded


def test_autosave_saves_the_budget(browser, application):
    response = browser.post(
        url(application), budget_post(application, ufm_2022="10.000"), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert 'id="id_version"' in response.content.decode()
    assert BudgetLine.objects.get(application=application, year=2022).ufm_amount == 10_000


def test_other_organisations_cannot_see_or_save_the_budget(client, make_user, application):
    client.force_login(make_user("applicant"))
    assert client.get(url(application)).status_code == 404
    assert client.post(url(application), {"version": 0, "ufm_2021": "1"}).status_code == 404
    assert not BudgetLine.objects.exists()
