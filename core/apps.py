from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Shared records"

    def ready(self):
        from . import security

        security.connect()
