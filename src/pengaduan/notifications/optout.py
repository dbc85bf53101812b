"""A person's opt-out of a medium (per medium and address): the one-click link in our e-mails, a STOP / BERHENTI
message on WhatsApp or SMS (the messaging adapters call `opt_out`), or an officer. Recorded with when and how,
honoured by routing (notifications.routing: nothing is queued to an opted-out address; the skipped message says
why), and reversible: the complainant opts in again from the same link (`opt_in`).

The link carries a signed token of (medium, address): no login, nothing to guess, and it cannot be turned into
another address's link.
"""

from datetime import datetime

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connections, router, transaction
from django.urls import reverse
from django.utils import timezone

from pengaduan import inserts
from pengaduan.notifications import media
from pengaduan.notifications.models import OptOut

TOKEN_SALT = "pengaduan.notifications.optout"
# Words that stop messages when a complainant sends one of them alone (the messaging adapters ask `is_stop_word`).
STOP_WORDS = frozenset({"stop", "berhenti", "unsubscribe", "batal"})
START_WORDS = frozenset({"start", "mulai"})

Source = OptOut.Source


class InvalidAddress(ValueError):
    """Not an address of that medium (or no such medium): nothing was recorded."""


def _normalised(medium: str, address: str) -> str:
    adapter = media.get(medium)
    if adapter is None:
        raise InvalidAddress(f"no notification medium {medium!r}")
    try:
        normalised = adapter.normalise(address)
    except ValidationError:
        raise InvalidAddress(f"not a valid {medium} address: {address!r}") from None
    # E-mail addresses are kept in lower case, as the complainants' are (pengaduan.phones).
    return normalised.lower() if adapter.complainant_field == "email" else normalised


def is_stop_word(text: str) -> bool:
    """A message that is only STOP, BERHENTI (…), in any case, with punctuation around it."""
    return (text or "").strip().strip(".!").lower() in STOP_WORDS


def is_start_word(text: str) -> bool:
    return (text or "").strip().strip(".!").lower() in START_WORDS


def opt_out(medium: str, address: str, *, source: str = Source.STOP, now: datetime | None = None) -> OptOut:
    """Record that `address` wants no more messages on `medium` (again, if it had opted in since). Idempotent:
    an address already opted out keeps its first record. Raises InvalidAddress for an address the medium cannot
    read."""
    address = _normalised(medium, address)
    now = now or timezone.now()
    with transaction.atomic():
        row = OptOut.objects.select_for_update().filter(medium=medium, address=address).first()
        if row is None:
            try:
                with transaction.atomic():
                    return OptOut.objects.create(medium=medium, address=address, opted_out_at=now, source=source)
            except IntegrityError:  # recorded by a concurrent request a moment ago
                return OptOut.objects.get(medium=medium, address=address)
        if row.is_active:
            return row
        row.opted_out_at, row.source, row.opted_in_at, row.opted_in_source = now, source, None, ""
        row.save(update_fields=["opted_out_at", "source", "opted_in_at", "opted_in_source"])
        return row


def opt_in(medium: str, address: str, *, source: str = Source.LINK, now: datetime | None = None) -> OptOut | None:
    """The person wants messages on `medium` again: the opt-out stays on record with when it ended. None when
    the address had not opted out."""
    address = _normalised(medium, address)
    now = now or timezone.now()
    with transaction.atomic():
        row = OptOut.objects.select_for_update().filter(medium=medium, address=address).first()
        if row is None or not row.is_active:
            return row
        row.opted_in_at, row.opted_in_source = now, source
        row.save(update_fields=["opted_in_at", "opted_in_source"])
        return row


def opted_out(medium: str, address: str) -> OptOut | None:
    """The active opt-out of this address on this medium (the address as the medium stores it), or None."""
    address = _as_stored(address)
    rows = inserts.rows_read_ahead((_AHEAD, medium, address))
    if rows is not None:
        return OptOut.from_db(router.db_for_read(OptOut), _fields(), rows[0]) if rows else None
    return OptOut.objects.filter(medium=medium, address=address, opted_in_at__isnull=True).first()


def read_ahead(medium: str, address: str) -> None:
    """Whether this address (as the medium stores it) has opted out of this medium: on PostgreSQL the read goes with
    the request's next one (inserts.read_ahead), and `opted_out` then asks nothing more in this request. For a
    request that will likely route a message to it (a public complaint's POST, routing.read_opt_outs_ahead)."""
    address = _as_stored(address)
    alias = router.db_for_read(OptOut)
    quote = connections[alias].ops.quote_name
    medium_column, address_column, opted_in_column = (quote(OptOut._meta.get_field(name).column)
                                                      for name in ("medium", "address", "opted_in_at"))
    # As the ORM's read above (one row at most: one per medium and address).
    sql = (f"SELECT {', '.join(quote(field.column) for field in OptOut._meta.concrete_fields)} "
           f"FROM {quote(OptOut._meta.db_table)} WHERE {medium_column} = %s AND {address_column} = %s "
           f"AND {opted_in_column} IS NULL")
    inserts.read_ahead((_AHEAD, medium, address), sql, [medium, address], alias=alias)


_AHEAD = "notifications.optout"


def _fields() -> list[str]:
    return [field.attname for field in OptOut._meta.concrete_fields]


def _as_stored(address: str) -> str:
    return address.lower() if "@" in address else address


# -- the link in e-mails -----------------------------------------------------------------------------------------

def token_for(medium: str, address: str) -> str:
    return signing.dumps([medium, address], salt=TOKEN_SALT, compress=True)


def read_token(token: str) -> tuple[str, str]:
    """(medium, address) of a link's token; signing.BadSignature when it was not made here or was altered."""
    value = signing.loads(token, salt=TOKEN_SALT)
    if not (isinstance(value, list) and len(value) == 2 and all(isinstance(part, str) for part in value)):
        raise signing.BadSignature("not an unsubscribe token")
    return value[0], value[1]


def unsubscribe_url(medium: str, address: str, *, base_url: str) -> str:
    return f"{base_url.rstrip('/')}{reverse('portal:unsubscribe', args=[token_for(medium, address)])}"


def unsubscribe_headers(url: str) -> dict[str, str]:
    """RFC 2369 / RFC 8058: mail programs show an "unsubscribe" button that POSTs to the link, no page needed."""
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
