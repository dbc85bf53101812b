"""A user's roles per unit: asked several times per page, read once, and never stale after a change."""

import pytest
from django.test.utils import CaptureQueriesContext
from django.db import connection

from pengaduan.complaints.selectors import complaints_visible_to, roles_by_unit
from pengaduan.units.models import Membership

pytestmark = pytest.mark.django_db


def test_it_reads_the_roles_once_for_the_same_user_object(unit, staff):
    jfu = staff["jfu"]
    with CaptureQueriesContext(connection) as queries:
        assert roles_by_unit(jfu) == {unit.pk: {"jfu"}}
        assert roles_by_unit(jfu) == {unit.pk: {"jfu"}}
    assert len(queries) == 1


def test_it_forgets_the_remembered_roles_when_a_membership_changes(unit, staff, outsider):
    assert roles_by_unit(outsider).get(unit.pk) is None
    membership = Membership.objects.create(user=outsider, unit=unit, role="kasubag")
    assert roles_by_unit(outsider)[unit.pk] == {"kasubag"}
    membership.delete()
    assert unit.pk not in roles_by_unit(outsider)
    assert not complaints_visible_to(outsider).filter(unit=unit).exists()
