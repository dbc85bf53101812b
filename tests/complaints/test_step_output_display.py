"""The workdesk shows a step's stored output in words: no raw booleans, no ISO timestamps."""

from pengaduan.complaints.kinds import kinds


def test_it_shows_yes_no_and_local_times_in_the_output_rows():
    intake = kinds.one("records_complaint")
    rows = dict((str(label), value) for label, value in intake.output_rows({
        "is_anonymous": False, "is_confidential": True, "received_at": "2026-12-01T01:05:00+00:00",
    }))
    assert rows["Anonim"] == "tidak" and rows["Rahasiakan identitas"] == "ya"
    assert rows["Waktu diterima"] == "01-12-2026 8.05"  # 01:05 UTC is 08:05 WIB
