"""The programme overview and the report queue: a fixed number of queries for 3 and 30 organisations, the
figures against the targets, and the CSV export's columns."""

import csv
import io

import pytest
from django.urls import reverse

from governance.models import Indicator, IndicatorTarget, Report, ReportAccountLine, ReportDue
from tests.factories.governance import IndicatorFactory, reviewers_for, simple_grant
from tests.factories.governance_reports import add_actual, add_participant, fictional_cvr, report_for

pytestmark = pytest.mark.django_db


def programme(n: int):
    """A call with n grants, each with an accepted 2021 report (two participants, co-financing, accounts)
    and a submitted 2022 report; a register indicator and period targets."""
    first = simple_grant()
    call = first.call
    companies = IndicatorFactory(call=call, code="virksomheder", aggregation="register", counts="companies")
    cofinancing = IndicatorFactory(call=call, code="medfinansiering", unit="kroner")
    secretariat, _ufm = reviewers_for(first)
    grants = [first] + [simple_grant(call=call) for _ in range(n - 1)]
    for index, grant in enumerate(grants):
        dues = {d.period_start.year: d for d in ReportDue.objects.filter(grant=grant, kind="periodic")}
        accepted = report_for(dues[2021], status=Report.Status.ACCEPTED)
        add_participant(accepted, fictional_cvr(index))
        add_participant(accepted, fictional_cvr(1000))  # the same company in every organisation
        add_actual(accepted, cofinancing, 100_000)
        ReportAccountLine.objects.create(report=accepted, funder="board", line="Løn", budget=10, actual=7)
        report_for(dues[2022], status=Report.Status.SUBMITTED)
        IndicatorTarget.objects.create(grant=grant, indicator=companies, year=None, value=50)
    return call, grants, secretariat


@pytest.mark.parametrize("n", [3, 30])
def test_overview_query_count_is_constant(client, n, django_assert_num_queries):
    call, _grants, secretariat = programme(n)
    client.force_login(secretariat)
    with django_assert_num_queries(OVERVIEW_QUERIES):
        response = client.get(reverse("governance:overview", args=[call.slug]))
    assert response.status_code == 200
    assert response.content.decode().count('<th scope="row">Klyngeorganisation') == n * 5  # 4 years + period


@pytest.mark.parametrize("n", [3, 30])
def test_report_queue_query_count_is_constant(client, n, django_assert_num_queries):
    call, _grants, secretariat = programme(n)
    client.force_login(secretariat)
    with django_assert_num_queries(QUEUE_QUERIES):
        response = client.get(reverse("governance:report_queue", args=[call.slug]))
    assert response.content.decode().count('<tr id="report-') == 2 * n


def test_overview_counts_a_company_once_across_organisations(client):
    call, _grants, secretariat = programme(3)
    client.force_login(secretariat)
    page = client.get(reverse("governance:overview", args=[call.slug])).content.decode()
    # each organisation: 2 companies of a target of 50; the programme: 3 own + 1 shared = 4, of 150
    assert page.count(">2 / 50<") == 3
    assert ">4 / 150<" in page
    assert "DKK 21 / DKK 240,000,000" in page  # board used / granted, whole period, programme (English)


def test_overview_csv_has_target_and_actual_per_indicator(client):
    call, _grants, secretariat = programme(3)
    client.force_login(secretariat)
    response = client.get(reverse("governance:overview_export", args=[call.slug, "csv"]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header = rows[0]
    names = [i.name for i in Indicator.objects.filter(call=call)]
    for name in names:
        assert f"{name} – target" in header and f"{name} – actual" in header
    assert len(rows) == 1 + 3 * 5
    first_2021 = next(r for r in rows[1:] if r[2] == "2021")
    assert first_2021[header.index(f"{names[0]} – actual")] == "2"


OVERVIEW_QUERIES = 13
QUEUE_QUERIES = 5
