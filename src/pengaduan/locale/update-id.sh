#!/bin/sh
# Refresh the Indonesian catalogue after new strings are added, then compile it.
# Plain `makemessages` misses gettext calls aliased as `_g` (complaints/kinds/draft_answer.py),
# so the extraction below adds `--keyword=_g`; without it those entries turn obsolete (#~).
set -e
cd "$(dirname "$0")/.."            # src/pengaduan: scan only our package
VENV=../../.venv/bin
export PENGADUAN_DATA_DIR="${PENGADUAN_DATA_DIR:-/tmp/i18n-data}" DJANGO_SETTINGS_MODULE=pengaduan.settings
"$VENV/python" - <<'PY'
import django
django.setup()
from django.core.management import call_command
from django.core.management.commands.makemessages import Command


class MakeMessages(Command):
    xgettext_options = Command.xgettext_options + ["--keyword=_g"]


call_command(MakeMessages(), locale=["id"], no_location=True, ignore_patterns=["static/*"])
PY
msgattrib --untranslated --no-obsolete locale/id/LC_MESSAGES/django.po   # prints what still needs a translation
msgattrib --only-fuzzy --no-obsolete locale/id/LC_MESSAGES/django.po     # prints guesses to review (drop #, fuzzy)
"$VENV/pengaduan" compilemessages -l id
msgfmt --check -o /dev/null locale/id/LC_MESSAGES/django.po
