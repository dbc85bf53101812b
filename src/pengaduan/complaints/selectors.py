"""Reads for the workdesk: what waits for whom, a complaint's timeline, the register, similar complaints."""

from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from django.db import connections, router
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Window
from django.db.models.functions import RowNumber, Substr
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from pengaduan.complaints import search, similarity
from pengaduan.complaints.models import (
    Complaint,
    CoordinationRequest,
    Event,
    Examination,
    Forward,
    RegisterCounter,
    StepRun,
)
from pengaduan.units.models import Membership, Unit
from pengaduan.units.selectors import escalation_roles_by_unit


_membership_changes = 0  # in this process; a user object remembers its roles only while it has not moved


@receiver([post_save, post_delete], sender=Membership)
def _forget_roles(**kwargs) -> None:
    global _membership_changes
    _membership_changes += 1


def roles_by_unit(user) -> dict[int, set[str]]:
    """The user's SOP roles per unit id. Remembered on the user object (in a request: request.user, which
    lives as long as the request), since a page asks several times, until a membership is saved or deleted."""
    remembered = getattr(user, "_roles_by_unit", None)
    if remembered is not None and remembered[0] == _membership_changes:
        return remembered[1]
    if not user.is_authenticated:
        return {}
    found: dict[int, set[str]] = defaultdict(set)
    for unit_id, role in Membership.objects.filter(user=user).values_list("unit_id", "role"):
        found[unit_id].add(role)
    # A plain dict, so that looking up another unit can never add it to the user's units.
    roles = dict(found)
    user._roles_by_unit = (_membership_changes, roles)
    return roles


def _unit_role_filter(roles: dict[int, set[str]], unit_field: str, role_field: str) -> Q | None:
    query = None
    for unit_id, unit_roles in roles.items():
        part = Q(**{unit_field: unit_id, f"{role_field}__in": sorted(unit_roles)})
        query = part if query is None else query | part
    return query


# What a list of steps shows (inboxes, the team view): a complaint's long texts, its unit's letterhead or a
# step's inputs would cost more to read and build than the whole rest of the page.
_STEP_LIST_FIELDS = (
    "unit_id", "number", "role", "started_at", "due_at", "done_at", "paused_at", "extended_from",
    "complaint__sop_id", "complaint__unit_id", "complaint__register_number",
    "complaint__summary", "complaint__channel", "complaint__lapor_id", "step__kind",
)


def _step_list(runs: QuerySet[StepRun]) -> QuerySet[StepRun]:
    return runs.select_related("complaint", "step").only(*_STEP_LIST_FIELDS)


def steps_waiting_for(user) -> QuerySet[StepRun]:
    """Open steps whose performer role the user holds in the step's unit, nearest deadline first."""
    query = _unit_role_filter(roles_by_unit(user), "unit_id", "role")
    if query is None:
        return StepRun.objects.none()
    return _step_list(StepRun.objects.open().filter(query)).order_by("due_at", "pk")


def coordination_waiting_for(user) -> QuerySet[CoordinationRequest]:
    query = _unit_role_filter(roles_by_unit(user), "complaint__unit_id", "role")
    if query is None:
        return CoordinationRequest.objects.none()
    return (
        CoordinationRequest.objects.filter(query, answered_at__isnull=True)
        .filter(Q(addressee__isnull=True) | Q(addressee=user))
        .select_related("complaint", "requested_by", "step_run")
        .order_by("requested_at")
    )


def _examination_list(examinations: QuerySet[Examination]) -> QuerySet[Examination]:
    return examinations.select_related("complaint", "assignee", "ordered_by").only(
        "complaint_id", "unit_id", "role", "assignee", "ordered_by", "ordered_at", "due_at", "time_limit",
        "submitted_at", "complaint__register_number", "complaint__summary",
        "complaint__sop_id", "assignee__username", "assignee__first_name", "assignee__last_name",
        "ordered_by__username", "ordered_by__first_name", "ordered_by__last_name",
    ).order_by("due_at", "pk")


def examinations_waiting_for(user) -> QuerySet[Examination]:
    """Open examinations whose examiner role the user holds in the unit (and named them, or nobody)."""
    query = _unit_role_filter(roles_by_unit(user), "unit_id", "role")
    if query is None:
        return Examination.objects.none()
    return _examination_list(Examination.objects.filter(query, submitted_at__isnull=True)
                             .filter(Q(assignee__isnull=True) | Q(assignee=user)))


def team_examinations(unit_ids: list[int]) -> QuerySet[Examination]:
    """The open examinations of these units, nearest deadline first (the team view)."""
    return _examination_list(Examination.objects.filter(unit_id__in=unit_ids, submitted_at__isnull=True))


# A complaint's own lists on its page, by the related name of their model's `complaint` key.
_COMPLAINT_LISTS = ("attachments", "coordination_requests", "examinations", "information_requests",
                    "complainant_messages", "internal_notes")


def lists_with_rows(complaint: Complaint) -> frozenset[str]:
    """Which of the complaint's lists (_COMPLAINT_LISTS) have rows, in one statement: the complaint page then asks
    only for those. Most of them are empty on most complaints, and a new one has none, while each query Django
    builds, even for no rows, costs a few tenths of a millisecond. Each EXISTS reads the list's complaint
    index."""
    connection = connections[router.db_for_read(Complaint)]
    with connection.cursor() as cursor:
        cursor.execute(_lists_sql(connection.alias), [complaint.pk] * len(_COMPLAINT_LISTS))
        row = cursor.fetchone()
    return frozenset(name for name, has_rows in zip(_COMPLAINT_LISTS, row) if has_rows)


@lru_cache
def _lists_sql(alias: str) -> str:
    quote = connections[alias].ops.quote_name
    exists = []
    for name in _COMPLAINT_LISTS:
        model = Complaint._meta.get_field(name).related_model
        column = model._meta.get_field("complaint").column
        exists.append(f"EXISTS (SELECT 1 FROM {quote(model._meta.db_table)} WHERE {quote(column)} = %s)")
    return "SELECT " + ", ".join(exists)


def complaints_visible_to(user) -> QuerySet[Complaint]:
    """Staff see the complaints of the units they belong to."""
    return Complaint.objects.filter(unit_id__in=list(roles_by_unit(user)))


def complaint_timeline(complaint: Complaint) -> QuerySet[Event]:
    return complaint.events.select_related("actor").order_by("created_at", "pk")


def register_entries(*, unit: Unit, year: int) -> QuerySet[Complaint]:
    return (
        Complaint.objects.filter(unit=unit, register_year=year)
        .select_related("complainant")
        .annotate(deadline_extended=deadline_extended())
        .order_by("register_seq")
    )


def deadline_extended() -> Exists:
    """Whether a step deadline of the complaint was extended by a superior (the register marks it)."""
    return Exists(StepRun.objects.filter(complaint=OuterRef("pk"), extended_from__isnull=False))


class RegisterYear:
    """One year of a unit's register as a sequence for Django's Paginator, at the same cost on every page.

    Register numbers are gapless from 1 to the year's counter (see complaints.register), so the length is
    the counter and entries [a:b] are the numbers a+1..b, read as a range of the (unit, year, seq) index:
    no COUNT over the year and no OFFSET that would step over a hundred thousand rows to reach the last page.
    """

    def __init__(self, *, unit: Unit, year: int):
        self.entries = register_entries(unit=unit, year=year)
        self.length = (RegisterCounter.objects.filter(unit=unit, year=year)
                       .values_list("last_number", flat=True).first() or 0)

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, index):
        if not isinstance(index, slice) or index.step not in (None, 1):
            raise TypeError("a register year is read in pages (slices)")
        start, stop, _step = index.indices(self.length)
        return list(self.entries.filter(register_seq__gt=start, register_seq__lte=stop))


def register_years(unit: Unit) -> list[int]:
    """The years with a register: one counter row each, so no scan of the complaints."""
    return list(RegisterCounter.objects.filter(unit=unit, last_number__gt=0)
                .order_by("-year").values_list("year", flat=True))


_SIMILAR_TEXT_FIELDS = ("summary", "description", "subject", "event_place")


def similar_complaints(
    *,
    unit: Unit,
    summary: str,
    description: str = "",
    subject: str = "",
    event_place: str = "",
    reporter: dict | None = None,
    exclude_pk: int | None = None,
    limit: int = 5,
    min_score: float = 0.2,
    now=None,
) -> list[tuple[Complaint, float]]:
    """Existing complaints of `unit` that read like the given one, best first, with their score in [0, 1].

    Shown to the JFU while recording a complaint (or looking at a web complaint before step 1) so they
    can link it to an existing case or set it aside as a duplicate. `exclude_pk` leaves out the
    complaint being looked at. Set-aside complaints are never suggested: spam is no case to link to,
    and a duplicate's original is suggested itself. Only scores of at least `min_score` are returned.

    Every complaint of the unit is searched, however old: the database's index
    (`pengaduan.complaints.search`: FTS5 on SQLite, a pg_trgm trigram index on PostgreSQL) finds the best
    few dozen candidates, and `pengaduan.complaints.similarity` scores them (stemmed words and trigrams, the
    summary and subject weighing most, the place too). The order adds to the text's score a little for the
    same reporter (`reporter`: phone or e-mail, compared, never shown) and a little for recency, so that
    among equally similar cases the one from the same person and the newer one come first. The score
    returned is the text's. The suggestions are complaints, shown through the same templates and masking
    as any list: the search reveals no identity.

    Two queries whatever the number of complaints on PostgreSQL (three on SQLite, which first reads how
    common each word is): the candidates' texts as plain tuples, then the few suggested complaints.
    """
    new = similarity.complaint_features(
        {"summary": summary, "description": description, "subject": subject, "event_place": event_place}
    )
    if not new["all"] or limit <= 0:
        return []
    # Fields empty in the new complaint are not scored, so not worth normalising for each candidate.
    wanted = tuple(field for field, features in new.items() if features)
    found = search.candidates(unit_id=unit.pk, summary=summary, description=description, subject=subject,
                              event_place=event_place, exclude_pk=exclude_pk)
    phone, email = _reporter_keys(reporter)
    now = now or timezone.now()
    # Plain tuples, the long texts cut where scoring stops reading them: building model instances for every
    # candidate would cost more than scoring them.
    rows = found.annotate(text_summary=Substr("summary", 1, similarity.MAX_FIELD_CHARS),
                          text_description=Substr("description", 1, similarity.MAX_FIELD_CHARS),
                          text_subject=Substr("subject", 1, similarity.MAX_FIELD_CHARS),
                          text_place=Substr("event_place", 1, similarity.MAX_FIELD_CHARS)).values_list(
        "pk", "text_summary", "text_description", "text_subject", "text_place", "received_at", "complainant__phone",
        "complainant__email")
    ranked: list[tuple[float, int, float]] = []
    for pk, *texts, received_at, person_phone, person_email in rows:
        value = similarity.score_features(new, similarity.candidate_features(
            pk, dict(zip(_SIMILAR_TEXT_FIELDS, texts)), wanted))
        if value < min_score:
            continue
        bonus = RECENCY_WEIGHT / (1 + max((now - received_at).days, 0) / RECENCY_DAYS)
        if (phone and _digits(person_phone) == phone) or (email and (person_email or "").strip().lower() == email):
            bonus += REPORTER_WEIGHT
        ranked.append((value + bonus, pk, value))
    ranked.sort(reverse=True)
    best = ranked[:limit]
    if not best:
        return []
    complaints = Complaint.objects.in_bulk([pk for _rank, pk, _value in best])
    return [(complaints[pk], value) for _rank, pk, value in best if pk in complaints]


# How much the order leans on other things than the text (the text's score lies in [0, 1]).
REPORTER_WEIGHT = 0.1
RECENCY_WEIGHT, RECENCY_DAYS = 0.03, 90


def _digits(text: str) -> str:
    return "".join(ch for ch in (text or "") if ch.isdigit())[-9:]


def _reporter_keys(reporter: dict | None) -> tuple[str, str]:
    reporter = reporter or {}
    phone = _digits(reporter.get("phone", ""))
    return (phone if len(phone) >= 6 else ""), (reporter.get("email") or "").strip().lower()


def filter_step_runs(runs: QuerySet[StepRun], *, filters: dict, now, user=None) -> QuerySet[StepRun]:
    """Inbox filters: step, channel, type, category, overdue, date range of receipt, and a text search.

    The search matches a complainant's name only where `user` may see it (complaints.privacy): otherwise a
    masked name could be found out by searching for it. Without a user, names are not searched at all."""
    if filters.get("step"):
        runs = runs.filter(number=filters["step"])
    if filters.get("channel"):
        runs = runs.filter(complaint__channel=filters["channel"])
    if filters.get("complaint_type"):
        runs = runs.filter(complaint__complaint_type=filters["complaint_type"])
    if filters.get("category"):
        runs = runs.filter(complaint__category__icontains=filters["category"])
    if filters.get("overdue"):
        runs = runs.filter(due_at__lt=now, paused_at__isnull=True)
    if filters.get("received_from"):
        runs = runs.filter(complaint__received_at__date__gte=filters["received_from"])
    if filters.get("received_to"):
        runs = runs.filter(complaint__received_at__date__lte=filters["received_to"])
    if text := (filters.get("q") or "").strip():
        from pengaduan.complaints.codes import tracking_code_filter
        from pengaduan.complaints.privacy import identity_visible_q

        names = (Q(complaint__complainant__name__icontains=text) & identity_visible_q(user, prefix="complaint__")
                 if user is not None else Q(pk__in=[]))
        runs = runs.filter(
            Q(complaint__register_number__icontains=text) | tracking_code_filter(text, prefix="complaint__")
            | Q(complaint__summary__icontains=text) | Q(complaint__subject__icontains=text)
            | names
        )
    return runs


def team_units(user) -> list[int]:
    """Units where the user is one of the superiors alerted at a breach, and so sees the team view."""
    from pengaduan.complaints.reminders import DEFAULT_ESCALATION_ROLES

    escalation = escalation_roles_by_unit()
    return [unit_id for unit_id, unit_roles in roles_by_unit(user).items()
            if unit_roles & set(escalation.get(unit_id) or DEFAULT_ESCALATION_ROLES)]


def team_step_runs(unit_ids: list[int], *, per_step: int) -> QuerySet[StepRun]:
    """The `per_step` most urgent open steps of each step number in these units, in one query.

    The ranking reads only the `complaints_open_by_step` index (unit, number, due_at, id); complaints,
    complainants and steps are joined for the chosen few alone."""
    urgency = Window(RowNumber(), partition_by=[F("number")], order_by=[F("due_at").asc(), F("pk").asc()])
    most_urgent = (
        StepRun.objects.open().filter(unit_id__in=unit_ids)
        .annotate(urgency=urgency).filter(urgency__lte=per_step).values("pk")
    )
    return _step_list(StepRun.objects.filter(pk__in=most_urgent)).order_by("number", "due_at", "pk")


def team_open_steps(unit_ids: list[int], *, number: int) -> QuerySet[StepRun]:
    """All open steps of one step number in these units, most urgent first (read along `complaints_open_by_step`)."""
    return _step_list(StepRun.objects.open().filter(unit_id__in=unit_ids, number=number)).order_by("due_at", "pk")


def unit_open_steps(unit_id: int) -> QuerySet[StepRun]:
    """A unit's open steps, most urgent first (the oversight role's list of a unit's cases)."""
    return _step_list(StepRun.objects.open().filter(unit_id=unit_id)).order_by("due_at", "pk")


def team_counts(unit_ids: list[int], *, now) -> list[dict]:
    """Open and overdue steps per step number in these units, in one query."""
    return list(
        StepRun.objects.open().filter(unit_id__in=unit_ids)
        .values("number").order_by("number")
        .annotate(open=Count("pk"), overdue=Count("pk", filter=Q(due_at__lt=now, paused_at__isnull=True)))
    )


# -- forwarding -------------------------------------------------------------------------------------------------

MAX_HANDOVERS = 20  # a path longer than this is cut (a loop A → B → A is possible: each hand-over is a new case)


def forward_root(complaint: Complaint) -> Complaint:
    """The case the complainant began with: up the chain of hand-overs that led to this one."""
    current = complaint
    for _hop in range(MAX_HANDOVERS):
        link = Forward.objects.filter(target=current).select_related("origin").first()
        if link is None:
            break
        current = link.origin
    return current


def forward_path(complaint: Complaint) -> list[Forward]:
    """Every hand-over from the case the complainant began with, in order (each with its units and state)."""
    return _forward_path_from(forward_root(complaint), MAX_HANDOVERS)


def _forward_path_from(current: Complaint, limit: int) -> list[Forward]:
    path: list[Forward] = []
    while len(path) < limit:
        forwards = list(Forward.objects.filter(origin=current)
                        .select_related("origin_unit", "target_unit", "target__unit").order_by("forwarded_at", "pk"))
        if not forwards:
            break
        path += forwards
        # The path goes on from the latest hand-over (earlier ones were returned).
        if forwards[-1].target is None:
            break
        current = forwards[-1].target
    return path


@dataclass
class ForwardLinks:
    """A case's hand-overs as its page shows them."""

    came_from: Forward | None  # the hand-over that brought the case to this unit
    forwards: list[Forward]  # this case's own hand-overs, in order
    path: list[Forward]  # the whole path from the case the complainant began with (as forward_path)


def forward_links(complaint: Complaint) -> ForwardLinks:
    """The hand-overs into and out of `complaint` and the whole path, in one query for a case that was neither
    received from nor handed over to another unit (most cases), in two for one handed over from here; the path of
    a received one as forward_path reads it."""
    links = Forward.objects.filter(Q(target=complaint) | Q(origin=complaint))
    # Most cases have none: asking without the joins first costs a fifth of asking with them.
    if not links.values_list("pk").order_by()[:1]:
        return ForwardLinks(None, [], [])
    rows = list(links.select_related("origin", "origin_unit", "target_unit", "target__unit")
                .order_by("forwarded_at", "pk"))
    came_from = next((forward for forward in rows if forward.target_id == complaint.pk), None)
    forwards = [forward for forward in rows if forward.origin_id == complaint.pk]
    if came_from is not None:
        return ForwardLinks(came_from, forwards, _forward_path_from(forward_root(came_from.origin), MAX_HANDOVERS))
    path = list(forwards)
    if path and path[-1].target is not None:
        path += _forward_path_from(path[-1].target, MAX_HANDOVERS - len(path))
    return ForwardLinks(None, forwards, path)


def forwards_monitored_by(user) -> QuerySet[Forward]:
    """Forwarded cases of the user's units still waiting for their answer, oldest first (the inbox and team view;
    read along `complaints_forward_monitored`)."""
    return (Forward.objects.filter(state=Forward.State.MONITORING, origin_unit_id__in=list(roles_by_unit(user)))
            .select_related("origin", "target_unit", "target").order_by("forwarded_at", "pk"))


def path_complaints(complaint: Complaint) -> list[Complaint]:
    """The cases of one complainant's matter along its hand-overs: the first, then each unit's linked case."""
    root = forward_root(complaint)
    return [root] + [forward.target for forward in forward_path(root) if forward.target_id]


def forward_counts(*, unit: Unit, start, end) -> dict[str, int]:
    """Hand-overs of a unit in [start, end): out to other units and to outside bodies, in from other units, and
    how those sent out stand now. For reports and rollups (read along `complaints_forward_out` / `_in`)."""
    out = Forward.objects.filter(origin_unit=unit, forwarded_at__gte=start, forwarded_at__lt=end).aggregate(
        out_units=Count("pk", filter=Q(target_unit__isnull=False)),
        out_outside=Count("pk", filter=Q(target_unit__isnull=True)),
        answered=Count("pk", filter=Q(state=Forward.State.ANSWERED)),
        returned=Count("pk", filter=Q(state=Forward.State.RETURNED)),
        monitoring=Count("pk", filter=Q(state=Forward.State.MONITORING)),
    )
    received = Forward.objects.filter(target_unit=unit, forwarded_at__gte=start, forwarded_at__lt=end)
    return {**out, "received": received.count(),
            "sent_back": received.filter(state=Forward.State.RETURNED).count()}
