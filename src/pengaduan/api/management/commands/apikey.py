"""`pengaduan apikey create|list|revoke`: the api_keys of Open311 clients (outside applications).

`create` prints the new key as its last line, so that a script can take it with `| tail -n 1`; the key is shown
this once and never stored (only its SHA-256 digest is).
"""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils.translation import gettext as _

from pengaduan.api.models import Open311Key
from pengaduan.api.services import credential_line, credentials_revoke, key_create


class Command(BaseCommand):
    help = "Open311 api_keys: `apikey create --name NAME`, `apikey list`, `apikey revoke NAME|ID`."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", metavar="{create,list,revoke}", required=True)
        create = actions.add_parser("create", help="make a key; it is printed once, as the last line")
        create.add_argument("--name", required=True, help="the application or partner, e.g. \"Madiun app\"")
        create.add_argument("--contact", default="", help="who to call about it")
        actions.add_parser("list", help="the keys, with their prefix, last use and state")
        revoke = actions.add_parser("revoke", help="revoke a key by its name or id")
        revoke.add_argument("key", metavar="NAME|ID")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        getattr(self, f"_{action}")(**options)

    def _create(self, *, name: str, contact: str, **_options) -> None:
        name = name.strip()
        if not name:
            raise CommandError(_("Give the key a name."))
        if Open311Key.objects.filter(name=name).exists():
            raise CommandError(_("A key named %(name)s exists already.") % {"name": name})
        key, secret = key_create(name=name, contact=contact)
        self.stdout.write(_("Open311 api_key %(name)s (id %(id)d) made. It is shown only now; keep it safe:")
                          % {"name": key.name, "id": key.pk})
        self.stdout.write(secret)

    def _list(self, **_options) -> None:
        keys = list(Open311Key.objects.order_by("name"))
        if not keys:
            self.stdout.write(_("There are no Open311 api_keys yet."))
            return
        for key in keys:
            self.stdout.write(f"{credential_line(key)}  {key.name}")

    def _revoke(self, *, key: str, **_options) -> None:
        match = Q(name=key) | Q(pk=int(key)) if key.isdigit() else Q(name=key)
        found = Open311Key.objects.filter(match)
        if not found.exists():
            raise CommandError(_("No api_key is named or numbered %(key)s.") % {"key": key})
        count = credentials_revoke(found)
        self.stdout.write(_("Revoked: %(count)d.") % {"count": count} if count else _("Already revoked."))
