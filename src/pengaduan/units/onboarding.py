"""Bringing a unit on board: who may do it, and inviting its officers with their roles.

An invitation carries a one-time token; only its SHA-256 is stored. The officer opens the link, chooses a
user name and a password (Django's password validators), and gets an account with the invited roles in
the unit. A token works once and until it expires; the caller is told which of the two failed, so the
page can say so plainly.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pengaduan.units.models import Invitation, Membership, Unit, role_code_validator
from pengaduan.units import stamps

ONBOARD_PERMISSION = "units.onboard_unit"
INVITATION_VALID_FOR = timedelta(days=7)


def can_onboard(user) -> bool:
    """Superusers, and whoever holds the Pemda admin permission (units.onboard_unit)."""
    return bool(user.is_authenticated and user.is_active and (user.is_superuser or user.has_perm(ONBOARD_PERMISSION)))


class InvitationInvalid(Exception):
    """The link cannot be used: `reason` is "unknown", "used" or "expired"."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def invitation_create(*, unit: Unit, email: str, roles: list[str], name: str = "", invited_by=None,
                      valid_for: timedelta = INVITATION_VALID_FOR) -> tuple[Invitation, str]:
    """A new invitation and its token (the token is returned once, for the link, and never stored)."""
    roles = sorted(set(roles))
    if not roles:
        raise ValidationError(_("Choose at least one role."))
    for role in roles:
        role_code_validator(role)
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    invitation = Invitation.objects.create(
        unit=unit, email=email.strip(), name=name.strip(), roles=roles, token_hash=_hash(token),
        invited_by=invited_by if getattr(invited_by, "pk", None) else None, expires_at=now + valid_for,
    )
    return invitation, token


def invitation_renew(invitation: Invitation, *, valid_for: timedelta = INVITATION_VALID_FOR) -> str:
    """A new link for an invitation not accepted yet (lost, or expired): a new token, valid from now for
    `valid_for`; the old link stops working. Returns the token (never stored). ValidationError when it was accepted."""
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at is not None:
            raise ValidationError(_("This invitation has been accepted already."))
        token = secrets.token_urlsafe(32)
        invitation.token_hash = _hash(token)
        invitation.expires_at = timezone.now() + valid_for
        invitation.save(update_fields=["token_hash", "expires_at"])
    return token


def invitation_for_token(token: str, *, for_update: bool = False) -> Invitation:
    """The invitation of a link, if it may still be used; else InvitationInvalid with the reason."""
    rows = Invitation.objects.select_related("unit")
    if for_update:
        rows = rows.select_for_update()
    invitation = rows.filter(token_hash=_hash(token or "")).first()
    if invitation is None:
        raise InvitationInvalid("unknown")
    if invitation.accepted_at is not None:
        raise InvitationInvalid("used")
    if invitation.expires_at <= timezone.now():
        raise InvitationInvalid("expired")
    return invitation


def suggested_username(invitation: Invitation) -> str:
    """`<e-mail name>.<unit code>` in lower case, the demo's habit (`jfu.dinkes`)."""
    local = invitation.email.split("@", 1)[0].lower()
    return f"{local}.{invitation.unit.code.lower()}"[:150]


def invitation_accept(*, token: str, username: str, password: str):
    """Create the officer's account with the invited roles and use up the token; returns the user.

    Raises InvitationInvalid (link unusable) or ValidationError keyed by field ("username", "password").
    Everything happens in one transaction: a refused password leaves the invitation usable.
    """
    User = get_user_model()
    username = User.normalize_username((username or "").strip())
    with transaction.atomic():
        invitation = invitation_for_token(token, for_update=True)
        errors: dict[str, list] = {}
        if not username:
            errors["username"] = [_("Choose a user name.")]
        elif User.objects.filter(username__iexact=username).exists():
            errors["username"] = [_("This user name is taken; choose another.")]
        first, _sep, last = invitation.name.partition(" ")
        user = User(username=username, email=invitation.email, first_name=first[:150], last_name=last[:150])
        try:
            validate_password(password, user)
        except ValidationError as error:
            errors["password"] = list(error.messages)
        if errors:
            raise ValidationError(errors)
        user.set_password(password)
        user.save()
        Membership.objects.bulk_create(
            [Membership(user=user, unit=invitation.unit, role=role) for role in invitation.roles],
            ignore_conflicts=True,
        )
        stamps.bump(stamps.ROLES)  # bulk_create sends no signal
        invitation.accepted_at = timezone.now()
        invitation.user = user
        invitation.save(update_fields=["accepted_at", "user"])
    return user
