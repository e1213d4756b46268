"""The record in other tools' formats over the API: the events list as CSV (`?format=csv`) and
the Popolo export (registered in kzwatch.api)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import permissions
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from core.history import KNOWN_PARAMETER
from core.rest.viewsets import ConditionalGetMixin
from events import api as events_api
from events.serializers import EventSerializer

from .popolo import popolo_export
from .tabular import EventCSVRenderer

CSV_CHUNK = 500

FORMAT_PARAMETER = OpenApiParameter(
    "format",
    location=OpenApiParameter.QUERY,
    enum=["json", "csv"],
    description="`csv`: every event the filters select as one CSV file, not paged.",
)


@extend_schema_view(
    list=extend_schema(
        summary="List events",
        description="Events in date order (by their earliest possible day, or the latest for an open start, "
        "then id), paged by cursor. Anonymous readers and users who may not change events see published events only.",
        parameters=[FORMAT_PARAMETER],
        responses={
            (200, "application/json"): EventSerializer(many=True),
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="One row per event."),
        },
    ),
)
class EventViewSet(events_api.EventViewSet):
    """The events resource (`events.api.EventViewSet`), its list also as CSV: `?format=csv`."""

    def get_renderers(self):
        if self.action == "list":
            return [JSONRenderer(), EventCSVRenderer()]
        return super().get_renderers()

    def handle_exception(self, exc):
        # Errors are JSON, also for a request that asked for CSV.
        if (
            getattr(self.request, "accepted_renderer", None) is not None
            and self.request.accepted_renderer.format == "csv"
        ):
            self.request.accepted_renderer, self.request.accepted_media_type = JSONRenderer(), "application/json"
        return super().handle_exception(exc)

    def list(self, request, *args, **kwargs):
        if request.accepted_renderer.format != "csv":
            return super().list(request, *args, **kwargs)
        if self.known() is not None:
            raise ValidationError({KNOWN_PARAMETER: ["The CSV holds today's record; the JSON list reads `known`."]})
        queryset = self.filter_queryset(self.get_queryset())
        if "ordering" not in request.query_params:
            queryset = queryset.chronological()
        data = self.get_serializer(queryset.iterator(chunk_size=CSV_CHUNK), many=True).data
        return Response(data, headers={"Content-Disposition": 'attachment; filename="kzwatch-events.csv"'})


POPOLO_SCHEMA = {
    "type": "object",
    "description": "A Popolo document; each item validates against the Popolo JSON schema of its kind.",
    "required": ["persons", "organizations", "memberships", "posts"],
    "properties": {
        name: {"type": "array", "items": {"type": "object", "additionalProperties": True}}
        for name in ("persons", "organizations", "memberships", "posts")
    },
}


class PopoloExportView(ConditionalGetMixin, APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        summary="Everyone as Popolo JSON",
        description="Persons, organisations (factions among them, classification `faction`), memberships "
        "(faction memberships, and office tenures with `post_id`) and posts (offices).",
        responses={200: POPOLO_SCHEMA},
    )
    def get(self, request):
        return Response(popolo_export())
