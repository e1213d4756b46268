"""What each benchmarked operation costs without the framework: hand-written SQL through the
database driver (psycopg on PostgreSQL), the same JSON built with `json.dumps`, the same HTML
with an f-string.

Each function here returns the bytes its operation answers (for the API, the same `results`);
`harness.check_baselines` compares them once before timing, so a baseline can never be
faster by doing less.
"""

import base64
import datetime
import html
import json

from django.db import connection

from core.dates import display

EVENT_COLUMNS = """
    e.id, e.slug, e.title, t.slug, e.date, e.date_start, e.date_end, e.date_note, e.summary, e.location,
    e.status, e.retraction_reason, parent.slug, e.created_at, e.updated_at, e.sort_date
"""
EVENT_FROM = """
    FROM events_event e
    JOIN events_eventtype t ON t.id = e.type_id
    LEFT JOIN events_event parent ON parent.id = e.parent_id AND parent.status = 'published'
"""
# The events that began and ended a span, named only when published (the reader is anonymous).
CAUSES = (
    "LEFT JOIN events_event sb ON sb.id = %s.started_by_id AND sb.status = 'published' "
    "LEFT JOIN events_event eb ON eb.id = %s.ended_by_id AND eb.status = 'published'"
)
# A span's latest cited publication date, as `SpanQuerySet.with_causes` annotates it.
LAST_CONFIRMED = (
    "(SELECT MAX(s.published_start) FROM events_citation c JOIN events_source s ON s.id = c.source_id WHERE c.%s)"
)
EVENT_ORDER = "ORDER BY e.sort_date ASC NULLS LAST, e.id ASC"


def fetch(sql, params=()):
    """Rows of one query through the driver itself (no Django cursor wrapper)."""
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        sql = sql.replace("%s", "?")
    cursor = connection.connection.cursor()
    try:
        cursor.execute(sql, list(params))
        return cursor.fetchall()
    finally:
        cursor.close()


def placeholders(values):
    return ", ".join(["%s"] * len(values))


def day(value):
    """A date as the API writes it (SQLite hands back text already)."""
    if value is None or isinstance(value, str):
        return value
    return value.isoformat()


def moment(value):
    """A timestamp as DRF writes it: ISO 8601, UTC as "Z"."""
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.UTC)
    text = value.astimezone(datetime.UTC).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def cursor_for(sort_date, pk):
    """The `next` cursor the API's keyset paging gives after a row."""
    return base64.urlsafe_b64encode(json.dumps([day(sort_date), pk]).encode()).decode("ascii")


def events_json(where, params, *, limit=50):
    """A page of events with participants, citations and related events, as JSON."""
    rows = fetch(f"SELECT {EVENT_COLUMNS} {EVENT_FROM} WHERE {where} {EVENT_ORDER} LIMIT %s", [*params, limit + 1])
    more, rows = len(rows) > limit, rows[:limit]
    ids = [row[0] for row in rows]
    participants, citations, related = {}, {}, {}
    if ids:
        marks = placeholders(ids)
        for event_id, *values in fetch(
            "SELECT p.event_id, a.slug, a.name, r.slug, p.note FROM events_participation p "
            "JOIN actors_actor a ON a.id = p.actor_id JOIN events_participantrole r ON r.id = p.role_id "
            f"WHERE p.event_id IN ({marks}) ORDER BY p.id",
            ids,
        ):
            participants.setdefault(event_id, []).append(
                dict(zip(("actor", "name", "role", "note"), values, strict=True))
            )
        for event_id, *values in fetch(
            "SELECT c.event_id, c.source_id, s.title, s.url, s.reliability, c.quote, c.locator, c.credibility, "
            f"c.note FROM events_citation c JOIN events_source s ON s.id = c.source_id WHERE c.event_id IN ({marks}) "
            "ORDER BY c.id",
            ids,
        ):
            keys = ("source", "title", "url", "reliability", "quote", "locator", "credibility", "note")
            citations.setdefault(event_id, []).append(dict(zip(keys, values, strict=True)))
        for event_id, slug in fetch(
            "SELECT r.from_event_id, e.slug FROM events_event_related r JOIN events_event e ON e.id = r.to_event_id "
            f"WHERE r.from_event_id IN ({marks}) AND e.status = 'published' ORDER BY e.id",
            ids,
        ):
            related.setdefault(event_id, []).append(slug)
    results = [
        {
            "slug": slug,
            "title": title,
            "type": type_slug,
            "date": date,
            "date_start": day(start),
            "date_end": day(end),
            "date_display": display(date),
            "date_note": note,
            "summary": summary,
            "location": location,
            "status": status,
            "retraction_reason": retraction_reason,
            "parent": parent,
            "related": related.get(pk, []),
            "participants": participants.get(pk, []),
            "citations": citations.get(pk, []),
            "created_at": moment(created),
            "updated_at": moment(updated),
        }
        for (
            pk,
            slug,
            title,
            type_slug,
            date,
            start,
            end,
            note,
            summary,
            location,
            status,
            retraction_reason,
            parent,
            created,
            updated,
            _,
        ) in rows
    ]
    next_link = f"http://testserver/api/v1/events/?cursor={cursor_for(rows[-1][-1], rows[-1][0])}" if more else None
    return json.dumps({"next": next_link, "results": results}).encode()


def events_filtered(*, actor, event_type, first_day, last_day):
    """Events of one type with one actor overlapping a window; slugs turned into ids first, as
    the API does, so that the database plans with the statistics of those ids."""
    (type_id,) = fetch("SELECT id FROM events_eventtype WHERE slug = %s", [event_type])[0]
    (actor_id,) = fetch("SELECT id FROM actors_actor WHERE slug = %s", [actor])[0]
    where = (
        "e.status = 'published' AND e.type_id = %s AND EXISTS (SELECT 1 FROM events_participation p "
        "WHERE p.event_id = e.id AND p.actor_id = %s) "
        "AND (e.date_end >= %s OR e.date_end IS NULL) AND (e.date_start <= %s OR e.date_start IS NULL)"
    )
    return events_json(where, [type_id, actor_id, first_day, last_day])


def events_after(*, sort_date, pk):
    """The page after a keyset position, unfiltered (no event lacks a sort date)."""
    where = "e.status = 'published' AND e.sort_date >= %s AND (e.sort_date > %s OR e.id > %s)"
    return events_json(where, [sort_date, sort_date, pk])


def actors_json(where, params, *, limit=None):
    """Actors with aliases, identifiers, memberships and tenures, as the API writes them."""
    sql = (
        "SELECT id, slug, name, sort_name, kind, summary, birth_date, death_date, created_at, updated_at "
        f"FROM actors_actor WHERE {where} ORDER BY sort_name, name, id"
    )
    rows = fetch(sql + (" LIMIT %s" if limit else ""), [*params, limit + 1] if limit else params)
    more, rows = bool(limit) and len(rows) > limit, rows[:limit] if limit else rows
    ids = [row[0] for row in rows]
    nested = {name: {} for name in ("aliases", "identifiers", "memberships", "tenures")}
    if ids:
        marks = placeholders(ids)
        queries = {
            "aliases": (
                f"SELECT actor_id, name, lang FROM actors_alias WHERE actor_id IN ({marks}) ORDER BY lang, name",
                ("name", "lang"),
            ),
            "identifiers": (
                f"SELECT actor_id, scheme, identifier FROM actors_identifier WHERE actor_id IN ({marks}) ORDER BY id",
                ("scheme", "identifier"),
            ),
            "memberships": (
                "SELECT m.actor_id, m.id, f.slug, m.role, m.start_date, m.end_date, sb.slug, eb.slug, "
                f"{LAST_CONFIRMED % 'membership_id = m.id'} "
                f"FROM actors_membership m JOIN actors_faction f ON f.id = m.faction_id {CAUSES % ('m', 'm')} "
                f"WHERE m.actor_id IN ({marks}) ORDER BY m.start_lower ASC NULLS FIRST, m.id",
                ("id", "faction", "role", "start_date", "end_date", "started_by", "ended_by", "last_confirmed"),
            ),
            "tenures": (
                "SELECT t.actor_id, t.id, o.slug, t.start_date, t.end_date, p.slug, sb.slug, eb.slug, "
                f"{LAST_CONFIRMED % 'tenure_id = t.id'} "
                "FROM actors_tenure t JOIN actors_office o ON o.id = t.office_id "
                f"LEFT JOIN actors_actor p ON p.id = t.predecessor_id {CAUSES % ('t', 't')} "
                f"WHERE t.actor_id IN ({marks}) ORDER BY t.start_lower ASC NULLS FIRST, t.id",
                ("id", "office", "start_date", "end_date", "predecessor", "started_by", "ended_by", "last_confirmed"),
            ),
        }
        for name, (query, keys) in queries.items():
            for actor_id, *values in fetch(query, ids):
                row = dict(zip(keys, values, strict=True))
                if row.get("last_confirmed") is not None:
                    row["last_confirmed"] = str(row["last_confirmed"])[:10]
                nested[name].setdefault(actor_id, []).append(row)
    actors = [
        {
            "slug": slug,
            "name": name,
            "sort_name": sort_name,
            "kind": kind,
            "summary": summary,
            "birth_date": birth,
            "death_date": death,
            **{key: nested[key].get(pk, []) for key in ("aliases", "identifiers", "memberships", "tenures")},
            "created_at": moment(created),
            "updated_at": moment(updated),
        }
        for pk, slug, name, sort_name, kind, summary, birth, death, created, updated in rows
    ]
    return actors, more


def actor_detail(slug):
    actors, _ = actors_json("slug = %s", [slug])
    return json.dumps(actors[0]).encode()


def actor_search(tokens):
    """Actors whose folded name, or any alias's, holds every token (`actors.names.query_tokens`)."""
    condition = " AND ".join(
        "id IN (SELECT id FROM actors_actor WHERE search_key LIKE %s "
        "UNION SELECT actor_id FROM actors_alias WHERE search_key LIKE %s)"
        for _ in tokens
    )
    params = [pattern for token in tokens for pattern in (f"%{token}%", f"%{token}%")]
    actors, more = actors_json(condition, params, limit=50)
    return json.dumps({"next": "..." if more else None, "results": actors}).encode()


def admin_event_changelist(*, limit=100):
    """The admin's first page of events as an f-string table: title, date, type, status, last change."""
    rows = fetch(
        "SELECT e.id, e.title, e.date, t.name, e.status, e.updated_at FROM events_event e "
        "JOIN events_eventtype t ON t.id = e.type_id ORDER BY e.sort_date ASC NULLS LAST, e.id LIMIT %s",
        [limit],
    )
    body = "".join(
        f'<tr><td><a href="/admin/events/event/{pk}/change/">{html.escape(title)}</a></td><td>{html.escape(date)}</td>'
        f"<td>{html.escape(type_name)}</td><td>{status}</td><td>{moment(updated)}</td></tr>"
        for pk, title, date, type_name, status, updated in rows
    )
    return f"<html><body><table>{body}</table></body></html>".encode()


def name_search_batch(names):
    """The name search of each of `names` (folded tokens each), as a reconciliation batch reads
    its candidates: the matching actors' ids, slugs and names, 200 at most a name."""
    found = {}
    for key, tokens in names.items():
        condition = " AND ".join(
            "id IN (SELECT id FROM actors_actor WHERE search_key LIKE %s "
            "UNION SELECT actor_id FROM actors_alias WHERE search_key LIKE %s)"
            for _ in tokens
        )
        params = [pattern for token in tokens for pattern in (f"%{token}%", f"%{token}%")]
        rows = fetch(f"SELECT id, slug, name FROM actors_actor WHERE {condition} ORDER BY id LIMIT 200", params)
        found[key] = [{"id": slug, "name": name} for _, slug, name in rows]
    return json.dumps(found).encode()


def graph_graphml():
    """The whole graph as bare GraphML from six hand-written reads: actors, factions, offices,
    memberships, tenures, and pairs of people in the same published events with their count."""
    from xml.sax.saxutils import quoteattr

    parts = ['<graphml><graph edgedefault="undirected">']
    for kind, table in (("actor", "actors_actor"), ("faction", "actors_faction"), ("office", "actors_office")):
        for slug, name in fetch(f"SELECT slug, name FROM {table} ORDER BY slug"):
            parts.append(f"<node id={quoteattr(f'{kind}/{slug}')}><data key='name'>{html.escape(name)}</data></node>")
    for kind, table, target in (("membership", "actors_membership", "faction"), ("tenure", "actors_tenure", "office")):
        rows = fetch(
            f"SELECT s.id, a.slug, t.slug, s.start_date, s.end_date FROM {table} s "
            f"JOIN actors_actor a ON a.id = s.actor_id JOIN actors_{target} t ON t.id = s.{target}_id ORDER BY s.id"
        )
        for pk, actor, other, start, end in rows:
            parts.append(
                f"<edge id='{kind}/{pk}' source={quoteattr('actor/' + actor)} target={quoteattr(target + '/' + other)}>"
                f"<data key='start_date'>{start}</data><data key='end_date'>{end}</data></edge>"
            )
    pairs = fetch(
        "SELECT a.slug, b.slug, COUNT(DISTINCT p.event_id) FROM events_participation p "
        "JOIN events_participation q ON q.event_id = p.event_id "
        "JOIN events_event e ON e.id = p.event_id AND e.status = 'published' "
        "JOIN actors_actor a ON a.id = p.actor_id AND a.kind = 'person' "
        "JOIN actors_actor b ON b.id = q.actor_id AND b.kind = 'person' "
        "WHERE p.actor_id < q.actor_id GROUP BY a.slug, b.slug ORDER BY a.slug, b.slug"
    )
    for person, other, weight in pairs:
        parts.append(
            f"<edge source={quoteattr('actor/' + person)} target={quoteattr('actor/' + other)}>"
            f"<data key='weight'>{weight}</data></edge>"
        )
    parts.append("</graph></graphml>")
    return "".join(parts).encode()


# What the FollowTheMoney export reads: each table with the columns its entities carry.
FTM_READS = (
    "SELECT id, title, publisher, url, published_date, reliability FROM events_source ORDER BY id",
    "SELECT id, slug, name, kind, birth_date FROM actors_actor ORDER BY id",
    "SELECT actor_id, name FROM actors_alias ORDER BY actor_id, id",
    "SELECT id, slug, name, summary FROM actors_faction ORDER BY id",
    "SELECT id, slug, name FROM actors_office ORDER BY id",
    "SELECT t.id, t.key, a.slug, o.slug, t.start_date, t.end_date FROM actors_tenure t "
    "JOIN actors_actor a ON a.id = t.actor_id JOIN actors_office o ON o.id = t.office_id ORDER BY t.id",
    "SELECT m.id, m.key, a.slug, f.slug, m.role, m.start_date, m.end_date FROM actors_membership m "
    "JOIN actors_actor a ON a.id = m.actor_id JOIN actors_faction f ON f.id = m.faction_id ORDER BY m.id",
    "SELECT e.id, e.slug, e.title, e.summary, e.date FROM events_event e WHERE e.status = 'published' ORDER BY e.id",
    "SELECT p.event_id, a.slug FROM events_participation p JOIN actors_actor a ON a.id = p.actor_id "
    "JOIN events_event e ON e.id = p.event_id AND e.status = 'published' ORDER BY p.event_id, p.id",
    "SELECT c.event_id, c.source_id FROM events_citation c "
    "JOIN events_event e ON e.id = c.event_id AND e.status = 'published' ORDER BY c.event_id, c.id",
)


def ftm_lines():
    """The rows the FollowTheMoney export reads, each as a line of JSON, without FtM's shapes."""
    with connection.cursor() as cursor:
        lines = []
        for sql in FTM_READS:
            cursor.execute(sql)
            lines.extend(json.dumps(row, default=str) for row in cursor.fetchall())
    return "\n".join(lines).encode()
