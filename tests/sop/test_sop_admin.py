"""The SOP admin only shows: versions come from files through the loader and are never edited."""

import pytest
from django.contrib import admin
from django.test import RequestFactory

from factories import MADIUN_SOP
from pengaduan.sop.models import Sop
from pengaduan.sop.services import sop_load


@pytest.mark.django_db
def test_it_lets_nobody_add_change_or_delete_sop_versions(admin_user):
    sop, _ = sop_load(path=MADIUN_SOP)
    request = RequestFactory().get("/")
    request.user = admin_user
    model_admin = admin.site._registry[Sop]
    inline = model_admin.get_inline_instances(request, sop)[0]

    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, sop)
    assert not model_admin.has_delete_permission(request, sop)
    assert model_admin.has_view_permission(request, sop)
    assert not inline.has_add_permission(request, sop)
    assert not inline.has_change_permission(request, sop)
    assert not inline.has_delete_permission(request, sop)


@pytest.mark.django_db
def test_it_shows_a_loaded_version_with_its_steps(admin_client):
    sop, _ = sop_load(path=MADIUN_SOP)

    response = admin_client.get(f"/admin/sop/sop/{sop.pk}/change/")

    assert response.status_code == 200
    assert "maks 10 hari" in response.content.decode()
