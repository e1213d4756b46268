from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = "Events and sources"

    def ready(self):
        from core import page_cache

        from .models import Citation, Event, EventType, ParticipantRole, Participation, Source

        def event_public(event):
            return event.status != Event.Status.DRAFT

        def row_public(row):
            """A participation or citation is seen with its event; one of a span is always seen."""
            seen = Event.objects.filter(pk=row.event_id).exclude(status=Event.Status.DRAFT)
            return row.event_id is None or seen.exists()

        page_cache.watch(EventType, ParticipantRole, Source)
        # A curator's drafts are not seen by readers: writing one keeps the readers' pages.
        page_cache.watch(Event, public=event_public)
        page_cache.watch(Participation, Citation, public=row_public)
