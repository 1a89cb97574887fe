"""The budget frames page, as the call configuration reaches it: who may see and change it, and a new
call's frames created on it (the services' rules are tested in test_frames.py, the page's errors in
test_views.py)."""

import pytest
from django.urls import reverse

from applications.models import BudgetFrame, Funder
from clusterfund.models import AuditEvent
from tests.factories.applications import CallFactory, open_call_with_parts

STAFF = ["secretariat", "ufm", "subcommittee_member", "subcommittee_chair", "administrator"]


def frames_post(call, amounts: dict) -> dict:
    """Return the page's POST: one row per year and funder; `amounts` maps (year, funder) to the typed amount."""
    from allocation.forms import frame_initial

    rows = frame_initial(call)
    data = {"frames-TOTAL_FORMS": len(rows), "frames-INITIAL_FORMS": len(rows)}
    for index, row in enumerate(rows):
        data[f"frames-{index}-year"] = row["year"]
        data[f"frames-{index}-funder"] = row["funder"]
        data[f"frames-{index}-source"] = row["source"]
        amount = amounts.get((row["year"], row["funder"]), row["amount"])
        data[f"frames-{index}-amount"] = "" if amount is None else amount
    return data


@pytest.fixture
def call(db):
    return open_call_with_parts()


def test_anonymous_is_sent_to_login(client, call):
    url = reverse("allocation:frames", args=[call.slug])
    for response in (client.get(url), client.post(url, frames_post(call, {}))):
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", ["applicant", *STAFF])
def test_page_answers_by_role(client, make_user, call, role):
    client.force_login(make_user(role))
    url = reverse("allocation:frames", args=[call.slug])
    page = client.get(url)
    assert page.status_code == (404 if role == "applicant" else 200)
    if role != "applicant":
        # only the secretariat gets the inputs; the others (the administrator too) read the table
        assert ('name="frames-0-amount"' in page.content.decode()) == (role == "secretariat")
    response = client.post(url, frames_post(call, {(2021, Funder.BOARD): "70.000.000"}))
    expected = {"applicant": 404, "secretariat": 302}.get(role, 403)
    assert response.status_code == expected
    amount = BudgetFrame.objects.get(call=call, year=2021, funder=Funder.BOARD).amount
    assert amount == (70_000_000 if role == "secretariat" else 80_000_000)


def test_unknown_call_is_404(client, make_user, db):
    client.force_login(make_user("secretariat"))
    assert client.get(reverse("allocation:frames", args=["findes-ikke"])).status_code == 404


def test_a_new_calls_frames_are_created_on_the_page_and_audited(client, make_user, db):
    call = CallFactory(period_start=2026, period_end=2027)
    secretariat = make_user("secretariat")
    client.force_login(secretariat)
    url = reverse("allocation:frames", args=[call.slug])
    page = client.get(url).content.decode()
    assert page.count('name="frames-') >= 4 * 4  # a row per year and funder: year, funder, amount, source ...
    response = client.post(url, frames_post(call, {(2026, Funder.BOARD): "80.000.000", (2027, Funder.UFM): "0"}))
    assert response.status_code == 302
    assert sorted(BudgetFrame.objects.filter(call=call).values_list("year", "funder", "amount")) == [
        (2026, "board", 80_000_000),
        (2027, "ufm", 0),
    ]
    assert AuditEvent.objects.filter(action="frame.create", actor=secretariat).count() == 2


def test_the_call_pages_link_to_the_frames_page(client, make_user, call):
    client.force_login(make_user("administrator"))
    for name in ("call_admin_edit", "call_admin_areas", "call_admin_criteria"):
        page = client.get(reverse(f"applications:{name}", args=[call.slug])).content.decode()
        assert f'href="{reverse("allocation:frames", args=[call.slug])}"' in page, name
