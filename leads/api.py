"""JSON viewset of leads, for curators only (registered in kzwatch.api)."""

from drf_spectacular.utils import extend_schema, extend_schema_view

from core.ordering import Key, keyset
from core.rest.permissions import ModelViewPermissions
from core.rest.schema import REQUIRES_PERMISSION
from core.rest.viewsets import ResourceViewSet

from .filters import LeadFilterSet
from .models import Lead
from .serializers import LeadSerializer

NEEDS_PERMISSION = (
    "Needs a token or session whose user has “Can view lead” (`leads.view_lead`); anonymous clients get 401."
)


@extend_schema_view(
    list=extend_schema(
        summary="List leads from the news feeds",
        description=f"Newest first (by publication time), paged by cursor. {NEEDS_PERMISSION}",
        extensions={REQUIRES_PERMISSION: "leads.view_lead"},
    ),
    retrieve=extend_schema(
        summary="One lead", description=NEEDS_PERMISSION, extensions={REQUIRES_PERMISSION: "leads.view_lead"}
    ),
)
class LeadViewSet(ResourceViewSet):
    serializer_class = LeadSerializer
    filterset_class = LeadFilterSet
    permission_classes = [ModelViewPermissions]
    lookup_field = "pk"
    lookup_url_kwarg = "id"
    http_method_names = ["get", "head", "options"]
    keyset_ordering = keyset(Key("published", kind="datetime", descending=True))

    def get_queryset(self):
        return Lead.objects.for_list()
