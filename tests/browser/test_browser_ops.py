"""The workdesk when the remind timer has stopped: the administrator sees the banner, the JFU does not."""

import os
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from factories import PASSWORD, make_user
from test_browser_portal import check_accessibility

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, base, username):
    page.context.clear_cookies()
    page.goto(f"{base}/masuk/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form button.primary")
    page.wait_for_url(f"{base}/kerja/")


def test_the_administrator_sees_that_reminders_stopped_and_the_jfu_does_not(office_pc, live_server, unit, jfu,
                                                                            screenshots):
    administrator = make_user("admin", unit=unit, roles=())
    administrator.is_staff = administrator.is_superuser = True
    administrator.save()
    stopped = timezone.now() - timedelta(minutes=17)
    with time_machine.travel(stopped, tick=False):
        call_command("remind", stdout=open(os.devnull, "w"))
    base, page = live_server.url, office_pc

    log_in(page, base, "admin")
    banner = page.locator(".job-alert")
    # "sejak 23:47", or with the date when the stop was on another local day (a run just after midnight).
    text = banner.inner_text()
    assert "Pengingat tidak berjalan sejak" in text and f"{timezone.localtime(stopped):%H:%M}." in text
    assert banner.get_attribute("role") == "alert"
    page.screenshot(path=screenshots / "desk-job-banner-admin.png", full_page=True)
    check_accessibility(page, "inbox with the job banner")

    log_in(page, base, "jfu")
    assert page.locator(".job-alert").count() == 0
