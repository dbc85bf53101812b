"""`{% field_row %}` (templates/workdesk/_field.html) writes each field exactly as the template it replaced did:
label, required mark, checkbox layout, help text and errors, for the workdesk's and the portal's forms; a field
of radio buttons or checkboxes as a fieldset named by its legend."""

import pytest
from django import forms
from django.template import Context, Template, engines

from pengaduan.complaints.engine import RegisterCorrectionForm
from pengaduan.complaints.kinds import get_kind
from pengaduan.portal.forms import PublicComplaintForm, VerifyForm

pytestmark = pytest.mark.django_db

# templates/workdesk/_field.html before it became the tag: the reference the tag's markup must equal; with the
# fieldset of a choice of radio buttons or checkboxes, added since.
TEMPLATE_BEFORE = """{% load i18n %}{% if field.field.widget.option_template_name and field.field.widget.input_type in "radio checkbox" %}<fieldset class="field group{% if field.errors %} has-error{% endif %}">
  <legend>{{ field.label }}{% if field.field.required %} <span class="req" aria-hidden="true">*</span>{% endif %}</legend>
  {{ field }}
  {% if field.help_text %}<small class="help" id="{{ field.auto_id }}_helptext">{{ field.help_text }}</small>{% endif %}
  {% if field.errors %}<div id="{{ field.auto_id }}_error">{% for error in field.errors %}<p class="error">{{ error }}</p>{% endfor %}</div>{% endif %}
</fieldset>{% else %}<div class="field{% if field.errors %} has-error{% endif %}{% if field.field.widget.input_type == 'checkbox' %} check{% endif %}">
  {% if field.field.widget.input_type == "checkbox" %}
    {{ field }} <label for="{{ field.id_for_label }}">{{ field.label }}{% if field.field.required %} <span class="req" aria-hidden="true">*</span>{% endif %}</label>
  {% else %}
    <label for="{{ field.id_for_label }}">{{ field.label }}{% if field.field.required %} <span class="req" aria-hidden="true">*</span>{% endif %}</label>
    {{ field }}
  {% endif %}
  {% if field.help_text %}<small class="help" id="{{ field.auto_id }}_helptext">{{ field.help_text }}</small>{% endif %}
  {% if field.errors %}<div id="{{ field.auto_id }}_error">{% for error in field.errors %}<p class="error">{{ error }}</p>{% endfor %}</div>{% endif %}
</div>{% endif %}
"""  # noqa: E501


class Tricky(forms.Form):
    name = forms.CharField(label="Nama <b>&</b>", help_text="Tulis \"lengkap\" & <jelas>")
    agree = forms.BooleanField(label="Setuju", required=True)
    note = forms.CharField(required=False, widget=forms.Textarea)
    roles = forms.MultipleChoiceField(label="Peran", choices=[("a", "A"), ("b", "B")],
                                      widget=forms.CheckboxSelectMultiple)

    def clean(self):
        raise forms.ValidationError("Ada <salah> & keliru")


def forms_to_compare(unit, staff):
    from pengaduan.complaints.engine import complaint_record
    from factories import intake_data

    complaint = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data())
    decide = get_kind("decide")
    yield decide.form_class(initial=decide.initial(complaint), complaint=complaint)
    yield decide.form_class({"decision_type": "forward", "meeting_held": "on"}, complaint=complaint)  # with errors
    yield RegisterCorrectionForm(instance=complaint)
    yield PublicComplaintForm()
    yield PublicComplaintForm({"summary": "<script>", "privacy_ack": ""})
    yield VerifyForm()
    yield Tricky({"name": "", "agree": ""})
    yield Tricky({"name": "<x>", "agree": "on"}, auto_id=False)


def test_it_writes_every_field_as_the_template_did(unit, staff):
    before = Template(TEMPLATE_BEFORE)
    now = engines["django"].get_template("workdesk/_field.html")
    compared = 0
    for form in forms_to_compare(unit, staff):
        form.is_bound and form.is_valid()
        for field in form:
            assert now.render({"field": field}) == before.render(Context({"field": field})), field.name
            compared += 1
    assert compared > 40


def test_a_choice_of_checkboxes_or_radio_buttons_is_a_fieldset_named_by_its_legend():
    now = engines["django"].get_template("workdesk/_field.html")
    markup = now.render({"field": Tricky({"roles": ["a"]})["roles"]})
    assert markup.startswith('<fieldset class="field group') and "<legend>Peran" in markup
    assert 'for=""' not in markup and 'for="id_roles_0"' in markup
    single = now.render({"field": Tricky()["agree"]})
    assert single.startswith('<div class="field check">')  # one checkbox keeps its label beside it
