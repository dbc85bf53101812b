"""The public service standard of a unit (/unit/CODE/standar/): generated from its loaded SOP and settings, as a
page, printable, and as a PDF; linked from the unit's page and the portal's footer."""

import pytest

from factories import EXAMPLE_SOP, load_sop, make_unit
from pengaduan.notifications.models import MessagingNumber
from pengaduan.reports.standard import plain_time_limit, service_standard
from pengaduan.workcalendar.durations import parse_duration

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    return " ".join(response.content.decode().split())


def test_it_says_time_limits_in_plain_words():
    assert plain_time_limit(parse_duration("30 menit")) == "paling lama 30 menit (jam kerja)"
    assert plain_time_limit(parse_duration("maks 10 hari")) == "paling lama 10 hari kerja"
    assert plain_time_limit(parse_duration("1 jam")) == "paling lama 1 jam (jam kerja)"


def test_it_publishes_the_steps_of_the_loaded_sop(client, unit):
    unit.phone, unit.email = "(0351) 123456", "inspektorat@madiunkota.example"
    unit.save()
    page = text_of(client.get("/unit/INSP/standar/"))
    assert "Standar pelayanan penanganan pengaduan" in page
    assert "SOP 3.1.1.10 Penanganan Pengaduan Pelayanan Publik" in page
    # Step 1 and 3 of SOP 3.1.1.10: who, in plain words, within which office time.
    assert "Pengaduan Anda diterima dan dicatat" in page and "paling lama 30 menit (jam kerja)" in page
    assert "Inspektur" in page and "paling lama 10 hari kerja" in page
    assert "Senin–Kamis" in page and "07.30–12.00, 13.00–16.00" in page  # office hours from the calendar
    assert "(0351) 123456" in page and "SP4N-LAPOR!" in page  # channels
    assert "Ombudsman Republik Indonesia" in page and "UU 25/2009" in page and "Perpres 76/2013" in page
    # No maklumat written: the standard pledge in the unit's name; no officer named: the first step's performer.
    assert "Kami, Inspektorat Kota Madiun, berjanji" in page
    assert "Petugas pengaduan (JFU) Inspektorat Kota Madiun" in page


def test_it_lists_the_units_whatsapp_and_sms_numbers_among_the_channels(client, unit):
    MessagingNumber.objects.create(unit=unit, medium="whatsapp", identifier="1234567890",
                                   display_number="0812-3456-7890")
    MessagingNumber.objects.create(unit=unit, medium="sms", identifier="+6281298765432")  # no number to show
    page = text_of(client.get("/unit/INSP/standar/"))
    assert "WhatsApp</strong> — 0812-3456-7890, kapan saja; kami menjawab pada jam kerja." in page
    assert "+6281298765432" not in page


def test_it_shows_the_units_own_maklumat_and_complaint_officer(client, unit):
    unit.maklumat = "Kami siap melayani dengan <ikhlas>."
    unit.complaint_officer = "Ani Rahayu (JFU), 0351-123456"
    unit.head_title, unit.head_name = "Inspektur Kota Madiun", "Drs. Gaguk Hariyono"
    unit.save()
    body = client.get("/unit/INSP/standar/").content.decode()
    assert "Kami siap melayani dengan &lt;ikhlas&gt;." in body
    assert "Ani Rahayu (JFU), 0351-123456" in body and "Drs. Gaguk Hariyono" in body


def test_it_follows_the_units_own_sop(client, unit):
    sop = load_sop(EXAMPLE_SOP)
    make_unit(code="DINAS", name="Dinas Contoh", sop_code=sop.code)
    standard = service_standard(make_unit(code="DINAS2", name="Dinas Dua", sop_code=sop.code))
    assert [step.number for step in standard.steps] == [step.number for step in sop.steps.all()]
    assert client.get("/unit/DINAS/standar/").status_code == 200


def test_it_offers_the_pdf_and_is_linked_from_the_unit_and_the_footer(client, unit):
    response = client.get("/unit/INSP/standar.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert 'filename="standar-pelayanan-INSP.pdf"' in response["Content-Disposition"]
    assert 'href="/unit/INSP/standar/"' in client.get("/unit/INSP/").content.decode()
    assert 'href="/unit/INSP/standar/"' in client.get("/lacak/").content.decode()  # the footer, on every page


def test_it_has_print_rules(client, unit):
    body = client.get("/unit/INSP/standar/").content.decode()
    assert 'class="actions no-print"' in body


def test_it_answers_404_for_an_unknown_or_unlisted_unit(client, unit):
    assert client.get("/unit/NOPE/standar/").status_code == 404
    unit.on_portal = False
    unit.save()
    assert client.get("/unit/INSP/standar.pdf").status_code == 404
