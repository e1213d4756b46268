"""The one router of the JSON API: every endpoint of /api/v1/ is listed here."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from actors.api import ActorViewSet, FactionViewSet, MembershipViewSet, OfficeViewSet, TenureViewSet
from core.rest.errors import not_found
from core.rest.schema import SwaggerDocsView
from events.api import SourceViewSet, TombstoneViewSet
from exchange.api import EventViewSet, PopoloExportView
from exchange.ftm import FtmExportView
from exchange.graph import GEXFExportView, GraphMLExportView
from leads.api import LeadViewSet

router = DefaultRouter()
router.include_format_suffixes = False  # one address per resource; `?format=csv` where offered
router.register("actors", ActorViewSet, basename="actor")
router.register("factions", FactionViewSet, basename="faction")
router.register("offices", OfficeViewSet, basename="office")
router.register("memberships", MembershipViewSet, basename="membership")
router.register("tenures", TenureViewSet, basename="tenure")
router.register("events", EventViewSet, basename="event")
router.register("sources", SourceViewSet, basename="source")
router.register("tombstones", TombstoneViewSet, basename="tombstone")
router.register("leads", LeadViewSet, basename="lead")

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SwaggerDocsView.as_view(url_name="api:schema"), name="docs"),
    path("export/popolo.json", PopoloExportView.as_view(), name="popolo-export"),
    path("export/ftm.jsonl", FtmExportView.as_view(), name="ftm-export"),
    path("export/graph.graphml", GraphMLExportView.as_view(), name="graph-export-graphml"),
    path("export/graph.gexf", GEXFExportView.as_view(), name="graph-export-gexf"),
    path("", include(router.urls)),
    # Any other address below /api/v1/ ending in a slash: a JSON 404, not the site's HTML page.
    re_path(r"^.*/$", not_found),
]
