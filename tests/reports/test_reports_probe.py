import pytest
from pengaduan.reports.models import StepRunStat, ComplaintStat
pytestmark = pytest.mark.django_db
def test_probe(data_set):
    for s in StepRunStat.objects.order_by("complaint_id","step_number"):
        print(s.complaint_id, s.step_number, s.office_seconds, s.paused_office_seconds, s.standard_seconds, s.on_time, s.done_month, s.done_by_id)
    for s in ComplaintStat.objects.all():
        print(s.complaint_id, s.working_days, s.office_seconds, s.paused_office_seconds, s.standard_seconds, s.within_sop)
    print({k: v.pk for k, v in vars(data_set).items()})
