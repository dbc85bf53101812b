"""The portal's unit choice is built once per language and list of units; each form gets its own copy."""

from types import SimpleNamespace

import pytest
from django.utils import translation

from pengaduan.portal.forms import PublicComplaintForm

UNITS = [SimpleNamespace(code="INSP", name="Inspektorat"), SimpleNamespace(code="DINKES", name="Dinas Kesehatan")]
TRIAGE = UNITS[0]

pytestmark = pytest.mark.django_db  # the cache checks the stamps


def unit_field(units=UNITS, language="id"):
    with translation.override(language):
        form = PublicComplaintForm(units=units, triage=TRIAGE)
        return form.fields["unit"], str(form.fields["unit"].help_text)


def test_each_language_has_its_own_text():
    (_indonesian, text_id), (_english, text_en) = unit_field(language="id"), unit_field(language="en")
    assert text_id != text_en and "Inspektorat" in text_id and "Inspektorat" in text_en


def test_a_changed_list_of_units_is_offered_at_once():
    renamed = [UNITS[0], SimpleNamespace(code="DINKES", name="Dinas Kesehatan dan KB")]
    field, _text = unit_field(renamed)
    assert ("DINKES", "Dinas Kesehatan dan KB") in field.choices
    assert ("DINKES", "Dinas Kesehatan") in unit_field()[0].choices


def test_a_form_that_changes_its_field_leaves_the_others_alone():
    first, _text = unit_field()
    first.required = True
    first.label = "Changed"
    second, _text = unit_field()
    assert second is not first and not second.required and second.label != "Changed"
