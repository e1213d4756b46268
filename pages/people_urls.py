"""The pages of people, factions, offices, the board and the network.

They keep the `actors` namespace that `Actor.get_absolute_url()` and
`Faction.get_absolute_url()` reverse.
Pages only read: `require_safe` answers any method but GET and HEAD with a 405.
"""

from django.urls import path, re_path
from django.views.decorators.http import require_safe

from .views import board, details, indexes, network

app_name = "actors"

urlpatterns = [
    path("actors/", require_safe(indexes.actor_index), name="actor-index"),
    path("actors/<slug:slug>/", require_safe(details.actor_detail), name="actor-detail"),
    path("factions/", require_safe(indexes.faction_index), name="faction-index"),
    path("factions/<slug:slug>/", require_safe(details.faction_detail), name="faction-detail"),
    path("offices/", require_safe(indexes.office_index), name="office-index"),
    path("offices/<slug:slug>/", require_safe(details.office_detail), name="office-detail"),
    path("as-of/", require_safe(board.board_jump), name="board-jump"),
    re_path(r"^as-of/(?P<day>[0-9]{4}-[0-9]{2}-[0-9]{2})/$", require_safe(board.board), name="board"),
    re_path(
        r"^as-of/(?P<day>[0-9]{4}-[0-9]{2}-[0-9]{2})/(?P<kind>offices|factions)/(?P<slug>[-a-zA-Z0-9_]+)/$",
        require_safe(board.board_group),
        name="board-group",
    ),
    path("network/", require_safe(network.network_today), name="network"),
    re_path(r"^network/(?P<day>[0-9]{4}-[0-9]{2}-[0-9]{2})/$", require_safe(network.network_on), name="network-on"),
]
