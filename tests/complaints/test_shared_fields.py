"""SharedFieldsMixin cleans a form without a BoundField per field: exactly as Django's own cleaning."""

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.datastructures import MultiValueDict

from pengaduan.complaints.kinds.base import MultipleFileField, SharedFieldsMixin
from pengaduan.complaints.public_forms import ComplaintForm


class Plain(forms.Form):
    name = forms.CharField(max_length=5)
    kind = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)
    ticked = forms.BooleanField(required=False)
    locked = forms.CharField(disabled=True, initial="kept")
    upload = forms.FileField(required=False)
    uploads = MultipleFileField(required=False, max_files=2)
    tags = forms.MultipleChoiceField(choices=[("x", "X"), ("y", "Y")], required=False)

    def clean_name(self):
        if self.cleaned_data["name"] == "bad":
            raise forms.ValidationError("Not that name.")
        return self.cleaned_data["name"].upper()


class Shared(SharedFieldsMixin, Plain):
    pass


def upload(name="a.txt"):
    return SimpleUploadedFile(name, b"hello", content_type="text/plain")


@pytest.mark.parametrize("data, files", [
    ({"name": "siti", "kind": "a", "ticked": "on", "locked": "changed", "tags": ["x", "y"]}, {}),
    ({"name": "bad", "kind": "c", "tags": ["z"]}, {}),
    ({"name": "too long", "kind": ""}, {"upload": [upload()]}),
    ({"name": "ok"}, {"uploads": [upload(), upload("b.txt"), upload("c.txt")]}),
    ({}, {}),
])
@pytest.mark.parametrize("prefix", [None, "p"])
def test_it_cleans_as_django_does(data, files, prefix):
    if prefix:
        data = {f"{prefix}-{key}": value for key, value in data.items()}
        files = {f"{prefix}-{key}": value for key, value in files.items()}
    results = []
    for form_class in (Plain, Shared):
        form = form_class(MultiValueDict({k: v if isinstance(v, list) else [v] for k, v in data.items()}),
                          MultiValueDict(files), prefix=prefix, initial={"upload": "kept.txt"})
        valid = form.is_valid()
        cleaned = {key: [f.name for f in value] if isinstance(value, list) and value and hasattr(value[0], "name")
                   else getattr(value, "name", value) for key, value in form.cleaned_data.items()}
        results.append((valid, cleaned, form.errors.get_json_data()))
    assert results[0] == results[1]


def test_the_public_form_renders_its_fields_after_cleaning():
    form = ComplaintForm({"summary": "x"})
    assert not form.is_valid()
    assert 'name="summary"' in str(form["summary"]) and form["summary"].errors == [] and form["subject"].errors
