"""`pengaduan apitoken create|list|revoke`: personal tokens of staff for the JSON API (/api/v1/).

A token acts as its user, with the user's roles. `create` prints the token as its last line, once.
"""

from argparse import ArgumentParser
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from pengaduan.api.models import ApiToken
from pengaduan.api.services import credential_line, credentials_revoke, token_create


class Command(BaseCommand):
    help = "Staff API tokens: `apitoken create --user NAME --name WHAT`, `apitoken list [--user NAME]`, " \
           "`apitoken revoke ID`."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", metavar="{create,list,revoke}", required=True)
        create = actions.add_parser("create", help="make a token for a user; printed once, as the last line")
        create.add_argument("--user", required=True, help="the username the token acts as")
        create.add_argument("--name", required=True, help="what the token is for")
        listing = actions.add_parser("list", help="the tokens, with their prefix, last use and state")
        listing.add_argument("--user", default="", help="only this user's tokens")
        revoke = actions.add_parser("revoke", help="revoke a token by its id (see list)")
        revoke.add_argument("token_id", type=int, metavar="ID")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        getattr(self, f"_{action}")(**options)

    def _create(self, *, user: str, name: str, **_options) -> None:
        User = get_user_model()
        owner = User.objects.filter(**{User.USERNAME_FIELD: user}).first()
        if owner is None or not owner.is_active:
            raise CommandError(_("No active user is named %(user)s.") % {"user": user})
        if not name.strip():
            raise CommandError(_("Say what the token is for (--name)."))
        token, secret = token_create(user=owner, name=name)
        self.stdout.write(_("API token %(name)s (id %(id)d) for %(user)s made. It is shown only now; keep it safe:")
                          % {"name": token.name, "id": token.pk, "user": owner.get_username()})
        self.stdout.write(secret)

    def _list(self, *, user: str, **_options) -> None:
        tokens = ApiToken.objects.select_related("user").order_by("user__username", "-created_at")
        if user:
            tokens = tokens.filter(user__username=user)
        if not tokens.exists():
            self.stdout.write(_("There are no API tokens yet."))
            return
        for token in tokens:
            self.stdout.write(f"{credential_line(token)}  {token.user.get_username()}: {token.name}")

    def _revoke(self, *, token_id: int, **_options) -> None:
        found = ApiToken.objects.filter(pk=token_id)
        if not found.exists():
            raise CommandError(_("No API token has the id %(id)d.") % {"id": token_id})
        count = credentials_revoke(found)
        self.stdout.write(_("Revoked.") if count else _("Already revoked."))
