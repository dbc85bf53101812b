"""`serve --production` refuses each unsafe configuration and says what to fix; it only warns about the rest."""

import pytest

from pengaduan.ops.checks import deployment_problems

SAFE = {
    "DEBUG": False,
    "SECRET_KEY": "k7Gx2-pQ9vLw4ZbN8cYt1RmS6hJd3FuE0aKoPi5XnWqV-zT9yBg",
    "ALLOWED_HOSTS": ["pengaduan.madiunkota.go.id"],
    "SITE_URL": "https://pengaduan.madiunkota.go.id",
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
    "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
    "SECURE_HSTS_SECONDS": 31536000,
    "STORAGES": {"staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}},
    "WHITENOISE_USE_FINDERS": False,
    "DATABASES": {"default": {"ENGINE": "django.db.backends.postgresql"}},
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "ROOT_URLCONF": "pengaduan.urls",
}


def problems(workers=5, bind="127.0.0.1:8000", insecure_http=False, pending=None, **changes):
    return deployment_problems({**SAFE, **changes}, workers=workers, bind=bind, insecure_http=insecure_http,
                               pending_migrations=pending)


def fatal(**kwargs):
    return [problem.message for problem in problems(**kwargs) if problem.fatal]


def warnings(**kwargs):
    return [problem.message for problem in problems(**kwargs) if not problem.fatal]


def test_it_accepts_a_safe_configuration_without_a_word():
    assert problems() == []


def test_it_refuses_debug():
    [message] = fatal(DEBUG=True)
    assert "DEBUG is on" in message and "DEBUG=false" in message


def test_it_refuses_a_missing_secret_key():
    [message] = fatal(SECRET_KEY="")
    assert "SECRET_KEY is empty" in message


def test_it_refuses_a_short_secret_key():
    [message] = fatal(SECRET_KEY="geheim")
    assert "too short" in message and "token_urlsafe" in message


def test_it_refuses_djangos_insecure_development_key():
    assert fatal(SECRET_KEY="django-insecure-" + "x1y2z3w4v5" * 6)


def test_it_accepts_the_key_generated_in_the_data_directory():
    import secrets

    assert fatal(SECRET_KEY=secrets.token_urlsafe(50)) == []


def test_it_refuses_any_host():
    [message] = fatal(ALLOWED_HOSTS=["pengaduan.madiunkota.go.id", "*"])
    assert '"*"' in message


def test_it_refuses_no_host():
    [message] = fatal(ALLOWED_HOSTS=[])
    assert "ALLOWED_HOSTS is empty" in message


def test_it_warns_when_only_loopback_hosts_are_allowed_behind_nginx():
    assert any("only loopback" in message for message in warnings(ALLOWED_HOSTS=["127.0.0.1", "localhost"]))


def test_it_warns_when_the_site_url_host_is_not_allowed():
    assert any("not in ALLOWED_HOSTS" in message for message in warnings(ALLOWED_HOSTS=["other.example"]))


def test_it_refuses_cookies_that_travel_over_plain_http():
    [message] = fatal(SESSION_COOKIE_SECURE=False, CSRF_COOKIE_SECURE=False)
    assert "SESSION_COOKIE_SECURE and CSRF_COOKIE_SECURE" in message


def test_it_refuses_when_django_cannot_tell_https():
    [message] = fatal(SECURE_PROXY_SSL_HEADER=None)
    assert "SECURE_PROXY_SSL_HEADER" in message and "--insecure-http" in message


def test_it_refuses_a_plain_http_site_url():
    [message] = fatal(SITE_URL="http://pengaduan.madiunkota.go.id")
    assert "SITE_URL" in message and "https://" in message


def test_it_warns_without_hsts():
    assert any("SECURE_HSTS_SECONDS" in message for message in warnings(SECURE_HSTS_SECONDS=0))


def test_it_serves_plain_http_on_a_lan_with_a_warning():
    lan = dict(SESSION_COOKIE_SECURE=False, CSRF_COOKIE_SECURE=False, SECURE_PROXY_SSL_HEADER=None,
               SECURE_HSTS_SECONDS=0, SITE_URL="http://192.168.1.10:8000", ALLOWED_HOSTS=["192.168.1.10"])
    assert fatal(insecure_http=True, **lan) == []
    assert any("unencrypted" in message for message in warnings(insecure_http=True, **lan))


def test_it_refuses_static_files_without_a_manifest():
    storages = {"staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"}}
    [message] = fatal(STORAGES=storages)
    assert "CompressedManifestStaticFilesStorage" in message


@pytest.mark.parametrize("engine", ["django.db.backends.sqlite3", "pengaduan.sqlite_backend"])
def test_it_warns_about_sqlite_with_several_workers(engine):
    sqlite = {"default": {"ENGINE": engine}}
    assert fatal(DATABASES=sqlite, workers=5) == []
    assert any("SQLite with 5 workers" in message for message in warnings(DATABASES=sqlite, workers=5))
    assert not any("SQLite" in message for message in warnings(DATABASES=sqlite, workers=1))


def test_it_warns_that_mail_goes_to_files():
    assert any("EMAIL_BACKEND" in message
               for message in warnings(EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend"))


def test_it_warns_about_binding_to_every_address():
    assert any("0.0.0.0:8000" in message for message in warnings(bind="0.0.0.0:8000"))
    assert warnings(bind="10.0.0.5:8000") == []


def test_it_refuses_unapplied_migrations():
    [message] = fatal(pending=["complaints.0009_more"])
    assert "pengaduan migrate" in message


def test_it_lists_fatal_problems_first():
    found = problems(DEBUG=True, SECURE_HSTS_SECONDS=0)
    assert [problem.fatal for problem in found] == [True, False]
    assert str(found[0]).startswith("ERROR: ")
