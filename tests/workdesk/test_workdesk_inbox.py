"""Inbox filters and search, the team view, internal notes and the complainant's view on the complaint page."""

import pytest
from django.urls import reverse

from pengaduan.complaints.engine import complaint_receive, complaint_record, information_request, note_add
from pengaduan.complaints.errors import NotPermitted
from factories import PASSWORD, intake_data, wib

pytestmark = pytest.mark.django_db


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def two_waiting(unit, staff):
    ktp = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(summary="Pungli KTP"),
                           now=wib(2026, 11, 2, 9, 0))
    road = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(
        channel="telephone", caller_number="0351 1", summary="Jalan rusak", subject="Dinas PUPR"))
    return ktp, road


def test_it_searches_the_inbox_by_title_or_number(client, two_waiting, staff):
    ktp, road = two_waiting
    login(client, staff["sekretaris"])
    page = client.get(reverse("workdesk:inbox"), {"q": "jalan"}).text
    assert road.register_number in page and ktp.register_number not in page
    page = client.get(reverse("workdesk:inbox"), {"q": ktp.register_number}).text
    assert ktp.register_number in page and road.register_number not in page


def test_it_filters_the_inbox_by_channel_and_overdue(client, two_waiting, staff):
    ktp, road = two_waiting
    login(client, staff["sekretaris"])
    page = client.get(reverse("workdesk:inbox"), {"channel": "telephone"}).text
    assert road.register_number in page and ktp.register_number not in page
    page = client.get(reverse("workdesk:inbox"), {"overdue": "on"}).text
    assert ktp.register_number in page and road.register_number not in page


def test_it_ignores_a_nonsense_filter_with_a_message_not_an_error(client, two_waiting, staff):
    response = login(client, staff["sekretaris"]).get(reverse("workdesk:inbox"), {"step": "abc", "received_from": "x"})
    assert response.status_code == 200 and 'class="error"' in response.text


def test_it_shows_the_team_view_to_superiors_only(client, unit, staff, two_waiting):
    complaint_receive(unit=unit, data=intake_data(channel="web"))
    page = login(client, staff["inspektur"]).get(reverse("workdesk:team")).text
    assert page.count("<section class=\"card\">") >= 2  # steps 1 and 2 have open cases
    client.logout()
    assert login(client, staff["jfu"]).get(reverse("workdesk:team")).status_code == 404


def test_it_shows_waiting_for_the_complainant_instead_of_overdue(client, unit, staff):
    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(), now=wib(2026, 11, 2, 9, 0))
    information_request(complaint=complaint, actor=staff["sekretaris"], question="?", pause_clock=True,
                        now=wib(2026, 11, 2, 9, 1))
    page = login(client, staff["sekretaris"]).get(reverse("workdesk:inbox")).text
    assert "badge-paused" in page and "badge-overdue" not in page


def test_it_keeps_internal_notes_from_the_complainant(client, unit, staff):
    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data())
    login(client, staff["kasubag"]).post(reverse("workdesk:add_note", args=[complaint.pk]),
                                          {"text": "Petugas ini sudah dua kali diadukan."})
    assert "sudah dua kali diadukan" in client.get(complaint.get_absolute_url()).text
    client.logout()
    client.post(reverse("portal:track"), {"code": complaint.tracking_code})
    assert "sudah dua kali diadukan" not in client.get(reverse("portal:status")).text


def test_it_refuses_a_note_from_another_units_officer(unit, staff, outsider):
    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data())
    with pytest.raises(NotPermitted):
        note_add(complaint=complaint, actor=outsider, text="Bukan urusan saya")


def test_it_previews_what_the_complainant_sees(client, unit, staff):
    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data())
    page = login(client, staff["sekretaris"]).get(complaint.get_absolute_url()).text
    assert "Tampilan bagi pengadu" in page


def test_it_pages_a_long_inbox_and_counts_every_waiting_step(client, unit, staff, monkeypatch):
    from pengaduan.workdesk import views

    monkeypatch.setattr(views, "INBOX_PAGE", 2)
    for index in range(5):
        complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(summary=f"Kasus {index}"),
                         now=wib(2026, 11, 2, 8, index))
    login(client, staff["sekretaris"])
    first = client.get(reverse("workdesk:inbox"))
    assert len(first.context["rows"]) == 2 and first.context["page"].paginator.count == 5
    assert first.context["overdue_count"] == 5  # all of them, not only those on the page
    last = client.get(reverse("workdesk:inbox"), {"page": 3, "q": "kasus"})
    assert len(last.context["rows"]) == 1
    assert 'href="?q=kasus&amp;page=2"' in last.text  # the pager keeps the search


def test_it_shows_the_most_urgent_per_step_and_all_of_one_step_on_request(client, unit, staff, monkeypatch):
    from pengaduan.workdesk import views

    monkeypatch.setattr(views, "TEAM_ROWS_PER_STEP", 2)
    monkeypatch.setattr(views, "TEAM_STEP_PAGE", 3)
    cases = [complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(), now=wib(2026, 11, 2, 8, index))
             for index in range(4)]
    login(client, staff["inspektur"])
    overview = client.get(reverse("workdesk:team"))
    [group] = overview.context["groups"]
    assert group["open"] == 4 and [row.run.complaint for row in group["rows"]] == cases[:2]
    assert 'href="?step=2"' in overview.text
    step = client.get(reverse("workdesk:team"), {"step": 2, "page": 2})
    [group] = step.context["groups"]
    assert [row.run.complaint for row in group["rows"]] == cases[3:]
    assert group["rows"][0].performer == "Sekretaris"  # the performer's title from the SOP
    unknown = client.get(reverse("workdesk:team"), {"step": 9})
    assert unknown.context["chosen"] is None and unknown.status_code == 200
