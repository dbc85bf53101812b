"""The optional error reporter: off by default, and personal data scrubbed before anything leaves."""

import json

import pytest

from pengaduan.ops.reporting import scrub_event
from pengaduan.redact import scrub_text

COMPLAINANT = {
    "email": "siti.aminah@example.org",
    "phone": "0812-3456-7890",
    "intl": "+62 812 3456 7890",
    "nik": "3577014501900001",
    "code": "K7M2P-Q9RTX-4HB8N",
}


def a_django_error_event():
    """Shaped like the events the Django integration sends (request, exception with local variables,
    log entry, SQL breadcrumbs, user)."""
    return {
        "message": f"Could not send to {COMPLAINANT['email']}",
        "logentry": {"message": "complainant %s", "params": [COMPLAINANT["nik"]],
                     "formatted": f"complainant {COMPLAINANT['nik']}"},
        "user": {"id": "7", "username": "jfu", "email": "jfu@madiunkota.go.id", "ip_address": "10.1.2.3"},
        "request": {
            "url": f"https://pengaduan.example.go.id/lacak/{COMPLAINANT['code']}/?phone=081234567890",
            "method": "POST",
            "query_string": "phone=081234567890",
            "data": {"complainant_name": "Siti Aminah", "description": "Pungutan liar di kelurahan"},
            "cookies": {"sessionid": "abc"},
            "headers": {"Cookie": "sessionid=abc", "User-Agent": "Mozilla", "X-Real-IP": "36.80.1.2",
                        "Content-Type": "multipart/form-data", "Referer": "https://x/?email=a@b.id"},
            "env": {"REMOTE_ADDR": "36.80.1.2"},
        },
        "exception": {"values": [{
            "type": "SMTPRecipientsRefused",
            "value": f"{{'{COMPLAINANT['email']}': (550, 'no such user')}} tel {COMPLAINANT['phone']}",
            "stacktrace": {"frames": [{"filename": "notifications/services.py", "function": "send_due",
                                       "vars": {"complainant": "Siti Aminah", "to": COMPLAINANT["email"]}}]},
        }]},
        "breadcrumbs": {"values": [
            {"category": "query", "message": 'SELECT * FROM complainant WHERE phone = %s',
             "data": {"db.params": [COMPLAINANT["phone"]]}},
            {"category": "log", "message": f"queued for {COMPLAINANT['intl']} and {COMPLAINANT['email']}"},
        ]},
        "extra": {"sys.argv": ["pengaduan", "pdp", "export", "--complainant", COMPLAINANT["email"]]},
        "contexts": {"trace": {"description": f"lacak {COMPLAINANT['code']}"}},
    }


def test_it_scrubs_every_piece_of_personal_data_from_an_error_event():
    event = scrub_event(a_django_error_event())
    sent = json.dumps(event)
    for value in (*COMPLAINANT.values(), "Siti Aminah", "081234567890", "sessionid", "36.80.1.2", "jfu",
                  "Pungutan liar", "10.1.2.3"):
        assert value not in sent, value
    # What finds the bug is kept.
    exception = event["exception"]["values"][0]
    assert exception["type"] == "SMTPRecipientsRefused" and "550" in exception["value"]
    assert exception["stacktrace"]["frames"][0]["function"] == "send_due"
    assert event["request"]["url"] == "https://pengaduan.example.go.id/lacak/[code]/"
    assert event["request"]["headers"] == {"Content-Type": "multipart/form-data"}
    assert event["breadcrumbs"]["values"][0]["message"] == "SELECT * FROM complainant WHERE phone = %s"


@pytest.mark.parametrize("text, expected", [
    ("to siti.aminah@example.org failed", "to [email] failed"),
    ("call 0812-3456-7890 now", "call [phone] now"),
    ("call +62 812 3456 7890", "call [phone]"),
    ("NIK 3577014501900001", "NIK [number]"),
    ("code K7M2P-Q9RTX-4HB8N", "code [code]"),
    ("step 3 of 5 took 250 ms on 2026-12-03", "step 3 of 5 took 250 ms on 2026-12-03"),
])
def test_it_masks_personal_data_in_texts(text, expected):
    assert scrub_text(text) == expected


def test_it_is_off_by_default(settings):
    assert settings.SENTRY_DSN == ""


def test_it_sends_only_scrubbed_events_when_configured():
    """With the SDK installed: an exception captured through it leaves through the scrubber."""
    sentry_sdk = pytest.importorskip("sentry_sdk")
    from pengaduan.ops.reporting import init_error_reporter

    sent = []

    class Transport(sentry_sdk.transport.Transport):
        def capture_envelope(self, envelope):
            for item in envelope.items:
                if item.type == "event":
                    sent.append(item.payload.json)

    init_error_reporter("https://key@errors.example.invalid/1")
    sentry_sdk.get_client().transport = Transport(sentry_sdk.get_client().options)
    try:
        try:
            complainant_email = COMPLAINANT["email"]  # noqa: F841 - a local variable the report must not carry
            raise RuntimeError(f"could not mail {COMPLAINANT['email']}")
        except RuntimeError as error:
            sentry_sdk.capture_exception(error)
        sentry_sdk.flush()
    finally:
        sentry_sdk.init(dsn=None)
    assert sent, "nothing was sent"
    text = json.dumps(sent)
    assert COMPLAINANT["email"] not in text and "could not mail [email]" in text


def test_it_says_how_to_install_the_reporter_when_it_is_missing(monkeypatch):
    import builtins

    from django.core.exceptions import ImproperlyConfigured

    from pengaduan.ops.reporting import init_error_reporter

    real_import = builtins.__import__

    def no_sdk(name, *args, **kwargs):
        if name.startswith("sentry_sdk"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_sdk)
    with pytest.raises(ImproperlyConfigured, match=r"pengaduan\[sentry\]"):
        init_error_reporter("https://key@errors.example.invalid/1")
