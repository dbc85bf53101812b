"""The oversight role in a browser: the Pemda-wide dashboard, a unit's cases and a masked complaint page pass axe."""

import pytest
from django.contrib.auth.models import Group, Permission

from factories import EXAMPLE_SOP, PASSWORD, intake_data, load_sop, make_unit, make_user, wib
from madiun_steps import STEP_DATA, advance
from test_browser_portal import check_accessibility

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def pemda_network(unit, staff):
    """Two units; the Inspektorat with answered cases, an examination under way and a forwarded case."""
    from pengaduan.complaints.engine import complaint_record, step_complete
    from pengaduan.reports.stats import rebuild_stats
    from pengaduan.sop.models import Sop
    from pengaduan.units.oversight import OVERSIGHT_GROUP

    load_sop(EXAMPLE_SOP)
    make_unit(code="DPMPTSP", name="Dinas Penanaman Modal dan PTSP",
              sop_code=Sop.objects.exclude(code="3.1.1.10").values_list("code", flat=True).first())
    make_user("irban", unit=unit, roles=("irban",))
    for index, to_step in enumerate((6, 6, 4, 2)):
        complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(summary=f"Kasus {index + 1}"),
                                     now=wib(2026, 11, 2 + index, 9, 0))
        advance(complaint, staff, to_step=to_step, now=wib(2026, 11, 2 + index, 10, 0))
    examined = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(summary="Pungli loket KTP"))
    advance(examined, staff, to_step=3)
    step_complete(complaint=examined, actor=staff["inspektur"], step_number=3, data={
        **STEP_DATA[3], "decision_type": "examination", "order": "", "examination_brief": "Periksa loket KTP."})
    forwarded = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(summary="Jalan berlubang"))
    advance(forwarded, staff, to_step=3)
    step_complete(complaint=forwarded, actor=staff["inspektur"], step_number=3, data={
        **STEP_DATA[3], "decision_type": "forward", "forward_to": "Dinas PUPR Kota Madiun"})
    rebuild_stats()
    group, _ = Group.objects.get_or_create(name=OVERSIGHT_GROUP)
    group.permissions.add(Permission.objects.get(content_type__app_label="units", codename="oversee_units"))
    make_user("pemda").groups.add(group)
    return {"examined": examined, "forwarded": forwarded}


@pytest.mark.parametrize("screen", ["office_pc", "phone"])
def test_the_oversight_pages_pass_axe_and_mask_the_identity(screen, request, live_server, pemda_network, screenshots):
    page, base = request.getfixturevalue(screen), live_server.url
    page.goto(f"{base}/masuk/")
    page.fill("#id_username", "pemda")
    page.fill("#id_password", PASSWORD)
    page.click("form button.primary")
    page.wait_for_url(f"{base}/kerja/pengawasan/")  # an overseer lands on the dashboard
    assert page.locator("#per-unit").is_visible()
    assert "Dinas Penanaman Modal dan PTSP" in page.content() and "Dinas PUPR Kota Madiun" in page.content()
    page.screenshot(path=screenshots / f"oversight-dashboard-{screen}.png", full_page=True)
    check_accessibility(page, f"oversight dashboard ({screen})")

    page.click("text=Inspektorat Kota Madiun")
    page.wait_for_url(f"{base}/kerja/pengawasan/unit/INSP/")
    page.screenshot(path=screenshots / f"oversight-unit-{screen}.png", full_page=True)
    check_accessibility(page, f"oversight unit ({screen})")

    examined = pemda_network["examined"]
    page.click(f"text={examined.register_number}")
    page.wait_for_selector("#pemeriksaan")
    assert "Siti Aminah" not in page.content() and "081234567890" not in page.content()
    assert page.locator("form[method=post] button.primary").count() == 0  # nothing to act on
    page.screenshot(path=screenshots / f"oversight-complaint-{screen}.png", full_page=True)
    check_accessibility(page, f"oversight complaint ({screen})")
