"""`pengaduan demo` shows a Pemda: the Inspektorat as triage unit, a Dinkes whose SOP came through the importer,
the Satpol PP with a Saturday office day, officers `<role>.<unit>`, a `pemda` login; safe to run twice."""

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command

from pengaduan.complaints.models import Complaint, StepRun
from pengaduan.sop.selectors import current_sop
from pengaduan.units.models import Membership, Unit
from pengaduan.units.oversight import oversees
from pengaduan.units.selectors import portal_unit
from pengaduan.workcalendar.services import calendar_for_unit

pytestmark = pytest.mark.django_db


def test_the_demo_builds_a_pemda_with_units_logins_and_complaints_and_is_idempotent(capsys):
    call_command("demo")
    counts = {code: Complaint.objects.filter(unit__code=code).count() for code in ("INSP", "DINKES", "SATPOLPP")}
    memberships = Membership.objects.count()
    call_command("demo")
    output = capsys.readouterr().out
    assert counts == {code: Complaint.objects.filter(unit__code=code).count() for code in counts}
    assert Membership.objects.count() == memberships and Unit.objects.count() == 3
    assert counts["DINKES"] >= 5 and counts["SATPOLPP"] >= 4

    assert portal_unit().code == "INSP"
    dinkes, satpolpp = Unit.objects.get(code="DINKES"), Unit.objects.get(code="SATPOLPP")
    # The Dinkes SOP was read from its sheet by the importer; every complaint follows its own unit's SOP.
    assert current_sop(dinkes).source_name == "dinkes-440-05-2025.txt"
    for unit in (dinkes, satpolpp):
        assert set(Complaint.objects.filter(unit=unit).values_list("sop", flat=True)) == {current_sop(unit).pk}
        assert Complaint.objects.filter(unit=unit, status=Complaint.Status.CLOSED).exists()
        assert StepRun.objects.open().filter(complaint__unit=unit).values("number").distinct().count() >= 2
    # An Inspektorat case forwarded to the Dinkes: a linked complaint under the Dinkes' SOP, in its register.
    forwarded = Complaint.objects.filter(unit=dinkes, summary="Obat kosong di puskesmas sejak sebulan").get()
    assert forwarded.sop == current_sop(dinkes)
    # Forwards in every state: waiting in a unit, waiting on an outside body, answered (and so closed), returned.
    from pengaduan.complaints.models import Forward

    states = {(forward.is_outside, forward.state) for forward in Forward.objects.all()}
    assert states == {(False, "monitoring"), (True, "monitoring"), (False, "answered"), (False, "returned")}
    assert Forward.objects.get(state="answered").origin.status == Complaint.Status.CLOSED
    assert calendar_for_unit(satpolpp).week[5] and not calendar_for_unit(dinkes).week[5]  # a unit's override

    for username in ("jfu.dinkes", "kepala_dinas.dinkes", "jfu.satpolpp", "kasatpol.satpolpp", "jfu", "pemda"):
        assert authenticate(username=username, password="demo-pengaduan") is not None, username
        assert username in output
    assert Membership.objects.filter(user__username="jfu.dinkes", unit=dinkes, role="jfu").exists()
    assert oversees(get_user_model().objects.get(username="pemda"))  # the Pemda-wide read-only role
