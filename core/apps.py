from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Shared records"

    def ready(self):
        from . import page_cache, security
        from .models import Tombstone

        security.connect()
        page_cache.watch(Tombstone)


class AdminConfig(admin_apps.AdminConfig):
    """Django's admin on the project's site (`core.admin_site.AdminSite`)."""

    default = False  # `core` itself is CoreConfig
    default_site = "core.admin_site.AdminSite"
