"""Per-process caches behind one stamp read (units.stamps): fast for the public intake, never stale.

Every test starts with empty caches (conftest). "Another app server" is played by changing rows and their stamp
with queryset updates, which send no signal and leave this process's memo alone, as a change made elsewhere
would. A request's start and end are played by the receivers of Django's request signals (sending the signals
themselves would close the test's database connection).
"""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pengaduan import inserts
from pengaduan.complaints.engine import complaint_receive
from pengaduan.notifications.models import MessageTemplate, OutboxMessage
from pengaduan.sop.selectors import portal_units_with_loaded_sop
from pengaduan.units import stamps
from pengaduan.units.models import Membership, Stamp, Unit
from pengaduan.units.selectors import portal_unit
from factories import intake_data, make_unit, make_user

pytestmark = pytest.mark.django_db


def changed_elsewhere(name: str, value: str = "elsewhere") -> None:
    Stamp.objects.update_or_create(name=name, defaults={"value": value})


def performers_told(unit) -> set[str]:
    OutboxMessage.objects.all().delete()
    complaint_receive(unit=unit, data=intake_data(channel="web"))
    return set(OutboxMessage.objects.filter(template_key="step_assigned").values_list("address", flat=True))


def test_it_reads_every_stamp_in_one_statement_per_request(client, unit):
    client.get(reverse("portal:complain"))  # the caches filled
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("portal:complain")).status_code == 200
    assert [q["sql"] for q in queries if "units_stamp" in q["sql"]] == [
        'SELECT "name", "value" FROM "units_stamp"']
    # The units, the SOP and the calendar came from the caches.
    assert not [q["sql"] for q in queries if '"units_unit"' in q["sql"] or '"sop_sop"' in q["sql"]]


def test_a_public_post_reads_the_stamps_with_its_rate_limit_in_one_message(client, unit):
    client.get(reverse("portal:complain"))  # the caches filled
    with CaptureQueriesContext(connection) as queries:
        assert client.post(reverse("portal:complain"), {}).status_code == 200  # refused: the form again
    stamp_reads = [q["sql"] for q in queries if "units_stamp" in q["sql"]]
    assert len(stamp_reads) == 1
    assert ("portal_throttlecounter" in stamp_reads[0]) == inserts.can_send_together()


def test_a_read_along_outside_a_request_leaves_the_stamps_to_be_read_when_asked(unit):
    changed_elsewhere(stamps.UNITS, "before")
    assert stamps.read_along('SELECT "value" FROM "units_stamp" WHERE "name" = %s', [stamps.UNITS],
                             alias="default") == [("before",)]
    changed_elsewhere(stamps.UNITS, "after")
    assert stamps.current(stamps.UNITS) == "after"


def test_a_read_along_brings_the_stamps_only_where_it_saves_a_round_trip(unit):
    changed_elsewhere(stamps.UNITS, "read along")
    stamps._request_started()
    try:
        with CaptureQueriesContext(connection) as queries:
            assert stamps.read_along("SELECT 1 + %s", [1], alias="default") == [(2,)]
            assert stamps.current(stamps.UNITS) == "read along"
        # PostgreSQL: both in one message, the stamps kept for the request; SQLite: each read when it is needed.
        assert len(queries) == (1 if inserts.can_send_together() else 2)
    finally:
        stamps._request_finished()


def test_it_sees_a_change_made_on_another_app_server_at_its_next_request(unit):
    stamps._request_started()
    assert portal_unit().name == "Inspektorat Kota Madiun"
    Unit.objects.filter(pk=unit.pk).update(name="Inspektorat Daerah Kota Madiun")
    changed_elsewhere(stamps.UNITS)
    assert portal_unit().name == "Inspektorat Kota Madiun"  # the request goes on with what it read
    stamps._request_finished()
    stamps._request_started()
    assert portal_unit().name == "Inspektorat Daerah Kota Madiun"
    stamps._request_finished()


def test_it_sees_its_own_change_at_once_even_inside_a_request(unit):
    stamps._request_started()
    try:
        assert [u.code for u in portal_units_with_loaded_sop()] == ["INSP"]
        make_unit(code="DINKES", name="Dinas Kesehatan")
        assert [u.code for u in portal_units_with_loaded_sop()] == ["DINKES", "INSP"]
    finally:
        stamps._request_finished()


def test_it_keeps_the_old_values_when_a_change_rolls_back(unit):
    assert portal_unit().name == "Inspektorat Kota Madiun"
    with pytest.raises(RuntimeError), transaction.atomic():
        unit.name = "Dibatalkan"
        unit.save()
        assert portal_unit().name == "Dibatalkan"  # inside, the change is seen
        raise RuntimeError
    assert portal_unit().name == "Inspektorat Kota Madiun"


def test_it_tells_an_officer_given_the_role_a_moment_ago_and_no_longer_one_who_lost_it(unit):
    first = make_user("jfu1", unit=unit, roles=("jfu",))
    first.email = "jfu1@example.org"
    first.save()
    assert performers_told(unit) == {"jfu1@example.org"}
    second = make_user("jfu2", unit=unit, roles=("jfu",))
    second.email = "jfu2@example.org"
    second.save()
    assert performers_told(unit) == {"jfu1@example.org", "jfu2@example.org"}
    Membership.objects.get(user=first).delete()
    assert performers_told(unit) == {"jfu2@example.org"}
    second.is_active = False
    second.save()
    assert performers_told(unit) == set()


def test_a_login_does_not_make_the_caches_stale(client, unit):
    user = make_user("jfu", unit=unit, roles=("jfu",))
    user.set_password("rahasia-sekali-123")
    user.save()
    before = stamps.current(stamps.ROLES)
    client.login(username="jfu", password="rahasia-sekali-123")
    assert get_user_model().objects.get(pk=user.pk).last_login is not None
    assert stamps.current(stamps.ROLES) == before


def test_it_sends_an_edited_message_template_at_once(unit):
    user = make_user("jfu", unit=unit, roles=("jfu",))
    user.email = "jfu@example.org"
    user.save()
    performers_told(unit)
    template = MessageTemplate.objects.get(key="step_assigned")
    template.subject = "Aduan baru menunggu Anda"
    template.save()
    performers_told(unit)
    assert OutboxMessage.objects.get(template_key="step_assigned").subject == "Aduan baru menunggu Anda"


def test_it_offers_a_unit_put_on_the_portal_at_once(client, unit):
    client.get(reverse("portal:complain"))  # the list is cached
    make_unit(code="DINKES", name="Dinas Kesehatan")
    page = client.get(reverse("portal:complain")).content.decode()
    assert 'value="DINKES"' in page


def test_an_officer_made_a_superior_of_the_unit_sees_the_team_at_once(unit):
    from pengaduan.complaints.selectors import team_units

    jfu = make_user("jfu", unit=unit, roles=("jfu",))
    assert team_units(jfu) == []
    unit.escalation_roles = ["jfu", "inspektur"]
    unit.save()
    jfu = get_user_model().objects.get(pk=jfu.pk)  # a new request: the user's roles are read again
    assert team_units(jfu) == [unit.pk]


def fresh(user):
    """The user as the next request loads it (no permission cache of its own)."""
    return get_user_model().objects.get(pk=user.pk)


def test_it_keeps_a_users_permissions_and_sees_every_change_of_them(unit):
    from django.contrib.auth.models import Group, Permission

    user = make_user("pengawas")
    oversee = Permission.objects.get(codename="oversee_units")
    assert not fresh(user).has_perm("units.oversee_units")
    fresh(user).has_perm("units.oversee_units")
    with CaptureQueriesContext(connection) as queries:
        assert not fresh(user).has_perm("units.oversee_units")
    assert not [q for q in queries if "auth_permission" in q["sql"]]  # kept: no permission query
    user.user_permissions.add(oversee)
    assert fresh(user).has_perm("units.oversee_units")
    user.user_permissions.remove(oversee)
    assert not fresh(user).has_perm("units.oversee_units")
    group = Group.objects.create(name="Inspektorat Provinsi")
    user.groups.add(group)
    assert not fresh(user).has_perm("units.oversee_units")
    group.permissions.add(oversee)  # a change of the group, not of the user
    assert fresh(user).has_perm("units.oversee_units")
    Group.permissions.through.objects.filter(group=group).delete()  # another app server, without a signal
    assert fresh(user).has_perm("units.oversee_units")  # until its stamp changes
    changed_elsewhere(stamps.PERMISSIONS)
    assert not fresh(user).has_perm("units.oversee_units")
