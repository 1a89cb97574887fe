"""Danish by default; English when the user chooses it."""


def test_pages_are_danish_whatever_the_browser_prefers(client, db):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="da"' in html


def test_the_language_switch_chooses_english(client, db):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="da").content.decode()
    assert 'lang="en"' in html
