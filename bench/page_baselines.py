"""Baselines of the HTML pages and the import: the same rows read with hand-written SQL through
the driver, the page written with an f-string (`html.escape` on every curated text); the
import as one `COPY` per table.

A page's baseline reads everything the page shows: for the timeline, the form's types and
factions, the page of 50 events with participants and citations, the axis's GROUP BY and its
marks; for the board, its first page: thirty offices and factions, each with its first five
people and how many more, and likewise who came and went with the events that began and
ended their spans. It draws them plainly (no axis layout, no template
inheritance): that is the framework's share of the cost, which is what the ratio measures.
"""

import datetime
import html

from django.db import connection

from actors.models import Membership
from actors.spans import doubt_on
from core.dates import display

from .baselines import fetch, placeholders

# The board's own page sizes (pages.views.board), mirrored since nothing imports the pages;
# tests/test_benchmark_smoke.py holds the two equal.
GROUPS = 30
SHOWN = 5

ROLES = dict(Membership.Role.choices)
TIMELINE_ORDER = "ORDER BY e.sort_date DESC NULLS LAST, e.id DESC"
SHAPE = (
    "CASE WHEN e.date_start IS NULL THEN 2 WHEN e.date_end > e.date_start + 31 THEN 1 ELSE 0 END"
    if connection.vendor == "postgresql"
    else "CASE WHEN e.date_start IS NULL THEN 2 WHEN e.date_end > date(e.date_start, '+31 days') THEN 1 ELSE 0 END"
)


def escape(value):
    return html.escape(value or "")


def timeline_page(*, actor, event_type, first_day, last_day, limit=50, marks=301):
    """`/?actor=..&type=..&date_after=..&date_before=..`: newest first, 50 events, the axis's counts."""
    types = fetch("SELECT id, slug, name FROM events_eventtype ORDER BY name")
    factions = fetch("SELECT slug, name FROM actors_faction ORDER BY name")
    type_id = next(pk for pk, slug, _ in types if slug == event_type)
    ((actor_id, actor_name),) = fetch("SELECT id, name FROM actors_actor WHERE slug = %s", [actor])
    where = (
        "e.status = 'published' AND e.type_id = %s AND EXISTS (SELECT 1 FROM events_participation p "
        "WHERE p.event_id = e.id AND p.actor_id = %s) "
        "AND (e.date_end >= %s OR e.date_end IS NULL) AND (e.date_start <= %s OR e.date_start IS NULL)"
    )
    params = [type_id, actor_id, first_day, last_day]
    rows = fetch(
        "SELECT e.id, e.slug, e.title, e.date, e.sort_date, e.summary, e.status, t.name FROM events_event e "
        f"JOIN events_eventtype t ON t.id = e.type_id WHERE {where} {TIMELINE_ORDER} LIMIT %s",
        [*params, limit + 1],
    )
    more, rows = len(rows) > limit, rows[:limit]
    participants, citations = {}, {}
    ids = [row[0] for row in rows]
    if ids:
        marks_sql = placeholders(ids)
        for event_id, *values in fetch(
            "SELECT p.event_id, a.slug, a.name, r.name FROM events_participation p "
            "JOIN actors_actor a ON a.id = p.actor_id JOIN events_participantrole r ON r.id = p.role_id "
            f"WHERE p.event_id IN ({marks_sql}) ORDER BY p.id",
            ids,
        ):
            participants.setdefault(event_id, []).append(values)
        for event_id, *values in fetch(
            "SELECT c.event_id, s.title, s.reliability, c.credibility, c.quote FROM events_citation c "
            f"JOIN events_source s ON s.id = c.source_id WHERE c.event_id IN ({marks_sql}) ORDER BY c.id",
            ids,
        ):
            citations.setdefault(event_id, []).append(values)
    buckets = fetch(
        f"SELECT e.type_id, {_part('year')}, {_part('month')}, {SHAPE}, count(*), min(e.date_start), "
        "max(e.date_end), count(*) FILTER (WHERE e.status <> 'published') "
        f"FROM events_event e WHERE {where} AND e.sort_date IS NOT NULL GROUP BY 1, 2, 3, 4",
        params,
    )
    singles = fetch(
        "SELECT e.slug, e.title, e.status, e.date, e.date_start, e.date_end, e.sort_date, e.type_id "
        f"FROM events_event e WHERE {where} AND e.sort_date IS NOT NULL LIMIT %s",
        [*params, marks],
    )
    total = sum(bucket[4] for bucket in buckets)
    options = "".join(f'<option value="{escape(name)}">' for _, name in factions)
    checks = "".join(
        f'<label><input type="checkbox" name="type" value="{slug}"{" checked" if slug == event_type else ""}> '
        f"{escape(name)}</label>"
        for _, slug, name in types
    )
    axis = "".join(
        f'<rect data-type="{type_}" data-year="{year}" data-month="{month}" data-shape="{shape}" data-n="{n}"/>'
        for type_, year, month, shape, n, *_ in buckets
    ) + "".join(f'<a href="/events/{slug}/"><title>{escape(title)}</title></a>' for slug, title, *_ in singles)
    items = "".join(_timeline_item(row, participants.get(row[0], []), citations.get(row[0], [])) for row in rows)
    pager = '<a rel="next" href="?cursor=...">Next 50 »</a>' if more else ""
    body = (
        f'<form><datalist id="faction-options">{options}</datalist><fieldset>{checks}</fieldset>'
        f'<ul class="chips"><li>{escape(actor_name)}</li></ul></form>'
        f"<p><strong>{total}</strong> dated events match.</p><svg>{axis}</svg>"
        f'<ol class="events">{items}</ol><nav>{pager}</nav>'
    )
    return f"<!doctype html><html><body><h1>Timeline</h1>{body}</body></html>".encode()


def _part(unit):
    if connection.vendor == "postgresql":
        return f"EXTRACT({unit} FROM e.sort_date)::integer"
    return f"CAST(strftime('{'%Y' if unit == 'year' else '%m'}', e.sort_date) AS integer)"


def _timeline_item(row, participants, citations):
    _, slug, title, date, sort_date, summary, _, type_name = row
    people = "".join(
        f'<li><a href="/actors/{actor}/">{escape(name)}</a> <span class="role">{escape(role)}</span></li>'
        for actor, name, role in participants
    )
    sources = "".join(
        f"<details><summary>{escape(source)} <abbr>{reliability}{credibility}</abbr></summary>"
        f"<blockquote>{escape(quote)}</blockquote></details>"
        for source, reliability, credibility, quote in citations
    )
    short = summary if len(summary or "") <= 220 else summary[:219] + "…"
    return (
        f'<li class="event"><time datetime="{sort_date}">{escape(display(date))}</time> '
        f'<span class="badge type">{escape(type_name)}</span>'
        f'<h3><a href="/events/{slug}/">{escape(title)}</a></h3><p>{escape(short)}</p>'
        f'<ul class="participants">{people}</ul><div class="citations">{sources}</div></li>'
    )


class Span:
    """What `doubt_on` reads of a span row."""

    def __init__(self, start_date, start_lower, start_upper, end_date, end_lower, end_upper):
        self.start_date, self.start_lower, self.start_upper = start_date, start_lower, start_upper
        self.end_date, self.end_lower, self.end_upper = end_date, end_lower, end_upper


CAUSE_COLUMNS = ", ".join(
    f"CASE WHEN {event}.status = 'published' THEN {column} END"
    for event, kind in (("sb", "sbt"), ("eb", "ebt"))
    for column in (f"{event}.slug", f"{event}.title", f"{kind}.name", f"{event}.date")
)


def _present(table, holder_column, alias, day, not_on):
    """SQL and parameters: the span `alias` may be current on `day` (and its actor was not in the
    same group on `not_on`)."""
    sql = (
        f"({alias}.start_lower <= %s OR {alias}.start_lower IS NULL) "
        f"AND ({alias}.end_upper >= %s OR {alias}.end_upper IS NULL)"
    )
    if not_on is None:
        return sql, [day, day]
    absent, params = _present(table, holder_column, "o", not_on, None)
    sql += (
        f" AND NOT EXISTS (SELECT 1 FROM {table} o WHERE o.actor_id = {alias}.actor_id "
        f"AND o.{holder_column} = {alias}.{holder_column} AND {absent})"
    )
    return sql, [day, day, *params]


def _spans_on(table, holder_table, holder_column, extra, sides):
    """The first `SHOWN` spans of each group in start order, with the group's size, for each of
    `sides` ((day, not_on) pairs), in the first `GROUPS` + 1 groups by name that hold any of them."""
    causes = (
        "LEFT JOIN events_event sb ON sb.id = s.started_by_id LEFT JOIN events_eventtype sbt ON sbt.id = sb.type_id "
        "LEFT JOIN events_event eb ON eb.id = s.ended_by_id LEFT JOIN events_eventtype ebt ON ebt.id = eb.type_id"
    )
    held, held_params = [], []
    for day, not_on in sides:
        sql, params = _present(table, holder_column, "g", day, not_on)
        held.append(f"EXISTS (SELECT 1 FROM {table} g WHERE g.{holder_column} = h.id AND {sql})")
        held_params += params
    groups = f"SELECT h.id FROM {holder_table} h WHERE {' OR '.join(held)} ORDER BY h.name, h.slug LIMIT %s"
    answers = []
    for day, not_on in sides:
        on, params = _present(table, holder_column, "s", day, not_on)
        answers.append(
            fetch(
                "SELECT * FROM ("
                f"SELECT s.id, s.actor_id, a.slug, a.name, h.slug, h.name, {extra}, s.start_date, s.start_lower, "
                "s.start_upper, s.end_date, s.end_lower, s.end_upper, "
                f"{CAUSE_COLUMNS}, "
                f"ROW_NUMBER() OVER (PARTITION BY s.{holder_column} ORDER BY s.start_lower NULLS FIRST, s.id) "
                f"AS place, COUNT(s.id) OVER (PARTITION BY s.{holder_column}) FROM {table} s "
                f"JOIN actors_actor a ON a.id = s.actor_id JOIN {holder_table} h ON h.id = s.{holder_column} "
                f"{causes} WHERE {on} AND s.{holder_column} IN ({groups})) q WHERE place <= %s ORDER BY 6, 5, place",
                [*params, *held_params, GROUPS + 1, SHOWN],
            )
        )
    # The one more group only says that a next page exists.
    kept = sorted({(row[5], row[4]) for rows in answers for row in rows})[:GROUPS]
    return [[row for row in rows if (row[5], row[4]) in kept] for rows in answers]


def _more(row, shown, href):
    more = row[22] - shown
    return f' <a href="{href}{row[4]}/">and {more} more</a>' if more else ""


def _board_lines(rows, day, role, kind):
    groups = {}
    for row in rows:
        groups.setdefault((row[5], row[4]), []).append(row)
    out = []
    for members in groups.values():
        lines = []
        for row in members:
            doubt = doubt_on(Span(*row[7:13]), day)
            start = display(row[7]) if row[7] else "start unknown"
            end = display(row[10]) if row[10] else "no known end"
            part = f" <span class=role>{ROLES.get(row[6], row[6])}</span>" if role else ""
            lines.append(
                f'<li><a href="/actors/{row[2]}/">{escape(row[3])}</a>{part} <span>{start} – {end}</span>'
                f"{f' <span class=badge>possibly</span> ({escape(doubt)})' if doubt else ''}</li>"
            )
        more = _more(members[0], len(members), f"/as-of/{day.isoformat()}/{kind}/")
        out.append(
            f'<h3><a href="/{kind}/{members[0][4]}/">{escape(members[0][5])}</a></h3><ul>{"".join(lines)}{more}</ul>'
        )
    return "".join(out)


def _board_changes(came, went, earlier, later, kind):
    sides = {}
    for name, rows in (("came", came), ("went", went)):
        for row in rows:
            sides.setdefault((row[5], row[4]), {}).setdefault(name, []).append(row)
    out = []
    for holder in sorted(sides):
        line = sides[holder]
        parts, causes = [], []
        for name, offset, day, other in (("came", 13, later, earlier), ("went", 17, earlier, later)):
            rows = line.get(name, [])
            if not rows:
                continue
            names = ", ".join(f'<a href="/actors/{row[2]}/">{escape(row[3])}</a>' for row in rows)
            href = f"/as-of/{day.isoformat()}/{kind}/"
            parts.append(names + _more(rows[0], len(rows), href).replace('/">', f'/?not_on={other.isoformat()}">'))
            causes += [
                f"<li>{escape(row[3])}: <span>{escape(row[offset + 2])}</span> <a href="
                f'"/events/{row[offset]}/">{escape(row[offset + 1])}</a> {escape(display(row[offset + 3]))}</li>'
                for row in rows
                if row[offset]
            ]
        group = (line.get("came") or line.get("went"))[0]
        out.append(
            f'<li><strong><a href="/{kind}/{group[4]}/">{escape(holder[0])}</a>:</strong> '
            f"{' replaced '.join(parts)}<ul>{''.join(causes)}</ul></li>"
        )
    return "".join(out)


KINDS = (
    ("offices", "actors_tenure", "actors_office", "office_id", "NULL", False),
    ("factions", "actors_membership", "actors_faction", "faction_id", "s.role", True),
)


def known_table(table, known):
    """A span table as it stood at `known` (a datetime), from its history table: each id's latest
    row written by then, unless a deletion; the same columns, to read in place of `table`."""
    history = table.replace("actors_", "actors_historical")
    if connection.vendor == "postgresql":
        return (
            f"(SELECT * FROM (SELECT DISTINCT ON (id) * FROM {history} WHERE history_date <= '{known.isoformat()}' "
            f"ORDER BY id, history_date DESC, history_id DESC) latest WHERE history_type <> '-')"
        )
    moment = known.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")  # as SQLite holds it
    return (
        f"(SELECT * FROM {history} h WHERE history_date <= '{moment}' AND history_type <> '-' AND NOT EXISTS "
        f"(SELECT 1 FROM {history} l WHERE l.id = h.id AND l.history_date <= '{moment}' "
        f"AND l.history_date > h.history_date))"
    )


def as_of_board(day, compare=None, known=None):
    """`/as-of/<day>/[?compare=<other>]`: the first offices and factions, each with its first few
    people and how many more; with `compare`, the first few who came and went, how many more.
    With `known`, the spans as they stood then (`?known=`)."""
    day = datetime.date.fromisoformat(day)
    kinds = KINDS if known is None else [(kind, known_table(table, known), *rest) for kind, table, *rest in KINDS]
    changed = ""
    if compare:
        earlier, later = sorted([day, datetime.date.fromisoformat(compare)])
        lists = "".join(
            f"<ul>{_board_changes(came, went, earlier, later, kind)}</ul>"
            for kind, *spans, _ in kinds
            for came, went in [_spans_on(*spans, [(later, earlier), (earlier, later)])]
        )
        changed = f"<section><h2>What changed</h2>{lists}</section>"
    sections = "".join(
        f"<section><h2>{kind.title()}</h2>{_board_lines(rows, day, role, kind)}</section>"
        for kind, *spans, role in kinds
        for (rows,) in [_spans_on(*spans, [(day, None)])]
    )
    return (
        f"<!doctype html><html><body><h1>The board on {display(day.isoformat())}</h1>{changed}{sections}</body></html>"
    ).encode()


# The network page's window of shared events (pages.network), mirrored since nothing imports the
# pages; tests/test_benchmark_smoke.py holds the two equal.
TOGETHER_DAYS = 365
LATEST_REPORT = (
    "(SELECT src.{column} FROM events_citation c JOIN events_source src ON src.id = c.source_id "
    "WHERE c.{claim}_id = s.id AND src.published_start IS NOT NULL "
    "ORDER BY src.published_start DESC, src.published_end DESC, src.id DESC LIMIT 1)"
)


def _network_spans(table, holder_table, holder_column, claim, role, day):
    present, params = _present(table, holder_column, "s", day, None)
    reports = ", ".join(
        LATEST_REPORT.format(column=column, claim=claim) for column in ("published_start", "published_date")
    )
    return fetch(
        f"SELECT a.slug, a.name, a.kind, h.slug, h.name, {role}, s.start_date, s.start_lower, s.start_upper, "
        f"s.end_date, s.end_lower, s.end_upper, {reports} FROM {table} s JOIN actors_actor a ON a.id = s.actor_id "
        f"JOIN {holder_table} h ON h.id = s.{holder_column} WHERE {present} ORDER BY s.id",
        params,
    )


def network_page(day, *, together=False):
    """`/network/<day>/[?together=1]`: every membership and tenure that may be current on the day
    with its people, groups and latest report, the pairs of people in the same published events
    within a year of it, and the form's factions and organisations. Drawn as a plain list of the
    nodes and edges, each span with its doubt (the page draws the most linked of them on the
    kept layout, which is not measured: it is made once, not per request)."""
    day = datetime.date.fromisoformat(day)
    factions = fetch("SELECT slug, name FROM actors_faction ORDER BY name, slug")
    bodies = fetch(
        "SELECT DISTINCT a.slug, a.name FROM actors_actor a JOIN actors_office o ON o.organization_id = a.id "
        "WHERE a.kind = 'organization' ORDER BY a.name, a.slug"
    )
    nodes, edges = {}, []
    for group, *spans in (
        ("faction", "actors_membership", "actors_faction", "faction_id", "membership", "s.role"),
        ("office", "actors_tenure", "actors_office", "office_id", "tenure", "NULL"),
    ):
        for row in _network_spans(*spans, day):
            nodes[f"actor/{row[0]}"], nodes[f"{group}/{row[3]}"] = row[1], row[4]
            doubt = doubt_on(Span(*row[6:12]), day)
            said = f" possibly: {escape(doubt)}" if doubt else ""
            said += f" last confirmed {display(row[13])}" if row[13] else ""
            start = display(row[6]) if row[6] else ""
            edges.append(f"<li>{escape(row[1])} – {escape(row[4])} {ROLES.get(row[5], '')} {start}{said}</li>")
    if together:
        window = (day - datetime.timedelta(days=TOGETHER_DAYS), day + datetime.timedelta(days=TOGETHER_DAYS))
        pairs = fetch(
            "SELECT a.slug, a.name, b.slug, b.name, COUNT(DISTINCT e.id) FROM events_participation p "
            "JOIN events_event e ON e.id = p.event_id JOIN events_participation q ON q.event_id = e.id "
            "JOIN actors_actor a ON a.id = p.actor_id JOIN actors_actor b ON b.id = q.actor_id "
            "WHERE e.status = 'published' AND a.kind = 'person' AND b.kind = 'person' AND p.actor_id < q.actor_id "
            "AND (e.date_end >= %s OR e.date_end IS NULL) AND (e.date_start <= %s OR e.date_start IS NULL) "
            "GROUP BY a.slug, a.name, b.slug, b.name ORDER BY 1, 3",
            list(window),
        )
        for person, person_name, other, other_name, weight in pairs:
            nodes[f"actor/{person}"], nodes[f"actor/{other}"] = person_name, other_name
            edges.append(f"<li>{escape(person_name)} – {escape(other_name)}: {weight}</li>")
    options = "".join(f'<option value="{slug}">{escape(name)}</option>' for slug, name in [*factions, *bodies])
    drawn = "".join(f'<li><a data-node="{node}">{escape(name)}</a></li>' for node, name in sorted(nodes.items()))
    return (
        f"<!doctype html><html><body><h1>The network on {display(day.isoformat())}</h1><select>{options}</select>"
        f"<ul>{drawn}</ul><ul>{''.join(edges)}</ul></body></html>"
    ).encode()
