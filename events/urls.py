from django.urls import path

from .views import details, timeline

app_name = "events"

urlpatterns = [
    path("", timeline.timeline, name="timeline"),
    path("suggest/actors/", timeline.actor_suggestions, name="actor-suggestions"),
    path("events/<slug:slug>/", details.event_detail, name="event-detail"),
]
