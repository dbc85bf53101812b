import pytest
from lapor_contract import LaporServer

from pengaduan.lapor.models import LaporAccount


@pytest.fixture
def lapor_server():
    """The LAPOR! contract server on 127.0.0.1 (a free port), stopped after the test."""
    server = LaporServer().start()
    yield server
    server.stop()


@pytest.fixture
def lapor_account(unit, lapor_server, settings):
    """The Inspektorat's LAPOR! account: its institution ID there; base URL and token from the settings."""
    settings.LAPOR_BASE_URL = lapor_server.url
    settings.LAPOR_TOKEN = lapor_server.state.token
    settings.LAPOR_PAGE_SIZE = 2
    return LaporAccount.objects.create(unit=unit, institution_id="INST-1")
