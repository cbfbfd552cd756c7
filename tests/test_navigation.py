"""Each role lands after sign-in on a page it may open, and the navigation offers only pages
that open for it (no link leads to a refusal), with the admin for the administrator."""

from __future__ import annotations

import re

import pytest

from qorgau.testing import PERSONA_NAMES, signed_in

pytestmark = pytest.mark.django_db

START = {
    "consultant": "/appeals/",
    "supervisor": "/appeals/",
    "quality": "/calls/reviews/",
    "officer_a": "/agency/",
    "officer_b": "/agency/",
    "commissioner": "/appeals/",
    "national_commissioner": "/appeals/",
    "auditor": "/calls/demands/",
    "admin": "/admin/",
    "outsider": "/status/",
}


def _nav_links(html: str) -> list[str]:
    nav = re.search(r"<nav>(.*?)</nav>", html, re.S)
    assert nav is not None
    return re.findall(r'href="([^"]+)"', nav.group(1))


@pytest.mark.parametrize("name", PERSONA_NAMES)
def test_each_persona_lands_on_a_page_it_may_open(personas, name):
    client = signed_in(personas[name])
    landing = client.get("/")
    assert landing.status_code == 302 and landing["Location"] == START[name]
    assert client.get(landing["Location"]).status_code == 200


@pytest.mark.parametrize("name", PERSONA_NAMES)
def test_every_navigation_link_opens_for_the_persona(personas, name):
    client = signed_in(personas[name])
    links = _nav_links(client.get("/no-such-page/").content.decode())  # staff chrome
    assert {link: client.get(link).status_code for link in links} == dict.fromkeys(links, 200)
    assert ("/admin/" in links) == (name == "admin")
    assert ("/appeals/new/" in links) == (name in {"consultant", "supervisor"})
