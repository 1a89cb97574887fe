"""Registering and editing an organisation: CVR checks, a registered CVR number, what a failed form keeps."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from applications.models import Organisation
from applications.services_account import organisation_register
from clusterfund.models import AuditEvent
from clusterfund.roles import roles_of
from tests.factories.applications import OrganisationFactory

CREATE_URL = reverse("applications:organisation_create")
VALID_CVR = "12345674"  # 1*2+2*7+3*6+4*5+5*4+6*3+7*2+4*1 = 110 = 10 x 11


def organisation_data(**overrides) -> dict:
    return {
        "name": "Klynge for Grøn Energi",
        "cvr": VALID_CVR,
        "legal_form": Organisation.LegalForm.ASSOCIATION,
        "is_non_profit": "on",
        "address": "Havnegade 1",
        "postcode": "5000",
        "city": "Odense",
        "region": "syddanmark",
        "website": "https://www.groen-energi.example",
        "virksomhedsguiden_url": "https://virksomhedsguiden.dk/groen-energi",
        **overrides,
    }


def test_register_organisation_makes_the_user_its_first_member(client, member):
    client.force_login(member)
    response = client.post(CREATE_URL, organisation_data())
    organisation = Organisation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("applications:organisation", args=[organisation.pk])
    assert list(organisation.members.all()) == [member]
    assert (organisation.cvr, organisation.region, organisation.is_non_profit) == (VALID_CVR, "syddanmark", True)
    assert organisation.virksomhedsguiden_url == "https://virksomhedsguiden.dk/groen-energi"
    event = AuditEvent.objects.get(action="organisation.create")
    assert event.after == {"cvr": VALID_CVR} and event.actor == member


def test_cvr_typed_with_a_space_is_accepted(client, member):
    client.force_login(member)
    client.post(CREATE_URL, organisation_data(cvr="1234 5674"))
    assert Organisation.objects.get().cvr == VALID_CVR


def test_a_user_without_a_role_becomes_an_applicant_by_registering_an_organisation(client, make_user):
    user = make_user()
    client.force_login(user)
    client.post(CREATE_URL, organisation_data())
    assert roles_of(type(user).objects.get(pk=user.pk)) == {"applicant"}


@pytest.mark.parametrize(
    ("cvr", "msgid"),
    [
        ("12345675", "%(value)s is not a valid CVR number (the check digit does not match)."),
        ("1234567", "A CVR number has exactly 8 digits."),
        ("02345678", "A CVR number cannot start with 0."),
        ("1234567A", "A CVR number has exactly 8 digits."),
    ],
    ids=["wrong-check-digit", "seven-digits", "leading-zero", "letters"],
)
def test_invalid_cvr_is_explained_in_danish_and_the_rest_is_kept(client, member, cvr, msgid):
    client.force_login(member)
    response = client.post(CREATE_URL, organisation_data(cvr=cvr))
    html = response.content.decode()
    with translation.override("da"):
        expected = gettext(msgid) % {"value": cvr}
    assert expected != msgid % {"value": cvr}  # the Danish catalogue has the message
    assert response.status_code == 422
    assert expected in html
    assert 'aria-invalid="true"' in html
    for kept in (
        "Klynge for Grøn Energi",
        "Havnegade 1",
        "5000",
        "Odense",
        "https://virksomhedsguiden.dk/groen-energi",
    ):
        assert f'value="{kept}"' in html, kept
    assert f'value="{cvr}"' in html
    assert 'value="syddanmark" selected' in html
    assert not Organisation.objects.exists()


def test_registered_cvr_says_ask_for_an_invitation(client, member):
    OrganisationFactory(cvr=VALID_CVR, name="Den Første Klynge")
    client.force_login(member)
    client.cookies["django_language"] = "en"
    response = client.post(CREATE_URL, organisation_data(name="Den Anden Klynge"))
    html = response.content.decode()
    assert response.status_code == 422
    assert f"An organisation with CVR number {VALID_CVR} is already registered" in html
    assert "Ask one of its members to invite you" in html
    assert "already exists" not in html  # not Django's raw uniqueness error
    assert 'value="Den Anden Klynge"' in html
    assert Organisation.objects.count() == 1


def test_service_turns_a_duplicate_cvr_into_the_same_message(member):
    OrganisationFactory(cvr=VALID_CVR)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        organisation_register(by=member, name="Dublet", cvr=VALID_CVR, legal_form="association", region="sjaelland")
    assert "already registered" in error.value.message_dict["cvr"][0]
    assert Organisation.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "This field is required."),
        ("region", "", "This field is required."),
        ("region", "bornholm", "Select a valid choice."),
        ("postcode", "50000", "A Danish postcode has 4 digits."),
        ("website", "ikke en adresse", "Enter a valid URL."),
    ],
)
def test_other_errors_are_shown_on_their_field(client, member, field, value, message):
    client.force_login(member)
    client.cookies["django_language"] = "en"
    response = client.post(CREATE_URL, organisation_data(**{field: value}))
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Organisation.objects.exists()


def test_create_page_points_to_invitations_for_the_users_address(client, member):
    from applications.models import Invitation

    inviter = type(member).objects.create_user("inviter@example.dk", "x")
    organisation = OrganisationFactory(name="Inviterende Klynge")
    Invitation.objects.create(organisation=organisation, email=member.email.upper(), invited_by=inviter)
    client.force_login(member)
    html = client.get(CREATE_URL).content.decode()
    assert 'id="pending-invitations"' in html and "Inviterende Klynge" in html


def test_anonymous_is_sent_to_login_to_register_an_organisation(client, db):
    response = client.get(CREATE_URL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_member_edits_the_details_and_the_change_is_audited(client, member):
    organisation = OrganisationFactory(city="Odense")
    organisation.members.add(member)
    client.force_login(member)
    url = reverse("applications:organisation_edit", args=[organisation.pk])
    page = client.get(url).content.decode()
    assert f'value="{organisation.cvr}"' in page and "disabled" in page
    data = organisation_data(name=organisation.name, city="Aarhus", region="midtjylland", cvr="34567891")
    response = client.post(url, data)
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert (organisation.city, organisation.region) == ("Aarhus", "midtjylland")
    assert organisation.cvr != "34567891"  # the CVR number is not changed here
    event = AuditEvent.objects.get(action="organisation.update")
    assert {"city", "region"} <= set(event.after["changed"]) and "cvr" not in event.after["changed"]


def test_edit_with_an_error_keeps_the_stored_details(client, member):
    organisation = OrganisationFactory(city="Odense", postcode="5000")
    organisation.members.add(member)
    client.force_login(member)
    url = reverse("applications:organisation_edit", args=[organisation.pk])
    response = client.post(url, organisation_data(name=organisation.name, city="Aarhus", postcode="80"))
    assert response.status_code == 422
    assert 'value="Aarhus"' in response.content.decode()  # typed text shown again
    organisation.refresh_from_db()
    assert (organisation.city, organisation.postcode) == ("Odense", "5000")
