"""The contract server (tests/webhooks/contract.py) and the settings that point WhatsApp and SMS at it."""

import hashlib
import hmac
import json

import pytest
from contract import GATEWAY_SECRET, GATEWAY_USER, TOKEN, ContractServer

APP_SECRET = "test-app-secret"
VERIFY_TOKEN = "test-verify-token"
PHONE_NUMBER_ID = "106540352242922"
COMPLAINANT = "6281234567890"  # as WhatsApp writes a number: no plus


@pytest.fixture
def contract():
    server = ContractServer().start()
    yield server
    server.stop()


@pytest.fixture
def messaging(settings, contract, unit):
    settings.WHATSAPP_APP_SECRET = APP_SECRET
    settings.WHATSAPP_VERIFY_TOKEN = VERIFY_TOKEN
    settings.WHATSAPP_TOKEN = TOKEN
    settings.WHATSAPP_PHONE_NUMBER_ID = PHONE_NUMBER_ID
    settings.WHATSAPP_API_URL = contract.graph_url
    settings.SMS_GATEWAY_URL = f"{contract.url}/sms/message"
    settings.SMS_GATEWAY_SECRET = GATEWAY_SECRET
    settings.SMS_GATEWAY_USERNAME = GATEWAY_USER
    settings.SMS_GATEWAY_PROFILE = "android"
    settings.PORTAL_UNIT = unit.code
    return contract


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
    import time

    return {"from": sender, "id": wamid, "timestamp": str(timestamp or int(time.time())), "type": "text",
            "text": {"body": body}}


def post_signed(client, body: dict, *, secret: str = APP_SECRET):
    raw = json.dumps(body).encode()
    return client.post("/webhooks/whatsapp/", raw, content_type="application/json",
                       headers={"X-Hub-Signature-256": sign(raw, secret)})
