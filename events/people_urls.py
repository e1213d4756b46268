"""The pages of people, factions, offices and the board.

They keep the `actors` namespace that `Actor.get_absolute_url()` and
`Faction.get_absolute_url()` reverse, but live in this app since each shows events.
"""

from django.urls import path, re_path

from .views import board, details, indexes

app_name = "actors"

urlpatterns = [
    path("actors/", indexes.actor_index, name="actor-index"),
    path("actors/<slug:slug>/", details.actor_detail, name="actor-detail"),
    path("factions/", indexes.faction_index, name="faction-index"),
    path("factions/<slug:slug>/", details.faction_detail, name="faction-detail"),
    path("offices/", indexes.office_index, name="office-index"),
    path("offices/<slug:slug>/", details.office_detail, name="office-detail"),
    path("as-of/", board.board_jump, name="board-jump"),
    re_path(r"^as-of/(?P<day>[0-9]{4}-[0-9]{2}-[0-9]{2})/$", board.board, name="board"),
    re_path(
        r"^as-of/(?P<day>[0-9]{4}-[0-9]{2}-[0-9]{2})/(?P<kind>offices|factions)/(?P<slug>[-a-zA-Z0-9_]+)/$",
        board.board_group,
        name="board-group",
    ),
]
