"""scripts/gammu-bridge.py: Pengaduan's SMS sender (profile `gammu`) through the bridge into gammu-smsd-inject,
played here by a stand-in that writes down its arguments."""

import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pengaduan.notifications.models import OutboxMessage
from pengaduan.notifications.services import deliver_now, enqueue

pytestmark = pytest.mark.django_db

BRIDGE = Path(__file__).resolve().parents[2] / "scripts" / "gammu-bridge.py"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def bridge(tmp_path):
    calls = tmp_path / "calls.jsonl"
    inject = tmp_path / "gammu-smsd-inject"
    inject.write_text(f"#!{sys.executable}\nimport json, sys\n"
                      f"open({str(calls)!r}, 'a').write(json.dumps(sys.argv[1:]) + '\\n')\n"
                      "print('Written message with ID /var/spool/gammu/outbox/OUTC20261201_1')\n")
    inject.chmod(0o755)
    port = free_port()
    process = subprocess.Popen([sys.executable, str(BRIDGE), "--host", "127.0.0.1", "--port", str(port)],
                               env={"GATEWAY_SECRET": "bridge-secret", "GAMMU_INJECT": str(inject), "PATH": "/usr/bin:/bin"},
                               stderr=subprocess.DEVNULL)
    for _ in range(50):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            break
        except OSError:
            time.sleep(0.1)
    yield f"http://127.0.0.1:{port}/", calls
    process.terminate()
    process.wait(timeout=5)


def test_it_injects_an_sms_through_the_bridge(bridge, settings):
    url, calls = bridge
    settings.SMS_GATEWAY_URL, settings.SMS_GATEWAY_SECRET = url, "bridge-secret"
    settings.SMS_GATEWAY_USERNAME, settings.SMS_GATEWAY_PROFILE = "", "gammu"
    message = enqueue(key="complaint_recorded", to="0812-3456-7890", medium="sms",
                      context={"name": "Siti", "register_number": "0042/PGD/INSP/2026", "unit_name": "Inspektorat"})
    deliver_now([message.pk])
    message = OutboxMessage.objects.get(pk=message.pk)
    assert message.status == "sent" and message.external_id == f"pgd-{message.pk}"
    (args,) = [json.loads(line) for line in calls.read_text().splitlines()]
    assert args[:2] == ["TEXT", "+6281234567890"] and "-unicode" not in args
    assert "0042/PGD/INSP/2026" in args[args.index("-text") + 1]


def test_it_refuses_a_post_without_the_bridge_secret(bridge, settings):
    url, calls = bridge
    settings.SMS_GATEWAY_URL, settings.SMS_GATEWAY_SECRET = url, "guess"
    settings.SMS_GATEWAY_USERNAME, settings.SMS_GATEWAY_PROFILE = "", "gammu"
    message = enqueue(key="complaint_recorded", to="081234567890", medium="sms", context={})
    deliver_now([message.pk])
    message.refresh_from_db()
    assert message.status == "pending" and "403" in message.last_error and not calls.exists()
