from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Citation, Event, EventType, ParticipantRole, Participation, Source


class ParticipationInline(admin.TabularInline):
    model = Participation
    extra = 1
    autocomplete_fields = ["actor", "role"]


class CitationInline(admin.StackedInline):
    model = Citation
    fk_name = "event"
    extra = 1
    autocomplete_fields = ["source"]
    fields = ["source", "quote", "locator", "credibility", "note"]


@admin.register(Event)
class EventAdmin(SimpleHistoryAdmin):
    list_display = ["title", "date", "type", "status", "updated_at"]
    list_filter = ["status", "type"]
    list_select_related = ["type"]
    search_fields = ["title", "slug", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["parent", "related"]
    inlines = [ParticipationInline, CitationInline]


@admin.register(EventType)
class EventTypeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]


@admin.register(ParticipantRole)
class ParticipantRoleAdmin(SimpleHistoryAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]


@admin.register(Source)
class SourceAdmin(SimpleHistoryAdmin):
    list_display = ["title", "kind", "reliability", "published_date"]
    list_filter = ["kind", "reliability"]
    search_fields = ["title", "publisher", "author", "url"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(Citation)
class CitationAdmin(SimpleHistoryAdmin):
    list_display = ["source", "event", "membership", "tenure", "credibility"]
    list_select_related = [
        "source",
        "event",
        "membership__actor",
        "membership__faction",
        "tenure__actor",
        "tenure__office",
    ]
    autocomplete_fields = ["source", "event"]
    search_fields = ["quote", "source__title"]
