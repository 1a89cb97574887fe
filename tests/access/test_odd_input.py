"""Inputs the role × URL table does not send: characters that str.isdigit() calls digits but int() refuses
("²"), in the places that parse numbers from a request. Each must be refused, never a server error."""

import pytest
from django.test import Client
from django.urls import reverse

from applications.validators import cvr_is_valid
from tests.access.world import build_world

SUPERSCRIPT_TWO = "²"


@pytest.fixture
def world(db):
    return build_world()


def client_for(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


@pytest.mark.parametrize("typed", ["1234567²", "²²²²²²²²", "１２３４５６７８"])
def test_cvr_with_digits_that_are_not_ascii_is_refused_on_the_form(client, make_user, typed):
    client.force_login(make_user("applicant"))
    response = client.post(reverse("applications:organisation_create"), {"name": "Klynge", "cvr": typed})
    assert response.status_code == 422
    assert "cvr" in response.context["form"].errors
    assert not cvr_is_valid(typed)


def test_compare_ignores_an_application_number_that_is_not_a_number(world):
    url = reverse("review:compare", kwargs={"slug": world.call.slug})
    response = client_for(world.users["secretariat"]).get(f"{url}?a={SUPERSCRIPT_TWO}&a={world.submitted_b.pk}")
    assert response.status_code == 422  # one application left: "choose two or three"


def test_removing_an_assignment_that_is_not_a_number_is_not_found(world):
    url = reverse("review:assign", kwargs={"slug": world.call.slug})
    response = client_for(world.users["secretariat"]).post(url, {"action": "remove", "assignment": SUPERSCRIPT_TWO})
    assert response.status_code == 404


def test_filling_a_proposal_with_a_revision_that_is_not_a_number_does_not_fail(world):
    url = reverse("allocation:proposal_fill", kwargs={"pk": world.proposal.pk})
    response = client_for(world.users["secretariat"]).post(
        url, {"fill-method": "ufm_grant", "fill-unit": "1000", "revision": SUPERSCRIPT_TWO}
    )
    assert response.status_code in (302, 409, 422)
