"""The SKM survey: offered when a case closes (signed link on the complainant's channel, and the tracking page),
all nine answers required, one response per complaint, kept without the respondent's identity."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from pengaduan.complaints.engine import complaint_record
from pengaduan.complaints.models import Complaint
from pengaduan.notifications.models import OutboxMessage
from pengaduan.skm import services as skm
from pengaduan.skm.models import SurveyResponse
from factories import intake_data
from madiun_steps import advance

pytestmark = pytest.mark.django_db

ANSWERS = {f"u{n}": "4" for n in range(1, 10)}


def closed_complaint(unit, staff, **overrides):
    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(**overrides))
    code = complaint.tracking_code
    complaint = advance(complaint, staff, to_step=6)
    assert complaint.status == Complaint.Status.CLOSED
    complaint.tracking_code = code
    return complaint


def invitation(complaint) -> OutboxMessage:
    return OutboxMessage.objects.get(complaint=complaint, template_key="skm_invitation")


def link_of(message: OutboxMessage) -> str:
    return re.search(r"https?://\S+/survei/(\S+)/", message.body)[0].split("://", 1)[1].split("/", 1)[1]


def test_it_invites_the_complainant_by_their_channels_medium_when_the_case_closes(unit, staff):
    complaint = closed_complaint(unit, staff, complainant_email="siti@example.org")
    message = invitation(complaint)
    assert (message.medium, message.address) == ("email", "siti@example.org")
    assert "Survei Kepuasan Masyarakat" in message.body and "/survei/" in message.body
    assert "30 hari" in message.body


def test_it_invites_on_whatsapp_a_complainant_who_came_by_whatsapp_once_it_is_configured(unit, staff, monkeypatch):
    from pengaduan.complaints import channels
    from pengaduan.notifications.media.whatsapp import WhatsApp

    monkeypatch.setattr(WhatsApp, "is_configured", lambda self: True)
    channel = next(c.code for c in channels.all_channels() if c.answer_medium == "whatsapp")
    complaint = closed_complaint(unit, staff, channel=channel)
    message = invitation(complaint)
    assert (message.medium, message.address) == ("whatsapp", "+6281234567890")
    assert "/survei/" in message.body


def test_it_does_not_invite_before_the_answer_is_delivered(unit, staff):
    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data())
    advance(complaint, staff, to_step=5)
    assert not OutboxMessage.objects.filter(template_key="skm_invitation").exists()


def test_it_takes_the_nine_answers_from_the_link_once(client, unit, staff):
    complaint = closed_complaint(unit, staff)
    url = "/" + link_of(invitation(complaint))
    page = client.get(url)
    assert page.status_code == 200
    assert "Bagaimana pendapat Saudara tentang kesesuaian persyaratan pelayanan" in page.text
    assert "Dikelola dengan baik" in page.text and "Sangat sopan dan ramah" in page.text
    response = client.post(url, {**ANSWERS, "u4": "1", "comment": "Petugas ramah.", "sex": "female",
                                 "education": "s1"})
    assert response.status_code == 302 and response.url == reverse("portal:survey_thanks")
    stored = SurveyResponse.objects.get()
    assert stored.answers() == (4, 4, 4, 1, 4, 4, 4, 4, 4)
    assert (stored.unit, stored.comment, stored.sex, stored.education, stored.age_group) == (
        unit, "Petugas ramah.", "female", "s1", "")
    again = client.post(url, ANSWERS)
    assert again.status_code == 410 and "sudah diisi" in again.text
    assert client.get(url).status_code == 410
    assert SurveyResponse.objects.count() == 1


def test_it_names_every_unanswered_question_and_stores_nothing(client, unit, staff):
    complaint = closed_complaint(unit, staff)
    url = "/" + link_of(invitation(complaint))
    response = client.post(url, {key: value for key, value in ANSWERS.items() if key not in ("u3", "u8")})
    assert response.status_code == 200
    assert response.text.count("Mohon pilih satu jawaban untuk pertanyaan ini.") == 4  # summary + beside each
    assert 'href="#q-u3"' in response.text and 'href="#q-u8"' in response.text
    assert 'checked' in response.text  # what was answered stays chosen
    response = client.post(url, {**ANSWERS, "u5": "7"})
    assert "Mohon pilih salah satu dari empat jawaban." in response.text
    assert not SurveyResponse.objects.exists()


def test_it_refuses_a_forged_link_with_a_clear_page(client, unit, staff):
    complaint = closed_complaint(unit, staff)
    token = link_of(invitation(complaint)).split("/")[1]
    for forged in (token[:-2] + "xx", f"{complaint.pk + 1}:{token.split(':', 1)[1]}", "nothing"):
        response = client.get(reverse("portal:survey", args=[forged]))
        assert response.status_code == 400
        assert "Tautan survei ini tidak sah" in response.text
        assert client.post(reverse("portal:survey", args=[forged]), ANSWERS).status_code == 400
    assert not SurveyResponse.objects.exists()


def test_it_refuses_an_expired_link_and_points_to_the_tracking_page(client, unit, staff, settings):
    complaint = closed_complaint(unit, staff)
    url = "/" + link_of(invitation(complaint))
    with time_machine.travel(timezone.now() + timedelta(days=settings.SKM_LINK_DAYS, hours=1)):
        response = client.get(url)
        assert response.status_code == 410
        assert "sudah tidak berlaku" in response.text and reverse("portal:track") in response.text
        assert client.post(url, ANSWERS).status_code == 410
    assert not SurveyResponse.objects.exists()


def test_it_lets_an_anonymous_complainant_answer_on_the_tracking_page(client, unit, staff):
    complaint = closed_complaint(unit, staff, is_anonymous=True, complainant_name="", complainant_phone="",
                                 complainant_email="")
    assert not OutboxMessage.objects.filter(template_key="skm_invitation").exists()
    client.post(reverse("portal:track"), {"code": complaint.tracking_code})
    status = client.get(reverse("portal:status")).text
    assert reverse("portal:survey_tracked") in status
    response = client.post(reverse("portal:survey_tracked"), ANSWERS)
    assert response.status_code == 302
    assert SurveyResponse.objects.get().unit == unit
    assert "Anda sudah mengisi survei" in client.get(reverse("portal:status")).text
    assert client.get(reverse("portal:survey_tracked")).status_code == 302  # back to the status page


def test_it_offers_no_survey_on_the_tracking_page_while_the_case_is_open(client, unit, staff):
    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data())
    client.post(reverse("portal:track"), {"code": complaint.tracking_code})
    assert reverse("portal:survey_tracked") not in client.get(reverse("portal:status")).text
    client.post(reverse("portal:survey_tracked"), ANSWERS)
    assert not SurveyResponse.objects.exists()


def test_it_keeps_one_response_per_complaint_in_the_database(unit, staff):
    complaint = closed_complaint(unit, staff)
    skm.survey_submit(complaint=complaint, data=ANSWERS)
    with pytest.raises(skm.AlreadyAnswered):
        skm.survey_submit(complaint=complaint, data=ANSWERS)
    with pytest.raises(IntegrityError):
        SurveyResponse.objects.create(complaint_key=skm.complaint_key(complaint), unit=unit,
                                      **{key: 3 for key in ANSWERS})


def test_it_keeps_no_link_to_the_complainant(unit, staff):
    complaint = closed_complaint(unit, staff)
    skm.survey_submit(complaint=complaint, data={**ANSWERS, "comment": "Baik"})
    fields = {field.name for field in SurveyResponse._meta.get_fields()}
    assert not fields & {"complaint", "complainant", "name", "email", "phone", "created_at"}
    stored = SurveyResponse.objects.get()
    assert stored.complaint_key == skm.complaint_key(complaint) != str(complaint.pk)
    assert re.fullmatch(r"[0-9a-f]{64}", stored.complaint_key)


def test_it_refuses_answers_outside_one_to_four_in_the_database(unit):
    with pytest.raises(IntegrityError):
        SurveyResponse.objects.create(complaint_key="x" * 64, unit=unit, **{**{key: 3 for key in ANSWERS}, "u9": 5})


def test_it_invites_once_for_a_case_forwarded_inside_the_pemda_and_credits_the_answering_unit(unit, staff):
    from factories import EXAMPLE_SOP, load_sop, make_unit, make_user, wib

    from pengaduan.complaints.engine import step_complete
    from madiun_steps import STEP_DATA

    load_sop(EXAMPLE_SOP)
    dinkes = make_unit(code="DINKES", name="Dinas Kesehatan Kota Madiun", sop_code="400.1/EX/1",
                       register_format="{number:03d}/ADU/{unit}/{year}")
    dinkes_staff = {role: make_user(f"{role}.dinkes", unit=dinkes, roles=(role,))
                    for role in ("petugas", "kepala_bidang", "staf_teknis")}
    origin = advance(complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(), now=wib(2026, 11, 2, 8, 0)),
                     staff, to_step=3, now=wib(2026, 11, 2, 9, 0))
    step_complete(complaint=origin, actor=staff["inspektur"], step_number=3, now=wib(2026, 11, 3, 9, 0),
                  data={**STEP_DATA[3], "decision_type": "forward", "reasoning": "Kewenangan Dinkes.",
                        "order": "Limpahkan.", "forward_to_unit": "dinkes"})
    target = origin.forwards.get().target
    now = wib(2026, 11, 4, 9, 0)
    step_complete(complaint=target, actor=dinkes_staff["petugas"], step_number=1, now=now,
                  data={**intake_data(), "summary": target.summary})
    step_complete(complaint=target, actor=dinkes_staff["kepala_bidang"], step_number=2, now=now,
                  data={"notes": "Puskesmas sudah ditegur."})
    step_complete(complaint=target, actor=dinkes_staff["petugas"], step_number=3, now=now,
                  data={"method": "in_person", "recipient": "Siti Aminah", "documentation": "Diserahkan."})
    origin.refresh_from_db()
    assert origin.status == Complaint.Status.CLOSED
    invitations = OutboxMessage.objects.filter(template_key="skm_invitation")
    assert [message.complaint_id for message in invitations] == [origin.pk]
    assert skm.rated_unit(origin) == dinkes
    skm.survey_submit(complaint=target, data=ANSWERS)  # the linked case is the same matter: rated once
    assert SurveyResponse.objects.get().unit == dinkes
    with pytest.raises(skm.AlreadyAnswered):
        skm.survey_submit(complaint=origin, data=ANSWERS)
