"""The event admin with its "Import events" page (`admin_import.py`): the file formats live here."""

from django.contrib import admin

from events.admin import EventAdmin
from events.models import Event

from .admin_import import EventImportAdminMixin


class ImportingEventAdmin(EventImportAdminMixin, EventAdmin):
    """`events.admin.EventAdmin` with /admin/events/event/import/ and its button on the changelist."""


admin.site.unregister(Event)
admin.site.register(Event, ImportingEventAdmin)
