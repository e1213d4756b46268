"""The people, organisations, factions and offices as Popolo JSON (popoloproject.com).

Persons and organisations are actors; factions are organisations with classification
"faction"; offices are posts; faction memberships and office tenures are memberships (a
tenure names its post with `post_id`). Ids are "<kind>/<slug>" (memberships "<kind>/<id>").
Popolo dates are YYYY, YYYY-MM or YYYY-MM-DD: an EDTF date keeps its precision and loses its
qualifier ("2016-09~" becomes "2016-09"); a date Popolo cannot say is left out.
"""

from django.db.models import Prefetch

from actors.models import Actor, Faction, Membership, Office, Tenure
from core.dates import calendar_date
from events.models import Citation


def _dates(row, names=("start_date", "end_date"), popolo_names=("start_date", "end_date")):
    dates = {}
    for name, popolo_name, side in zip(names, popolo_names, ("start", "end"), strict=True):
        value = calendar_date(getattr(row, name), side)
        if value:
            dates[popolo_name] = value
    return dates


def _timestamps(row):
    return {"created_at": row.created_at.isoformat(), "updated_at": row.updated_at.isoformat()}


def _sources(claim):
    return [
        {"url": citation.source.url, "note": citation.source.title}
        for citation in claim.citations.all()
        if citation.source.url
    ]


def actor_id(actor):
    return f"actor/{actor.slug}"


def _member(actor):
    if actor.kind == Actor.Kind.PERSON:
        return {"person_id": actor_id(actor)}
    return {"member": {"@type": "Organization", "id": actor_id(actor)}}


def _actor(actor):
    record = {
        "id": actor_id(actor),
        "name": actor.name,
        "other_names": [
            {"name": alias.name, "lang": alias.lang, **({"note": alias.note} if alias.note else {})}
            for alias in actor.aliases.all()
        ],
        "identifiers": [{"scheme": item.scheme, "identifier": item.identifier} for item in actor.identifiers.all()],
        **_timestamps(actor),
    }
    if actor.kind == Actor.Kind.PERSON:
        record.update(sort_name=actor.sort_name, summary=actor.summary)
        record.update(_dates(actor, ("birth_date", "death_date"), ("birth_date", "death_date")))
    else:
        record.update(classification="organization", description=actor.summary)
        record.update(_dates(actor, ("birth_date", "death_date"), ("founding_date", "dissolution_date")))
    return record


def _faction(faction):
    return {
        "id": f"faction/{faction.slug}",
        "name": faction.name,
        "classification": "faction",
        "description": faction.summary,
        "orientation": faction.orientation,
        **_timestamps(faction),
    }


def _post(office):
    return {
        "id": f"office/{office.slug}",
        "label": office.name,
        "organization_id": actor_id(office.organization) if office.organization else None,
        **_timestamps(office),
    }


def _membership(membership):
    return {
        "id": f"membership/{membership.pk}",
        "label": str(membership),
        "role": membership.role,
        **_member(membership.actor),
        "organization_id": f"faction/{membership.faction.slug}",
        **_dates(membership),
        "sources": _sources(membership),
        **_timestamps(membership),
    }


def _tenure(tenure):
    office = tenure.office
    return {
        "id": f"tenure/{tenure.pk}",
        "label": str(tenure),
        "role": office.name,
        **_member(tenure.actor),
        "post_id": f"office/{office.slug}",
        "organization_id": actor_id(office.organization) if office.organization else None,
        **_dates(tenure),
        "sources": _sources(tenure),
        **_timestamps(tenure),
    }


def popolo_export():
    """Everything as one Popolo document: persons, organizations, memberships, posts (nine queries)."""
    citations = Prefetch("citations", Citation.objects.select_related("source").order_by("pk"))
    actors = Actor.objects.for_list().order_by("sort_name", "name", "pk")
    memberships = Membership.objects.select_related("actor", "faction").prefetch_related(citations).order_by_start()
    tenures = (
        Tenure.objects.select_related("actor", "office", "office__organization")
        .prefetch_related(citations)
        .order_by_start()
    )
    actors = list(actors)
    return {
        "persons": [_actor(actor) for actor in actors if actor.kind == Actor.Kind.PERSON],
        "organizations": [
            *(_actor(actor) for actor in actors if actor.kind != Actor.Kind.PERSON),
            *(_faction(faction) for faction in Faction.objects.order_by("name", "pk")),
        ],
        "memberships": [
            *(_membership(membership) for membership in memberships),
            *(_tenure(tenure) for tenure in tenures),
        ],
        "posts": [_post(office) for office in Office.objects.select_related("organization").order_by("name", "pk")],
    }
