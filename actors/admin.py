from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import StaleEditForm, TombstoneAdminMixin

from .models import Actor, Alias, Faction, Identifier, Membership, Office, Tenure


class AliasInline(admin.TabularInline):
    model = Alias
    extra = 1


class IdentifierInline(admin.TabularInline):
    model = Identifier
    extra = 0


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "actor"
    extra = 0
    autocomplete_fields = ["faction"]
    fields = ["faction", "role", "start_date", "end_date", "note"]


@admin.register(Actor)
class ActorAdmin(TombstoneAdminMixin, SimpleHistoryAdmin):
    form = StaleEditForm
    tombstone_kind = "actor"
    actions = []
    list_display = ["name", "kind", "slug", "updated_at"]
    list_filter = ["kind"]
    search_fields = ["name", "sort_name", "slug", "search_key", "aliases__name", "aliases__search_key"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [AliasInline, IdentifierInline, MembershipInline]

    def get_search_results(self, request, queryset, search_term):
        # The name search folds scripts and spellings, so "Назарбаев" finds "Nazarbayev".
        if not search_term:
            return queryset, False
        return queryset.matching(search_term), False


@admin.register(Faction)
class FactionAdmin(TombstoneAdminMixin, SimpleHistoryAdmin):
    form = StaleEditForm
    tombstone_kind = "faction"
    list_display = ["name", "orientation", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    form = StaleEditForm
    list_display = ["actor", "faction", "role", "start_date", "end_date"]
    list_filter = ["role", "faction"]
    list_select_related = ["actor", "faction"]
    autocomplete_fields = ["actor", "faction"]
    search_fields = ["actor__name", "faction__name"]


@admin.register(Office)
class OfficeAdmin(TombstoneAdminMixin, SimpleHistoryAdmin):
    form = StaleEditForm
    tombstone_kind = "office"
    list_display = ["name", "organization", "slug"]
    list_select_related = ["organization"]
    search_fields = ["name", "slug"]
    autocomplete_fields = ["organization"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Tenure)
class TenureAdmin(SimpleHistoryAdmin):
    form = StaleEditForm
    list_display = ["actor", "office", "start_date", "end_date", "predecessor"]
    list_select_related = ["actor", "office", "predecessor"]
    list_filter = ["office"]
    autocomplete_fields = ["actor", "office", "predecessor", "appointed_by"]
    search_fields = ["actor__name", "office__name"]
