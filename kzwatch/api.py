"""The one router of the JSON API: every endpoint of /api/v1/ is listed here."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

router = DefaultRouter()

urlpatterns = [
    path("", include(router.urls)),
]
