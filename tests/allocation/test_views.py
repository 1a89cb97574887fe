"""The pages: UFM's selections, frames, proposals (create, grid, approve, lock), comparing, exports, the applicant's
approved amounts, the start-page panels; bad input explained with nothing saved; locked means locked."""

import csv
import io

import pytest
from django.urls import reverse

from allocation.models import Proposal, ProposalAmount, Selection
from allocation.services.approval import proposal_submit
from applications.models import Application, BudgetFrame, Funder, Message
from clusterfund.models import AuditEvent
from tests.factories.allocation import (
    applications_by_area,
    approve_by_members,
    approved_proposal,
    make_proposal,
    reviewed_call,
    selected_call,
)
from tests.factories.clusterfund import UserFactory


def amounts_of(proposal) -> dict:
    return {(a.application_id, a.year): a.amount for a in ProposalAmount.objects.filter(proposal=proposal)}


def grid_post(proposal, amounts: dict, revision=None) -> dict:
    data = {"revision": proposal.revision if revision is None else revision}
    for (pk, year), amount in amounts.items():
        data[f"amount_{pk}_{year}"] = amount
    return data


# --- UFM's selections ---------------------------------------------------------------------------------


@pytest.fixture
def reviewed(db):
    return reviewed_call(areas=2, per_area=2)


def selection_post(**overrides):
    data = {
        "decision": "selected",
        "decision_date": "02.09.2020",
        "case_number": "2020-5678",
        "note": "",
        "grant_2021": "10.000.000",
        "grant_2022": "10.000.000",
        "grant_2023": "",
        "grant_2024": "",
    }
    return {**data, **overrides}


def test_ufm_sees_the_ranking_per_area_and_records_a_selection(client, make_user, reviewed):
    client.force_login(make_user("ufm"))
    first, second = applications_by_area(reviewed)["Miljøteknologi"]
    page = client.get(reverse("allocation:selections", args=[reviewed.slug]))
    assert page.status_code == 200
    html = page.content.decode()
    assert html.index(first.organisation.name) < html.index(second.organisation.name)  # rank 1 before rank 2
    response = client.post(reverse("allocation:select", args=[first.pk]), selection_post())
    assert response.status_code == 302
    selection = Selection.objects.get(application=first)
    assert selection.decision == "selected" and selection.case_number == "2020-5678"
    assert {g.year: g.amount for g in selection.grants.all()} == {2021: 10_000_000, 2022: 10_000_000}
    listing = client.get(reverse("allocation:selections", args=[reviewed.slug])).content.decode()
    assert "2020-5678" in listing and "Change decision" in listing


def test_a_second_selection_in_the_area_is_refused_on_the_page_with_the_first_name(client, make_user, reviewed):
    client.force_login(make_user("ufm"))
    first, second = applications_by_area(reviewed)["Miljøteknologi"]
    client.post(reverse("allocation:select", args=[first.pk]), selection_post())
    response = client.post(reverse("allocation:select", args=[second.pk]), selection_post(note="Vigtigt notat"))
    assert response.status_code == 422
    html = response.content.decode()
    assert f"{first.organisation.name} is already selected in Miljøteknologi" in html
    assert "Vigtigt notat" in html  # what was typed is kept
    assert not Selection.objects.filter(application=second).exists()


@pytest.mark.parametrize(
    ("grant", "message"),
    [
        ("-5", "The amount cannot be negative."),
        ("ti millioner", "Write the amount in whole kroner, e.g. 1.250.000."),
        ("1.000,50", "Write whole kroner without øre."),
        ("99999999999999", "The amount is unrealistically large"),
    ],
)
def test_bad_grants_on_the_page_are_explained_and_nothing_is_saved(client, make_user, reviewed, grant, message):
    client.force_login(make_user("ufm"))
    application = applications_by_area(reviewed)["Miljøteknologi"][0]
    response = client.post(
        reverse("allocation:select", args=[application.pk]), selection_post(grant_2022=grant, case_number="K-1")
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    assert 'value="K-1"' in response.content.decode()
    assert not Selection.objects.exists() and not Message.objects.exists()
    application.refresh_from_db()
    assert application.status == "under_review"


def test_a_bad_date_is_explained(client, make_user, reviewed):
    client.force_login(make_user("ufm"))
    application = applications_by_area(reviewed)["Miljøteknologi"][0]
    response = client.post(
        reverse("allocation:select", args=[application.pk]), selection_post(decision_date="31.02.2020")
    )
    assert response.status_code == 422
    assert "Write the date as dd.mm.yyyy" in response.content.decode()


@pytest.mark.parametrize(("role", "status"), [("secretariat", 403), ("subcommittee_chair", 403), ("applicant", 404)])
def test_only_ufm_opens_the_decision_form(client, make_user, reviewed, role, status):
    client.force_login(make_user(role))
    application = Application.objects.filter(call=reviewed).first()
    assert client.get(reverse("allocation:select", args=[application.pk])).status_code == status
    assert client.post(reverse("allocation:select", args=[application.pk]), selection_post()).status_code == status
    assert not Selection.objects.exists()


# --- frames --------------------------------------------------------------------------------------------


def frames_post(call, changes=None) -> dict:
    from allocation.forms import frame_initial

    rows = frame_initial(call)
    data = {"frames-TOTAL_FORMS": len(rows), "frames-INITIAL_FORMS": len(rows)}
    for index, row in enumerate(rows):
        for key, value in row.items():
            if key == "is_conditional":
                if value:
                    data[f"frames-{index}-{key}"] = "on"
            else:
                data[f"frames-{index}-{key}"] = "" if value is None else value
        for key, value in (changes or {}).get((row["year"], row["funder"]), {}).items():
            data[f"frames-{index}-{key}"] = value
    return data


def test_the_secretariat_edits_frames_on_the_page(client, make_user, reviewed):
    client.force_login(make_user("secretariat"))
    url = reverse("allocation:frames", args=[reviewed.slug])
    assert client.get(url).status_code == 200
    data = frames_post(
        reviewed, {(2021, "board"): {"amount": "75.000.000", "source": "finance_act", "source_year": "2020"}}
    )
    assert client.post(url, data).status_code == 302
    frame = BudgetFrame.objects.get(call=reviewed, year=2021, funder=Funder.BOARD)
    assert (frame.amount, frame.source_label) == (75_000_000, "Finance act 2020")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"amount": "-1"}, "The amount cannot be negative."),
        ({"amount": "otte"}, "Write the amount in whole kroner"),
        ({"amount": "80.000.000,25"}, "Write whole kroner without øre."),
        ({"source": "finance_act", "source_year": ""}, "Give the year of the finance act."),
        ({"amount": ""}, "Write an amount (0 if none)."),
    ],
)
def test_bad_frames_are_explained_and_nothing_is_saved(client, make_user, reviewed, change, message):
    client.force_login(make_user("secretariat"))
    data = frames_post(reviewed, {(2021, "board"): {"amount": "1.000.000"}, (2022, "board"): change})
    response = client.post(reverse("allocation:frames", args=[reviewed.slug]), data)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert BudgetFrame.objects.get(call=reviewed, year=2021, funder=Funder.BOARD).amount == 80_000_000


def test_a_missing_frame_may_stay_empty_or_be_added(client, make_user, reviewed):
    BudgetFrame.objects.filter(call=reviewed, year=2024, funder=Funder.UFM).delete()
    client.force_login(make_user("secretariat"))
    url = reverse("allocation:frames", args=[reviewed.slug])
    assert client.post(url, frames_post(reviewed)).status_code == 302
    assert not BudgetFrame.objects.filter(call=reviewed, year=2024, funder=Funder.UFM).exists()
    client.post(url, frames_post(reviewed, {(2024, "ufm"): {"amount": "50.000.000", "source": "ministry"}}))
    assert BudgetFrame.objects.get(call=reviewed, year=2024, funder=Funder.UFM).amount == 50_000_000


def test_frames_are_read_only_once_an_allocation_is_approved(client, make_user):
    call = selected_call(organisations=2)
    approved_proposal(call)
    client.force_login(make_user("secretariat"))
    url = reverse("allocation:frames", args=[call.slug])
    page = client.get(url)
    assert 'name="frames-0-amount"' not in page.content.decode()
    response = client.post(url, frames_post(call, {(2021, "board"): {"amount": "90.000.000"}}))
    assert response.status_code == 422
    assert "can no longer change" in response.content.decode()
    assert BudgetFrame.objects.get(call=call, year=2021, funder=Funder.BOARD).amount == 80_000_000


# --- proposals -----------------------------------------------------------------------------------------


@pytest.fixture
def call(db):
    return selected_call(organisations=3)


@pytest.fixture
def apps(call):
    return list(Application.objects.filter(call=call).order_by("pk"))


def create_post(**overrides):
    return {"new-title": "Forslag A", "new-method": "ufm_grant", "new-unit": "1000", **overrides}


def test_the_secretariat_creates_a_proportional_proposal_with_bounds(client, make_user, call, apps):
    client.force_login(make_user("secretariat"))
    response = client.post(
        reverse("allocation:proposal_create", args=[call.slug]),
        create_post(**{f"new-max_{apps[2].pk}": "30.000.000"}),
    )
    proposal = Proposal.objects.get()
    assert response.status_code == 302 and response["Location"] == proposal.get_absolute_url()
    assert [amounts_of(proposal)[(a.pk, 2021)] for a in apps] == [16_667_000, 33_333_000, 30_000_000]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"min": "5.000.000", "max": "4.000.000"}, "The maximum must not be below the minimum."),
        ({"min": "-1"}, "The amount cannot be negative."),
        ({"min": "tre"}, "Write the amount in whole kroner"),
        ({"max": "1.000,5"}, "Write whole kroner without øre."),
        ({"min_all": "30.000.000"}, "The minimums add up to DKK 90,000,000, more than the frame of DKK 80,000,000."),
        ({"unit": "7"}, "Select a valid choice."),
        ({"title": ""}, "This field is required."),
    ],
)
def test_bad_helper_input_is_explained_and_nothing_is_created(client, make_user, call, apps, overrides, message):
    client.force_login(make_user("secretariat"))
    data = create_post()
    if "min" in overrides:
        data[f"new-min_{apps[0].pk}"] = overrides["min"]
    if "max" in overrides:
        data[f"new-max_{apps[0].pk}"] = overrides["max"]
    if "min_all" in overrides:
        for application in apps:
            data[f"new-min_{application.pk}"] = overrides["min_all"]
    if "unit" in overrides:
        data["new-unit"] = overrides["unit"]
    if "title" in overrides:
        data["new-title"] = overrides["title"]
    response = client.post(reverse("allocation:proposal_create", args=[call.slug]), data)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Proposal.objects.exists()


def test_a_unit_that_does_not_divide_a_frame_is_explained_on_the_page(client, make_user, call):
    BudgetFrame.objects.filter(call=call, year=2023, funder=Funder.BOARD).update(amount=80_000_500)
    client.force_login(make_user("secretariat"))
    response = client.post(reverse("allocation:proposal_create", args=[call.slug]), create_post())
    assert response.status_code == 422
    assert "2023: The frame of DKK 80,000,500 cannot be split in whole units of DKK 1,000." in response.content.decode()
    assert not Proposal.objects.exists()


def test_the_secretariat_adjusts_the_grid(client, make_user, call, apps):
    proposal = make_proposal(call)
    client.force_login(make_user("secretariat"))
    amounts = amounts_of(proposal)
    amounts[(apps[0].pk, 2021)] = "14.000.000"
    amounts[(apps[1].pk, 2021)] = "26 667 000 kr."
    response = client.post(proposal.get_absolute_url(), grid_post(proposal, amounts))
    assert response.status_code == 302
    saved = amounts_of(proposal)
    assert (saved[(apps[0].pk, 2021)], saved[(apps[1].pk, 2021)]) == (14_000_000, 26_667_000)
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert "2021 is over the frame" in page and "DKK 667,000 too much" in page


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ("-1", "The amount cannot be negative."),
        ("mange penge", "Write the amount in whole kroner"),
        ("13.333.000,50", "Write whole kroner without øre."),
        ("100000000000000", "The amount is unrealistically large"),
        ("", "Write an amount (0 if none)."),
    ],
)
def test_bad_grid_amounts_are_explained_and_nothing_is_saved(client, make_user, call, apps, bad, message):
    proposal = make_proposal(call)
    before = amounts_of(proposal)
    client.force_login(make_user("secretariat"))
    amounts = dict(before)
    amounts[(apps[0].pk, 2021)] = "1.000.000"  # a good change that must not be saved alone
    amounts[(apps[1].pk, 2022)] = bad
    response = client.post(proposal.get_absolute_url(), grid_post(proposal, amounts))
    assert response.status_code == 422
    html = response.content.decode()
    assert message in html
    assert 'value="1.000.000"' in html  # what was typed is kept
    assert amounts_of(proposal) == before


def test_a_stale_grid_is_refused_on_the_page(client, make_user, call, apps):
    proposal = make_proposal(call)
    client.force_login(make_user("secretariat"))
    response = client.post(proposal.get_absolute_url(), grid_post(proposal, amounts_of(proposal), revision=0))
    assert response.status_code == 422
    assert "A colleague changed the proposal" in response.content.decode()


def test_members_cannot_edit_amounts(client, make_user, call, apps):
    proposal = make_proposal(call)
    before = amounts_of(proposal)
    for role in ("subcommittee_member", "subcommittee_chair", "ufm"):
        client.force_login(make_user(role))
        page = client.get(proposal.get_absolute_url()).content.decode()
        assert f'name="amount_{apps[0].pk}_2021"' not in page
        changed = {**before, (apps[0].pk, 2021): 1}
        assert client.post(proposal.get_absolute_url(), grid_post(proposal, changed)).status_code == 403
        fill = {"fill-method": "equal", "fill-unit": "1"}
        assert client.post(reverse("allocation:proposal_fill", args=[proposal.pk]), fill).status_code == 403
    assert amounts_of(proposal) == before


def test_the_approval_journey_through_the_pages(client, make_user, call, apps):
    secretariat, chair = make_user("secretariat"), make_user("subcommittee_chair")
    members = [make_user("subcommittee_member"), make_user("subcommittee_member")]
    client.force_login(secretariat)
    client.post(reverse("allocation:proposal_create", args=[call.slug]), create_post())
    proposal = Proposal.objects.get()
    assert client.post(reverse("allocation:proposal_submit", args=[proposal.pk])).status_code == 302
    for member in members:
        client.force_login(member)
        response = client.post(
            reverse("allocation:proposal_review", args=[proposal.pk]), {"review-decision": "approve"}
        )
        assert response.status_code == 302
    client.force_login(members[0])
    no_text = client.post(reverse("allocation:proposal_review", args=[proposal.pk]), {"review-decision": "comment"})
    assert no_text.status_code == 422 and "Write your comment." in no_text.content.decode()
    assert client.post(reverse("allocation:proposal_lock", args=[proposal.pk])).status_code == 403  # only the chair
    client.force_login(chair)
    assert client.post(reverse("allocation:proposal_lock", args=[proposal.pk])).status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == "approved" and proposal.approved_by == chair


def test_the_chairs_approval_over_the_frame_is_refused_on_the_page(client, make_user, call, apps):
    secretariat = make_user("secretariat")
    proposal = proposal_submit(proposal=make_proposal(call, by=secretariat), by=secretariat)
    approve_by_members(proposal)
    BudgetFrame.objects.filter(call=call, year=2024, funder=Funder.BOARD).update(amount=70_000_000)
    client.force_login(make_user("subcommittee_chair"))
    response = client.post(reverse("allocation:proposal_lock", args=[proposal.pk]))
    assert response.status_code == 422
    assert "2024 is over the frame: DKK 80,000,000 allocated of DKK 70,000,000" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == "submitted"


# --- the lock -------------------------------------------------------------------------------------------


@pytest.fixture
def locked(call):
    return approved_proposal(call)


def test_no_page_can_change_a_locked_proposal(client, make_user, call, apps, locked):
    before = amounts_of(locked)
    changed = {**before, (apps[0].pk, 2021): 1}
    attempts = [
        ("secretariat", locked.get_absolute_url(), grid_post(locked, changed)),
        (
            "secretariat",
            reverse("allocation:proposal_fill", args=[locked.pk]),
            {"fill-method": "equal", "fill-unit": "1"},
        ),
        ("secretariat", reverse("allocation:proposal_submit", args=[locked.pk]), {}),
        (
            "subcommittee_member",
            reverse("allocation:proposal_review", args=[locked.pk]),
            {"review-decision": "approve"},
        ),
        ("subcommittee_chair", reverse("allocation:proposal_lock", args=[locked.pk]), {}),
    ]
    for role, url, data in attempts:
        client.force_login(make_user(role))
        assert client.post(url, data).status_code == 403, url
    page = client.get(locked.get_absolute_url()).content.decode()
    assert "The proposal is locked" in page and f'name="amount_{apps[0].pk}_2021"' not in page
    assert amounts_of(locked) == before
    assert Proposal.objects.get(pk=locked.pk).revision == locked.revision


def test_the_admin_shows_a_locked_proposal_read_only(client, locked, apps):
    admin = UserFactory(roles=["administrator"], is_staff=True, is_superuser=True)
    client.force_login(admin)
    url = reverse("admin:allocation_proposal_change", args=[locked.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="title"' not in page.content.decode()  # read-only: no inputs
    amount = ProposalAmount.objects.filter(proposal=locked).first()
    data = {
        "title": "Ændret",
        "amounts-TOTAL_FORMS": "1",
        "amounts-INITIAL_FORMS": "1",
        "amounts-0-id": amount.pk,
        "amounts-0-proposal": locked.pk,
        "amounts-0-application": amount.application_id,
        "amounts-0-year": amount.year,
        "amounts-0-amount": "1",
    }
    assert client.post(url, data).status_code == 403
    delete = reverse("admin:allocation_proposal_delete", args=[locked.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert Proposal.objects.get(pk=locked.pk).title == locked.title
    assert ProposalAmount.objects.get(pk=amount.pk).amount == amount.amount


def test_the_admin_edits_an_unlocked_proposal(client, call):
    proposal = make_proposal(call)
    client.force_login(UserFactory(roles=["administrator"], is_staff=True, is_superuser=True))
    page = client.get(reverse("admin:allocation_proposal_change", args=[proposal.pk]))
    assert 'name="title"' in page.content.decode()


def test_a_new_version_from_a_locked_proposal(client, make_user, locked):
    client.force_login(make_user("secretariat"))
    response = client.post(reverse("allocation:proposal_copy", args=[locked.pk]))
    copy = Proposal.objects.get(number=2)
    assert response["Location"] == copy.get_absolute_url() and copy.status == "draft"


# --- comparing and exports -----------------------------------------------------------------------------


def test_side_by_side_and_the_difference_of_two_proposals(client, make_user, call, apps):
    first = make_proposal(call, method="ufm_grant")
    second = make_proposal(call, method="equal")
    client.force_login(make_user("subcommittee_member"))
    url = reverse("allocation:compare", args=[call.slug])
    page = client.get(url).content.decode()
    assert "Proposal 1" in page and "Proposal 2" in page and "DKK 13,333,000" in page and "DKK 26,667,000" in page
    diff = client.get(url, {"a": first.pk, "b": second.pk}).content.decode()
    assert "From proposal 1 to proposal 2" in diff
    assert "+DKK 13,334,000" in diff  # 13.333.000 → 26.667.000 for the first organisation
    assert client.get(url, {"a": first.pk, "b": first.pk}).status_code == 422


def test_csv_export_of_a_proposal(client, make_user, call, apps, locked):
    client.force_login(make_user("subcommittee_member"))
    response = client.get(reverse("allocation:export", args=[locked.pk, "csv"]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header = rows[0]
    assert header[:3] == ["Organisation", "CVR number", "Business area"]
    assert header[3:8] == ["UFM grant 2021", "UFM grant 2022", "UFM grant 2023", "UFM grant 2024", "UFM grant in total"]
    assert header[8:] == ["Board 2021", "Board 2022", "Board 2023", "Board 2024", "Board in total"]
    by_name = {row[0]: row for row in rows[1:]}
    first = by_name[apps[0].organisation.name]
    assert first[1] == apps[0].organisation.cvr and first[8] == "13333000" and first[12] == str(4 * 13_333_000)
    assert by_name["Total"][8:] == ["80000000"] * 4 + ["320000000"]
    assert by_name["Funding source"][8] == "Not yet decided"
    assert by_name["Conditional"][8] == "No"
    assert AuditEvent.objects.filter(action="proposal.export").count() == 1


def test_xlsx_export_opens_with_numbers(client, make_user, call, locked):
    from openpyxl import load_workbook

    client.force_login(make_user("secretariat"))
    response = client.get(reverse("allocation:export", args=[locked.pk, "xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "Organisation"
    totals = next(row for row in sheet.iter_rows(values_only=True) if row[0] == "Total")
    assert totals[8:13] == (80_000_000, 80_000_000, 80_000_000, 80_000_000, 320_000_000)


def test_a_formula_in_an_organisation_name_is_defused(client, make_user, call, apps, locked):
    organisation = apps[0].organisation
    organisation.name = '=HYPERLINK("http://evil")'
    organisation.save()
    client.force_login(make_user("secretariat"))
    response = client.get(reverse("allocation:export", args=[locked.pk, "csv"]))
    assert "'=HYPERLINK" in response.content.decode("utf-8-sig")


@pytest.mark.parametrize("role", ["applicant", "administrator"])
def test_exports_and_proposals_are_not_for_everyone(client, make_user, call, locked, role):
    client.force_login(make_user(role))
    assert client.get(reverse("allocation:export", args=[locked.pk, "csv"])).status_code == 404
    assert client.get(locked.get_absolute_url()).status_code == 404
    assert client.get(reverse("allocation:proposals", args=[call.slug])).status_code == 404


# --- the applicant --------------------------------------------------------------------------------------


def test_the_applicant_sees_only_their_own_approved_amounts(client, call, apps, locked):
    own, other = apps[0], apps[1]
    member = UserFactory(roles=["applicant"])
    own.organisation.members.add(member)
    client.force_login(member)
    page = client.get(reverse("allocation:approved_amounts", args=[own.pk]))
    assert page.status_code == 200
    assert "DKK 13,333,000" in page.content.decode() and "DKK 53,332,000" in page.content.decode()
    assert client.get(reverse("allocation:approved_amounts", args=[other.pk])).status_code == 404
    start = client.get(reverse("start")).content.decode()
    assert "Approved amounts" in start and own.organisation.name in start
    assert other.organisation.name not in start and "DKK 26,667,000" not in start


def test_no_approved_amounts_before_the_chair_approves(client, call, apps):
    proposal = make_proposal(call)
    member = UserFactory(roles=["applicant"])
    apps[0].organisation.members.add(member)
    client.force_login(member)
    assert client.get(reverse("allocation:approved_amounts", args=[apps[0].pk])).status_code == 404
    assert proposal.status == "draft"
    assert "Approved amounts" not in client.get(reverse("start")).content.decode()


def test_the_start_page_lists_proposals_waiting_for_the_sub_committee(client, make_user, call):
    secretariat = make_user("secretariat")
    proposal_submit(proposal=make_proposal(call, by=secretariat, title="Til underudvalget"), by=secretariat)
    client.force_login(make_user("subcommittee_member"))
    page = client.get(reverse("start")).content.decode()
    assert "Til underudvalget" in page and reverse("allocation:proposals", args=[call.slug]) in page


def test_the_ufm_start_page_links_to_the_selections(client, make_user, call):
    client.force_login(make_user("ufm"))
    page = client.get(reverse("start")).content.decode()
    assert reverse("allocation:selections", args=[call.slug]) in page and "3 organisations selected" in page


# --- query counts ---------------------------------------------------------------------------------------


def _count(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "page",
    ["allocation:selections", "allocation:proposals", "allocation:compare", "proposal", "allocation:frames"],
)
def test_list_pages_cost_the_same_for_few_and_many_organisations(client, make_user, page):
    counts = []
    for organisations in (2, 6):
        call = selected_call(organisations=organisations)
        secretariat = make_user("secretariat", "ufm")
        first = make_proposal(call, by=secretariat)
        make_proposal(call, by=secretariat, method="equal")
        client.force_login(secretariat)
        url = first.get_absolute_url() if page == "proposal" else reverse(page, args=[call.slug])
        counts.append(_count(client, url))
    assert counts[0] == counts[1], counts
