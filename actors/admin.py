"""The admin of who is who: actors with their names, factions and offices on one page.

A tenure added here (on the actor's page or on its own) goes through `tenure_create`, so a
new holder of a one-seat office ends the open tenure, and the curator is told which.
"""

from django.contrib import admin, messages

from core.admin import ChoiceLabelMixin, HistoryAdmin, StaleEditForm, TombstoneAdminMixin, date_column

from .models import Actor, Alias, Faction, Identifier, Membership, Office, Tenure
from .services import closed_message, tenure_create

SPAN_FIELDS = ["start_date", "end_date", "started_by", "ended_by", "note"]


class AliasInline(admin.TabularInline):
    model = Alias
    extra = 1


class IdentifierInline(admin.TabularInline):
    model = Identifier
    extra = 0


class MembershipInline(ChoiceLabelMixin, admin.TabularInline):
    model = Membership
    fk_name = "actor"
    extra = 0
    autocomplete_fields = ["faction", "started_by", "ended_by"]
    fields = ["faction", "role", *SPAN_FIELDS]


class TenureInline(ChoiceLabelMixin, admin.TabularInline):
    model = Tenure
    fk_name = "actor"
    extra = 0
    autocomplete_fields = ["office", "predecessor", "appointed_by", "started_by", "ended_by"]
    fields = ["office", "predecessor", "appointed_by", *SPAN_FIELDS]


def report_closed(modeladmin, request, closed):
    if closed:
        modeladmin.message_user(request, closed_message(closed), messages.INFO)


@admin.register(Actor)
class ActorAdmin(TombstoneAdminMixin, HistoryAdmin):
    form = StaleEditForm
    tombstone_kind = "actor"
    actions = []
    list_display = ["name", "kind", "slug", "updated_at"]
    list_filter = ["kind"]
    search_fields = ["name", "sort_name", "slug", "search_key", "aliases__name", "aliases__search_key"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [AliasInline, IdentifierInline, MembershipInline, TenureInline]

    def get_search_results(self, request, queryset, search_term):
        # The name search folds scripts and spellings, so "Назарбаев" finds "Nazarbayev".
        if not search_term:
            return queryset, False
        return queryset.matching(search_term), False

    def save_formset(self, request, form, formset, change):
        if formset.model is not Tenure:
            return super().save_formset(request, form, formset, change)
        tenures = formset.save(commit=False)
        for tenure in formset.deleted_objects:
            tenure._history_user = request.user
            tenure.delete()
        for tenure in tenures:
            if tenure._state.adding:
                report_closed(self, request, tenure_create(tenure=tenure, user=request.user))
            else:
                tenure._history_user = request.user
                tenure.save()
        formset.save_m2m()


@admin.register(Faction)
class FactionAdmin(TombstoneAdminMixin, HistoryAdmin):
    form = StaleEditForm
    tombstone_kind = "faction"
    list_display = ["name", "orientation", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Membership)
class MembershipAdmin(HistoryAdmin):
    form = StaleEditForm
    list_display = ["actor", "faction", "role", "start", "end"]
    list_filter = ["role", "faction"]
    list_select_related = ["actor", "faction"]
    autocomplete_fields = ["actor", "faction", "started_by", "ended_by"]
    search_fields = ["actor__name", "faction__name"]
    start = date_column("start_date", "start")
    end = date_column("end_date", "end")


@admin.register(Office)
class OfficeAdmin(TombstoneAdminMixin, HistoryAdmin):
    form = StaleEditForm
    tombstone_kind = "office"
    list_display = ["name", "organization", "seats", "slug"]
    list_select_related = ["organization"]
    search_fields = ["name", "slug"]
    autocomplete_fields = ["organization"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Tenure)
class TenureAdmin(HistoryAdmin):
    form = StaleEditForm
    list_display = ["actor", "office", "start", "end", "predecessor"]
    list_select_related = ["actor", "office", "predecessor"]
    list_filter = ["office"]
    autocomplete_fields = ["actor", "office", "predecessor", "appointed_by", "started_by", "ended_by"]
    search_fields = ["actor__name", "office__name"]
    start = date_column("start_date", "start")
    end = date_column("end_date", "end")

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        report_closed(self, request, tenure_create(tenure=obj, user=request.user))
