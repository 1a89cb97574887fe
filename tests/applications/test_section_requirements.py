"""The requirements section: answers, evidence per requirement code, the board, and what is still missing."""

import pytest
from django.urls import reverse

from applications.models import Application, Attachment, BoardMember, RequirementAnswer
from applications.selectors import application_missing_items
from applications.services import attachment_add, section_version
from tests.factories.applications import (
    ApplicationFactory,
    RequirementFactory,
    complete_application,
    open_call_with_parts,
    pdf_upload,
)

SCRIPT = "<script>alert('x')</script>"


def url(application) -> str:
    return reverse("applications:section_requirements", args=[application.pk])


def form_data(application, *, texts=None, board=(), **evidence) -> dict:
    """Return what the page posts: every requirement's text, the evidence fields and the board rows."""
    texts = texts or {}
    data = {"version": str(section_version(application=application, section="requirements"))}
    for requirement in application.call.requirements.all():
        data[f"requirement_{requirement.pk}"] = texts.get(requirement.code, f"Vi opfylder {requirement.code}.")
    fields = dict.fromkeys(
        ["equity", "turnover", "staff_count", "gold_status", "gold_awarded_on", "gold_expires_on", "gold_target_date"],
        "",
    )
    fields["vg_listing_url"] = ""
    fields.update(evidence)
    if fields.pop("vg_commitment", False):
        data["vg_commitment"] = "on"  # an unticked checkbox posts nothing
    data.update(fields)
    rows = list(board) + [("", "", "")] * 2  # the two blank rows the page always offers
    data.update({"board-TOTAL_FORMS": str(len(rows)), "board-INITIAL_FORMS": "0", "board-MAX_NUM_FORMS": "40"})
    for i, (name, affiliation, employer) in enumerate(rows):
        data.update({f"board-{i}-name": name, f"board-{i}-affiliation": affiliation, f"board-{i}-employer": employer})
    return data


def anchors(application) -> set[str]:
    """Return the anchors of what the requirements section still lacks (as saved in the database)."""
    application.refresh_from_db()
    return {
        item.anchor for item in application_missing_items(application=application) if item.section == "requirements"
    }


# --- the page -----------------------------------------------------------------------------------


def test_page_has_a_block_per_requirement_with_its_evidence(browser, draft):
    html = browser.get(url(draft)).content.decode()
    for requirement in draft.call.requirements.all():
        assert f'id="requirement-{requirement.code}"' in html
        assert f'id="id_requirement_{requirement.pk}"' in html
        assert requirement.text in html
    for element in [
        "evidence-statutes",
        "evidence-annual_accounts",
        "board",
        "evidence-gold_certificate",
        "evidence-gold_plan",
        "id_equity",
        "id_turnover",
        "id_staff_count",
        "id_gold_status",
        "id_gold_awarded_on",
        "id_gold_target_date",
        "id_vg_listing_url",
        "id_vg_commitment",
    ]:
        assert f'id="{element}"' in html, element
    assert draft.organisation.cvr in html
    assert "Yes, declared by the organisation" in html
    # The file inputs belong to their own forms, not to the autosaved section form.
    assert 'form="upload-statutes"' in html and 'id="upload-statutes"' in html
    assert html.index('id="upload-statutes"') > html.index("</form>")


def test_requirements_come_from_the_call_and_an_unknown_code_gets_only_a_text(browser, member):
    call = open_call_with_parts()
    call.requirements.exclude(code__in=["legal_entity"]).delete()
    custom = RequirementFactory(call=call, code="local_anchoring", text="Forankring i regionen", order=9)
    application = ApplicationFactory(call=call)
    application.organisation.members.add(member)
    html = browser.get(url(application)).content.decode()
    assert 'id="requirement-local_anchoring"' in html and "Forankring i regionen" in html
    assert f'id="id_requirement_{custom.pk}"' in html
    for absent in ["id_equity", "board-TOTAL_FORMS", "id_gold_status", "id_vg_listing_url", "evidence-gold_plan"]:
        assert absent not in html, absent
    assert 'id="evidence-statutes"' in html


def test_non_profit_not_declared_is_shown_and_missing(browser, draft):
    draft.organisation.is_non_profit = False
    draft.organisation.save()
    assert "Not declared" in browser.get(url(draft)).content.decode()
    assert "requirement-legal_entity" in anchors(draft)


# --- saving -------------------------------------------------------------------------------------


def test_save_stores_answers_evidence_and_board(browser, draft):
    data = form_data(
        draft,
        equity="2.000.000",
        turnover="15.000.000 kr.",
        staff_count="12",
        gold_status="plan",
        gold_target_date="2022-06-30",
        vg_commitment=True,
        board=[("Anne Virksomhed", "company", "Firma A/S"), ("Bo Forsker", "knowledge_institution", "SDU")],
    )
    response = browser.post(url(draft), data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.equity, draft.turnover, draft.staff_count) == (2_000_000, 15_000_000, 12)
    assert draft.gold_status == "plan" and str(draft.gold_target_date) == "2022-06-30"
    assert draft.vg_commitment is True
    assert RequirementAnswer.objects.filter(application=draft).count() == 5
    assert list(draft.board_members.values_list("name", "affiliation", "employer")) == [
        ("Anne Virksomhed", "company", "Firma A/S"),
        ("Bo Forsker", "knowledge_institution", "SDU"),
    ]
    # Only the files are missing now.
    assert anchors(draft) == {"evidence-statutes", "evidence-annual_accounts", "evidence-gold_plan"}
    html = browser.get(url(draft)).content.decode()
    assert 'value="2.000.000"' in html and 'value="15.000.000"' in html


def test_negative_equity_is_accepted_and_shown_the_danish_way(browser, draft):
    browser.post(url(draft), form_data(draft, equity="−1.250.000", turnover="100"))
    draft.refresh_from_db()
    assert draft.equity == -1_250_000
    assert 'value="-1.250.000"' in browser.get(url(draft)).content.decode()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("turnover", "-5", "The amount cannot be negative."),
        ("equity", "12,50", "Write whole kroner without øre."),
        ("equity", "-", "Write the amount in whole kroner"),
        ("staff_count", "-1", "greater than or equal to 0"),
    ],
)
def test_bad_amounts_are_refused_and_the_text_kept(browser, draft, field, value, message):
    data = form_data(draft, texts={"legal_entity": "Vores egen tekst om foreningen"}, **{field: value})
    response = browser.post(url(draft), data)
    assert response.status_code == 422
    html = response.content.decode()
    assert message in html
    assert "Vores egen tekst om foreningen" in html
    assert not RequirementAnswer.objects.filter(application=draft).exists()


def test_gold_label_expiring_before_the_award_is_refused_clearly(browser, draft):
    data = form_data(
        draft,
        texts={"gold_label": "Vi fik guld i 2019"},
        gold_status="gold",
        gold_awarded_on="2021-05-01",
        gold_expires_on="2020-05-01",
    )
    response = browser.post(url(draft), data)
    assert response.status_code == 422
    html = response.content.decode()
    assert "The expiry date must be after the date the gold label was awarded." in html
    assert 'href="#id_gold_expires_on"' in html  # the error summary links to the field
    assert "Vi fik guld i 2019" in html
    draft.refresh_from_db()
    assert draft.gold_expires_on is None and draft.gold_status == ""


def test_gold_label_with_certificate_is_complete(draft, member):
    draft.gold_status = Application.GoldStatus.GOLD
    draft.save()
    assert {"id_gold_awarded_on", "evidence-gold_certificate"} <= anchors(draft)
    draft.gold_awarded_on, draft.gold_expires_on = "2019-01-01", "2029-01-01"
    draft.save()
    attachment_add(application=draft, uploaded=pdf_upload(), kind=Attachment.Kind.GOLD_CERTIFICATE, by=member)
    assert not anchors(draft) & {"id_gold_status", "id_gold_awarded_on", "evidence-gold_certificate"}


def test_gold_label_plan_needs_a_target_date_and_the_plan(draft, member):
    draft.gold_status = Application.GoldStatus.PLAN
    draft.save()
    assert {"id_gold_target_date", "evidence-gold_plan"} <= anchors(draft)
    assert "evidence-gold_certificate" not in anchors(draft)  # a plan needs no certificate
    draft.gold_target_date = "2022-12-31"
    draft.save()
    attachment_add(application=draft, uploaded=pdf_upload(), kind=Attachment.Kind.GOLD_PLAN, by=member)
    assert not anchors(draft) & {"id_gold_status", "id_gold_target_date", "evidence-gold_plan"}


def test_gold_label_without_a_choice_is_missing(draft):
    assert "id_gold_status" in anchors(draft)


@pytest.mark.parametrize(
    ("evidence", "missing"),
    [
        ({}, True),
        ({"vg_listing_url": "https://virksomhedsguiden.dk/klynge"}, False),
        ({"vg_commitment": True}, False),
        ({"vg_listing_url": "https://virksomhedsguiden.dk/klynge", "vg_commitment": True}, False),
    ],
)
def test_virksomhedsguiden_needs_a_link_or_the_commitment(browser, draft, evidence, missing):
    assert browser.post(url(draft), form_data(draft, **evidence)).status_code == 302
    assert ("id_vg_listing_url" in anchors(draft)) is missing


def test_virksomhedsguiden_link_must_be_a_url(browser, draft):
    response = browser.post(url(draft), form_data(draft, vg_listing_url="not a link"))
    assert response.status_code == 422
    assert "Enter a valid URL." in response.content.decode()


def test_robust_foundation_needs_the_figures_and_the_accounts(browser, draft, member):
    assert {"id_equity", "id_turnover", "id_staff_count", "evidence-annual_accounts"} <= anchors(draft)
    browser.post(url(draft), form_data(draft, equity="0", turnover="0", staff_count="0"))
    assert not anchors(draft) & {"id_equity", "id_turnover", "id_staff_count"}  # zero is an answer
    attachment_add(application=draft, uploaded=pdf_upload(), kind=Attachment.Kind.ANNUAL_ACCOUNTS, by=member)
    assert "evidence-annual_accounts" not in anchors(draft)


def test_a_requirement_without_an_answer_is_missing(browser, draft):
    browser.post(url(draft), form_data(draft, texts={"board_composition": "   "}))
    assert "requirement-board_composition" in anchors(draft)
    assert "requirement-legal_entity" not in anchors(draft)


def test_complete_application_has_no_requirement_missing(db):
    assert anchors(complete_application()) == set()


# --- the board ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rows", "statement"),
    [
        ([("A", "company", ""), ("B", "knowledge_institution", "")], "Both companies and knowledge institutions"),
        ([("A", "company", ""), ("B", "other", "")], "Knowledge institutions are not represented"),
        ([("A", "knowledge_institution", ""), ("B", "other", "")], "Companies are not represented"),
        ([], "Neither companies nor knowledge institutions"),
    ],
)
def test_board_statement_says_what_is_missing(browser, draft, rows, statement):
    browser.post(url(draft), form_data(draft, board=rows))
    assert statement in browser.get(url(draft)).content.decode()
    fragment = browser.get(url(draft), {"fragment": "board-statement"}, HTTP_HX_REQUEST="true")
    assert statement in fragment.content.decode()
    assert "<html" not in fragment.content.decode()


def test_board_with_fewer_than_two_members_is_missing(browser, draft):
    browser.post(url(draft), form_data(draft, board=[("Eneste", "company", "")]))
    assert "board" in anchors(draft)


def test_autosaving_the_board_again_does_not_duplicate_rows(browser, draft):
    """HTMX autosave posts the same rows (in the same 'extra' slots) again and again."""
    rows = [("Anne", "company", ""), ("Bo", "knowledge_institution", "")]
    for _ in range(3):
        data = form_data(draft, board=rows)
        response = browser.post(url(draft), data, HTTP_HX_REQUEST="true")
        assert "Saved at" in response.content.decode()
    assert BoardMember.objects.filter(application=draft).count() == 2


def test_a_board_member_is_removed_with_the_checkbox(browser, draft):
    browser.post(url(draft), form_data(draft, board=[("Anne", "company", ""), ("Bo", "other", "")]))
    html = browser.get(url(draft)).content.decode()
    assert 'name="board-0-DELETE"' in html and 'name="board-2-DELETE"' not in html  # only saved rows
    assert 'name="board-3-name"' in html  # two blank rows after the saved ones
    data = form_data(draft, board=[("Anne", "company", ""), ("Bo", "other", "")])
    data.update({"board-INITIAL_FORMS": "2", "board-1-DELETE": "on"})
    browser.post(url(draft), data)
    assert list(draft.board_members.values_list("name", flat=True)) == ["Anne"]


def test_a_board_row_needs_a_name_and_an_affiliation(browser, draft):
    response = browser.post(url(draft), form_data(draft, board=[("", "company", "Firma")]))
    assert response.status_code == 422
    html = response.content.decode()
    assert "Board member 1: Name: This field is required." in html
    assert 'value="Firma"' in html


# --- escaping and size --------------------------------------------------------------------------


def test_markup_in_every_text_field_is_shown_as_text(browser, draft):
    data = form_data(
        draft,
        texts={r.code: f"{SCRIPT} {r.code}" for r in draft.call.requirements.all()},
        board=[(SCRIPT, "company", SCRIPT), ("B", "knowledge_institution", "")],
    )
    assert browser.post(url(draft), data).status_code == 302
    html = browser.get(url(draft)).content.decode()
    assert SCRIPT not in html
    assert html.count("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;") >= 5 + 2  # five answers, name, employer


def test_a_100000_character_answer_is_refused_and_nothing_is_saved(browser, draft):
    data = form_data(draft, texts={"legal_entity": "x" * 100_000, "gold_label": "Vores guldtekst"})
    response = browser.post(url(draft), data)
    assert response.status_code == 422
    html = response.content.decode()
    assert "The text has 100,000 characters; the limit is 5,000." in html
    assert "Vores guldtekst" in html
    assert not RequirementAnswer.objects.filter(application=draft).exists()


def test_staff_see_a_submitted_application_read_only(client, make_user, db):
    application = complete_application()
    from applications.services import application_submit

    application_submit(application=application, by=application.created_by)
    client.force_login(make_user("secretariat"))
    response = client.get(url(application))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'type="file"' not in html and "Vi opfylder legal_entity." in html
    assert client.post(url(application), form_data(application)).status_code == 302
    assert application.requirement_answers.get(requirement__code="legal_entity").text == "Vi opfylder legal_entity."


def test_another_organisations_member_gets_404(client, make_user, draft):
    client.force_login(make_user("applicant"))
    assert client.get(url(draft)).status_code == 404
