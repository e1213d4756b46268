"""What every kzwatch admin page shares: deletions leave the tombstones API mirrors follow, and
no save silently overwrites a colleague's edit."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction

from events.services import actor_merge, resource_delete, tombstone_if_renamed


class TombstoneAdminMixin:
    """Deleting a record, or changing its slug, in the admin leaves a tombstone, as the API does."""

    tombstone_kind = None
    # The API names these records by slug; sources it names by id, which never changes.
    tombstone_key_field = "slug"

    def save_model(self, request, obj, form, change):
        old_key = form.initial.get(self.tombstone_key_field) if change else None
        super().save_model(request, obj, form, change)
        tombstone_if_renamed(kind=self.tombstone_kind, old_key=old_key, new_key=getattr(obj, self.tombstone_key_field))

    def delete_model(self, request, obj):
        key = getattr(obj, self.tombstone_key_field)
        resource_delete(instance=obj, user=request.user, kind=self.tombstone_kind, key=key)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


class StaleEditForm(forms.ModelForm):
    """Refuses to save over a colleague's edit made since this form was opened.

    The form carries the record's `updated_at` as it was when the page was drawn; if the row
    has changed since, saving is a form error and nothing is written.
    """

    opened_version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and getattr(self.instance, "updated_at", None):
            self.fields["opened_version"].initial = self.instance.updated_at.isoformat()

    def clean(self):
        cleaned_data = super().clean()
        opened = cleaned_data.get("opened_version")
        if self.instance.pk and opened:
            model = type(self.instance)
            current = model._default_manager.filter(pk=self.instance.pk).values_list("updated_at", flat=True).first()
            if current is not None and current.isoformat() != opened:
                raise forms.ValidationError(
                    "Someone else saved this record after you opened it. Your changes were not saved: "
                    "open the record again to see their version, then make your change.",
                    code="stale_edit",
                )
        return cleaned_data


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
