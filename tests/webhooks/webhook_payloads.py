"""WhatsApp webhook deliveries as Meta's payload examples lay them out, signed as Meta signs them."""

import hashlib
import hmac
import json
import time

APP_SECRET = "test-app-secret"
VERIFY_TOKEN = "test-verify-token"
PHONE_NUMBER_ID = "106540352242922"
COMPLAINANT = "6281234567890"  # as WhatsApp writes a number: no plus


def sign(raw: bytes, secret: str = APP_SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()


def whatsapp_body(*, messages=(), statuses=(), phone_number_id=PHONE_NUMBER_ID, name="Siti Aminah",
                  wa_id=COMPLAINANT) -> dict:
    """A delivery of Meta's "messages" webhook field, as its payload examples lay it out."""
    value = {"messaging_product": "whatsapp",
             "metadata": {"display_phone_number": "6281100000000", "phone_number_id": phone_number_id}}
    if messages:
        value["contacts"] = [{"profile": {"name": name}, "wa_id": wa_id}]
        value["messages"] = list(messages)
    if statuses:
        value["statuses"] = list(statuses)
    return {"object": "whatsapp_business_account",
            "entry": [{"id": "102290129340398", "changes": [{"value": value, "field": "messages"}]}]}


def text_message(body: str, wamid: str = "wamid.IN000001", sender: str = COMPLAINANT, timestamp: int | None = None):
    return {"from": sender, "id": wamid, "timestamp": str(timestamp or int(time.time())), "type": "text",
            "text": {"body": body}}


def post_signed(client, body: dict, *, secret: str = APP_SECRET):
    raw = json.dumps(body).encode()
    return client.post("/webhooks/whatsapp/", raw, content_type="application/json",
                       headers={"X-Hub-Signature-256": sign(raw, secret)})
