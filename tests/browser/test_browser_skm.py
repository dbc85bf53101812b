"""The SKM survey in a browser on a phone: opened from the invitation link, sent with answers missing (each named),
answered, then the link refused; the public index page and the unit's report. Every page is checked with
axe-core (tests/browser/vendor) and photographed."""

import importlib
import re

import pytest

from pengaduan.complaints.engine import complaint_record
from pengaduan.notifications.models import MessageTemplate, OutboxMessage
from pengaduan.skm.models import SurveyResponse
from factories import PASSWORD, intake_data
from madiun_steps import advance
from test_browser_portal import check_accessibility

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def snap(page, folder, name: str) -> None:
    page.screenshot(path=folder / f"skm-{name}.png", full_page=True)


@pytest.fixture
def invitation_template(db):
    # Transactional tests flush the rows the data migrations seeded: the invitation's text comes back here.
    seeded = importlib.import_module("pengaduan.notifications.migrations.0010_skm_invitation_template").TEMPLATE
    MessageTemplate.objects.get_or_create(key=seeded["key"], defaults=seeded)


def test_a_complainant_answers_the_survey_from_the_link_on_a_phone(phone, office_pc, live_server, unit, staff,
                                                                    jfu, screenshots, invitation_template):
    complaint = advance(complaint_record(unit=unit, actor=staff["jfu"], data=intake_data()), staff, to_step=6)
    body = OutboxMessage.objects.get(complaint=complaint, template_key="skm_invitation").body
    path = re.search(r"/survei/\S+/", body)[0]
    page = phone
    page.goto(f"{live_server.url}{path}")
    assert "Survei Kepuasan Masyarakat" in page.inner_text("h1")
    check_accessibility(page, "survey")
    snap(page, screenshots, "01-survey")

    for number in range(1, 10):
        if number not in (3, 8):
            page.check(f"#id_u{number}_3")  # the fourth answer of each (ids count from 0)
    page.click("form button.primary")
    summary = page.locator("#survey-errors")
    assert summary.is_visible() and summary.locator("a").count() == 2
    assert page.locator("#q-u3 .error").is_visible() and page.locator("#q-u8 .error").is_visible()
    assert page.is_checked("#id_u1_3")  # what was answered stays chosen
    check_accessibility(page, "survey with errors")
    snap(page, screenshots, "02-survey-errors")

    page.check("#id_u3_2")
    page.check("#id_u8_3")
    page.select_option("#id_education", "s1")
    page.fill("#id_comment", "Petugas ramah.")
    page.click("form button.primary")
    assert "Terima kasih" in page.inner_text("h1")
    check_accessibility(page, "survey thanks")
    assert SurveyResponse.objects.get().answers() == (4, 4, 3, 4, 4, 4, 4, 4, 4)

    page.goto(f"{live_server.url}{path}")
    assert "tidak dapat dibuka" in page.inner_text("h1")
    check_accessibility(page, "survey already answered")
    snap(page, screenshots, "03-link-used")

    page.goto(f"{live_server.url}/unit/{unit.code}/skm/")
    assert "A (Sangat baik)" in page.inner_text("main") or "B (Baik)" in page.inner_text("main")
    check_accessibility(page, "public index")
    snap(page, screenshots, "04-public-index")

    office_pc.goto(f"{live_server.url}/masuk/")
    office_pc.fill("#id_username", "jfu")
    office_pc.fill("#id_password", PASSWORD)
    office_pc.click("form button.primary")
    office_pc.wait_for_url(f"{live_server.url}/kerja/")
    office_pc.goto(f"{live_server.url}/laporan/skm/?kind=year&year={complaint.closed_at.year}")
    assert "Survei Kepuasan Masyarakat" in office_pc.inner_text("h1")
    check_accessibility(office_pc, "staff report")
    snap(office_pc, screenshots, "05-staff-report")
