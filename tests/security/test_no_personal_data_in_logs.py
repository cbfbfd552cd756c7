"""Rule 5: no IIN, phone, name or search text in the server's log.

A real `qorgau serve` (gunicorn with uvicorn workers, its access log on) is driven like a
consultant would: register an appeal with a known IIN, phone and name, look the caller up while
typing, take a call and open the screen pop's link, search the knowledge base on the page and
through the API. Older clients that still put the values in a query string are tried too. Then
the server's whole output (stdout and stderr) is searched for each value in every form it
could take (as typed, normalised, URL-encoded, JSON-escaped): none may be there.
"""

from __future__ import annotations

import io
import json
import logging
import re
import urllib.parse

import pytest

from qorgau.core.identifiers import iin_is_valid
from qorgau.core.logfilters import MESSAGE_HIDDEN
from qorgau.testing import signed_in
from tests.security.serve_process import EXTENSION, Browser, Served, qorgau_serve

NAME = "Гүлжайнар Тестбекқызы"
SURNAME = "Тестбекқызы"
PHONE_TYPED, PHONE = "8 707 555 12 34", "+77075551234"
SEARCH = f"{SURNAME} күйеуім ұрады"
HX = {"HX-Request": "true"}


def known_iin() -> str:
    """A valid IIN that no fixture uses: its check digit found by trying them."""
    return next(iin for d in "0123456789" if iin_is_valid(iin := f"88030540012{d}"))


IIN = known_iin()


def forms_of(value: str) -> set[str]:
    """The ways a value could be written into a log line."""
    return {
        value,
        value.lower(),
        urllib.parse.quote(value),
        urllib.parse.quote(value).lower(),
        urllib.parse.quote_plus(value),
        json.dumps(value)[1:-1],  # \\u escapes
        value.encode("unicode_escape").decode(),
    }


def needles() -> dict[str, set[str]]:
    phone_forms = {"5551234", "555 12 34", "555-12-34", "7075551234"} | forms_of(PHONE)
    return {
        "IIN": forms_of(IIN),
        "phone": phone_forms | forms_of(PHONE_TYPED),
        "name": forms_of(NAME) | forms_of(SURNAME),
        "search text": forms_of(SEARCH) | forms_of("күйеуім"),
    }


def register_appeal(browser: Browser) -> str:
    browser.request("GET", "/appeals/new/")
    form = {
        "form_key": "k-1",
        "urgency": "normal",
        "channel": "phone",
        "language": "kk",
        "region": "almaty",
        "direction": "4",
        "summary": "Отбасындағы зорлық",
        "description": f"{NAME} туралы",
        "applicant.kind": "individual",
        "applicant.name": NAME,
        "applicant.iin": IIN,
        "applicant.phone": PHONE_TYPED,
    }
    status, page = browser.request("POST", "/appeals/new/", form=form)
    assert status == 200, page[-1000:]
    return re.search(r"111-\d{4}-\d+", page).group(0)  # type: ignore[union-attr]


def ring(served: Served, browser: Browser) -> None:
    """The phone system reports a call from PHONE answered at the consultant's extension."""
    pbx = {"Authorization": f"Bearer {served.pbx_token}"}
    events = [
        ("new_call", {"caller": PHONE_TYPED, "line": "kk"}),
        ("answer", {"extension": EXTENSION}),
    ]
    for n, (event, extra) in enumerate(events):
        body = {"event_id": f"e{n}", "call_id": "c-1", "event": event, **extra}
        body["at"] = f"2026-11-25T10:00:0{n}+05:00"
        status, _ = browser.request("POST", "/api/v1/cti/events", json_body=body, headers=pbx)
        assert status == 202


def write_to_111(browser: Browser) -> str:
    """An applicant writes to 111 (rule 6(f)), reads the thread, writes more, and a wrong code is
    tried; returns the secret code, which must not be logged either."""
    browser.request("GET", "/write/")
    form = {"text": SEARCH, "name": NAME, "contact": PHONE_TYPED}
    status, page = browser.request("POST", "/write/", form=form)
    assert status == 200, page[-1000:]
    number = re.search(r'id="written-number">([^<]+)<', page).group(1)  # type: ignore[union-attr]
    code = re.search(r'id="written-code">([^<]+)<', page).group(1)  # type: ignore[union-attr]
    more = {"number": number, "code": code, "text": f"{NAME} {PHONE_TYPED}"}
    status, thread = browser.request("POST", "/conversation/", form=more)
    assert status == 200 and SURNAME in thread
    wrong = {"number": number, "code": "AAAA-BBBB-CCCC"}
    assert browser.request("POST", "/conversation/", form=wrong)[0] == 404
    return code


def drive(served: Served) -> str:
    """What a consultant does, and what an older client may still do; returns the secret code
    of a written conversation."""
    browser = Browser(served.url)
    browser.sign_in()
    number = register_appeal(browser)
    form = {"applicant.iin": IIN, "applicant.phone": PHONE_TYPED}
    status, found = browser.request("POST", "/appeals/caller/", form=form, headers=HX)
    assert status == 200 and number in found  # the look-up works
    ring(served, browser)
    _, pop = browser.request("GET", "/calls/screen-pop/", headers=HX)
    link = re.search(r'href="(/calls/\d+/register/)"', pop).group(1)  # type: ignore[union-attr]
    _, opened = browser.request("GET", link)
    assert f'value="{PHONE}"' in opened  # filled in from the call record
    _, hits = browser.request("POST", "/kb/", form={"q": SEARCH, "lang": "kk"}, headers=HX)
    assert "kb-hit" in hits
    api = {"Authorization": f"Bearer {served.api_token}"}
    body = {"q": f"{NAME} {IIN} {PHONE}", "lang": "kk"}
    assert browser.request("POST", "/api/v1/kb/search", json_body=body, headers=api)[0] == 200
    # Older clients with the values in the query string: answered or refused, never logged.
    query = urllib.parse.urlencode({"q": SEARCH, "lang": "kk"})
    assert browser.request("GET", f"/api/v1/kb/search?{query}", headers=api)[0] == 200
    query = urllib.parse.urlencode({"applicant.iin": IIN, "applicant.phone": PHONE, "n": NAME})
    assert browser.request("GET", f"/appeals/caller/?{query}", headers=HX)[0] == 405
    assert browser.request("GET", f"/no-such-page/?{query}")[0] == 404
    return write_to_111(browser)


def test_the_server_log_holds_no_personal_data(tmp_path):
    with qorgau_serve(tmp_path, kb=True) as served:
        code = drive(served)
    log = served.log()
    assert '"POST /appeals/caller/ HTTP/1.1" 200' in log  # the access log is on and read
    assert '"GET /api/v1/kb/search HTTP/1.1" 200' in log  # ...and drops the query string
    assert "Method Not Allowed" in log and "Not Found" in log  # django.request wrote too
    secrets = {**needles(), "code": forms_of(code) | forms_of(code.replace("-", ""))}
    found = {what: sorted(form for form in forms if form in log) for what, forms in secrets.items()}
    assert not any(found.values()), found


# --- Django's own records, through the handler the settings configure --------------------------


@pytest.fixture
def console():
    """What the root logger's console handler (settings.LOGGING) writes, captured."""
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    stream = io.StringIO()
    old = handler.setStream(stream)
    yield stream
    handler.setStream(old)


def test_a_404_record_names_the_url_pattern_not_the_path(personas, console):
    """django.request logs "Not Found: <path>": a value someone put in a path stays out."""
    client = signed_in(personas["consultant"])
    client.get(f"/kb/{IIN}/")
    client.get(f"/nothing-here-{IIN}/")
    written = console.getvalue()
    assert "Not Found: /kb/<slug:key>/" in written
    assert "Not Found: (path not logged)" in written
    assert IIN not in written


def test_a_traceback_keeps_its_frames_but_not_the_message(console):
    try:
        int(NAME)
    except ValueError:
        logging.getLogger("django.request").exception("Internal Server Error: %s", "/x/")
    written = console.getvalue()
    assert "ValueError" in written and "int(NAME)" in written and MESSAGE_HIDDEN in written
    assert SURNAME not in written
