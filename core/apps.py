from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Shared records"

    def ready(self):
        from . import page_cache, security
        from .models import Tombstone

        security.connect()
        page_cache.watch(Tombstone)
