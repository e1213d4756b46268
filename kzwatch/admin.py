"""What every kzwatch admin page shares: deletions leave the tombstones API mirrors follow."""

from django.db import transaction

from events.services import resource_delete, tombstone_record


class TombstoneAdminMixin:
    """Deleting a record, or changing its slug, in the admin leaves a tombstone, as the API does."""

    tombstone_kind = None
    # The API names these records by slug; sources it names by id, which never changes.
    tombstone_key_field = "slug"

    def save_model(self, request, obj, form, change):
        old_key = form.initial.get(self.tombstone_key_field) if change else None
        super().save_model(request, obj, form, change)
        new_key = getattr(obj, self.tombstone_key_field)
        if old_key and new_key != old_key:
            tombstone_record(kind=self.tombstone_kind, key=old_key, reason="renamed", replaced_by=new_key)

    def delete_model(self, request, obj):
        key = getattr(obj, self.tombstone_key_field)
        resource_delete(instance=obj, user=request.user, kind=self.tombstone_kind, key=key)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)
