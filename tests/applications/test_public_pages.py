import pytest
from django.urls import reverse

from tests.factories.applications import CallFactory

CALL_URL = reverse("applications:call_detail", args=["klyngeindsats-2021-2024"])


def test_front_page_lists_the_call_without_login(client, demo):
    response = client.get("/")
    assert response.status_code == 200
    assert "Fælles klyngeindsats 2021–2024" in response.content.decode()


def test_unpublished_call_is_not_shown(client, db):
    hidden = CallFactory(is_published=False, title="Hemmeligt opslag")
    assert "Hemmeligt opslag" not in client.get("/").content.decode()
    assert client.get(hidden.get_absolute_url()).status_code == 404


def test_call_page_shows_criteria_weights_budget_and_deadline(client, demo):
    response = client.get(CALL_URL)
    html = response.content.decode()
    assert response.status_code == 200
    for text in [
        "Organisering, kompetencer og kapacitet",
        "30 %",
        "20 %",
        "Partnerkredsen",
        "Er guldcertificeret eller har en plan",
        "Netværksskabelse",
        "Miljøteknologi",
        "80.000.000 kr.",
        "320.000.000 kr.",
        "Finanslov 2020",
        "15. maj 2020 12:00",
        "Europe/Copenhagen",
    ]:
        assert text in html, text
    assert html.count("80.000.000 kr.") == 8


def test_call_page_in_english(client, demo):
    client.cookies["django_language"] = "en"
    html = client.get(CALL_URL).content.decode()
    assert "Joint cluster initiative 2021–2024" in html
    assert "Organisation, competences and capacity" in html
    assert "DKK 80,000,000" in html
    assert 'lang="en"' in html


@pytest.mark.parametrize("path", ["/", CALL_URL, "/tilgaengelighed/"])
def test_public_pages_send_a_strict_csp(client, demo, path):
    policy = client.get(path)["Content-Security-Policy"]
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "script-src 'self'" in policy and "style-src 'self'" in policy


def test_a_year_without_a_frame_shows_an_empty_cell(client, db):
    call = CallFactory(title="Opslag uden rammer")
    response = client.get(call.get_absolute_url())
    assert response.status_code == 200
    assert "Opslag uden rammer" in response.content.decode()
