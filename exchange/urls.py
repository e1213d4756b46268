"""The reconciliation service's addresses: /reconcile and below it (`views.py`)."""

from django.urls import path

from . import views

app_name = "reconcile"

urlpatterns = [
    path("reconcile", views.service, name="service"),
    path("reconcile/suggest/entity", views.suggest_entity, name="suggest-entity"),
    path("reconcile/suggest/type", views.suggest_type, name="suggest-type"),
    path("reconcile/suggest/property", views.suggest_property, name="suggest-property"),
    path("reconcile/extend/propose", views.propose_properties, name="propose"),
    path("reconcile/preview/<str:entity>", views.preview, name="preview"),
    path("reconcile/view/<str:entity>", views.view, name="view"),
]
