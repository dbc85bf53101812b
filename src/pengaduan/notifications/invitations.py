"""Inviting an officer: the invitation (units layer) and its e-mail through the outbox, in one transaction."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse

from pengaduan.notifications.services import enqueue, site_url
from pengaduan.typesetting import format_datetime_id
from pengaduan.units.models import Invitation, Unit
from pengaduan.units.onboarding import invitation_create, invitation_renew

INVITATION_TEMPLATE = "officer_invitation"


def invitation_url(token: str) -> str:
    return site_url() + reverse("workdesk:invitation", args=[token])


def invite_officer(*, unit: Unit, email: str, roles: list[str], name: str = "",
                   invited_by=None) -> tuple[Invitation, bool]:
    """Create the invitation and queue its e-mail with the one-time link (the link is in the e-mail only).

    Returns the invitation and whether the e-mail was queued (not when its template is missing or switched off)."""
    with transaction.atomic():
        invitation, token = invitation_create(unit=unit, email=email, roles=roles, name=name, invited_by=invited_by)
        return invitation, _send(invitation, token)


def invite_again(invitation: Invitation) -> bool:
    """The invitation's e-mail again, with a new link valid from now (the old one stops working): for a mail that
    was lost or a link that expired. ValidationError when it was accepted; False when the mail is not queued."""
    with transaction.atomic():
        token = invitation_renew(invitation)
        invitation.refresh_from_db()
        if _send(invitation, token):
            return True
        transaction.set_rollback(True)  # no new link goes out: the old one keeps working
        return False


def _send(invitation: Invitation, token: str) -> bool:
    message = enqueue(key=INVITATION_TEMPLATE, to=invitation.email, medium="email", context={
        "name": invitation.name or invitation.email, "unit_name": invitation.unit.name,
        "roles": ", ".join(invitation.roles), "link": invitation_url(token),
        "expires_at": format_datetime_id(invitation.expires_at),
    }, dedupe_key=f"invitation:{invitation.pk}:{invitation.token_hash[:16]}")
    return message is not None
