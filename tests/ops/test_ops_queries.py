"""Each page costs the same number of queries whatever the number of complaints (no query per row)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pengaduan.complaints.engine import complaint_receive, complaint_record, information_request
from pengaduan.portal.views import SESSION_KEY
from factories import intake_data
from madiun_steps import advance

pytestmark = pytest.mark.django_db

CHANNELS = ["walk_in", "web", "email", "sms_whatsapp"]


def add_complaints(unit, staff, count, start=0):
    """Complaints spread over every step: not yet recorded, at steps 2 to 5, closed; one waits for its complainant."""
    made = []
    for i in range(start, start + count):
        stage = i % 6  # 0: step 1 (web), 1-4: at step 2-5, 5: closed
        anonymous = {"is_anonymous": "on"} if i % 4 == 3 else {}
        if stage == 0:
            made.append(complaint_receive(unit=unit, data=intake_data(channel="web", summary=f"Aduan {i}", **anonymous)))
            continue
        complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(
            channel=CHANNELS[i % len(CHANNELS)], summary=f"Aduan {i}", **anonymous))
        made.append(advance(complaint, staff, to_step=stage + 1 if stage < 5 else 6))
        if stage == 1 and i % 12 == 1:
            information_request(complaint=complaint, actor=staff["sekretaris"], question="Mohon kronologi.",
                                pause_clock=True)
    return made


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def pages(client, staff, complaint, unrecorded, register_year):
    """(name, user, url) of the pages under test; the complaint pages and the status page of given complaints."""
    return [
        ("inbox jfu", staff["jfu"], reverse("workdesk:inbox")),
        ("inbox sekretaris", staff["sekretaris"], reverse("workdesk:inbox")),
        ("inbox inspektur", staff["inspektur"], reverse("workdesk:inbox")),
        ("team", staff["sekretaris"], reverse("workdesk:team")),
        ("complaint", staff["sekretaris"], complaint.get_absolute_url()),
        ("complaint at step 1, with similar cases", staff["jfu"], unrecorded.get_absolute_url()),
        ("register", staff["jfu"], reverse("workdesk:register") + f"?year={register_year}"),
    ]


def measure(client, staff, complaint, unrecorded):
    counts = {}
    for name, user, url in pages(client, staff, complaint, unrecorded, complaint.register_year):
        client.force_login(user)
        count_queries(client, url)  # warm caches (content types, session) so both runs compare alike
        counts[name] = count_queries(client, url)
    client.logout()
    session = client.session
    session[SESSION_KEY] = complaint.tracking_code_hash
    session.save()
    count_queries(client, reverse("portal:status"))  # warm the per-process caches (units.stamps)
    counts["public status"] = count_queries(client, reverse("portal:status"))
    return counts


def test_it_costs_the_same_queries_with_3_and_with_30_complaints(client, unit, staff):
    first = add_complaints(unit, staff, 3)
    unrecorded, at_step_2 = first[0], first[1]
    small = measure(client, staff, at_step_2, unrecorded)
    add_complaints(unit, staff, 27, start=3)
    large = measure(client, staff, at_step_2, unrecorded)
    assert large == small, f"queries per page with 3 complaints {small}, with 30 {large}"
