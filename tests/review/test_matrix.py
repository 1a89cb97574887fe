"""The review matrix: ranks, derived totals, spread, filters, sorting, inline scoring, compare, exports,
and a query count that does not grow with the number of applications."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.models import CriterionAnswer
from review.models import Assignment
from review.selectors.matrix import review_matrix
from tests.factories.review import SubmittedApplicationFactory, agree, call_with_reviews, score_all

# The matrix page costs, whatever the number of applications: session, user with their roles, call, criteria,
# assignments (with reviewers), scores, consensus scores, applications (with organisation, area and joint
# assessment), the areas to group by and the filter form's areas.
MATRIX_QUERIES = 10
# An export: the same reads but the filter form's areas, plus the audit event (its content type cached).
EXPORT_QUERIES = 10
# The command: no session, user or roles.
COMMAND_QUERIES = 8


def inline(application_id: int, criterion_id: int, value, justification) -> dict:
    """Return the POST data of the inline score form of one matrix cell."""
    prefix = f"s{application_id}-{criterion_id}"
    return {f"{prefix}-value": value, f"{prefix}-justification": justification}


def csv_rows(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


@pytest.fixture
def ranked(call, make_user):
    """Two areas: in the first, A and D tie behind B, C is ineligible; the second has one application."""
    first, second = call.areas.all()
    apps = {}
    for name, area, values, eligible in [
        ("A", first, [4, 4, 4, 4], True),
        ("B", first, [5, 5, 5, 5], True),
        ("C", first, [5, 5, 5, 5], False),
        ("D", first, [4, 4, 4, 4], True),
        ("E", second, [1, 1, 1, 1], True),
    ]:
        application = SubmittedApplicationFactory(call=call, business_area=area, organisation__name=f"Klynge {name}")
        agree(application, values, eligible=eligible)
        apps[name] = application
    return apps


def rows_by_name(matrix):
    return {row.application.organisation.name[-1]: row for row in matrix.rows}


def test_rank_within_area_leaves_out_the_ineligible_and_shares_ties(ranked, call):
    rows = rows_by_name(review_matrix(call=call))
    assert {name: row.rank for name, row in rows.items()} == {"A": 2, "B": 1, "C": None, "D": 2, "E": 1}
    assert rows["C"].eligible is False and rows["C"].mean == Decimal(5)


def test_totals_follow_the_current_weights(ranked, call):
    agree(ranked["A"], [4, 3, 5, 2])
    assert rows_by_name(review_matrix(call=call))["A"].consensus.mean_2 == Decimal("3.50")
    for code, weight in [("organisation", 35), ("activities", 25)]:
        call.criteria.filter(code=code).update(weight=weight)
    row = rows_by_name(review_matrix(call=call))["A"]
    assert (row.consensus.mean_2, row.consensus.points_2) == (Decimal("3.55"), Decimal("63.75"))


def test_a_spread_of_two_or_more_is_highlighted(client, call, application, lead, sec, ufm, assign):
    score_all(assign(application, sec), [1, 3, 4, 2], submit=True)
    score_all(assign(application, ufm), [3, 4, 4, 2], submit=True)
    client.force_login(lead)
    page = client.get(reverse("review:matrix", args=[call.slug])).content.decode()
    first, second = call.criteria.all()[:2]
    cell = page.split(f'id="cell-{application.pk}-{first.pk}"')[1].split("</td>")[0]
    assert '<span class="badge badge-warning">Spread 2</span>' in cell
    cell = page.split(f'id="cell-{application.pk}-{second.pk}"')[1].split("</td>")[0]
    assert "badge-warning" not in cell and "Spread 1" in cell


def order(page: str, ranked) -> list[str]:
    positions = {name: page.find(f'id="row-{app.pk}"') for name, app in ranked.items()}
    return [name for name, position in sorted(positions.items(), key=lambda item: item[1]) if position >= 0]


def test_rows_are_grouped_by_area_and_ranked(client, ranked, call, lead):
    client.force_login(lead)
    page = client.get(reverse("review:matrix", args=[call.slug])).content.decode()
    assert order(page, ranked) == ["B", "A", "D", "C", "E"]  # unranked (ineligible) last in its area
    assert "Not eligible" in page


def test_sorting_by_a_column_sorts_within_each_area(client, ranked, call, lead):
    client.force_login(lead)
    page = client.get(reverse("review:matrix", args=[call.slug]), {"sort": "total", "dir": "desc"}).content.decode()
    assert order(page, ranked)[:3] == ["B", "C", "A"]
    page = client.get(reverse("review:matrix", args=[call.slug]), {"sort": "organisation", "dir": "desc"}).content
    assert order(page.decode(), ranked) == ["D", "C", "B", "A", "E"]
    page = client.get(reverse("review:matrix", args=[call.slug]), {"sort": "nonsense"}).content.decode()
    assert order(page, ranked) == ["B", "A", "D", "C", "E"]


def test_filters_by_area_eligibility_and_status(client, ranked, call, lead):
    client.force_login(lead)
    url = reverse("review:matrix", args=[call.slug])
    second = call.areas.all()[1]
    assert order(client.get(url, {"area": second.pk}).content.decode(), ranked) == ["E"]
    assert order(client.get(url, {"eligibility": "ineligible"}).content.decode(), ranked) == ["C"]
    assert order(client.get(url, {"status": "under_review"}).content.decode(), ranked) == []
    assert len(order(client.get(url, {"area": "not-a-number"}).content.decode(), ranked)) == 5  # ignored


@pytest.mark.parametrize("n", [5, 60])
def test_the_matrix_costs_the_same_number_of_queries_for_5_and_60_applications(
    client, django_assert_num_queries, lead, n
):
    call = call_with_reviews(applications=n, reviewers=6)
    client.force_login(lead)
    url = reverse("review:matrix", args=[call.slug])
    with django_assert_num_queries(MATRIX_QUERIES):
        response = client.get(url, {"sort": "total", "dir": "desc"})
    assert response.content.decode().count('<tr id="row-') == n


@pytest.mark.parametrize("n", [5, 60])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_export_costs_the_same_number_of_queries_for_5_and_60_applications(
    client, django_assert_num_queries, lead, n, fmt
):
    call = call_with_reviews(applications=n, reviewers=6)
    client.force_login(lead)
    client.get(reverse("review:export", args=[call.slug, fmt]))  # warms the content-type cache of the audit event
    with django_assert_num_queries(EXPORT_QUERIES):
        response = client.get(reverse("review:export", args=[call.slug, fmt]))
    assert response.status_code == 200


@pytest.mark.parametrize("n", [5, 60])
def test_the_command_costs_the_same_number_of_queries_for_5_and_60_applications(
    db, django_assert_num_queries, tmp_path, n
):
    call = call_with_reviews(applications=n, reviewers=6)
    call_command("export_review_matrix", call.slug, "--out", str(tmp_path / "warm.csv"))
    with django_assert_num_queries(COMMAND_QUERIES):
        call_command("export_review_matrix", call.slug, "--format", "xlsx", "--out", str(tmp_path / "m.xlsx"))
    assert (tmp_path / "m.xlsx").stat().st_size > 0


def test_the_csv_export_has_one_row_per_application_with_the_consensus_and_totals(client, ranked, call, lead):
    agree(ranked["A"], [4, 3, 5, 2])
    client.force_login(lead)
    response = client.get(reverse("review:export", args=[call.slug, "csv"]))
    assert response["Content-Disposition"] == f'attachment; filename="vurderingsmatrix-{call.slug}.csv"'
    header, *rows = csv_rows(response.content)
    assert header == [
        "Organisation",
        "CVR number",
        "Business area",
        "Meets the requirements",
        *[f"Consensus: {c.short_name}" for c in call.criteria.all()],
        "Weighted total",
        "Points out of 100",
        "Rank in area",
        "Recommendation",
    ]
    by_name = {row[0]: row for row in rows}
    a = ranked["A"]
    assert by_name["Klynge A"] == [
        "Klynge A",
        a.organisation.cvr,
        "Miljøteknologi",
        "Yes",
        "4",
        "3",
        "5",
        "2",
        "3.50",
        "62.50",
        "3",  # behind B (5.00) and D (4.00)
        "Recommend",
    ]
    assert by_name["Klynge C"][3] == "No" and by_name["Klynge C"][10] == ""


def test_the_xlsx_export_matches_the_csv(client, ranked, call, lead):
    from openpyxl import load_workbook

    client.force_login(lead)
    csv_body = csv_rows(client.get(reverse("review:export", args=[call.slug, "csv"])).content)
    workbook = load_workbook(io.BytesIO(client.get(reverse("review:export", args=[call.slug, "xlsx"])).content))
    sheet = workbook.active
    values = [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]
    assert values[0] == csv_body[0]
    for xlsx_row, csv_row in zip(values[1:], csv_body[1:], strict=True):
        assert xlsx_row[:4] == csv_row[:4] and xlsx_row[-1] == csv_row[-1]
        numbers = [Decimal(str(v)) if v != "" else None for v in xlsx_row[4:-1]]
        assert numbers == [Decimal(v) if v else None for v in csv_row[4:-1]]


def test_the_command_writes_csv_and_xlsx(ranked, call, tmp_path):
    call_command(
        "export_review_matrix", call.slug, "--format", "csv", "--out", str(tmp_path / "m.csv"), "--language", "en"
    )
    rows = csv_rows((tmp_path / "m.csv").read_bytes())
    assert len(rows) == 1 + 5 and rows[0][0] == "Organisation"
    call_command("export_review_matrix", call.slug, "--format", "xlsx", "--out", str(tmp_path / "m.xlsx"))
    assert (tmp_path / "m.xlsx").read_bytes()[:2] == b"PK"
    with pytest.raises(CommandError, match="No call"):
        call_command("export_review_matrix", "no-such-call", "--out", str(tmp_path / "x.csv"))


# --- inline scoring (HTMX) ---------------------------------------------------------------------------


@pytest.fixture
def scoring(client, call, application, sec, assign):
    assignment = assign(application, sec)
    client.force_login(sec)
    return assignment


def test_the_inline_form_opens_in_the_cell(client, scoring, call):
    criterion = call.criteria.first()
    response = client.get(
        reverse("review:score_cell", args=[scoring.application_id, criterion.pk]), HTTP_HX_REQUEST="true"
    )
    page = response.content.decode()
    prefix = f"s{scoring.application_id}-{criterion.pk}"
    assert response.status_code == 200 and f'name="{prefix}-value"' in page and 'min="1"' in page


def test_an_inline_score_is_saved_and_the_row_with_the_total_comes_back(client, scoring, call):
    criteria = list(call.criteria.all())
    score_all(scoring, [4, 3, 5, 1])
    url = reverse("review:score_cell", args=[scoring.application_id, criteria[3].pk])
    data = inline(scoring.application_id, criteria[3].pk, "2", "Bedre")
    response = client.post(url, data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    row = response.content.decode()
    assert row.lstrip().startswith(f'<tr id="row-{scoring.application_id}"')
    assert "3.50" in row  # the reviewer's own weighted total: (30·4 + 30·3 + 20·5 + 20·2) / 100
    assert scoring.scores.get(criterion=criteria[3]).value == 2


@pytest.mark.parametrize(("value", "justification"), [("9", "For højt"), ("x", "Ikke et tal"), ("3", "")])
def test_a_bad_inline_score_comes_back_into_the_cell_with_a_message(client, scoring, call, value, justification):
    criterion = call.criteria.first()
    url = reverse("review:score_cell", args=[scoring.application_id, criterion.pk])
    data = inline(scoring.application_id, criterion.pk, value, justification)
    response = client.post(url, data, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert response["HX-Retarget"] == f"#cell-{scoring.application_id}-{criterion.pk}"
    page = response.content.decode()
    assert "Enter the score as a whole number from 1 to 5." in page or "Write a justification" in page
    assert justification in page
    assert not scoring.scores.exists()


def test_inline_scoring_is_closed_after_submission_and_for_others(client, scoring, call, ufm):
    criterion = call.criteria.first()
    url = reverse("review:score_cell", args=[scoring.application_id, criterion.pk])
    score_all(scoring, [3, 3, 3, 3], submit=True)
    assert client.post(url, inline(scoring.application_id, criterion.pk, "5", "x")).status_code == 404
    client.force_login(ufm)  # a forged post from someone not assigned
    assert client.post(url, inline(scoring.application_id, criterion.pk, "5", "x")).status_code == 404
    assert set(Assignment.objects.get().scores.values_list("value", flat=True)) == {3}


def test_the_matrix_offers_inline_editing_only_of_ones_own_open_review(client, scoring, call):
    page = client.get(reverse("review:matrix", args=[call.slug])).content.decode()
    assert reverse("review:score_cell", args=[scoring.application_id, call.criteria.first().pk]) in page
    assert "js/review_matrix.js" in page


# --- compare ---------------------------------------------------------------------------------------------


def test_compare_puts_two_applications_texts_side_by_side(client, ranked, call, lead):
    criterion = call.criteria.get(code="activities")
    for name in "AB":
        CriterionAnswer.objects.create(application=ranked[name], criterion=criterion, text=f"Aktiviteter hos {name}")
    client.force_login(lead)
    url = reverse("review:compare", args=[call.slug])
    response = client.get(url, {"a": [ranked["A"].pk, ranked["B"].pk], "criterion": "activities"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Aktiviteter hos A" in page and "Aktiviteter hos B" in page
    assert page.index("Klynge A") < page.index("Klynge B")


@pytest.mark.parametrize("count", [1, 4])
def test_compare_needs_two_or_three(client, ranked, call, lead, count):
    client.force_login(lead)
    ids = [app.pk for app in list(ranked.values())[:count]]
    response = client.get(reverse("review:compare", args=[call.slug]), {"a": ids})
    assert response.status_code == 422
    assert "Choose two or three applications to compare." in response.content.decode()


def test_the_matrix_query_count_does_not_depend_on_the_viewer_being_assigned(client, call, sec, assign):
    for application in [SubmittedApplicationFactory(call=call) for _ in range(3)]:
        score_all(assign(application, sec), [3, 3, 3, 3])
    client.force_login(sec)
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("review:matrix", args=[call.slug]))
    assert len(queries) == MATRIX_QUERIES
