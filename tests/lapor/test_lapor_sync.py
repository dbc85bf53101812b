"""`pengaduan lapor sync` against the contract server: pull, rerun, resume, hand-recorded match, push, retry."""

from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from factories import intake_data, wib
from lapor_contract import report
from madiun_steps import STEP_DATA, advance

from pengaduan.complaints.engine import complaint_record, step_complete
from pengaduan.complaints.models import Complaint
from pengaduan.jobs.models import JobRun
from pengaduan.lapor.models import LaporAccount, LaporPush
from pengaduan.lapor.services import lapor_sync

NOW = wib(2026, 12, 2, 10, 0)


def sync(*args):
    out = StringIO()
    call_command("lapor", "sync", "--once", *args, stdout=out)
    return out.getvalue()


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def test_it_pulls_the_disposed_reports_as_received_complaints_with_their_lapor_ids(lapor_account, lapor_server, jfu):
    lapor_server.state.dispose("INST-1", report("1916449"), report("1916450", is_anonymous=True, reporter=None),
                               report("1916451", is_secret=True, type="aspirasi"))
    lapor_server.state.dispose("INST-OTHER", report("2000001"))

    out = sync()

    complaints = {c.lapor_id: c for c in Complaint.objects.all()}
    assert set(complaints) == {"1916449", "1916450", "1916451"}
    first = complaints["1916449"]
    assert first.channel == "lapor" and first.unit == lapor_account.unit
    assert first.register_number == ""  # received: it waits for the JFU to record it
    assert first.received_at == wib(2026, 12, 1, 9, 0)  # the disposition to us starts our clock
    assert first.complainant.name == "Budi Santoso"
    assert first.step_runs.get().step.performer == "jfu"
    assert complaints["1916450"].is_anonymous and complaints["1916450"].complainant is None
    assert complaints["1916451"].is_confidential and complaints["1916451"].complaint_type == "aspirasi"
    assert "INSP: pulled 2 page(s), 3 new" in out
    run = JobRun.objects.get(job="lapor-sync")
    assert run.outcome == JobRun.Outcome.OK and run.counts["created"] == 3


def test_it_records_nothing_twice_when_run_again(lapor_account, lapor_server):
    lapor_server.state.dispose("INST-1", report("1916449"), report("1916450"), report("1916451"))
    sync()
    LaporAccount.objects.filter(pk=lapor_account.pk).update(cursor="")  # even from the start again
    out = sync()

    assert Complaint.objects.count() == 3
    assert "0 new, 3 already here" in out
    assert len(lapor_server.state.followups) == 0  # nothing done yet: nothing to report back


def test_it_resumes_after_an_interruption_where_it_stopped(lapor_account, lapor_server):
    lapor_server.state.dispose("INST-1", *[report(f"19164{n:02d}") for n in range(5)])
    # One page stored (a run stopped after it), then LAPOR! fails on the next page.
    sync("--pages", "1")
    assert Complaint.objects.count() == 2
    lapor_server.state.fail_next("/reports", status=503)
    with pytest.raises(CommandError):
        sync()
    assert Complaint.objects.count() == 2
    assert "503" in LaporAccount.objects.get().last_error
    assert JobRun.objects.filter(job="lapor-sync", outcome=JobRun.Outcome.FAILED).count() == 1

    sync()

    assert sorted(Complaint.objects.values_list("lapor_id", flat=True)) == [f"19164{n:02d}" for n in range(5)]
    cursors = [payload["cursor"] for path, payload in lapor_server.state.requests if path == "/reports"]
    assert cursors[0] == "" and "" not in cursors[1:]  # each run continued from the saved cursor
    assert LaporAccount.objects.get().last_error == ""


def test_it_matches_a_report_an_officer_recorded_by_hand(lapor_account, lapor_server, jfu):
    typed = complaint_record(unit=lapor_account.unit, actor=jfu,
                             data=intake_data(channel="lapor", lapor_id=" #1916449 "))
    assert typed.lapor_id == "1916449"
    lapor_server.state.dispose("INST-1", report("1916449"), report("1916450"))

    out = sync()

    assert Complaint.objects.filter(lapor_id="1916449").get() == typed
    assert Complaint.objects.count() == 2
    assert "1 new, 1 already here" in out


def test_it_pushes_each_steps_public_result_and_the_answer_once(lapor_account, lapor_server, staff):
    lapor_server.state.dispose("INST-1", report("1916449"))
    sync()
    complaint = Complaint.objects.get()
    step_complete(complaint=complaint, actor=staff["jfu"], step_number=1,
                  data=intake_data(channel="lapor", lapor_id="1916449", complainant_name="Budi Santoso",
                                   complainant_email="budi@example.org", complainant_phone="081298765432"))
    sync()
    entries = lapor_server.state.entries_for("1916449")
    assert [entry["content"].split(":")[0] for entry in entries] == ["Langkah 1 dari 5 selesai (02 Des 2026 10"]

    advance(complaint, staff, to_step=5)
    step_complete(complaint=complaint, actor=staff["jfu"], step_number=5, data=STEP_DATA[5])
    sync()
    sync()

    entries = lapor_server.state.entries_for("1916449")
    assert len(entries) == 6  # five steps and the answer, each once
    assert entries[-1]["is_final"] and entries[-1]["content"] == STEP_DATA[4]["answer"]
    sent = " ".join(entry["content"] for entry in entries)
    for private in ("Budi", "081298765432", "+6281298765432", "budi@example.org", STEP_DATA[2]["notes"],
                    STEP_DATA[3]["analysis"], "sekretaris", "Inspektur"):
        assert private not in sent
    assert LaporPush.objects.filter(sent_at__isnull=True).count() == 0


def test_it_keeps_the_complainants_name_out_of_the_answer(lapor_account, lapor_server, staff):
    lapor_server.state.dispose("INST-1", report("1916449"))
    sync()
    complaint = Complaint.objects.get()
    step_complete(complaint=complaint, actor=staff["jfu"], step_number=1,
                  data=intake_data(channel="lapor", lapor_id="1916449", complainant_name="Budi Santoso"))
    advance(complaint, staff, to_step=4)
    step_complete(complaint=complaint, actor=staff["sekretaris"], step_number=4,
                  data={**STEP_DATA[4], "answer": "Yth. Budi Santoso (081298765432), aduan Saudara sudah kami periksa."})
    step_complete(complaint=complaint, actor=staff["jfu"], step_number=5, data=STEP_DATA[5])

    sync()

    answer = [entry for entry in lapor_server.state.entries_for("1916449") if entry["is_final"]][0]["content"]
    assert "Budi" not in answer and "081298765432" not in answer
    assert "aduan Saudara sudah kami periksa" in answer


def test_it_retries_a_follow_up_after_a_server_error(lapor_account, lapor_server, staff):
    lapor_server.state.dispose("INST-1", report("1916449"))
    sync()
    complaint = Complaint.objects.get()
    step_complete(complaint=complaint, actor=staff["jfu"], step_number=1,
                  data=intake_data(channel="lapor", lapor_id="1916449"))
    lapor_server.state.fail_next("/reports/1916449/followups", status=500)

    out = sync()

    assert "0 sent, 1 to retry" in out
    entry = LaporPush.objects.get()
    assert entry.sent_at is None and "500" in entry.last_error and entry.attempts == 1

    sync()

    entry.refresh_from_db()
    assert entry.sent_at is not None and entry.attempts == 2
    assert len(lapor_server.state.entries_for("1916449")) == 1


def test_it_counts_a_repeat_after_a_lost_answer_as_sent_once(lapor_account, lapor_server, staff):
    """LAPOR! stored the entry but its answer never arrived: the resend is accepted as the same entry."""
    lapor_server.state.dispose("INST-1", report("1916449"))
    sync()
    complaint = Complaint.objects.get()
    step_complete(complaint=complaint, actor=staff["jfu"], step_number=1,
                  data=intake_data(channel="lapor", lapor_id="1916449"))
    sync()
    LaporPush.objects.update(sent_at=None, remote_id="")  # as if the answer had been lost

    sync()

    assert len(lapor_server.state.entries_for("1916449")) == 1
    assert LaporPush.objects.get().remote_id == "TL-1"


def test_it_stops_a_unit_with_a_wrong_token_and_says_so(lapor_account, lapor_server, settings):
    settings.LAPOR_TOKEN = "salah"
    lapor_server.state.dispose("INST-1", report("1916449"))

    with pytest.raises(CommandError):
        sync()

    assert Complaint.objects.count() == 0
    assert "401" in LaporAccount.objects.get().last_error


def test_it_uses_the_units_own_token_over_the_default(lapor_account, lapor_server, settings):
    settings.LAPOR_TOKEN = "salah"
    LaporAccount.objects.filter(pk=lapor_account.pk).update(token=lapor_server.state.token)
    lapor_server.state.dispose("INST-1", report("1916449"))

    results = lapor_sync()

    assert results[0].created == 1 and not results[0].errors


def test_it_refuses_an_unknown_unit_with_one_line(db):
    with pytest.raises(CommandError, match="no SP4N-LAPOR! account"):
        sync("--unit", "NOPE")


def test_the_admin_keeps_the_token_when_left_empty_and_never_shows_it(lapor_account, client, django_user_model):
    admin_user = django_user_model.objects.create_superuser("root", "root@example.org", "sandi-uji-yang-panjang")
    client.force_login(admin_user)
    LaporAccount.objects.filter(pk=lapor_account.pk).update(token="rahasia-unit")
    url = f"/admin/lapor/laporaccount/{lapor_account.pk}/change/"

    assert "rahasia-unit" not in client.get(url).content.decode()
    response = client.post(url, {"unit": lapor_account.unit_id, "institution_id": "INST-2", "enabled": "on",
                                 "base_url": "", "token": ""})

    assert response.status_code == 302
    lapor_account.refresh_from_db()
    assert (lapor_account.institution_id, lapor_account.token) == ("INST-2", "rahasia-unit")


def test_a_unit_that_cannot_receive_does_not_stop_the_others(lapor_account, lapor_server, madiun_sop):
    from factories import make_unit

    no_sop = make_unit(code="KEC", name="Kecamatan Taman", sop_code="TIDAK-ADA")
    LaporAccount.objects.create(unit=no_sop, institution_id="INST-KEC")
    lapor_server.state.dispose("INST-KEC", report("3000001"))
    lapor_server.state.dispose("INST-1", report("1916449"))

    results = {result.unit: result for result in lapor_sync()}

    assert results["KEC"].errors and results["INSP"].created == 1
    assert LaporAccount.objects.get(unit=no_sop).last_error


def test_two_servers_storing_one_report_at_once_keep_one_complaint(lapor_account, monkeypatch):
    """The second server did not see the first one's row when it looked: the constraint refuses its insert and
    it takes the first one's complaint."""
    from lapor_contract import report as a_report

    from pengaduan.complaints.kinds import intake
    from pengaduan.lapor import services
    from pengaduan.lapor.mapping import report_to_intake

    data = report_to_intake(a_report("1916449"), unit_name="Inspektorat")
    first = services.report_receive(unit=lapor_account.unit, data=data)
    monkeypatch.setattr(intake, "lapor_id_taken_error", lambda complaint: None)
    real_filter = Complaint.objects.filter
    monkeypatch.setattr(Complaint.objects, "filter", lambda *a, **kw: (
        real_filter(pk__in=[]) if kw == {"lapor_id": "1916449"} else real_filter(*a, **kw)))

    second = services.report_receive(unit=lapor_account.unit, data=data)

    monkeypatch.undo()
    assert not second.created and second.complaint == first.complaint
    assert Complaint.objects.count() == 1


def test_an_entry_claimed_by_another_server_is_not_sent_twice(lapor_account, lapor_server, staff):
    from datetime import timedelta

    lapor_server.state.dispose("INST-1", report("1916449"))
    sync()
    complaint = Complaint.objects.get()
    step_complete(complaint=complaint, actor=staff["jfu"], step_number=1,
                  data=intake_data(channel="lapor", lapor_id="1916449"))
    from pengaduan.lapor.services import push_plan

    push_plan(unit=lapor_account.unit)
    LaporPush.objects.update(claimed_until=NOW + timedelta(minutes=5))  # the other server is sending it

    sync()

    assert lapor_server.state.followups == {}
    LaporPush.objects.update(claimed_until=NOW - timedelta(seconds=1))  # it died: the claim ran out
    sync()
    assert len(lapor_server.state.entries_for("1916449")) == 1
