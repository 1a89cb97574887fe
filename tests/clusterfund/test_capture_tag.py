"""`{% capture as name %}`: a block rendered once and shown where needed (the main menu, desktop and drawer)."""

import itertools

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.urls import reverse

from clusterfund.roles import Role


def test_the_block_renders_once_and_shows_twice_as_it_rendered():
    counter = itertools.count(1)
    page = Template(
        "{% load portal %}{% capture as menu %}<li>{{ n }} {{ text }}</li>{% endcapture %}"
        "<nav>{{ menu }}</nav>{{ menu }}"
    ).render(Context({"n": lambda: next(counter), "text": "<Æ & Ø>"}))
    assert page == "<nav><li>1 &lt;Æ &amp; Ø&gt;</li></nav><li>1 &lt;Æ &amp; Ø&gt;</li>"


@pytest.mark.parametrize("tag", ["{% capture %}", "{% capture menu %}", "{% capture as %}", "{% capture to menu %}"])
def test_a_wrong_use_is_refused_when_the_template_is_read(tag):
    with pytest.raises(TemplateSyntaxError):
        Template("{% load portal %}" + tag + "x{% endcapture %}")


@pytest.mark.parametrize("role", [None, Role.APPLICANT, Role.ADMINISTRATOR])
def test_the_main_menu_is_the_same_in_the_navigation_and_the_drawer(client, make_user, role):
    if role:
        client.force_login(make_user(role))
    page = client.get(reverse("home")).content.decode()
    menus = [part.split("</ul>")[0].strip() for part in page.split('<ul class="mainmenu">')[1:]]
    assert len(menus) == 2
    assert menus[0] == menus[1]
    assert 'href="/"' in menus[0] or reverse("home") in menus[0]
    if role == Role.ADMINISTRATOR:
        assert reverse("staff_index") in menus[0]
