"""The contract server (tests/webhooks/contract.py) and the settings that point WhatsApp and SMS at it."""

import pytest
from contract import GATEWAY_SECRET, GATEWAY_USER, TOKEN, ContractServer
from webhook_payloads import APP_SECRET, PHONE_NUMBER_ID, VERIFY_TOKEN


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
