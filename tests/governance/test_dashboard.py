"""The portfolio dashboard: the same number of queries for 3 and 30 organisations; figures per organisation and
for the programme; filters by area, region and year; charts with a text alternative, patterns and no style
attribute, each with its table; CSV and XLSX exports (audited, formula-safe)."""

import datetime as dt
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clusterfund.models import AuditEvent
from governance.models import (
    GoldLabel,
    IndicatorTarget,
)
from governance.selectors.dashboard import dashboard_build
from tests.factories.governance import plan_with_activity, simple_grant
from tests.factories.governance_watch import accepted_report, open_due, own_calendar

pytestmark = pytest.mark.django_db


def populate(grant, *, actual=90, used=3_000_000):
    """A target, an accepted report with an actual and accounts, a late report date, a plan and a label (instead
    of the generated reporting calendar)."""
    own_calendar(grant)
    indicator = grant.call.indicators.get(code="virksomheder")
    IndicatorTarget.objects.create(grant=grant, indicator=indicator, year=None, value=600)
    accepted_report(grant, indicator=indicator, actual=actual, used=used)
    open_due(grant, due_on=dt.date(2022, 8, 31))
    plan_with_activity(grant, year=2022)
    GoldLabel.objects.create(
        organisation=grant.organisation,
        level="gold",
        audited_on=dt.date(2020, 6, 1),
        valid_until=dt.date(2022, 5, 31),
        registered_by=grant.created_by,
    )


def more(grant, count):
    for _ in range(count):
        populate(simple_grant(call=grant.call))


def page_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_query_count_is_the_same_for_3_and_30_organisations(client, grant, reviewers):
    populate(grant)
    more(grant, 2)
    client.force_login(reviewers[0])
    url = reverse("governance:dashboard", args=[grant.call.slug])
    three = page_queries(client, url)
    more(grant, 27)
    thirty = page_queries(client, url)
    assert three == thirty, (three, thirty)
    assert three < 40


def test_figures_per_organisation_and_for_the_programme(grant, reviewers):
    populate(grant, actual=90, used=3_000_000)
    other = simple_grant(call=grant.call)
    populate(other, actual=300, used=1_000_000)
    board = dashboard_build(call=grant.call, today=dt.date(2022, 9, 15))
    row = next(r for r in board.rows if r.grant == grant)
    cell = row.indicators[[i.code for i in board.indicators].index("virksomheder")]
    assert (cell.actual, cell.target, cell.percent) == (90, 600, 15)
    assert row.granted == {"board": 80_000_000, "ufm": 40_000_000}
    assert row.used["board"] == 3_000_000
    assert row.reports_submitted == 1 and row.reports_open == 1
    assert row.late >= 1  # the report due 31 August
    assert not row.gold.condition_met
    assert board.not_met == 2
    totals = {(t["year"], t["funder"]): t for t in board.totals}
    assert totals[(2021, "board")]["used"] == 4_000_000
    assert totals[(2021, "board")]["granted"] == 40_000_000


def test_filters_by_region_area_and_year(grant, reviewers):
    populate(grant)
    other = simple_grant(call=grant.call)
    other.organisation.region = "hovedstaden"
    other.organisation.save()
    assert [r.grant for r in dashboard_build(call=grant.call, region="hovedstaden").rows] == [other]
    area = grant.application.business_area
    assert grant in [r.grant for r in dashboard_build(call=grant.call, area_id=area.pk).rows]
    assert dashboard_build(call=grant.call, area_id=999999).rows == []
    by_year = dashboard_build(call=grant.call, year=2022)
    assert {t["year"] for t in by_year.totals} == {2022}
    row = next(r for r in by_year.rows if r.grant == grant)
    assert row.used["board"] == 0  # the accounts are for 2021
    assert row.indicators[[i.code for i in by_year.indicators].index("virksomheder")].target == 150


def test_charts_are_accessible_and_have_their_tables(client, grant, reviewers):
    populate(grant)
    client.force_login(reviewers[0])
    html = client.get(reverse("governance:dashboard", args=[grant.call.slug])).content.decode()
    svgs = re.findall(r'<svg[^>]*class="portal-chart".*?</svg>', html, re.S)
    assert len(svgs) == 3
    for svg in svgs:
        chart_id = re.search(r'id="([^"]+)"', svg).group(1)
        assert 'role="img"' in svg
        assert f'aria-labelledby="{chart_id}-title {chart_id}-desc"' in svg
        assert f'<title id="{chart_id}-title">' in svg and f'<desc id="{chart_id}-desc">' in svg
        assert "style=" not in svg and "<script" not in svg
        assert f'id="{chart_id}-table"' in html  # its data table beside it
    assert "url(#chart-budget-hatch)" in svgs[1] and "url(#chart-budget-dots)" in svgs[1]  # not colour alone
    assert "stroke-dasharray" in svgs[2]
    assert "style=" not in html.split("<main", 1)[-1]


def test_chart_text_is_escaped(client, grant, reviewers):
    populate(grant)
    grant.organisation.name = '<script>alert("x")</script> & Co'
    grant.organisation.save()
    client.force_login(reviewers[0])
    html = client.get(reverse("governance:dashboard", args=[grant.call.slug])).content.decode()
    assert "<script>alert" not in html and "&lt;script&gt;" in html


def test_csv_and_xlsx_exports(client, grant, reviewers):
    from openpyxl import load_workbook

    populate(grant)
    grant.organisation.name = "=HYPERLINK(1)"
    grant.organisation.save()
    client.force_login(reviewers[0])
    response = client.get(reverse("governance:dashboard_export", args=[grant.call.slug, "organisations", "csv"]))
    text = response.content.decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    assert text.splitlines()[0].startswith("Organisation,Area,Region,Gold label")
    assert "'=HYPERLINK(1)" in text
    response = client.get(
        reverse("governance:dashboard_export", args=[grant.call.slug, "budget", "xlsx"]) + "?year=2021"
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Organisation", "Year", "Funder", "Granted", "Planned", "Used")
    assert {row[1] for row in rows[1:]} == {2021}
    assert ("'=HYPERLINK(1)", 2021, "Danish Board of Business Development", 20_000_000, 0, 3_000_000) in rows
    assert AuditEvent.objects.filter(action="dashboard.export").count() == 2
