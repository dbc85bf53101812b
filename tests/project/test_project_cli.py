"""The `pengaduan` command, settings from the environment, and the demo."""

import subprocess
import sys

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.utils import timezone

from pengaduan.complaints.models import Complaint, Examination, StepRun
from pengaduan.env import env_bool, secret_key
from pengaduan.units.models import Membership
from pengaduan.units.oversight import oversees


def test_it_lists_our_own_commands_in_help():
    result = subprocess.run([sys.executable, "-m", "pengaduan.cli", "--help"], capture_output=True, text=True,
                            check=True)
    for command in ("sop", "calendar", "demo"):
        assert f"  {command} " in result.stdout


def test_it_generates_a_secret_key_once_and_keeps_it(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = secret_key(tmp_path)
    assert len(first) >= 50 and secret_key(tmp_path) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_it_refuses_a_boolean_setting_it_cannot_read(monkeypatch):
    monkeypatch.setenv("DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="DEBUG"):
        env_bool("DEBUG", False)


@pytest.mark.django_db
def test_it_builds_the_demo_with_every_step_and_is_safe_to_run_twice(capsys):
    call_command("demo")
    call_command("demo")
    output = capsys.readouterr().out
    assert "demo-pengaduan" in output and "sekretaris" in output
    assert Complaint.objects.filter(unit__code="INSP").count() == 14
    assert sorted(Membership.objects.filter(unit__code="INSP").values_list("role", flat=True)) == [
        "inspektur", "irban", "jfu", "kasubag", "sekretaris"]
    # One examination under way, and the read-only oversight login.
    assert Examination.objects.filter(submitted_at__isnull=True).count() == 1
    assert oversees(get_user_model().objects.get(username="pemda"))
    open_steps = set(StepRun.objects.open().filter(complaint__unit__code="INSP").values_list("number", flat=True))
    assert open_steps == {1, 2, 3, 4, 5}
    assert StepRun.objects.open().filter(due_at__lt=timezone.now()).exists()
    assert Complaint.objects.filter(status=Complaint.Status.CLOSED).exists()
