from django.test import override_settings


def test_404_page_is_the_portals_own_in_danish(client, db):
    response = client.get("/findes-ikke/")
    assert response.status_code == 404
    html = response.content.decode()
    assert 'lang="da"' in html and "skipnav" in html  # the portal's layout, not Django's bare page
    assert "Klyngeportalen" in html


@override_settings(DEBUG=False)
def test_500_page_renders_without_a_request_context():
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "<h1>" in html and 'lang="da"' in html


def test_a_nul_in_the_query_string_is_a_bad_request_on_the_portals_own_page(client, db):
    response = client.get("/?q=%00")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'lang="da"' in html and "Adressen kan ikke læses" in html
    assert client.get("/?q=klynge").status_code == 200
