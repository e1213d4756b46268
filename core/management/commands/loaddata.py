"""`loaddata` that treats fixture rows like any other write.

Django's loaddata saves raw rows: it skips `save()`, so derived columns (EDTF bounds, folded
name keys, timestamps) would stay empty, and django-simple-history records nothing. This
command fills the derived columns of each row before it is stored and writes one history row
for every row it creates or changes; loading the same fixtures again changes nothing and
records nothing.
"""

from django.core.management.commands import loaddata
from django.utils import timezone

TIMESTAMPS = ("created_at", "updated_at")


def _values(instance):
    return {
        field.attname: getattr(instance, field.attname)
        for field in instance._meta.concrete_fields
        if not field.primary_key and field.name not in TIMESTAMPS
    }


class Command(loaddata.Command):
    help = loaddata.Command.help + " Derived fields are filled, and each created or changed row is recorded in history."

    def save_obj(self, obj):
        instance = obj.object
        model = type(instance)
        if hasattr(instance, "fill_derived_fields"):
            instance.fill_derived_fields()
        stored = model._default_manager.filter(pk=instance.pk).first() if instance.pk is not None else None
        if stored is not None and _values(stored) == _values(instance):
            # Unchanged: leave the row (and its updated_at) alone, but still apply its many-to-many
            # links (set() changes nothing when they match) and resolve deferred references.
            for name, values in (obj.m2m_data or {}).items():
                getattr(stored, name).set(values)
            if obj.deferred_fields:
                self.objs_with_deferred_fields.append(obj)
            return False
        now = timezone.now()
        if hasattr(instance, "created_at"):
            instance.created_at = stored.created_at if stored is not None else (instance.created_at or now)
        if hasattr(instance, "updated_at"):
            instance.updated_at = now
        saved = super().save_obj(obj)
        history = getattr(model, "history", None)
        if saved and history is not None:
            history.bulk_history_create(
                [instance], update=stored is not None, default_change_reason="Loaded from fixture"
            )
        return saved
