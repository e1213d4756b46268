"""Triage in the admin: the inbox of new leads, newest first; a lead becomes a draft event or is dismissed."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from core.admin import HistoryAdmin, action

from .models import Feed, Lead
from .services import lead_convert, lead_dismiss

# A lead becomes a draft event citing a new source.
CONVERT_PERMISSIONS = [
    "leads.change_lead",
    "events.add_event",
    "events.add_source",
    "events.add_citation",
    "events.add_participation",
]


@admin.register(Feed)
class FeedAdmin(HistoryAdmin):
    list_display = ["name", "url", "active", "last_fetched", "last_error"]
    list_filter = ["active"]
    search_fields = ["name", "url"]
    readonly_fields = ["last_fetched", "last_error"]


class StatusFilter(admin.SimpleListFilter):
    """The inbox opens on new leads; the other statuses, or all, are one click away."""

    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [*Lead.Status.choices, ("all", "All")]

    def choices(self, changelist):
        value = self.value() or Lead.Status.NEW
        for lookup, title in self.lookup_choices:
            yield {
                "selected": value == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.value() or Lead.Status.NEW
        return queryset if value == "all" else queryset.filter(status=value)


class DismissForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="Why this lead leads nowhere, e.g. “a namesake”, “already recorded as …”.",
    )


@admin.register(Lead)
class LeadAdmin(HistoryAdmin):
    list_display = ["title", "published", "feed", "named", "suggested_type", "status"]
    list_filter = [StatusFilter, "feed", "suggested_type", ("actors", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title", "summary"]
    date_hierarchy = "published"
    actions = ["make_draft_events"]
    change_form_template = "leads/admin/lead_change_form.html"
    fields = [
        "title",
        "link_to_report",
        "published",
        "feed",
        "summary",
        "named",
        "matched",
        "suggested_type",
        "status",
        "dismiss_reason",
        "draft",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).for_list().newest_first()

    def has_add_permission(self, request):
        return False  # leads come from the feeds

    @admin.display(description="actors")
    def named(self, lead):
        candidates = {actor.pk for actor in lead.candidates.all()}
        return format_html_join(
            ", ",
            "{}{}",
            ((actor.name, " (candidate)" if actor.pk in candidates else "") for actor in lead.actors.all()),
        )

    @admin.display(description="report")
    def link_to_report(self, lead):
        return format_html('<a href="{}" rel="noopener noreferrer">{}</a>', lead.link, lead.link) if lead.link else "-"

    @admin.display(description="draft event")
    def draft(self, lead):
        if not lead.converted_event_id:
            return "-"
        url = reverse("admin:events_event_change", args=[lead.converted_event_id])
        return format_html('<a href="{}">{}</a>', url, lead.converted_event)

    def get_urls(self):
        return [
            path("<int:pk>/convert/", self.admin_site.admin_view(self.convert_view), name="leads_lead_convert"),
            path("<int:pk>/dismiss/", self.admin_site.admin_view(self.dismiss_view), name="leads_lead_dismiss"),
            *super().get_urls(),
        ]

    def may_convert(self, request):
        return request.user.has_perms(CONVERT_PERMISSIONS)

    def render_change_form(self, request, context, *args, **kwargs):
        context["may_convert"] = self.may_convert(request)
        context["may_dismiss"] = self.has_change_permission(request)
        return super().render_change_form(request, context, *args, **kwargs)

    def convert_view(self, request, pk):
        if request.method != "POST":
            return redirect("admin:leads_lead_change", pk)
        if not self.may_convert(request):
            raise PermissionDenied
        lead = get_object_or_404(Lead, pk=pk)
        try:
            event = lead_convert(lead=lead, user=request.user)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return redirect("admin:leads_lead_change", pk)
        self.message_user(request, "Draft event made from the lead: check it, cite it well, then save.")
        return redirect("admin:events_event_change", event.pk)

    def dismiss_view(self, request, pk):
        if not self.has_change_permission(request):
            raise PermissionDenied
        lead = get_object_or_404(Lead, pk=pk)
        form = DismissForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                lead_dismiss(lead=lead, user=request.user, reason=form.cleaned_data["reason"])
            except ValidationError as error:
                # The lead's dismiss_reason is this form's reason.
                for name, problems in error.update_error_dict({}).items():
                    form.add_error("reason" if name == "dismiss_reason" else None, problems)
            else:
                self.message_user(request, f"Dismissed: {lead}")
                return redirect("admin:leads_lead_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": "Dismiss lead",
            "lead": lead,
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "leads/admin/lead_dismiss.html", context)

    @action(description="Make a draft event from each selected lead", permissions=CONVERT_PERMISSIONS)
    def make_draft_events(self, request, queryset):
        made, refused = [], []
        for lead in queryset.order_by("pk"):
            try:
                with transaction.atomic():
                    made.append(lead_convert(lead=lead, user=request.user))
            except ValidationError as error:
                refused.append(f"{lead}: {' '.join(error.messages)}")
        for message in refused:
            self.message_user(request, message, messages.ERROR)
        if len(made) == 1 and not refused:
            return redirect("admin:events_event_change", made[0].pk)
        if made:
            self.message_user(request, f"{len(made)} draft events made; find them among the events in draft.")
        return None
