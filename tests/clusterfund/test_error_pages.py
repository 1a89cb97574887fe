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
