from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from simple_history.admin import SimpleHistoryAdmin

from actors.admin import ActorAdmin
from actors.models import Actor
from core.admin import StaleEditForm, TombstoneAdminMixin
from core.models import Tombstone

from .models import Citation, Event, EventType, ParticipantRole, Participation, Source
from .services import (
    actor_merge,
    event_check_status_change,
    event_deletable_by,
    event_delete,
    event_record_departure,
)


class ParticipationInline(admin.TabularInline):
    model = Participation
    extra = 1
    autocomplete_fields = ["actor", "role"]


class CitationInlineFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        # `instance` already carries the status chosen in the event form above.
        kept = [form for form in self.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")]
        try:
            self.instance.check_cited(citation_count=len(kept))
        except ValidationError as error:
            raise ValidationError(error.message_dict["citations"], code="needs_citation") from error


class CitationInline(admin.StackedInline):
    model = Citation
    formset = CitationInlineFormSet
    fk_name = "event"
    extra = 1
    autocomplete_fields = ["source"]
    fields = ["source", "quote", "locator", "credibility", "note"]


class EventAdminForm(StaleEditForm):
    user = None  # set for each request by EventAdmin.get_form

    class Meta:
        model = Event
        fields = [
            "title",
            "slug",
            "type",
            "date",
            "date_note",
            "location",
            "summary",
            "status",
            "retraction_reason",
            "parent",
            "related",
        ]

    def clean_status(self):
        new = self.cleaned_data["status"]
        current = None if self.instance._state.adding else Event.objects.get(pk=self.instance.pk).status
        try:
            event_check_status_change(user=self.user, current=current, new=new)
        except PermissionDenied as error:
            raise ValidationError(str(error), code="publish_permission") from error
        return new


@admin.register(Event)
class EventAdmin(SimpleHistoryAdmin):
    form = EventAdminForm
    list_display = ["title", "date", "type", "status", "updated_at"]
    list_filter = ["status", "type"]
    list_select_related = ["type"]
    search_fields = ["title", "slug", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["parent", "related"]
    inlines = [ParticipationInline, CitationInline]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    def save_model(self, request, obj, form, change):
        # The publishing rule and the citation rule were checked by the form and the citation
        # formset; what is left is telling API mirrors when the event leaves their view.
        old = Event.objects.filter(pk=obj.pk).values("status", "slug").first() if change else None
        super().save_model(request, obj, form, change)
        if old:
            event_record_departure(event=obj, old_status=old["status"], old_slug=old["slug"])

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or event_deletable_by(event=obj, user=request.user))

    def delete_model(self, request, obj):
        event_delete(event=obj, user=request.user)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        for event in queryset:
            event_delete(event=event, user=request.user)


@admin.register(EventType)
class EventTypeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]


@admin.register(ParticipantRole)
class ParticipantRoleAdmin(SimpleHistoryAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]


@admin.register(Source)
class SourceAdmin(TombstoneAdminMixin, SimpleHistoryAdmin):
    form = StaleEditForm
    tombstone_kind = Tombstone.Kind.SOURCE
    tombstone_key_field = "pk"
    list_display = ["title", "kind", "reliability", "published_date"]
    list_filter = ["kind", "reliability"]
    search_fields = ["title", "publisher", "author", "url"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(Citation)
class CitationAdmin(SimpleHistoryAdmin):
    form = StaleEditForm
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


@admin.action(description="Merge selected actors into the one recorded first", permissions=["change", "delete"])
def merge_actors(modeladmin, request, queryset):
    """The first-recorded actor keeps its slug; the others become its aliases and links."""
    keep, *others = queryset.order_by("created_at", "pk")
    if not others:
        modeladmin.message_user(request, "Select at least two actors to merge.", messages.WARNING)
        return
    try:
        with transaction.atomic():
            for lose in others:
                actor_merge(keep=keep, lose=lose, user=request.user)
    except ValidationError as error:
        modeladmin.message_user(request, " ".join(error.messages), messages.ERROR)
        return
    names = ", ".join(lose.name for lose in others)
    modeladmin.message_user(request, f"Merged {names} into {keep.name} ({keep.slug}).", messages.SUCCESS)


# The merge moves participations and citations, which are events' records; so the action joins
# the actor changelist from here, and `actors` never imports `events`.
class ActorWithMergeAdmin(ActorAdmin):
    actions = [*ActorAdmin.actions, merge_actors]


admin.site.unregister(Actor)
admin.site.register(Actor, ActorWithMergeAdmin)
