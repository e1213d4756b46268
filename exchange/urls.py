"""The reconciliation service's addresses, below /reconcile (`views.py`)."""

from django.urls import path

from . import views

app_name = "reconcile"

urlpatterns = [
    path("", views.service, name="service"),
    path("/suggest/entity", views.suggest_entity, name="suggest-entity"),
    path("/suggest/type", views.suggest_type, name="suggest-type"),
    path("/suggest/property", views.suggest_property, name="suggest-property"),
    path("/extend/propose", views.propose_properties, name="propose"),
    path("/preview/<str:entity>", views.preview, name="preview"),
    path("/view/<str:entity>", views.view, name="view"),
]
