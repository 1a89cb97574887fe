"""The partner circle: rows added and removed without JavaScript, optional CVR, letters of intent, autosave."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applications.models import ActorType, Attachment, Partner
from applications.services import application_create, section_version
from applications.services_lists import partner_attach_letter
from clusterfund.models import AuditEvent
from clusterfund.validators import cvr_with_check_digit
from tests.factories.applications import CallFactory, OrganisationFactory

VALID_CVR = cvr_with_check_digit("2991347")  # a CVR number whose check digit matches
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def application(db, member):
    organisation = OrganisationFactory()
    organisation.members.add(member)
    return application_create(call=CallFactory(), organisation=organisation, by=member)


def section_url(application):
    return reverse("applications:section_partners", args=[application.pk])


def letter_url(application, partner):
    return reverse("applications:partner_letter", args=[application.pk, partner.pk])


def formset_post(application, rows, *, initial=0, **extra):
    """Return the section's POST data; each row is a dict of the partner form's fields."""
    data = {
        "version": section_version(application=application, section="partners"),
        "partners-TOTAL_FORMS": str(len(rows)),
        "partners-INITIAL_FORMS": str(initial),
        "partners-MIN_NUM_FORMS": "0",
        "partners-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"partners-{i}-{key}"] = value
    data.update(extra)
    return data


def partner_row(name="Syddansk Universitet", **fields):
    row = {"id": "", "name": name, "partner_type": ActorType.KNOWLEDGE_INSTITUTION, "role": "Forskning", "cvr": ""}
    row.update(fields)
    return row


def make_partner(application, name="Firma A/S", **fields):
    fields.setdefault("partner_type", ActorType.COMPANY)
    fields.setdefault("role", "Test af løsninger")
    return Partner.objects.create(application=application, name=name, **fields)


# --- the list of partners --------------------------------------------------------------------------


def test_partners_are_saved_with_and_without_cvr(browser, application):
    rows = [partner_row("Uden CVR"), partner_row("Med CVR", cvr=f"{VALID_CVR[:4]} {VALID_CVR[4:]}")]
    response = browser.post(section_url(application), formset_post(application, rows))
    assert response.status_code == 302
    assert list(application.partners.values_list("name", "cvr")) == [("Uden CVR", ""), ("Med CVR", VALID_CVR)]
    assert section_version(application=application, section="partners") == 1


def test_invalid_cvr_is_refused_with_the_catalogue_message_and_other_rows_kept(browser, application):
    bad = VALID_CVR[:7] + str((int(VALID_CVR[7]) + 1) % 10)
    rows = [partner_row("Gyldig partner"), partner_row("Forkert CVR", cvr=bad)]
    response = browser.post(section_url(application), formset_post(application, rows))
    assert response.status_code == 422
    errors = response.context["formset"].forms[1].errors.as_data()["cvr"]
    assert [error.code for error in errors] == ["cvr_checksum"]
    assert f"{bad} is not a valid CVR number (the check digit does not match)." in response.content.decode()
    assert not Partner.objects.exists()
    html = response.content.decode()
    assert 'value="Gyldig partner"' in html and 'value="Forkert CVR"' in html


@pytest.mark.parametrize(("cvr", "code"), [("1234", "cvr_length"), ("01234567", "cvr_leading_zero")])
def test_malformed_cvr_is_refused(browser, application, cvr, code):
    response = browser.post(section_url(application), formset_post(application, [partner_row(cvr=cvr)]))
    assert response.status_code == 422
    assert [e.code for e in response.context["formset"].forms[0].errors.as_data()["cvr"]] == [code]


def test_page_lists_saved_partners_and_offers_a_blank_row(browser, application):
    make_partner(application, "<script>alert('x')</script>")
    response = browser.get(section_url(application))
    html = response.content.decode()
    assert response.status_code == 200
    formset = response.context["formset"]
    assert formset.total_form_count() == 2  # the saved partner and one blank row
    assert 'name="partners-1-name"' in html
    assert "<script>alert(" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html


def test_another_row_without_javascript(browser, application):
    data = formset_post(application, [partner_row("Første")], add_row="1")
    response = browser.post(section_url(application), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="partners-1-name"' in html and 'value="Første"' in html
    assert "form-error" not in html
    assert not Partner.objects.exists()


@pytest.mark.parametrize("version", ["¹²³⁴⁵⁶⁷⁸", "9" * 5000, "1e5", "-1", ""])
def test_another_row_with_a_garbled_version_is_shown_not_a_server_error(browser, application, version):
    """The version is read as the section pages read it (digits 0–9 only); a garbled one is kept as a conflict,
    so the next save is refused instead of overwriting a colleague's."""
    data = formset_post(application, [partner_row("Første")], add_row="1") | {"version": version}
    response = browser.post(section_url(application), data)
    assert response.status_code == 200
    assert 'name="partners-1-name"' in response.content.decode()
    assert response.context["version"] == -1
    assert not Partner.objects.exists()


def test_ticking_delete_removes_a_partner_and_an_edit_changes_one(browser, application):
    keep = make_partner(application, "Bliver")
    drop = make_partner(application, "Går")
    rows = [
        {"id": keep.pk, "name": "Bliver (nyt navn)", "partner_type": keep.partner_type, "role": keep.role, "cvr": ""},
        {
            "id": drop.pk,
            "name": drop.name,
            "partner_type": drop.partner_type,
            "role": drop.role,
            "cvr": "",
            "DELETE": "on",
        },
        partner_row("Ny partner"),
    ]
    response = browser.post(section_url(application), formset_post(application, rows, initial=2))
    assert response.status_code == 302
    assert list(application.partners.values_list("name", flat=True)) == ["Bliver (nyt navn)", "Ny partner"]


def test_a_row_with_another_applications_partner_id_does_not_touch_it(browser, application):
    other = application_create(call=CallFactory(), organisation=OrganisationFactory(), by=application.created_by)
    foreign = make_partner(other, "Fremmed")
    rows = [{**partner_row("Overtaget?"), "id": foreign.pk}]
    browser.post(section_url(application), formset_post(application, rows, initial=1))
    foreign.refresh_from_db()
    assert foreign.name == "Fremmed" and foreign.application == other
    assert list(application.partners.values_list("name", flat=True)) == ["Overtaget?"]


def test_autosave_gives_new_rows_their_ids_so_the_next_autosave_does_not_duplicate(browser, application):
    data = formset_post(application, [partner_row("Autogemt")])
    response = browser.post(section_url(application), data, headers={"HX-Request": "true"})
    partner = Partner.objects.get()
    html = response.content.decode()
    assert response.status_code == 200
    assert (
        f'<input type="hidden" name="partners-0-id" value="{partner.pk}" id="id_partners-0-id" hx-swap-oob="true">'
        in html
    )
    # the page now carries the id in the (still extra) row, and the new section version
    data = formset_post(application, [partner_row("Autogemt, rettet", id=partner.pk)])
    response = browser.post(section_url(application), data, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert list(application.partners.values_list("pk", "name")) == [(partner.pk, "Autogemt, rettet")]


def test_audit_event_names_the_changed_fields_not_their_text(browser, application):
    partner = make_partner(application, "Firma A/S")
    rows = [
        {
            "id": partner.pk,
            "name": "Hemmeligt Firma A/S",
            "partner_type": partner.partner_type,
            "role": partner.role,
            "cvr": "",
        }
    ]
    browser.post(section_url(application), formset_post(application, rows, initial=1))
    event = AuditEvent.objects.filter(action="application.section_save").get()
    assert event.after == {"section": "partners", "version": 1, "changed": ["name"]}
    assert "Hemmeligt" not in repr(event.before) + repr(event.after)


def test_other_organisations_cannot_see_the_section(client, make_user, application):
    client.force_login(make_user("applicant"))
    assert client.get(section_url(application)).status_code == 404


# --- letters of intent -----------------------------------------------------------------------------


def test_letter_of_intent_is_uploaded_for_the_partner(browser, application):
    partner = make_partner(application)
    upload = SimpleUploadedFile("hensigt.pdf", PDF, content_type="application/pdf")
    response = browser.post(letter_url(application, partner), {"letter": upload})
    assert response.status_code == 302
    assert response["Location"].endswith(f"#partner-{partner.pk}-letter")
    partner.refresh_from_db()
    assert partner.letter_of_intent.kind == Attachment.Kind.LETTER_OF_INTENT
    assert partner.letter_of_intent.application == application
    assert partner.letter_of_intent.original_name == "hensigt.pdf"
    assert "hensigt.pdf" in browser.get(section_url(application)).content.decode()


def test_non_pdf_letter_is_refused_and_nothing_changes(browser, application):
    partner = make_partner(application)
    upload = SimpleUploadedFile("hensigt.pdf", b"MZ\x90\x00 not a pdf at all", content_type="application/pdf")
    response = browser.post(letter_url(application, partner), {"letter": upload})
    assert response.status_code == 302
    assert response["Location"].endswith(f"#partner-{partner.pk}-letter")
    html = browser.get(response["Location"]).content.decode()
    part = html[html.index(f'id="partner-{partner.pk}-letter"') :]
    assert "The file is not a PDF (its content is not PDF, whatever its name says)." in part
    assert 'aria-invalid="true"' in part
    assert "The file is not a PDF" not in browser.get(section_url(application)).content.decode()  # shown once
    partner.refresh_from_db()
    assert partner.letter_of_intent is None
    assert not Attachment.objects.exists()


def test_missing_file_is_refused_with_a_message(browser, application):
    partner = make_partner(application)
    response = browser.post(letter_url(application, partner), {}, follow=True)
    assert "This field is required." in response.content.decode()
    partner.refresh_from_db()
    assert partner.letter_of_intent is None


def test_a_new_letter_replaces_the_old_one(application, member):
    partner = make_partner(application)
    first = partner_attach_letter(partner=partner, uploaded=SimpleUploadedFile("a.pdf", PDF), by=member)
    second = partner_attach_letter(partner=partner, uploaded=SimpleUploadedFile("b.pdf", PDF), by=member)
    partner.refresh_from_db()
    assert partner.letter_of_intent == second
    assert list(Attachment.objects.values_list("pk", flat=True)) == [second.pk]
    assert not Attachment.objects.filter(pk=first.pk).exists()


def test_a_refused_replacement_keeps_the_old_letter(application, member):
    partner = make_partner(application)
    first = partner_attach_letter(partner=partner, uploaded=SimpleUploadedFile("a.pdf", PDF), by=member)
    with pytest.raises(Exception, match=r"not a PDF|ikke en PDF"):
        partner_attach_letter(partner=partner, uploaded=SimpleUploadedFile("b.pdf", b"plain text"), by=member)
    partner.refresh_from_db()
    assert partner.letter_of_intent == first


def test_deleting_a_partner_removes_its_letter(browser, application, member):
    partner = make_partner(application)
    partner_attach_letter(partner=partner, uploaded=SimpleUploadedFile("a.pdf", PDF), by=member)
    row = {"id": partner.pk, "name": partner.name, "partner_type": partner.partner_type, "role": partner.role}
    response = browser.post(section_url(application), formset_post(application, [{**row, "DELETE": "on"}], initial=1))
    assert response.status_code == 302
    assert not Partner.objects.exists()
    assert not Attachment.objects.exists()


def test_letter_for_another_applications_partner_is_not_found(browser, application):
    other = application_create(call=CallFactory(), organisation=OrganisationFactory(), by=application.created_by)
    foreign = make_partner(other)
    upload = SimpleUploadedFile("hensigt.pdf", PDF)
    assert browser.post(letter_url(application, foreign), {"letter": upload}).status_code == 404
    assert browser.post(letter_url(other, foreign), {"letter": upload}).status_code == 404
    assert not Attachment.objects.exists()


def test_letter_url_opened_after_a_login_leads_back_to_the_partner(browser, application):
    partner = make_partner(application)
    response = browser.get(letter_url(application, partner))
    assert response.status_code == 302
    assert response["Location"] == f"{section_url(application)}#partner-{partner.pk}-letter"


def test_submitted_application_refuses_letters(browser, application):
    from applications.models import Application

    partner = make_partner(application)
    Application.objects.filter(pk=application.pk).update(
        status=Application.Status.SUBMITTED, submitted_at="2021-01-01T12:00Z"
    )
    response = browser.post(letter_url(application, partner), {"letter": SimpleUploadedFile("a.pdf", PDF)})
    assert response.status_code == 302
    assert not Attachment.objects.exists()
