"""The SMS gateway webhook, /webhooks/sms/ (README, "SMS"): incoming SMS and the gateway's delivery reports.

The gateway proves itself with the shared secret SMS_GATEWAY_SECRET, in the X-Gateway-Secret header or as
`?token=` in the webhook URL (for gateway apps that cannot set headers); anything else is refused (403) before the
body is read. The body is JSON or a form; where each field is depends on the gateway (SMS_GATEWAY_PROFILE, see
`notifications/media/sms.py`). An SMS becomes a complaint or the complainant's reply by the same rules as
WhatsApp, idempotent by the gateway's id of the message.
"""

import hmac
import json
import logging
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from pengaduan.notifications.media import sms as gateway
from pengaduan.notifications.media.base import MediumNotConfigured
from pengaduan.notifications.media.phone import normalise_phone
from pengaduan.notifications.messaging import delivery_report, unit_for_number
from pengaduan.webhooks import common
from pengaduan.webhooks.common import Arrival, answer, refused, too_many

logger = logging.getLogger("pengaduan.webhooks")


def secret_ok(request) -> bool:
    secret = settings.SMS_GATEWAY_SECRET
    given = request.headers.get(gateway.SECRET_HEADER) or request.GET.get("token", "")
    return bool(secret) and hmac.compare_digest(given.encode(), secret.encode())


@csrf_exempt
@require_POST
def webhook(request):
    limited = too_many(request)
    if limited:
        return limited
    if not secret_ok(request):
        return refused(request, "bad or missing gateway secret")
    try:
        profile = gateway.profile()
    except MediumNotConfigured as error:
        logger.error("SMS webhook: %s", error)
        return answer(500, _("The SMS gateway is not set up correctly on this server."))
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body)
        except (ValueError, UnicodeDecodeError):
            return answer(400, _("The request body is not valid JSON."))
        if not isinstance(data, dict):
            return answer(400, _("The request body is not valid JSON."))
    else:
        data = request.POST.dict()
    event = gateway.pick(data, profile.event)
    if event in profile.report_kinds:
        found = delivery_report(medium="sms", external_id=gateway.pick(data, profile.report_id),
                                status=profile.report_kinds[event], error=gateway.pick(data, profile.report_error))
        return answer(200, reports=int(found is not None))
    if event not in profile.received_events:
        return answer(200, ignored=1)
    return _message(data, profile)


def _message(data, profile: gateway.Profile):
    external_id, text = gateway.pick(data, profile.message_id), gateway.pick(data, profile.text)
    if not external_id or not text:
        return answer(400, _("The message needs an id, a sender and a text."))
    try:
        sender = normalise_phone(gateway.pick(data, profile.sender))
    except ValidationError:
        return answer(400, _("The sender is not a valid telephone number."))
    unit = unit_for_number(medium="sms", identifier=gateway.pick(data, profile.receiver))
    if unit is None:
        logger.warning("SMS %s to %r, which is no unit's number: ignored", external_id,
                       gateway.pick(data, profile.receiver))
        return answer(200, ignored=1)
    common.arrive(Arrival(channel="sms", external_id=external_id, unit=unit, sender=sender, text=text,
                          received_at=_when(gateway.pick(data, "payload.receivedAt") or gateway.pick(data, "time"))))
    return answer(200, messages=1)


def _when(text: str) -> datetime:
    moment = parse_datetime(text) if text else None
    if moment is None:
        return timezone.now()
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    # A phone's clock ahead of ours would put the message in the future.
    return min(moment, timezone.now())
