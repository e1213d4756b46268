from django.urls import path

from . import views

app_name = "actors"

urlpatterns = [
    path("actors/<slug:slug>/", views.actor_detail, name="actor-detail"),
    path("factions/<slug:slug>/", views.faction_detail, name="faction-detail"),
]
