from django.contrib import admin
from django.urls import include, path
from django.views.decorators.http import require_safe

from pages.feeds import event_feed

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("kzwatch.api")),
    path("feeds/events/", require_safe(event_feed), name="event-feed"),
    path("", include("exchange.urls")),
    path("", include("pages.people_urls")),
    path("", include("pages.urls")),
]
