"""The record now, or as it stood at a past moment: what pages and API lists read it through.

`?known=<ISO date-time>` asks for the record as it was then: the rows the history tables say
stood at that moment (`core.history.as_known`), so each span has the dates it then had, is
confirmed by the reports then cited for it, and names as its cause an event only where the
reader may see it: a published event then, as now. Actors', factions' and offices' names and
slugs are read as they stood then too where a page shows one record; in lists they are today's,
the ones their addresses work by.

The record a database knows begins when its rows were first written (a fixture load, an
import): before that moment it knows nothing, and says so by having no rows.
"""

from django.db.models import F

from core.history import KNOWN_PARAMETER, as_instances, as_known, attach_related, parse_moment
from core.visibility import sees_unpublished

from .models import Citation, Event, Participation

CAUSE_SLUGS = ("started_by_visible", "ended_by_visible")  # what `Record.with_causes` annotates


def show_causes(spans):
    """Set `start_cause`/`end_cause` on each fetched span: the event that began or ended it,
    where `Record.with_causes` found the reader may see it, else None."""
    for span in spans:
        span.start_cause = span.started_by if span.started_by_visible else None
        span.end_cause = span.ended_by if span.ended_by_visible else None
    return spans


class Record:
    """The live record (`known` None), or the record as it stood at the aware datetime `known`."""

    def __init__(self, known=None):
        self.known = known

    @classmethod
    def from_query(cls, query):
        """The record a request's `?known=` names; ValueError, saying what is wrong, for a bad one."""
        text = query.get(KNOWN_PARAMETER)
        return cls(parse_moment(text) if text else None)

    @property
    def past(self):
        return self.known is not None

    def query(self):
        """The query that keeps a link in this record: `{"known": <ISO date-time>}`, or none."""
        return {KNOWN_PARAMETER: self.known.isoformat()} if self.known is not None else {}

    def rows(self, model):
        """`model`'s rows: the live table, or the history rows standing at `known`."""
        return model.objects.all() if self.known is None else as_known(model, self.known)

    def reports(self):
        """The citations a span's `last_confirmed` reads (`SpanQuerySet.with_causes`): None for
        the live ones, the default."""
        return None if self.known is None else as_known(Citation, self.known)

    def spans(self, model):
        """Memberships or tenures with `last_confirmed` and, as the source wrote it, `last_confirmed_as`."""
        return self.rows(model).with_last_confirmed(as_written=True, citations=self.reports())

    def instances(self, rows, *related, annotations=()):
        """`rows` as live model instances a page or serializer reads (history rows become them)."""
        return list(rows) if self.known is None else as_instances(rows, *related, annotations=annotations)

    def with_causes(self, spans, user):
        """`spans` (a queryset) annotated with the slugs of the causes `user` may see in this
        record (`SpanQuerySet.with_cause_slugs`): in the past, those published then."""
        events = None if self.known is None else self.rows(Event)
        return spans.with_cause_slugs(sees_unpublished=sees_unpublished(user), events=events)

    def newest_events(self, events, limit):
        """The newest `limit` of `events` (history rows) as events, each with its participants
        and citations as they stood."""
        newest = events.select_related("type").order_by(F("sort_date").desc(nulls_last=True), F("id").desc())
        events = self.instances(newest[:limit], "type")
        ids = [event.pk for event in events]
        participations = self.rows(Participation).filter(event_id__in=ids).select_related("actor", "role")
        citations = self.rows(Citation).filter(event_id__in=ids).select_related("source")
        attach_related(
            events, "participations", self.instances(participations.order_by("id"), "actor", "role"), "event_id"
        )
        attach_related(events, "citations", self.instances(citations.order_by("id"), "source"), "event_id")
        return events
