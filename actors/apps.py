from django.apps import AppConfig


class ActorsConfig(AppConfig):
    name = "actors"
    verbose_name = "Actors, factions and offices"

    def ready(self):
        from core import page_cache

        from .models import Actor, Alias, Faction, Identifier, Membership, Office, Tenure

        # Readers see every actor, faction, office and span: any change renews their pages.
        page_cache.watch(Actor, Alias, Identifier, Faction, Office, Membership, Tenure)
