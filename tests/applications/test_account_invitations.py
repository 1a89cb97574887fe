"""Inviting a colleague: the signed link, who may accept it, and what a used or old link says."""

import re
import time

import pytest
from django.contrib.auth import get_user_model
from django.core import mail, signing
from django.urls import reverse

from applications.models import Invitation
from applications.services_account import INVITATION_SALT, invitation_token
from clusterfund.models import AuditEvent
from clusterfund.roles import roles_of
from tests.factories.applications import OrganisationFactory

User = get_user_model()
PASSWORD = "Klyngeportal-Sommer-2021"


def link_path(message, prefix: str) -> str:
    match = re.search(rf"http://testserver({prefix}[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


@pytest.fixture
def organisation(db):
    return OrganisationFactory(name="Klynge for Fødevarer")


@pytest.fixture
def anna(make_user, organisation):
    """A member of the organisation."""
    user = make_user("applicant", email="anna@example.dk", full_name="Anna Andersen")
    organisation.members.add(user)
    return user


def invite(client, organisation, email, capture):
    with capture(execute=True):
        return client.post(reverse("applications:organisation_invite", args=[organisation.pk]), {"email": email})


def test_member_invites_a_colleague_by_email(client, anna, organisation, django_capture_on_commit_callbacks):
    client.force_login(anna)
    response = invite(client, organisation, "Bo@Example.dk", django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert response["Location"] == reverse("applications:organisation", args=[organisation.pk])
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.invited_by, invitation.accepted_at) == ("bo@example.dk", anna, None)
    assert [m.to for m in mail.outbox] == [["bo@example.dk"]]
    assert "Klynge for Fødevarer" in mail.outbox[0].subject
    assert "Anna Andersen" in mail.outbox[0].body
    event = AuditEvent.objects.get(action="organisation.invite")
    assert event.after["email"] == "bo@example.dk" and event.object_id == str(organisation.pk)
    # the dashboard lists the invitation as not yet accepted
    assert "bo@example.dk" in client.get(response["Location"]).content.decode()


def test_invitation_journey_for_a_new_person(client, anna, organisation, django_capture_on_commit_callbacks):
    """Anna invites Bo, who has no account: Bo registers from the invitation, confirms, and joins."""
    client.force_login(anna)
    invite(client, organisation, "bo@example.dk", django_capture_on_commit_callbacks)
    client.logout()
    invitation_link = link_path(mail.outbox[0], "/invitation/")

    page = client.get(invitation_link)
    html = page.content.decode()
    assert page.status_code == 200 and 'data-state="anonymous"' in html
    register_url = re.search(r'href="(/konto/opret/\?[^"]+)"', html).group(1).replace("&amp;", "&")
    assert 'value="bo@example.dk"' in client.get(register_url).content.decode()  # address filled in

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            register_url,
            {
                "full_name": "Bo Bertelsen",
                "email": "bo@example.dk",
                "password1": PASSWORD,
                "password2": PASSWORD,
                "next": invitation_link,
            },
        )
    confirmed = client.post(link_path(mail.outbox[1], "/konto/bekraeft/"))
    assert confirmed["Location"] == invitation_link  # back to the invitation

    page = client.get(invitation_link).content.decode()
    assert 'id="accept-button"' in page
    joined = client.post(invitation_link)
    assert joined["Location"] == reverse("applications:organisation", args=[organisation.pk])
    bo = User.objects.get(email="bo@example.dk")
    assert set(organisation.members.all()) == {anna, bo}
    invitation = Invitation.objects.get()
    assert invitation.accepted_by == bo and invitation.accepted_at is not None
    event = AuditEvent.objects.get(action="organisation.invitation_accept")
    assert event.actor == bo and event.after["already_member"] is False
    assert client.get(joined["Location"]).status_code == 200


def test_anonymous_login_link_comes_back_to_the_invitation(client, anna, organisation, make_user):
    bo = make_user(email="bo@example.dk", password=PASSWORD)
    invitation = Invitation.objects.create(organisation=organisation, email="bo@example.dk", invited_by=anna)
    url = reverse("applications:invitation", args=[invitation_token(invitation=invitation)])
    html = client.get(url).content.decode()
    login_url = re.search(r'href="([^"]*\?next=[^"]+)"', html).group(1).replace("&amp;", "&")
    logged_in = client.post(login_url, {"username": "bo@example.dk", "password": PASSWORD})
    assert logged_in.status_code == 302 and logged_in["Location"] == url
    assert 'id="accept-button"' in client.get(url).content.decode()
    assert not organisation.members.filter(pk=bo.pk).exists()  # joining takes the button
    client.logout()
    response = client.post(url)  # posting without a login joins nobody
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert organisation.members.count() == 1


def test_existing_account_joins_with_the_address_in_another_case(
    client, anna, organisation, make_user, django_capture_on_commit_callbacks
):
    bo = make_user(email="bo@example.dk")
    client.force_login(anna)
    invite(client, organisation, "BO@EXAMPLE.DK", django_capture_on_commit_callbacks)
    url = link_path(mail.outbox[0], "/invitation/")
    client.force_login(bo)
    assert client.post(url).status_code == 302
    assert organisation.members.filter(pk=bo.pk).exists()
    assert "applicant" in roles_of(User.objects.get(pk=bo.pk))


def test_someone_else_with_the_link_cannot_join(client, anna, organisation, make_user):
    invitation = Invitation.objects.create(organisation=organisation, email="bo@example.dk", invited_by=anna)
    url = reverse("applications:invitation", args=[invitation_token(invitation=invitation)])
    carl = make_user("applicant", email="carl@example.dk")
    client.force_login(carl)
    client.cookies["django_language"] = "en"
    page = client.get(url)
    assert page.status_code == 403
    html = page.content.decode()
    assert 'data-state="wrong_email"' in html and "carl@example.dk" in html
    assert 'id="accept-button"' not in html
    assert client.post(url).status_code == 403
    assert not organisation.members.filter(pk=carl.pk).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None  # still usable by Bo
    assert not AuditEvent.objects.filter(action="organisation.invitation_accept").exists()


def test_used_invitation_cannot_be_used_again(client, anna, organisation, make_user):
    bo = make_user(email="bo@example.dk")
    invitation = Invitation.objects.create(organisation=organisation, email="bo@example.dk", invited_by=anna)
    url = reverse("applications:invitation", args=[invitation_token(invitation=invitation)])
    client.force_login(bo)
    client.post(url)
    # Bo leaves the organisation; the old link does not let him back in.
    organisation.members.remove(bo)
    client.cookies["django_language"] = "en"
    again = client.post(url)
    html = again.content.decode()
    assert 'data-state="used"' in html and "has already been used" in html
    assert not organisation.members.filter(pk=bo.pk).exists()
    assert AuditEvent.objects.filter(action="organisation.invitation_accept").count() == 1


def test_used_invitation_links_a_member_to_the_organisation(client, anna, organisation, make_user):
    bo = make_user(email="bo@example.dk")
    invitation = Invitation.objects.create(organisation=organisation, email="bo@example.dk", invited_by=anna)
    url = reverse("applications:invitation", args=[invitation_token(invitation=invitation)])
    client.force_login(bo)
    client.post(url)
    html = client.get(url).content.decode()
    assert reverse("applications:organisation", args=[organisation.pk]) in html


def test_already_a_member_is_told_so(client, anna, organisation, make_user):
    bo = make_user(email="bo@example.dk")
    invitation = Invitation.objects.create(organisation=organisation, email="bo@example.dk", invited_by=anna)
    organisation.members.add(bo)  # joined by another route after the invitation was sent
    url = reverse("applications:invitation", args=[invitation_token(invitation=invitation)])
    client.force_login(bo)
    client.cookies["django_language"] = "en"
    assert "You are already a member of the organisation." in client.get(url).content.decode()
    response = client.post(url, follow=True)
    assert "You were already a member of Klynge for Fødevarer." in response.content.decode()
    assert organisation.members.filter(pk=bo.pk).count() == 1
    invitation.refresh_from_db()
    assert invitation.accepted_by == bo  # no longer listed as pending


def test_inviting_a_member_is_refused_on_the_form(client, anna, organisation, django_capture_on_commit_callbacks):
    client.force_login(anna)
    client.cookies["django_language"] = "en"
    response = invite(client, organisation, "ANNA@example.dk", django_capture_on_commit_callbacks)
    assert response.status_code == 422
    assert "anna@example.dk is already a member of Klynge for Fødevarer." in response.content.decode()
    assert not Invitation.objects.exists() and mail.outbox == []


def test_a_new_invitation_replaces_the_old_link(client, anna, organisation, django_capture_on_commit_callbacks):
    client.force_login(anna)
    invite(client, organisation, "bo@example.dk", django_capture_on_commit_callbacks)
    invite(client, organisation, "bo@example.dk", django_capture_on_commit_callbacks)
    old, new = (link_path(message, "/invitation/") for message in mail.outbox)
    assert Invitation.objects.count() == 1
    client.logout()
    assert client.get(old).status_code == 400
    assert client.get(new).status_code == 200
    assert AuditEvent.objects.filter(action="organisation.invite").latest("pk").after["replaced"] == 1


def test_tampered_invitation_link_is_refused(client, anna, organisation):
    invitation = Invitation.objects.create(organisation=organisation, email="bo@example.dk", invited_by=anna)
    token = invitation_token(invitation=invitation)
    forged = signing.dumps({"i": invitation.pk, "e": "mallory@example.dk"}, salt="wrong-salt")
    for bad in (token[:-2] + "xx", forged):
        response = client.get(reverse("applications:invitation", args=[bad]))
        assert response.status_code == 400 and 'data-state="invalid"' in response.content.decode()


def test_expired_invitation_is_refused(client, anna, organisation, make_user):
    bo = make_user(email="bo@example.dk")
    invitation = Invitation.objects.create(organisation=organisation, email="bo@example.dk", invited_by=anna)

    class PastSigner(signing.TimestampSigner):
        def timestamp(self):
            return signing.b62_encode(int(time.time() - 15 * 86400))

    token = PastSigner(salt=INVITATION_SALT).sign_object({"i": invitation.pk, "e": invitation.email})
    url = reverse("applications:invitation", args=[token])
    client.force_login(bo)
    client.cookies["django_language"] = "en"
    response = client.post(url)
    assert response.status_code == 400
    assert 'data-state="expired"' in response.content.decode()
    assert "valid for 14 days" in response.content.decode()
    assert not organisation.members.filter(pk=bo.pk).exists()
