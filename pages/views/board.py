"""The board on a date (`/as-of/YYYY-MM-DD/`): who held each office and sat in each faction.

`?compare=YYYY-MM-DD` adds what changed between the two dates, earlier to later: who
entered or left each office and faction, each change with the event recorded as its cause.
A line whose dates are uncertain on the day is marked "possibly", with the reason; an open span
the day lies after the latest report of is muted, "last confirmed <date>", after the others.

The board names the first few people of each office and faction and says how many more
there are; the rest are on the group's own page on that date (`/as-of/<day>/factions/<slug>/`),
paged. Thousands of lines on one page help no reader, and cost seconds to draw.
"""

import datetime
import functools
import operator
from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Value, Window
from django.db.models.functions import Coalesce, RowNumber
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse

from actors.models import Faction, Membership, Office, Tenure
from actors.spans import certainty_on
from core import page_cache
from core.dates import display
from core.history import KNOWN_PARAMETER
from core.text import whole_number
from events.record import CAUSE_SLUGS, Record, show_causes

from ..addresses import address_prefix
from ..forms import day_field
from .known import known_context, refused_moment

SHOWN = 5  # people named per office or faction on the board and per change; the rest are a link away
PAGE = 100  # people on a page of one office or faction
GROUPS = 30  # offices (or factions) on a page of the board, and of its changes
SPAN_COLUMNS = ("id", "actor_id", "start_date", "start_lower", "start_upper", "end_date", "end_lower", "end_upper")
CAUSE_COLUMNS = ("slug", "title", "date", "status", "type__name")


@dataclass(frozen=True)
class Kind:
    """Offices or factions: which spans, which group they belong to, and how the page words them."""

    slug: str
    spans: type
    field: str
    groups: type
    title: str
    came_word: str
    went_word: str
    nobody: str
    roles: bool


KINDS = {
    "offices": Kind(
        "offices", Tenure, "office", Office, "Offices", "took office", "left office", "No office holder", False
    ),
    "factions": Kind(
        "factions", Membership, "faction", Faction, "Factions", "joined", "left", "No faction member", True
    ),
}


class BoardForm(forms.Form):
    date = day_field("Board on")
    compare = day_field("Compare with")


def group_page_parameter(kind, *, changes=False):
    """The query parameter that pages the board's offices or factions (or their changes): the
    slug of the last group on the page before."""
    return f"changed_{kind.slug}_after" if changes else f"{kind.slug}_after"


@page_cache.query_parameters(*BoardForm.base_fields, KNOWN_PARAMETER)
def board_jump(request):
    """`/as-of/?date=...&compare=...` (the date picker's form) redirects to the board's own address."""
    form = BoardForm(request.GET)
    try:
        record = Record.from_query(request.GET)
    except ValueError as problem:
        return refused_moment(request, problem)
    if form.is_valid():
        day = form.cleaned_data["date"] or datetime.date.today()
        compare = form.cleaned_data["compare"]
        return redirect(
            reverse("actors:board", args=[day.isoformat()])
            + _query({"compare": compare.isoformat()} if compare else {}, record)
        )
    return render(request, "pages/board.html", {"form": form}, status=400)


class NotADay(ValueError):
    """A date in the board's address or query that no calendar has (`2017-13-45`)."""

    def __init__(self, field, text):
        super().__init__(text)
        self.field, self.text = field, text


def _date(text, field="date"):
    try:
        return datetime.date.fromisoformat(text)
    except (TypeError, ValueError):
        raise NotADay(field, text) from None


def _refused(request, problem):
    """The board's form with the bad date in its field and the reason beside it: a 400 that
    says what is wrong, where a 404 would say the page does not exist."""
    form = BoardForm({problem.field: problem.text[:40]})
    form.is_valid()
    return render(request, "pages/board.html", {"form": form}, status=400)


def _present(record, kind, day, not_on=None):
    """Spans of `kind` that may be current on `day` in `record`; with `not_on`, only those whose
    actor was not in the same group on that date (who came since, or left after)."""
    rows = record.spans(kind.spans).at(day)
    if not_on is not None:
        there = record.rows(kind.spans).at(not_on).filter(actor=OuterRef("actor"), **{kind.field: OuterRef(kind.field)})
        rows = rows.exclude(Exists(there))
    return rows


def _shown(rows, kind, *, causes=None):
    """`rows` with their actor and group, and with `causes` (a record and a user) the events
    that began and ended them where that user may see them in that record: only the columns a
    line shows (every one for history rows, which become whole instances)."""
    related = ["actor", kind.field] + (["started_by__type", "ended_by__type"] if causes else [])
    rows = rows.select_related(*related)
    if causes:
        record, user = causes
        rows = record.with_causes(rows, user)
    if rows.model is not kind.spans:
        return rows
    columns = [*SPAN_COLUMNS, f"{kind.field}_id", "actor__slug", "actor__name", f"{kind.field}__slug"]
    columns += [f"{kind.field}__name"] + (["role"] if kind.roles else [])
    if causes:
        columns += [f"{end}_by__{column}" for end in ("started", "ended") for column in CAUSE_COLUMNS]
    return rows.only(*columns)


def _fetched(record, rows, kind, *, causes=False, annotations=()):
    """The rows of `_shown(...)` fetched, as instances of the span model with their `annotations`
    and, with `causes`, the causes the reader may see (`start_cause`, `end_cause`)."""
    related = ["actor", kind.field] + (["started_by", "ended_by"] if causes else [])
    annotations = ["last_confirmed", "last_confirmed_as", *annotations, *(CAUSE_SLUGS if causes else ())]
    rows = record.instances(rows, *related, annotations=annotations)
    return show_causes(rows) if causes else rows


GROUP_COUNTS = ("place", "group_size")  # what `_first_of_each_group` annotates


def _page_of_groups(kind, spans, after):
    """The ids of the first `GROUPS` + 1 offices or factions by name, after the one whose slug is
    `after`, that hold any of the `spans` querysets' rows (the one more says a next page exists)."""
    held = [Exists(rows.filter(**{kind.field: OuterRef("pk")})) for rows in spans]
    groups = kind.groups.objects.filter(functools.reduce(operator.or_, held))
    if after:
        name = Subquery(kind.groups.objects.filter(slug=after).values("name")[:1])
        groups = groups.filter(Q(name__gt=name) | Q(name=name, slug__gt=after))
    return groups.order_by("name", "slug").values("pk")[: GROUPS + 1]


def _first_of_each_group(rows, kind, groups):
    """The first `SHOWN` of `rows` in each of `groups`, in start order, each with `group_size`:
    how many the group has in all. One query, which does not grow with the groups' sizes."""
    start_order = [F("start_lower").asc(nulls_first=True), F("id").asc()]
    return (
        rows.filter(**{f"{kind.field}__in": groups})
        .annotate(
            place=Window(RowNumber(), partition_by=F(kind.field), order_by=start_order),
            group_size=Window(Count("pk"), partition_by=F(kind.field)),
        )
        .filter(place__lte=SHOWN)
        .order_by(f"{kind.field}__name", f"{kind.field}__slug", "place")
    )


class Links:
    """The addresses a board links to, each a prefix reversed once per request; in a past
    record, the pages of people and groups are read at the same moment (`kept`, a query)."""

    def __init__(self, kept=""):
        self.kept = kept
        self.actor = address_prefix("actors:actor-detail")
        self.event = address_prefix("events:event-detail")
        self.groups = {
            "offices": address_prefix("actors:office-detail"),
            "factions": address_prefix("actors:faction-detail"),
        }

    def lines(self, rows, day, *, cause=None):
        """Set what each line shows: its address, its doubt on `day`, its cause ("start" or "end") if asked."""
        for row in rows:
            row.href = f"{self.actor}{row.actor.slug}/{self.kept}"
            row.doubt, row.unconfirmed = certainty_on(row, day)
            row.cause = getattr(row, f"{cause}_cause") if cause else None
            row.cause_side = cause
            if row.cause is not None:
                row.cause_href = f"{self.event}{row.cause.slug}/"
        return rows


def _by_group(rows, kind, links, more_href):
    """`rows` (in group order) as one entry per group: its people and how many more it has."""
    groups = {}
    for row in rows:
        groups.setdefault(getattr(row, f"{kind.field}_id"), []).append(row)
    entries = {}
    for members in groups.values():
        holder = getattr(members[0], kind.field)
        entries[holder] = {
            "holder": holder,
            "href": f"{links.groups[kind.slug]}{holder.slug}/{links.kept}",
            # Lines the reports reach on the day first; those past their last report after them.
            "rows": sorted(members, key=lambda row: bool(row.unconfirmed)),
            # A group's own page reads one page of it, not the first few with a window count.
            "more": getattr(members[0], "group_size", len(members)) - len(members),
            "more_href": more_href(holder),
        }
    return entries


def _group_page(record, day, kind, not_on=None):
    prefix = address_prefix("actors:board-group", day.isoformat(), kind.slug)
    query = _query({"not_on": not_on.isoformat()} if not_on else {}, record)
    return lambda holder: f"{prefix}{holder.slug}/{query}"


def _query(parameters, record):
    """`parameters` and what keeps a link in `record`, as a query string ("" for none)."""
    parameters = {**parameters, **record.query()}
    return f"?{urlencode(parameters)}" if parameters else ""


def _next_page(request, parameter, groups):
    """Cut `groups` to `GROUPS`; the address of the next page of them ("" if none)."""
    if len(groups) <= GROUPS:
        return ""
    del groups[GROUPS:]
    query = request.GET.copy()
    query[parameter] = groups[-1]["holder"].slug
    return f"?{query.urlencode()}"


def _board_section(request, record, kind, day, links):
    parameter = group_page_parameter(kind)
    present = _present(record, kind, day)
    groups = _page_of_groups(kind, [present], request.GET.get(parameter))
    first = _first_of_each_group(_shown(present, kind), kind, groups)
    rows = links.lines(_fetched(record, first, kind, annotations=GROUP_COUNTS), day)
    entries = list(_by_group(rows, kind, links, _group_page(record, day, kind)).values())
    return {"kind": kind, "groups": entries, "next_href": _next_page(request, parameter, entries)}


def _changes(request, record, kind, earlier, later, links):
    """Per office or faction whose people differ between the dates: the first few who came and
    went, each with the event that began or ended their span, and how many more."""
    parameter = group_page_parameter(kind, changes=True)
    came, went = _present(record, kind, later, earlier), _present(record, kind, earlier, later)
    groups = _page_of_groups(kind, [came, went], request.GET.get(parameter))
    sides = {}
    for side, rows, day, other, cause in (
        ("came", came, later, earlier, "start"),
        ("went", went, earlier, later, "end"),
    ):
        first = _first_of_each_group(_shown(rows, kind, causes=(record, request.user)), kind, groups)
        rows = _fetched(record, first, kind, causes=True, annotations=GROUP_COUNTS)
        rows = links.lines(rows, day, cause=cause)
        sides[side] = _by_group(rows, kind, links, _group_page(record, day, kind, other))
    lines = []
    for holder in sorted(set(sides["came"]) | set(sides["went"]), key=lambda holder: (holder.name, holder.slug)):
        came, went = sides["came"].get(holder), sides["went"].get(holder)
        lines.append(
            {
                "holder": holder,
                "href": (came or went)["href"],
                "came": came,
                "went": went,
                "causes": _one_line_per_succession(came, went),
            }
        )
    return {"kind": kind, "lines": lines, "next_href": _next_page(request, parameter, lines)}


def _one_line_per_succession(came, went):
    """Each newcomer's cause, then each leaver's unless it is one already listed: the event that
    seated one holder and unseated another (a succession) is listed once, under the newcomer."""
    came = [row for row in came["rows"] if row.cause] if came else []
    seated = {row.cause.pk for row in came}
    return came + [row for row in (went["rows"] if went else []) if row.cause and row.cause.pk not in seated]


@page_cache.query_parameters(
    *BoardForm.base_fields,
    *(group_page_parameter(kind, changes=changes) for kind in KINDS.values() for changes in (False, True)),
    KNOWN_PARAMETER,
)
def board(request, day):
    try:
        day = _date(day)
        record = Record.from_query(request.GET)
    except NotADay as problem:
        return _refused(request, problem)
    except ValueError as problem:
        return refused_moment(request, problem)
    form = BoardForm(request.GET or None, initial={"date": day})
    compare = None
    if form.is_bound and form.is_valid():
        compare = form.cleaned_data["compare"]
    context = {
        **known_context(request, record),
        "day": day,
        "day_display": display(day.isoformat()),
        "form": form,
        "compare": compare,
        # Its spans' windows over every office and faction, twice with `compare`, are most of a
        # fresh board's cost: kept per day, query and generation of what the reader may see.
        "board_html": page_cache.part(
            "board",
            (day, sorted(request.GET.lists())),
            request.user,
            lambda: _board_html(request, record, day, compare),
        ),
    }
    return render(request, "pages/board.html", context, status=400 if form.errors else 200)


def _board_html(request, record, day, compare):
    """The board's sections on `day`, and with `compare` what changed between the dates, as HTML."""
    links = Links(_query({}, record))
    context = {"day": day, "sections": [_board_section(request, record, kind, day, links) for kind in KINDS.values()]}
    if compare is not None:
        earlier, later = sorted([day, compare])
        context.update(
            {
                "compare": compare,
                "earlier": display(earlier.isoformat()),
                "later": display(later.isoformat()),
                "changes": [_changes(request, record, kind, earlier, later, links) for kind in KINDS.values()],
                "swap_url": reverse("actors:board", args=[compare.isoformat()])
                + _query({"compare": day.isoformat()}, record),
            }
        )
    # No request: nothing of one reader's (a CSRF token) may be kept for the next.
    return render_to_string("pages/_board_body.html", context)


def _after(text):
    """The keyset position `?after=<start or 0001-01-01>_<id>` of a group's page, or None."""
    if not text:
        return None
    start, _, pk = text.partition("_")
    try:
        day = datetime.date.fromisoformat(start)
    except ValueError:
        day = None
    number = whole_number(pk)
    if day is None or number is None:
        raise Http404("No such page.")
    return day, number


@page_cache.query_parameters("not_on", "after", KNOWN_PARAMETER)
def board_group(request, day, kind, slug):
    """`/as-of/<day>/<offices|factions>/<slug>/`: everyone in one office or faction on the day,
    `PAGE` at a time in start order; `?not_on=<date>` keeps those who were not there on that
    date (who came since, or left after), with the event that began or ended their span."""
    kind = KINDS[kind]
    try:
        day = _date(day)
        not_on = _date(request.GET["not_on"], "compare") if request.GET.get("not_on") else None
        record = Record.from_query(request.GET)
    except NotADay as problem:
        return _refused(request, problem)
    except ValueError as problem:
        return refused_moment(request, problem)
    after = _after(request.GET.get("after"))
    holder = get_object_or_404(kind.groups.objects.only("slug", "name"), slug=slug)
    rows = (
        _shown(_present(record, kind, day, not_on), kind, causes=(record, request.user) if not_on else None)
        .filter(**{kind.field: holder})
        .annotate(start_key=Coalesce("start_lower", Value(datetime.date.min)))
        .order_by("start_key", "id")
    )
    if after is not None:
        rows = rows.filter(Q(start_key__gt=after[0]) | Q(start_key=after[0], id__gt=after[1]))
    rows = _fetched(record, rows[: PAGE + 1], kind, causes=not_on is not None, annotations=["start_key"])
    links = Links(_query({}, record))
    cause = None
    if not_on is not None:
        cause = "start" if day > not_on else "end"
    page = links.lines(rows[:PAGE], day, cause=cause)
    query = request.GET.copy()
    query.pop("after", None)
    first_query, next_query = query.urlencode(), None
    if len(rows) > PAGE:
        last = page[-1]
        query["after"] = f"{last.start_key.isoformat()}_{last.pk}"
        next_query = query.urlencode()
    context = {
        **known_context(request, record),
        "day_display": display(day.isoformat()),
        "not_on_display": display(not_on.isoformat()) if not_on else "",
        "kind": kind,
        "holder": holder,
        "section": {"kind": kind, "groups": list(_by_group(page, kind, links, lambda holder: "").values())},
        "next_query": next_query,
        "first_query": first_query,
        "is_later_page": bool(request.GET.get("after")),
        "page_size": PAGE,
        "board_url": reverse("actors:board", args=[day.isoformat()]) + _query({}, record),
    }
    return render(request, "pages/board_group.html", context)
