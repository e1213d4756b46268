from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from actors.admin import ActorAdmin
from actors.models import Actor
from core.admin import (
    ChoiceLabelMixin,
    EstimatedCountPaginator,
    HistoryAdmin,
    StaleEditForm,
    TombstoneAdminMixin,
    action,
    date_column,
)
from core.models import Tombstone
from core.services import unique_slug

from .admin_filters import DateRangeFilter, FactionFilter, ParticipantFilter
from .models import Citation, Event, EventType, ParticipantRole, Participation, Source
from .models.event import REVERSE_CHRONOLOGICAL
from .services import (
    DRAFT_CHANGES_NOTHING,
    SPAN_ENDING_TYPES,
    actor_merge,
    event_check_status_change,
    event_deletable_by,
    event_delete,
    event_duplicates,
    event_end_spans,
    event_record_departure,
    event_statuses_settable,
)

# Ending a participant's open spans changes their tenures and memberships, whoever asks.
END_SPANS_PERMISSIONS = ["actors.change_tenure", "actors.change_membership"]
MERGED_ROWS = [
    ("actors", "alias"),
    ("actors", "identifier"),
    ("actors", "membership"),
    ("actors", "tenure"),
    ("actors", "office"),
    ("events", "participation"),
    ("events", "citation"),
]
AUTOCOMPLETE_MEDIA = forms.Media(
    js=[
        "admin/js/vendor/jquery/jquery.js",
        "admin/js/vendor/select2/select2.full.js",
        "admin/js/jquery.init.js",
        "admin/js/autocomplete.js",
    ],
    css={"screen": ["admin/css/vendor/select2/select2.css", "admin/css/autocomplete.css"]},
)


class ParticipationInline(ChoiceLabelMixin, admin.TabularInline):
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


class CitationInline(ChoiceLabelMixin, admin.StackedInline):
    model = Citation
    formset = CitationInlineFormSet
    fk_name = "event"
    extra = 1
    autocomplete_fields = ["source"]
    fields = ["source", "quote", "locator", "credibility", "note"]


class EventAdminForm(StaleEditForm):
    user = None  # set for each request by EventAdmin.get_form

    end_open_spans = forms.BooleanField(
        required=False,
        label="End the participants' open offices and memberships at this event's date",
        help_text=f"For an event of type {', '.join(SPAN_ENDING_TYPES)}: each open tenure and membership of "
        "the person arrested, detained, dismissed or deceased ends on the event's date, linked to this event.",
    )

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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "status" in self.fields:
            # The menu offers what this user may set; the field still takes any status, so one
            # posted anyway meets the publishing rule's own refusal in clean_status.
            current = None if self.instance._state.adding else self.instance.status
            self.fields["status"].widget.choices = [
                (status.value, status.label) for status in statuses_offered(user=self.user, current=current)
            ]

    def clean(self):
        cleaned_data = super().clean()
        if not cleaned_data.get("end_open_spans"):
            return cleaned_data
        if cleaned_data.get("status") != Event.Status.PUBLISHED:
            self.add_error("end_open_spans", DRAFT_CHANGES_NOTHING)
        elif not self.user.has_perms(END_SPANS_PERMISSIONS):
            self.add_error("end_open_spans", "Ending offices and memberships needs the right to change them.")
        return cleaned_data

    def clean_status(self):
        new = self.cleaned_data["status"]
        current = None if self.instance._state.adding else Event.objects.get(pk=self.instance.pk).status
        try:
            event_check_status_change(user=self.user, current=current, new=new)
        except PermissionDenied as error:
            raise ValidationError(str(error), code="publish_permission") from error
        if new not in statuses_offered(user=self.user, current=current):
            raise ValidationError(RETRACT_NEW, code="retract_new")
        return new


RETRACT_NEW = "Only a recorded event can be retracted: save it first, then retract it on its page, saying why."


def statuses_offered(*, user, current):
    """The status menu: what `user` may set, but no retraction of an event not yet recorded (the
    reason belongs on its page, which the add form does not show)."""
    settable = event_statuses_settable(user=user, current=current)
    return [status for status in settable if current is not None or status != Event.Status.RETRACTED]


def shows_retraction_reason(*, user, event):
    """The reason is asked for on a retracted event's page, and on the page of one this user may
    retract (where admin-event-status.js shows it once the menu says Retracted); never on the add form."""
    if event is None:
        return False
    return event.status == Event.Status.RETRACTED or Event.Status.RETRACTED in statuses_offered(
        user=user, current=event.status
    )


def end_spans_message(modeladmin, request, event, spans):
    if spans:
        ended = "; ".join(f"{span} ({span.end_display})" for span in spans)
        modeladmin.message_user(request, f"{event}: ended {ended}.", messages.INFO)


@action(
    description="End the participants' open offices and memberships at the event's date",
    permissions=END_SPANS_PERMISSIONS,
)
def end_open_spans(modeladmin, request, queryset):
    try:
        with transaction.atomic():
            for event in queryset.select_related("type"):
                end_spans_message(modeladmin, request, event, event_end_spans(event=event, user=request.user))
    except ValidationError as error:
        modeladmin.message_user(request, " ".join(error.messages), messages.ERROR)


@admin.register(Event)
class EventAdmin(HistoryAdmin):
    form = EventAdminForm
    list_display = ["title", "when", "type", "status", "updated_at"]
    list_filter = [
        "status",
        "type",
        ParticipantFilter,
        FactionFilter,
        ("citations__source__reliability", admin.ChoicesFieldListFilter),
        DateRangeFilter,
    ]
    list_select_related = ["type"]
    # Newest first, as readers' timeline: the one order of events, reversed.
    ordering = [key.order_expression() for key in REVERSE_CHRONOLOGICAL]
    search_fields = ["title", "slug", "summary"]
    # Hundreds of thousands of events: no COUNT(*) of the whole table on every list.
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["parent", "related"]
    inlines = [ParticipationInline, CitationInline]
    actions = [end_open_spans]
    when = date_column("date", "date")

    def choice_label(self, event):
        return f"{event.title} ({event.date_display})" if event.date else event.title

    @property
    def media(self):
        return super().media + AUTOCOMPLETE_MEDIA + forms.Media(js=["js/admin-event-status.js"])

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if shows_retraction_reason(user=request.user, event=obj):
            return fields
        return [field for field in fields if field != "retraction_reason"]

    def get_search_results(self, request, queryset, search_term):
        # Besides the title and summary: any spelling of a participant's name.
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if not search_term:
            return found, may_have_duplicates
        named = Participation.objects.filter(event=OuterRef("pk"), actor__in=Actor.objects.matching(search_term))
        return queryset.filter(Q(pk__in=found.values("pk")) | Exists(named)), False

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        event = form.instance
        if form.cleaned_data.get("end_open_spans"):
            try:
                end_spans_message(self, request, event, event_end_spans(event=event, user=request.user))
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
        actors = [participation.actor for participation in event.participations.select_related("actor")]
        candidates = event_duplicates(type=event.type, date=event.date, actors=actors, exclude=event)
        if candidates:
            links = format_html_join(
                ", ",
                '<a href="{}">{}</a> ({})',
                ((reverse("admin:events_event_change", args=[c.pk]), c.title, c.date_display) for c in candidates),
            )
            self.message_user(
                request,
                format_html(
                    "Saved, but this may repeat an event already recorded: {}. Check before publishing.", links
                ),
                messages.WARNING,
            )

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


class TermForm(forms.ModelForm):
    """A vocabulary word: the slug follows the name as typed, and is made from it if left empty."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False

    def clean(self):
        cleaned_data = super().clean()
        if not cleaned_data.get("slug") and cleaned_data.get("name"):
            self.instance.slug = cleaned_data["slug"] = unique_slug(model=self._meta.model, text=cleaned_data["name"])
        return cleaned_data


class TermAdmin(HistoryAdmin):
    form = TermForm
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


admin.site.register(EventType, TermAdmin)
admin.site.register(ParticipantRole, TermAdmin)


@admin.register(Source)
class SourceAdmin(TombstoneAdminMixin, HistoryAdmin):
    form = StaleEditForm
    tombstone_kind = Tombstone.Kind.SOURCE
    tombstone_key_field = "pk"
    list_display = ["title", "kind", "reliability", "published_date"]
    list_filter = ["kind", "reliability"]
    search_fields = ["title", "publisher", "author", "url"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["relayed_by"]

    def choice_label(self, source):
        """The title with who published it and when: one outlet's reports of one case differ by date."""
        details = ", ".join(part for part in (source.publisher, source.published_display) if part)
        return f"{source.title} ({details})" if details else source.title


@admin.register(Citation)
class CitationAdmin(HistoryAdmin):
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


# The merge changes and deletes actors, and moves (or drops, where `keep` has a twin) every row
# that names the one it removes.
MERGE_PERMISSIONS = [
    "change",
    "delete",
    "actors.add_alias",
    *(f"{app}.{verb}_{model}" for app, model in MERGED_ROWS for verb in ("change", "delete")),
]


@action(description="Merge selected actors into the one recorded first", permissions=MERGE_PERMISSIONS)
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
