"""The timeline pages. Pages only read: `require_safe` answers any method but GET and HEAD with a 405."""

from django.urls import path
from django.views.decorators.http import require_safe

from .views import details, known, timeline

app_name = "events"

urlpatterns = [
    path("", require_safe(timeline.timeline), name="timeline"),
    path("suggest/actors/", require_safe(timeline.actor_suggestions), name="actor-suggestions"),
    path("events/<slug:slug>/", require_safe(details.event_detail), name="event-detail"),
    path("changes/", require_safe(known.record_changes), name="record-changes"),
]
