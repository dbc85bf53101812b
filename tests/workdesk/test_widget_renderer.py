"""The form renderer (pengaduan.widgets) writes every widget exactly as Django's templates do: the plain ones in
Python, the others through the templates. Compared over every widget type, value and attribute the forms use."""

import datetime

import pytest
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from pengaduan.widgets import FastWidgets

pytestmark = pytest.mark.django_db

DJANGO, FAST = DjangoTemplates(), FastWidgets()


class Everything(forms.Form):
    text = forms.CharField(label="Teks", max_length=20, help_text="Bantuan", initial='a "b" <c> & d')
    optional = forms.CharField(required=False, widget=forms.TextInput(attrs={"placeholder": gettext_lazy("Name"),
                                                                             "data-x": 3, "data-off": False,
                                                                             "data-on": True}))
    safe = forms.CharField(widget=forms.TextInput(attrs={"data-safe": mark_safe("<b>&amp;</b>"),
                                                         "data-plain": "<b>&amp;</b>"}))
    email = forms.EmailField()
    number = forms.IntegerField(initial=12345)
    decimal = forms.DecimalField(initial="1234.50", localize=True)
    url = forms.URLField(required=False, assume_scheme="https")
    password = forms.CharField(widget=forms.PasswordInput(render_value=True), initial="rahasia")
    hidden = forms.CharField(widget=forms.HiddenInput, initial="tersembunyi")
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), initial=datetime.date(2026, 12, 3))
    moment = forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                            format="%Y-%m-%dT%H:%M"),
                                 initial=datetime.datetime(2026, 12, 3, 9, 30))
    time = forms.TimeField(initial=datetime.time(7, 30))
    search = forms.CharField(widget=forms.TextInput(attrs={"type": "search"}))
    checked = forms.BooleanField(initial=True)
    unchecked = forms.BooleanField(required=False)
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), initial="baris 1\n<baris 2> & \"3\"")
    empty_note = forms.CharField(widget=forms.Textarea, required=False)
    choice = forms.ChoiceField(choices=[("", "---------"), ("a", "A & <b>"), (1, 2), ("lazy", gettext_lazy("Yes"))],
                               initial="a")
    grouped = forms.ChoiceField(choices=[("Jawa", [("mdn", "Madiun"), ("sby", "Surabaya")]),
                                         ("Bali", [("dps", "Denpasar")]), ("x", "Lain")], initial="sby")
    many = forms.MultipleChoiceField(choices=[("a", "A"), ("b", "B"), ("c", "C")], initial=["a", "c"])
    yes_no = forms.NullBooleanField()
    user = forms.ModelChoiceField(queryset=get_user_model().objects.order_by("pk"))
    users = forms.ModelMultipleChoiceField(queryset=get_user_model().objects.order_by("pk"), required=False)
    # Written by Django's templates (not in Python): they must come out the same too.
    radio = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect, initial="b")
    boxes = forms.MultipleChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.CheckboxSelectMultiple)
    upload = forms.FileField(required=False)
    clearable = forms.FileField(required=False, widget=forms.ClearableFileInput)
    split = forms.SplitDateTimeField(required=False)
    date_parts = forms.DateField(widget=forms.SelectDateWidget(years=[2025, 2026]), required=False)


def project_forms(unit, staff):
    from factories import intake_data

    from pengaduan.complaints.engine import RegisterCorrectionForm, complaint_record
    from pengaduan.complaints.kinds import kinds
    from pengaduan.portal.forms import PublicComplaintForm, VerifyForm

    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data())
    for name in kinds.names():
        kind = kinds.get(name)
        yield lambda renderer, kind=kind: kind.form_class(initial=kind.initial(complaint), complaint=complaint,
                                                          renderer=renderer)
    yield lambda renderer: RegisterCorrectionForm(instance=complaint, renderer=renderer)
    yield lambda renderer: PublicComplaintForm(renderer=renderer)
    yield lambda renderer: PublicComplaintForm({"summary": "<x>", "privacy_ack": "on"}, renderer=renderer)
    yield lambda renderer: VerifyForm(renderer=renderer)


def test_it_is_the_projects_form_renderer():
    assert settings.FORM_RENDERER == "pengaduan.widgets.FastWidgets"


def test_it_writes_every_widget_as_djangos_templates_do(staff):
    for data in (None, {"text": "<Ketik> & \"kutip\"", "number": "x", "checked": "on", "choice": "lazy",
                        "many": ["b"], "user": str(staff["jfu"].pk), "users": [str(staff["kasubag"].pk)],
                        "note": "", "yes_no": "true", "grouped": "dps", "moment": "2026-12-03T10:00"}):
        made = {renderer: Everything(data, renderer=renderer) for renderer in (DJANGO, FAST)}
        for renderer in made:
            made[renderer].is_bound and made[renderer].is_valid()
        for name in Everything.base_fields:
            assert str(made[FAST][name]) == str(made[DJANGO][name]), name


def test_it_writes_the_projects_forms_as_djangos_templates_do(unit, staff):
    compared = 0
    for make in project_forms(unit, staff):
        ours, theirs = make(FAST), make(DJANGO)
        for name in theirs.fields:
            assert str(ours[name]) == str(theirs[name]), (type(theirs).__name__, name)
            compared += 1
    assert compared > 60


def test_it_writes_the_plain_widgets_without_the_template_engine(monkeypatch):
    monkeypatch.setattr(FastWidgets, "get_template", lambda self, name: pytest.fail(f"{name} went to the engine"))
    form = Everything(renderer=FastWidgets())
    for name in ("text", "email", "number", "hidden", "day", "moment", "checked", "note", "choice", "grouped", "many",
                 "yes_no", "user"):
        assert str(form[name])
