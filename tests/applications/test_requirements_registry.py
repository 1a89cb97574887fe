"""The registry of requirement kinds (applications/requirements.py): every configured code has one entry,
and each entry's evidence, missing-evidence check and suggestion are what the rest of the portal uses."""

import pytest
from django.template.loader import get_template
from django.utils import translation

import review.selectors  # noqa: F401  (registers the suggestions, as the review's pages do)
from applications import demo
from applications.models import Application, Attachment, Requirement
from applications.requirements import (
    BOARD_COMPOSITION,
    REQUIREMENT_KINDS,
    attachment_kinds_of,
    evidence_fields_of,
    requirement_kind,
    takes_board,
)
from applications.selectors import application_missing_items
from review.selectors import requirement_suggestions
from tests.factories.applications import complete_application, open_call_with_parts


def test_every_code_the_demo_call_configures_is_in_the_registry():
    codes = [code for code, _text, _text_en in demo.REQUIREMENTS]
    assert len(codes) == 5
    assert [code for code in codes if code not in REQUIREMENT_KINDS] == []
    assert set(REQUIREMENT_KINDS) == set(codes)


@pytest.mark.parametrize("code", sorted(REQUIREMENT_KINDS))
def test_each_kind_has_a_label_a_missing_check_a_suggestion_and_a_template(code):
    kind = REQUIREMENT_KINDS[code]
    assert kind.code == code
    assert str(kind.label)
    assert callable(kind.missing), f"applications.selectors registers no missing-evidence check for {code}"
    assert callable(kind.suggest), f"review.selectors registers no suggestion for {code}"
    get_template(kind.evidence_template)  # raises TemplateDoesNotExist


@pytest.mark.parametrize("code", sorted(REQUIREMENT_KINDS))
def test_each_kinds_evidence_is_real_fields_and_attachment_kinds(code):
    kind = REQUIREMENT_KINDS[code]
    field_names = {f.name for f in Application._meta.get_fields()}
    assert set(kind.evidence_fields) <= field_names
    assert set(kind.attachment_kinds) <= set(Attachment.Kind.values)


def test_the_evidence_asked_for_follows_the_codes():
    assert evidence_fields_of(["robust_foundation"]) == {"equity", "turnover", "staff_count"}
    assert attachment_kinds_of(["gold_label", "legal_entity"]) == {"gold_certificate", "gold_plan", "statutes"}
    assert takes_board([BOARD_COMPOSITION]) is True
    assert takes_board(["legal_entity", "unknown"]) is False
    assert evidence_fields_of(["unknown"]) == set()


def test_a_requirement_knows_its_kind_and_an_unknown_code_has_none():
    assert Requirement(code="gold_label").kind is REQUIREMENT_KINDS["gold_label"]
    assert Requirement(code="something_else").kind is None
    assert requirement_kind("something_else") is None


@pytest.fixture
def application(db, make_user):
    call = open_call_with_parts()
    application = complete_application(call=call, member=make_user("applicant"))
    Application.objects.filter(pk=application.pk).update(status="submitted", submitted_at=call.opens_at)
    application.refresh_from_db()
    return application


def test_a_requirement_of_unknown_kind_is_answered_in_words_only(application):
    with translation.override("en"):
        requirement = Requirement.objects.create(call=application.call, code="own_kind", text="Et krav uden kendt type")
        suggestion = requirement_suggestions(application=application)[requirement.pk]
        assert suggestion.verdict is None
        assert suggestion.reason == "The portal has no automatic check for this requirement."
        missing = [item.anchor for item in application_missing_items(application=application)]
        assert missing == ["requirement-own_kind"]  # its text is missing, and nothing else is asked for it


def test_the_call_admin_names_the_known_kinds_by_code_and_label():
    from applications.forms_call import RequirementForm

    with translation.override("da"):
        help_text = str(RequirementForm().fields["code"].help_text)
    for kind in REQUIREMENT_KINDS.values():
        assert kind.code in help_text
    assert "Virksomheder og videninstitutioner i bestyrelsen" in help_text
    assert help_text.startswith("Portalen beder om dokumentation")
