"""The data-protection officer's pages: the access log (who saw whose identity, when, where) with a CSV
export, and the register of data-subject requests with their legal clock (UU 27/2022).

Only holders of the `complaints.act_as_dpo` permission (and superusers) see them; for anyone else they do
not exist (404), like another unit's complaints.
"""

import csv
import json
from datetime import datetime, time, timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from pengaduan.complaints import pdp
from pengaduan.complaints.models import AccessLog, DataSubjectRequest

PERMISSION = "complaints.act_as_dpo"
LOG_PAGE = 50
CSV_LIMIT = 100_000


def _require_dpo(request) -> None:
    if not request.user.has_perm(PERMISSION):
        raise Http404


class AccessLogFilter(forms.Form):
    user = forms.CharField(label=gettext_lazy("Officer (username)"), max_length=150, required=False)
    complaint = forms.CharField(label=gettext_lazy("Complaint (register number or number)"), max_length=60,
                                required=False)
    action = forms.ChoiceField(label=gettext_lazy("Action"), required=False,
                               choices=[("", gettext_lazy("All"))] + list(AccessLog.Action.choices))
    where = forms.CharField(label=gettext_lazy("Where (page or endpoint contains)"), max_length=200, required=False)
    date_from = forms.DateField(label=gettext_lazy("From"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=gettext_lazy("Until"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("date_from") and cleaned.get("date_to") and cleaned["date_from"] > cleaned["date_to"]:
            self.add_error("date_from", _("The period must start before it ends."))
        return cleaned


def _filtered_log(form: AccessLogFilter):
    entries = AccessLog.objects.select_related("user", "complaint").order_by("-at", "-pk")
    if not form.is_valid():
        return entries.none() if form.is_bound else entries
    data = form.cleaned_data
    if data["user"]:
        entries = entries.filter(**{f"user__{get_user_model().USERNAME_FIELD}__iexact": data["user"].strip()})
    if reference := data["complaint"].strip():
        entries = (entries.filter(complaint_id=int(reference)) if reference.isdigit()
                   else entries.filter(complaint__register_number__iexact=reference))
    if data["action"]:
        entries = entries.filter(action=data["action"])
    if data["where"]:
        entries = entries.filter(where__icontains=data["where"].strip())
    if data["date_from"]:
        entries = entries.filter(at__gte=timezone.make_aware(datetime.combine(data["date_from"], time.min)))
    if data["date_to"]:
        entries = entries.filter(
            at__lt=timezone.make_aware(datetime.combine(data["date_to"] + timedelta(days=1), time.min)))
    return entries


@login_required
def access_log(request):
    """Who saw or handled whose personal data, newest first, filtered; `?format=csv` downloads the selection."""
    _require_dpo(request)
    form = AccessLogFilter(request.GET or None)
    entries = _filtered_log(form)
    if request.GET.get("format") == "csv":
        return _log_csv(entries)
    page = Paginator(entries, LOG_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "workdesk/pdp_access_log.html", {
        "form": form, "page": page, "entries": page.object_list,
        "pager_query": f"{query.urlencode()}&" if query else "", "csv_query": query.urlencode(),
    })


def _log_csv(entries) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="log-akses-data-pribadi.csv"'
    response.write("\ufeff")  # so that spreadsheet programs read UTF-8
    writer = csv.writer(response)
    writer.writerow([_("At"), _("Officer"), _("Action"), _("Complaint"), _("Register number"), _("Where")])
    for entry in entries[:CSV_LIMIT]:
        writer.writerow([
            timezone.localtime(entry.at).isoformat(timespec="seconds"),
            entry.user.get_username() if entry.user else "",
            entry.get_action_display(),
            entry.complaint_id or "",
            entry.complaint.register_number if entry.complaint else "",
            _csv_safe(entry.where),
        ])
    return response


def _csv_safe(text: str) -> str:
    """Spreadsheets run a cell that starts with = + - @ as a formula: quote it."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@") else text


class RequestForm(forms.ModelForm):
    class Meta:
        model = DataSubjectRequest
        fields = ["kind", "requester", "reference", "details", "received_at"]
        widgets = {
            "received_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "details": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["received_at"].required = False
        self.fields["received_at"].help_text = _("Empty: now. The answer is due 3 × 24 hours later.")

    def clean_received_at(self):
        received_at = self.cleaned_data.get("received_at")
        if received_at and received_at > timezone.now() + timedelta(minutes=5):
            raise forms.ValidationError(_("The time of receipt cannot be in the future."))
        return received_at


class AnswerForm(forms.Form):
    outcome = forms.ChoiceField(label=gettext_lazy("Outcome"), choices=DataSubjectRequest.Outcome.choices)
    answer = forms.CharField(label=gettext_lazy("Answer"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000,
                             help_text=gettext_lazy("What was done, as told to the data subject."))
    confirm_erasure = forms.BooleanField(
        label=gettext_lazy("I confirm the erasure: it cannot be undone."), required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("outcome") == DataSubjectRequest.Outcome.ERASED and not cleaned.get("confirm_erasure"):
            self.add_error("confirm_erasure", _("Tick to confirm the erasure."))
        return cleaned


@login_required
def requests_inbox(request):
    """Open requests with the time left (real hours), nearest deadline first; a form to record a new one."""
    _require_dpo(request)
    form = RequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        item = pdp.request_record(kind=data["kind"], actor=request.user, reference=data["reference"],
                                  requester=data["requester"], details=data["details"],
                                  received_at=data.get("received_at"))
        messages.success(request, _("Request recorded; the answer is due by %(due)s.")
                         % {"due": timezone.localtime(item.due_at).strftime("%d-%m-%Y %H:%M")})
        return redirect("workdesk:pdp_request", pk=item.pk)
    now = timezone.now()
    open_requests = [(item, _hours_left(item, now)) for item in DataSubjectRequest.objects.filter(
        answered_at__isnull=True).select_related("recorded_by").order_by("due_at", "pk")]
    answered = DataSubjectRequest.objects.filter(answered_at__isnull=False).select_related(
        "answered_by").order_by("-answered_at")[:50]
    return render(request, "workdesk/pdp_requests.html", {
        "form": form, "open_requests": open_requests, "answered": answered,
    })


def _hours_left(item: DataSubjectRequest, now) -> float:
    return round(pdp.time_left(item, now).total_seconds() / 3600, 1)


@login_required
def request_detail(request, pk):
    _require_dpo(request)
    item = get_object_or_404(DataSubjectRequest.objects.select_related("recorded_by", "answered_by"), pk=pk)
    form = AnswerForm(request.POST or None) if item.is_open else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            pdp.request_answer(request=item, actor=request.user, outcome=form.cleaned_data["outcome"],
                               answer=form.cleaned_data["answer"])
        except ValueError:
            messages.error(request, _("This request has already been answered."))
        else:
            messages.success(request, _("The request has been answered."))
        return redirect("workdesk:pdp_request", pk=item.pk)
    return render(request, "workdesk/pdp_request.html", {
        "item": item, "form": form, "hours_left": _hours_left(item, timezone.now()),
        "complaints": len(item.complaints or []),
    })


@login_required
@require_POST
def request_export(request, pk):
    """The data subject's export (JSON) for an access request; logged as an export per complaint."""
    _require_dpo(request)
    item = get_object_or_404(DataSubjectRequest, pk=pk)
    if not item.reference:
        raise Http404
    data = pdp.export(reference=item.reference, actor=request.user)
    response = HttpResponse(json.dumps(data, ensure_ascii=False, indent=2),
                            content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="data-pribadi-permintaan-{item.pk}.json"'
    return response
