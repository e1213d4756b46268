"""What an actor's JSON embeds, read as plain rows in a fixed number of queries."""

from core.rows import AttachingIterable, OwnedRows, attaching, grouped
from core.visibility import sees_unpublished

from .actor import Alias, Identifier
from .faction import Membership
from .office import Tenure


def with_api_rows(actors, user=None):
    """`actors` with everything their JSON embeds, attached by `ApiActorIterable` as plain rows;
    event slugs only where `user` may see the event."""
    return attaching(actors, EditorApiActorIterable if sees_unpublished(user) else ApiActorIterable)


class ApiActorIterable(AttachingIterable):
    """Actors, each with `alias_rows`, `identifier_rows`, `membership_rows` and `tenure_rows`:
    the columns the JSON shows, with the slugs of faction, office and predecessor, and the
    slugs of the events that began and ended a span where the reader may see them (published
    ones; every one for `EditorApiActorIterable`)."""

    sees_unpublished = False

    def attach_rows(self, actors):
        ids = [actor.pk for actor in actors]
        sees_unpublished = self.sees_unpublished
        aliases = grouped(ALIAS_ROWS.rows(ids), ("name", "lang"))
        identifiers = grouped(IDENTIFIER_ROWS.rows(ids), ("scheme", "identifier"))
        memberships = grouped(
            MEMBERSHIP_ROWS.rows(ids, sees_unpublished, variant=sees_unpublished),
            ("id", "faction", "role", "start_date", "end_date", "started_by", "ended_by", "last_confirmed"),
        )
        tenures = grouped(
            TENURE_ROWS.rows(ids, sees_unpublished, variant=sees_unpublished),
            ("id", "office", "predecessor", "start_date", "end_date", "started_by", "ended_by", "last_confirmed"),
        )
        for row in (row for rows in (*memberships.values(), *tenures.values()) for row in rows):
            # As the serializer's field writes it: the direct read and DRF's walk give the same JSON.
            row["last_confirmed"] = row["last_confirmed"] and row["last_confirmed"].isoformat()
        for actor in actors:
            actor.alias_rows = aliases.get(actor.pk, [])
            actor.identifier_rows = identifiers.get(actor.pk, [])
            actor.membership_rows = memberships.get(actor.pk, [])
            actor.tenure_rows = tenures.get(actor.pk, [])


class EditorApiActorIterable(ApiActorIterable):
    sees_unpublished = True


# What `ApiActorIterable` attaches, by actor id; the spans' causes as `with_causes` names them.
ALIAS_ROWS = OwnedRows(
    lambda ids: Alias.objects.filter(actor_id__in=ids).order_by("lang", "name").values_list("actor_id", "name", "lang")
)
IDENTIFIER_ROWS = OwnedRows(
    lambda ids: (
        Identifier.objects.filter(actor_id__in=ids).order_by("pk").values_list("actor_id", "scheme", "identifier")
    )
)


def _span_rows(model, *columns):
    def build(ids, sees_unpublished):
        spans = model.objects.filter(actor_id__in=ids).with_causes(sees_unpublished=sees_unpublished)
        spans = spans.order_by_start()
        return spans.values_list("actor_id", "pk", *columns, "start_date", "end_date", *SPAN_CAUSES)

    return OwnedRows(build)


SPAN_CAUSES = ("started_by_visible", "ended_by_visible", "last_confirmed")
MEMBERSHIP_ROWS = _span_rows(Membership, "faction__slug", "role")
TENURE_ROWS = _span_rows(Tenure, "office__slug", "predecessor__slug")
