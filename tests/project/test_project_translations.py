"""Bahasa Indonesia is the default language: every text has a translation, and the compiled catalogue is current."""

import re
from pathlib import Path

from django.utils import translation

import pengaduan

PO_FILE = Path(pengaduan.__file__).parent / "locale" / "id" / "LC_MESSAGES" / "django.po"
ENTRY = re.compile(
    r'^(#, fuzzy\n)?(?:#.*\n)*(?:msgctxt ((?:".*"\n)+))?msgid ((?:".*"\n)+)(msgid_plural (?:".*"\n)+)?'
    r'((?:msgstr.*\n(?:".*"\n)*)+)', re.M)


def _unquote(lines: str) -> str:
    parts = re.findall(r'"((?:[^"\\]|\\.)*)"', lines)
    return "".join(parts).replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")


def _entries():
    text = PO_FILE.read_text(encoding="utf-8")
    for match in ENTRY.finditer(text + "\n"):
        fuzzy, context, msgid, plural, msgstrs = match.groups()
        if msgid.strip() == '""':
            continue  # the header
        first_form = msgstrs.split("msgstr[1]")[0]  # plural entries: the one Indonesian form
        yield bool(fuzzy), (_unquote(context) if context else None, _unquote(msgid)), bool(plural), _unquote(first_form)


def test_it_translates_every_text_into_indonesian():
    entries = list(_entries())
    assert len(entries) > 100
    assert [msgid for fuzzy, msgid, _plural, msgstr in entries if fuzzy or not msgstr] == []


def test_it_ships_a_compiled_catalogue_that_matches_the_translations():
    singular = [(key, msgstr) for _fuzzy, key, plural, msgstr in _entries() if not plural]
    with translation.override("id"):
        stale = [(context, msgid) for (context, msgid), msgstr in singular
                 if (translation.pgettext(context, msgid) if context else translation.gettext(msgid)) != msgstr]
    assert stale == [], "run `make messages` to compile the catalogue"


def test_it_speaks_indonesian_to_an_english_browser_until_english_is_chosen(client, db):
    page = client.get("/masuk/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert page["Content-Language"] == "id" and "Masuk" in page.text
    client.post("/i18n/setlang/", {"language": "en", "next": "/masuk/"})
    assert client.get("/masuk/")["Content-Language"] == "en"


def test_it_tells_caches_that_every_page_depends_on_the_language_cookie(client, db):
    """The same address answers in Indonesian or English by a cookie: a shared cache must key on it, also for
    pages that read no session."""
    for path in ("/healthz", "/masuk/"):
        assert "Cookie" in [value.strip() for value in client.get(path)["Vary"].split(",")], path
    client.cookies["django_language"] = "en"
    page = client.get("/healthz")
    assert page["Vary"].count("Cookie") == 1 and page["Content-Language"] == "en"


def test_it_has_every_text_of_the_source_in_the_catalogue(tmp_path):
    """A text added to the code or a template but never extracted would stay English: extract them again
    from a copy of the package and check the copy's catalogue has nothing new to translate."""
    import shutil
    import subprocess
    import sys

    if shutil.which("xgettext") is None:
        import pytest

        pytest.skip("gettext is not installed")
    package = Path(pengaduan.__file__).parent
    copy = tmp_path / "pengaduan"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("static", "__pycache__", "*.mo"))
    done = subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "id", "--no-location", "--ignore", "static/*"],
        cwd=copy, capture_output=True, text=True, env={**__import__("os").environ, "PYTHONPATH": str(package.parent)},
    )
    assert done.returncode == 0, done.stderr
    text = (copy / "locale" / "id" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    new = [_unquote(msgid) for fuzzy, _context, msgid, _plural, msgstrs in ENTRY.findall(text + "\n")
           if msgid.strip() != '""' and (fuzzy or not _unquote(msgstrs.split("msgstr[1]")[0]))]
    assert new == [], "run `make messages` and translate these"


def test_a_view_that_switches_the_language_answers_in_it_and_the_worker_returns_to_indonesian():
    """A view switching for the rest of its request says so in request.LANGUAGE_CODE (as the API does)."""
    from django.http import HttpResponse
    from django.test import RequestFactory

    from pengaduan.middleware import SitePoliciesMiddleware

    def switching(request):
        translation.activate("en")
        request.LANGUAGE_CODE = "en"
        return HttpResponse(translation.get_language())

    with translation.override("id"):
        response = SitePoliciesMiddleware(switching)(RequestFactory().get("/"))
        assert response.content == b"en" and response["Content-Language"] == "en"
        assert translation.get_language() == "id"


def test_a_language_left_active_by_a_view_does_not_reach_the_next_request():
    from django.http import HttpResponse
    from django.test import RequestFactory

    from pengaduan.middleware import SitePoliciesMiddleware

    def silent_switch(request):
        translation.activate("en")
        return HttpResponse()

    def page(request):
        return HttpResponse(translation.get_language())

    with translation.override("id"):
        SitePoliciesMiddleware(silent_switch)(RequestFactory().get("/"))
        response = SitePoliciesMiddleware(page)(RequestFactory().get("/"))
        assert response.content == b"id" and response["Content-Language"] == "id"
