"""The allocation memo for the sub-committee: header, Baggrund, the selected organisations, the proposed split
against each year's frame, the funding of each year with a footnote on conditional years, the Indstilling,
and after approval who approved and when. Versions keep their figures; who may generate and download."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext

from allocation.models import Proposal, ProposalAmount
from allocation.services.proposals import proposal_amounts_save
from applications.models import BudgetFrame, Funder
from clusterfund.documents import document_request
from clusterfund.models import GeneratedDocument
from tests.clusterfund.pdfcheck import pdf_fonts, pdf_info, pdf_pages, pdf_text, pdf_xmp
from tests.factories.allocation import approved_proposal, make_proposal, selected_call

KIND = "allocation-memo"
MEETING = {"board": "Danmarks Erhvervsfremmebestyrelse", "meeting_date": dt.date(2020, 9, 3), "agenda_item": "Punkt 5"}
FOOTNOTE = (
    "The amounts for %(years)s depend on the finance acts and programmes of those years; the funding source is "
    "decided later. Should the funds not be granted, the allocation for those years lapses or is reduced "
    "proportionally."
)


def danish(msgid: str, **params) -> str:
    """Return a template text as the memo prints it (the Danish catalogue's text, or the msgid until then)."""
    with translation.override("da"):
        return gettext(msgid) % params if params else gettext(msgid)


def memo_call(organisations: int = 3):
    """A call with `organisations` selected organisations (UFM grants 10m, 20m, ... a year) and the memo's
    funding: 2021–2022 from the finance acts of 2020 and 2021, 2023–2024 undecided and conditional."""
    call = selected_call(organisations=organisations)
    for frame in BudgetFrame.objects.filter(call=call, funder=Funder.BOARD):
        if frame.year <= 2022:
            frame.source, frame.source_year, frame.is_conditional = "finance_act", frame.year - 1, False
        else:
            frame.source, frame.source_year, frame.is_conditional = "undecided", None, True
        frame.save()
    return call


@pytest.fixture
def call(db):
    return memo_call()


@pytest.fixture
def generate(django_capture_on_commit_callbacks, secretariat):
    def run(proposal, by=None, options=MEETING):
        with django_capture_on_commit_callbacks(execute=True):
            document = document_request(kind=KIND, subject=proposal, by=by or secretariat, options=options)
        document.refresh_from_db()
        assert document.status == GeneratedDocument.Status.DONE, document.error
        return document

    return run


def _pdf(document) -> bytes:
    with document.file.open("rb") as handle:
        return handle.read()


def test_the_memo_has_the_boards_header_background_and_tables(generate, call):
    proposal = approved_proposal(call)
    text = pdf_text(_pdf(generate(proposal)))
    assert "Danmarks Erhvervsfremmebestyrelse" in text
    assert "3. september 2020" in text and "Punkt 5" in text
    assert "2. september 2020" in text  # the minister's designation date
    for organisation in ("Miljøteknologi klynge 1", "Energiteknologi klynge 1", "Område 3 klynge 1"):
        assert organisation in text
    assert "4,50" in text  # joint weighted score, Danish decimals
    # UFM grants (10m, 20m and 30m a year) and their total, Danish amounts
    for amount in ("10.000.000 kr.", "20.000.000 kr.", "30.000.000 kr.", "60.000.000 kr."):
        assert amount in text
    # the board's 80m a year split in proportion to the grants: 1/6, 2/6, 3/6 of 80m, to the 1.000 kr.
    for amount in ("13.333.000 kr.", "26.667.000 kr.", "40.000.000 kr.", "80.000.000 kr.", "320.000.000 kr."):
        assert amount in text


def test_the_split_sums_to_each_years_frame(generate, call):
    data = generate(approved_proposal(call)).snapshot
    assert [f["frame"] for f in data["frames"]] == [80_000_000] * 4
    assert [f["allocated"] for f in data["frames"]] == [80_000_000] * 4
    assert [f["difference"] for f in data["frames"]] == [0] * 4
    assert sum(o["total"] for o in data["organisations"]) == data["total"] == 320_000_000
    for organisation in data["organisations"]:
        assert sum(organisation["amounts"]) == organisation["total"]


def test_each_years_funding_source_and_the_conditional_years_footnote(generate, call):
    document = generate(approved_proposal(call))
    data = document.snapshot
    assert [f["conditional"] for f in data["frames"]] == [False, False, True, True]
    assert data["conditional_span"] == "2023–2024"
    text = pdf_text(_pdf(document))
    for frame in data["frames"]:
        assert frame["source_label"] in text
    assert data["frames"][0]["source_label"].endswith("2020")  # 2021 is paid from the finance act of 2020
    assert danish(FOOTNOTE, years="2023–2024") in text


@pytest.mark.parametrize("organisations", [3, 14])
def test_the_footnote_is_on_the_page_of_its_call(generate, organisations):
    document = generate(approved_proposal(memo_call(organisations=organisations)))
    with translation.override("da"):
        sentence = ngettext(
            "The allocation for %(years)s is conditional.", "The allocations for %(years)s are conditional.", 2
        ) % {"years": "2023–2024"}
    note = danish(FOOTNOTE, years="2023–2024")
    pages = pdf_pages(_pdf(document))
    with_call = [n for n, text in enumerate(pages) if sentence in text]
    with_note = [n for n, text in enumerate(pages) if note in text]
    assert len(with_call) == 1
    assert with_note == with_call


def test_the_indstilling_has_one_bullet_per_decision(generate, call):
    document = generate(approved_proposal(call))
    decisions = document.snapshot["decisions"]
    # the split, one per year's funding, and telling the organisations
    assert len(decisions) == 1 + 4 + 1
    assert "320.000.000 kr." in decisions[0] and "3" in decisions[0]
    assert "2021" in decisions[1] and document.snapshot["frames"][0]["source_label"] in decisions[1]
    assert "2024" in decisions[4] and "80.000.000 kr." in decisions[4]
    text = pdf_text(_pdf(document))
    assert danish("It is recommended that the sub-committee:") in text
    indstilling = text[text.index(danish("It is recommended that the sub-committee:")) :]
    for decision in decisions:
        assert decision in indstilling


def test_an_approved_memo_says_who_approved_and_when(generate, call, chair):
    proposal = approved_proposal(call, chair=chair)
    document = generate(proposal)
    text = pdf_text(_pdf(document))
    assert chair.get_full_name() in text
    with translation.override("da"):
        approved_on = date_format(timezone.localtime(proposal.approved_at), "j. F Y")
    assert approved_on in text
    assert document.snapshot["proposal"]["approved_by"] == chair.get_full_name()
    chair_rows = [a for a in document.snapshot["approvals"] if a["as_chair"]]
    assert [a["member"] for a in chair_rows] == [chair.get_full_name()]
    assert len(document.snapshot["approvals"]) == 3  # two members and the chair


def test_a_draft_memo_has_no_approval_and_is_marked_as_a_proposal(generate, call, chair):
    proposal = make_proposal(call)
    document = generate(proposal)
    assert document.snapshot["approvals"] == []
    text = pdf_text(_pdf(document))
    assert chair.get_full_name() not in text
    assert document.snapshot["proposal"]["status_label"] in text


def test_the_memo_is_pdfa_with_its_fonts_and_sensible_pages(generate):
    proposal = approved_proposal(memo_call(organisations=14))
    pdf = _pdf(generate(proposal))
    assert 'pdfaid:part="3"' in pdf_xmp(pdf)
    assert all(font["emb"] == "yes" for font in pdf_fonts(pdf))
    assert 2 <= int(pdf_info(pdf)["Pages"]) <= 5


def test_version_one_keeps_its_figures_after_an_amount_changes(client, generate, call, secretariat):
    proposal = make_proposal(call, by=secretariat)
    first = generate(proposal)
    first_bytes = _pdf(first)
    row = ProposalAmount.objects.filter(proposal=proposal, year=2021).order_by("amount").first()
    proposal_amounts_save(
        proposal=proposal,
        amounts={(row.application_id, 2021): row.amount + 500_000},
        expected_revision=proposal.revision,
        by=secretariat,
    )
    second = generate(Proposal.objects.get(pk=proposal.pk))
    assert second.version == 2
    assert second.snapshot["frames"][0]["allocated"] == 80_500_000
    assert first.snapshot["frames"][0]["allocated"] == 80_000_000

    client.force_login(secretariat)
    downloaded = b"".join(client.get(reverse("documents:download", args=[first.pk])).streaming_content)
    assert downloaded == first_bytes
    old_text, new_text = pdf_text(downloaded), pdf_text(_pdf(second))
    assert "80.500.000 kr." not in old_text
    assert "80.500.000 kr." in new_text
    assert "500.000 kr." in new_text  # over the frame by that much, shown as the year's difference


def test_the_generate_form_asks_for_the_meeting_and_keeps_what_was_typed(client, call, secretariat):
    proposal = make_proposal(call)
    client.force_login(secretariat)
    url = reverse("documents:list", args=[KIND, proposal.pk])
    page = client.get(url).content.decode()
    assert 'name="meeting_date"' in page and 'name="agenda_item"' in page
    response = client.post(url, {"board": "Bestyrelsen", "meeting_date": "31.02.2020", "agenda_item": "Punkt 5"})
    assert response.status_code == 422
    body = response.content.decode()
    assert 'value="Punkt 5"' in body and 'value="Bestyrelsen"' in body
    assert "form-error" in body
    assert not GeneratedDocument.objects.exists()


def test_generating_through_the_page_stores_the_meeting(client, django_capture_on_commit_callbacks, call, secretariat):
    proposal = make_proposal(call)
    client.force_login(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("documents:list", args=[KIND, proposal.pk]),
            {"board": "Danmarks Erhvervsfremmebestyrelse", "meeting_date": "2020-09-03", "agenda_item": "Punkt 5"},
        )
    document = GeneratedDocument.objects.get()
    assert response["Location"] == reverse("documents:status", args=[document.pk])
    assert document.snapshot["meeting"] == {
        "board": "Danmarks Erhvervsfremmebestyrelse",
        "date": "2020-09-03",
        "agenda_item": "Punkt 5",
    }
    assert document.status == GeneratedDocument.Status.DONE


# --- permissions ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("roles", "list_status", "generate_status", "download_status"),
    [
        (("secretariat",), 200, 302, 200),
        (("subcommittee_member",), 200, 403, 200),
        (("subcommittee_chair",), 200, 403, 200),
        (("ufm",), 404, 404, 404),
        (("administrator",), 404, 404, 404),
        (("applicant",), 404, 404, 404),
    ],
)
def test_memo_permissions_by_role(
    client, make_user, generate, call, roles, list_status, generate_status, download_status
):
    proposal = make_proposal(call)
    document = generate(proposal)
    client.force_login(make_user(*roles))
    assert client.get(reverse("documents:list", args=[KIND, proposal.pk])).status_code == list_status
    assert client.get(reverse("documents:status", args=[document.pk])).status_code == list_status
    assert client.get(reverse("documents:download", args=[document.pk])).status_code == download_status
    assert client.post(reverse("documents:list", args=[KIND, proposal.pk]), MEETING).status_code == generate_status


def test_an_applicant_of_a_selected_organisation_never_sees_the_memo(client, generate, call):
    proposal = approved_proposal(call)
    document = generate(proposal)
    application = ProposalAmount.objects.filter(proposal=proposal).first().application
    member = application.created_by
    application.organisation.members.add(member)
    client.force_login(member)
    assert client.get(reverse("documents:download", args=[document.pk])).status_code == 404
    assert client.get(reverse("documents:list", args=[KIND, proposal.pk])).status_code == 404


# --- the demo call -------------------------------------------------------------------------------------


def test_the_demo_calls_approved_allocation_memo(demo, generate, make_user):
    from allocation.selectors import approved_proposal as approved_of

    proposal = approved_of(call=demo)
    if proposal is None:
        pytest.skip("the demo call has no approved allocation yet (allocation/demo.py)")
    document = generate(proposal, by=make_user("secretariat"))
    text = pdf_text(_pdf(document))
    data = document.snapshot
    assert data["organisations"]
    for organisation in data["organisations"]:
        assert organisation["name"] in text
    assert [f["allocated"] for f in data["frames"]] == [80_000_000] * len(data["frames"])
    assert "80.000.000 kr." in text
    for decision in data["decisions"]:
        assert decision in text
    assert proposal.approved_by.get_full_name() in text


def test_render_memo_renders_the_calls_approved_allocation(tmp_path, call):
    from django.core.management import call_command

    approved = approved_proposal(call, title="Godkendt")
    draft = make_proposal(call, title="Nyere udkast")  # a newer draft does not replace the approved one
    out = tmp_path / "fordelingsnotat.pdf"
    call_command(
        "render_memo",
        call.slug,
        kind="allocation",
        out=str(out),
        meeting_date="2020-09-03",
        agenda_item="Punkt 5",
        stdout=open("/dev/null", "w"),  # noqa: SIM115
    )
    text = pdf_text(out.read_bytes())
    assert "“Godkendt”" in text and "Nyere udkast" not in text
    assert "3. september 2020" in text and "Punkt 5" in text
    assert approved.approved_by.get_full_name() in text
    call_command(
        "render_memo",
        call.slug,
        kind="allocation",
        proposal=draft.number,
        out=str(out),
        stdout=open("/dev/null", "w"),  # noqa: SIM115
    )
    assert "Nyere udkast" in pdf_text(out.read_bytes())
    assert not GeneratedDocument.objects.exists()
