"""The criteria section: one limited text per criterion, the locations, versioning and autosave."""

import re

from django.urls import reverse

from applications.models import CriterionAnswer, Location
from applications.selectors import application_missing_items
from applications.services import section_version
from tests.factories.applications import CriterionFactory

SCRIPT = "<script>alert('x')</script>"


def url(application) -> str:
    return reverse("applications:section_criteria", args=[application.pk])


def form_data(application, *, texts=None, locations=(), version=None) -> dict:
    """Return what the page posts: a text per criterion and the location rows (plus two blank rows)."""
    texts = texts or {}
    if version is None:
        version = section_version(application=application, section="criteria")
    data = {"version": str(version)}
    for criterion in application.call.criteria.all():
        data[f"criterion_{criterion.pk}"] = texts.get(criterion.code, f"Tekst om {criterion.code}.")
    rows = [*locations, ("", "", "", ""), ("", "", "", "")]  # the two blank rows the page always offers
    data.update({"locations-TOTAL_FORMS": str(len(rows)), "locations-INITIAL_FORMS": "0"})
    for i, (kind, city, region, host) in enumerate(rows):
        data.update(
            {
                f"locations-{i}-kind": kind,
                f"locations-{i}-city": city,
                f"locations-{i}-region": region,
                f"locations-{i}-host": host,
            }
        )
    return data


def criteria_anchors(application) -> set[str]:
    return {item.anchor for item in application_missing_items(application=application) if item.section == "criteria"}


HQ = ("headquarters", "Odense", "syddanmark", "")


def test_page_has_a_limited_text_per_criterion_with_its_guidance(browser, draft):
    criterion = draft.call.criteria.get(code="placement")
    criterion.description = "Beskriv klyngens placering & rækkevidde."
    criterion.max_chars = 2500
    criterion.save()
    html = browser.get(url(draft)).content.decode()
    for each in draft.call.criteria.all():
        assert f'id="id_criterion_{each.pk}"' in html
        assert f"({each.weight} %)" in html
    assert "Beskriv klyngens placering &amp; rækkevidde." in html
    # DKFDS's character limit, started by portal.js; no maxlength, so a pasted text is never cut silently.
    block = re.search(rf'<div id="div_id_criterion_{criterion.pk}"[^>]*>', html).group(0)
    assert 'data-maxlength="2500"' in block and "data-portal-limit" in block
    textarea = re.search(rf'<textarea name="criterion_{criterion.pk}"[^>]*>', html).group(0)
    assert "maxlength" not in textarea
    assert 'id="locations"' in html and html.count('id="locations"') == 1


def test_criteria_come_from_the_call(browser, draft):
    extra = CriterionFactory(call=draft.call, name="Internationalt udsyn", order=9)
    html = browser.get(url(draft)).content.decode()
    assert "Internationalt udsyn" in html and f'id="id_criterion_{extra.pk}"' in html


def test_save_stores_the_texts_and_the_locations(browser, draft):
    data = form_data(draft, locations=[HQ, ("co_location", "Aalborg", "nordjylland", "AAU Innovation")])
    assert browser.post(url(draft), data).status_code == 302
    texts = dict(CriterionAnswer.objects.filter(application=draft).values_list("criterion__code", "text"))
    assert texts == {code: f"Tekst om {code}." for code in ["organisation", "activities", "placement", "partners"]}
    assert list(draft.locations.values_list("kind", "city", "host")) == [
        ("headquarters", "Odense", ""),
        ("co_location", "Aalborg", "AAU Innovation"),
    ]
    assert criteria_anchors(draft) == set()
    html = browser.get(url(draft)).content.decode()
    assert "AAU Innovation" in html and "Tekst om placement." in html


def test_headquarters_is_required_by_the_missing_items_not_by_the_form(browser, draft):
    response = browser.post(url(draft), form_data(draft, locations=[("branch", "Vejle", "syddanmark", "")]))
    assert response.status_code == 302  # a draft may be saved without it
    assert criteria_anchors(draft) == {"locations"}


def test_a_co_location_names_its_host(browser, draft):
    response = browser.post(url(draft), form_data(draft, locations=[HQ, ("co_location", "Aarhus", "midtjylland", "")]))
    assert response.status_code == 422
    assert "Name the actor you are co-located with." in response.content.decode()
    assert not Location.objects.filter(application=draft).exists()


def test_only_one_headquarters(browser, draft):
    response = browser.post(url(draft), form_data(draft, locations=[HQ, ("headquarters", "Kolding", "syddanmark", "")]))
    assert response.status_code == 422
    assert "An organisation has one headquarters" in response.content.decode()


def test_a_location_is_removed_with_the_checkbox(browser, draft):
    browser.post(url(draft), form_data(draft, locations=[HQ, ("branch", "Vejle", "syddanmark", "")]))
    data = form_data(draft, locations=[HQ, ("branch", "Vejle", "syddanmark", "")])
    data.update({"locations-INITIAL_FORMS": "2", "locations-1-DELETE": "on"})
    browser.post(url(draft), data)
    assert list(draft.locations.values_list("city", flat=True)) == ["Odense"]


def test_text_over_the_limit_is_refused_naming_the_limit_and_keeping_the_other_texts(browser, draft):
    criterion = draft.call.criteria.get(code="activities")
    criterion.max_chars = 100
    criterion.save()
    data = form_data(draft, texts={"activities": "a" * 150, "partners": "Min tekst om partnerkredsen"})
    response = browser.post(url(draft), data)
    assert response.status_code == 422
    html = response.content.decode()
    assert "The text has 150 characters; the limit is 100. Shorten it by 50 characters" in html
    assert f'href="#id_criterion_{criterion.pk}"' in html  # the error summary points at the text
    assert "Min tekst om partnerkredsen" in html and "Tekst om organisation." in html
    assert "a" * 150 in html  # the too-long text is kept too, so it can be shortened
    assert not CriterionAnswer.objects.filter(application=draft).exists()


def test_a_100000_character_text_is_refused(browser, draft):
    response = browser.post(url(draft), form_data(draft, texts={"organisation": "ø" * 100_000}))
    assert response.status_code == 422
    assert "The text has 100,000 characters; the limit is 8,000." in response.content.decode()
    assert not CriterionAnswer.objects.filter(application=draft).exists()


def test_line_breaks_count_as_one_character_like_the_live_counter(browser, draft):
    criterion = draft.call.criteria.get(code="activities")
    criterion.max_chars = 10
    criterion.save()
    text = "abcd\r\nefgh\r\n"  # 10 characters in the browser (\n), 12 as sent (\r\n)
    assert browser.post(url(draft), form_data(draft, texts={"activities": text})).status_code == 302
    assert CriterionAnswer.objects.get(application=draft, criterion=criterion).text == "abcd\nefgh"


def test_markup_in_every_text_field_is_shown_as_text(browser, draft):
    texts = {c.code: SCRIPT for c in draft.call.criteria.all()}
    data = form_data(draft, texts=texts, locations=[("co_location", SCRIPT, "syddanmark", SCRIPT)])
    assert browser.post(url(draft), data).status_code == 302
    html = browser.get(url(draft)).content.decode()
    assert SCRIPT not in html
    assert html.count("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;") == 4 + 2


def test_colleagues_saving_the_same_version_get_a_conflict_and_keep_their_text(client, make_user, draft, member):
    colleague = make_user("applicant")
    draft.organisation.members.add(colleague)
    version = section_version(application=draft, section="criteria")  # both load the page at this version
    client.cookies["django_language"] = "en"

    client.force_login(member)
    first = client.post(url(draft), form_data(draft, version=version, texts={"organisation": "Første udgave"}))
    assert first.status_code == 302

    client.force_login(colleague)
    second = client.post(url(draft), form_data(draft, version=version, texts={"organisation": "Anden udgave"}))
    assert second.status_code == 409
    html = second.content.decode()
    assert "A colleague saved this section while you were editing" in html
    assert member.get_full_name() in html
    assert "Anden udgave" in html
    assert CriterionAnswer.objects.get(application=draft, criterion__code="organisation").text == "Første udgave"


def test_htmx_autosave_answers_with_the_saved_time_and_the_new_version(browser, draft):
    response = browser.post(url(draft), form_data(draft), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Saved at" in html
    assert re.search(r'<input type="hidden" name="version" value="1" id="id_version" hx-swap-oob="true">', html)
    assert "<html" not in html
    again = browser.post(url(draft), form_data(draft, version=1), HTTP_HX_REQUEST="true")
    assert 'value="2"' in again.content.decode()


def test_htmx_autosave_of_a_too_long_text_saves_nothing(browser, draft):
    response = browser.post(url(draft), form_data(draft, texts={"organisation": "x" * 9000}), HTTP_HX_REQUEST="true")
    assert "Not saved" in response.content.decode()
    assert not CriterionAnswer.objects.filter(application=draft).exists()
    assert section_version(application=draft, section="criteria") == 0


def test_another_organisations_member_gets_404(client, make_user, draft):
    client.force_login(make_user("applicant"))
    assert client.get(url(draft)).status_code == 404
    assert client.post(url(draft), form_data(draft)).status_code == 404
    assert not CriterionAnswer.objects.filter(application=draft).exists()
