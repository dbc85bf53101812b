"""The reports speak Indonesian: their catalogue (reports/locale) translates every text and is compiled."""

import re
from pathlib import Path

from django.utils import translation

import pengaduan.reports

PO_FILE = Path(pengaduan.reports.__file__).parent / "locale" / "id" / "LC_MESSAGES" / "django.po"
ENTRY = re.compile(r'^(#, fuzzy\n)?(?:#.*\n)*msgid ((?:".*"\n)+)(msgid_plural (?:".*"\n)+)?((?:msgstr.*\n(?:".*"\n)*)+)',
                   re.M)


def _unquote(lines: str) -> str:
    return "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', lines)).replace('\\"', '"').replace("\\n", "\n")


def entries():
    for fuzzy, msgid, plural, msgstrs in ENTRY.findall(PO_FILE.read_text(encoding="utf-8") + "\n"):
        if msgid.strip() != '""':
            yield bool(fuzzy), _unquote(msgid), bool(plural), _unquote(msgstrs.split("msgstr[1]")[0])


def test_it_translates_every_report_text():
    found = list(entries())
    assert len(found) > 100
    assert [msgid for fuzzy, msgid, _plural, msgstr in found if fuzzy or not msgstr] == []


def test_it_ships_the_compiled_catalogue():
    with translation.override("id"):
        stale = [msgid for _fuzzy, msgid, plural, msgstr in entries()
                 if not plural and translation.gettext(msgid) != msgstr]
    # The project's catalogue comes first (LOCALE_PATHS): a text both translate must read the same in both.
    assert stale == [], "compile reports/locale/id/LC_MESSAGES/django.po (make messages), same wording as the project's"
