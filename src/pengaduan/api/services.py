"""Making and revoking API credentials. The secret is returned once and never stored."""

from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from pengaduan.api.models import ApiToken, Credential, Open311Key

# A token's `last_used_at` is written at most this often, so that busy clients do not write on every request.
LAST_USED_GRANULARITY = timedelta(minutes=5)


def token_create(*, user, name: str, expires_at: datetime | None = None) -> tuple[ApiToken, str]:
    """A new personal token for `user`; returns the row and the secret (shown to the user once)."""
    token = ApiToken(user=user, name=name.strip(), expires_at=expires_at)
    secret = token.fill_secret()
    token.save()
    return token, secret


def key_create(*, name: str, contact: str = "", expires_at: datetime | None = None) -> tuple[Open311Key, str]:
    """A new Open311 `api_key`; returns the row and the secret (shown once)."""
    key = Open311Key(name=name.strip(), contact=contact, expires_at=expires_at)
    secret = key.fill_secret()
    key.save()
    return key, secret


def credential_line(credential: Credential) -> str:
    """id, prefix, state and last use, as the `apitoken` and `apikey` commands list them."""
    used = f"{timezone.localtime(credential.last_used_at):%Y-%m-%d %H:%M}" if credential.last_used_at else "-"
    return f"{credential.pk:>4}  {credential.prefix}…  {credential.state:<8}  {gettext('last used')} {used}"


def credentials_revoke(queryset, *, now: datetime | None = None) -> int:
    """Revoke tokens or keys at once; those already revoked keep their date. Returns how many were revoked."""
    return queryset.filter(revoked_at__isnull=True).update(revoked_at=now or timezone.now())


def credential_for_secret(model, secret: str, *, now: datetime | None = None):
    """The active token or key with this secret, or None; notes when it was used (coarsely)."""
    if not secret or len(secret) > 200:
        return None
    now = now or timezone.now()
    queryset = model.objects.active(now).by_secret(secret)
    if model is ApiToken:
        queryset = queryset.select_related("user").filter(user__is_active=True)
    credential = queryset.first()
    if credential is not None and (credential.last_used_at is None
                                   or credential.last_used_at < now - LAST_USED_GRANULARITY):
        model.objects.filter(pk=credential.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_GRANULARITY)
        ).update(last_used_at=now)
    return credential
