"""`loaddata` that treats fixture rows like any other write, and never overwrites people's work.

Django's loaddata saves raw rows: it skips `save()`, so derived columns (EDTF bounds, folded
name keys, timestamps) would stay empty, and django-simple-history records nothing. This
command fills the derived columns of each row before it is stored and writes one history row,
by the system user "fixtures", for every row it creates or changes; loading the same fixtures
again changes nothing and records nothing (a row is unchanged as `core.services.model_update`
judges it: every stored value but the timestamps equal).

Tenures, memberships, participations and citations are named by their key, which no
correction changes, so a corrected date or quote updates the row in place. An earlier
release's fixtures, which named them by their dates and quotes, still load: each such row
takes the key its record has now (core/legacy_keys.py).

A row that a person changed since it was loaded (its latest history row names someone other
than "fixtures") keeps the person's version; the summary names each such record. A row whose
text holds a control character stops the load, as any other write of it would be refused.
"""

from django.core.exceptions import ValidationError
from django.core.management.commands import loaddata
from django.utils import timezone

from core.models import KeyedModel, PlainTextModel, new_record_key
from core.services import TIMESTAMPS, field_changes, fixtures_user, record_values


def _label(instance):
    key = instance.natural_key() if hasattr(instance, "natural_key") else (instance.pk,)
    return f"{instance._meta.verbose_name} {'/'.join(str(part) for part in key)}"


class Command(loaddata.Command):
    help = (
        loaddata.Command.help + " Derived fields are filled, each created or changed row is recorded in history "
        "by the user “fixtures”, and rows people edited since the last load are kept as they are."
    )

    def loaddata(self, fixture_labels):
        self.user = fixtures_user()
        self.kept = []
        self.recorded = {}
        super().loaddata(fixture_labels)
        self.complete_history()
        if self.kept and self.verbosity >= 1:
            records = "record" if len(self.kept) == 1 else "records"
            self.stdout.write(f"kept {len(self.kept)} {records} edited since: {', '.join(self.kept)}")

    def edited_by_a_person(self, model, stored):
        """Whether someone other than a load wrote the row's latest history row."""
        history = getattr(model, "history", None)
        if history is None:
            return False
        latest = history.filter(**{model._meta.pk.attname: stored.pk}).order_by("-history_date", "-pk").first()
        return latest is not None and latest.history_user_id not in (None, self.user.pk)

    def save_obj(self, obj):
        instance = obj.object
        model = type(instance)
        if isinstance(instance, PlainTextModel):
            # Only the text: the rest of full_clean() would ask for rows a fixture names further on.
            try:
                instance.check_text()
            except ValidationError as error:
                problems = "; ".join(f"{name}: {message}" for name, messages in error for message in messages)
                raise ValueError(f"{_label(instance)}: {problems}") from error
        if hasattr(instance, "fill_derived_fields"):
            instance.fill_derived_fields()
        stored = model._default_manager.filter(pk=instance.pk).first() if instance.pk is not None else None
        if isinstance(instance, KeyedModel) and not instance.key:
            # A row of an earlier release's fixtures, named by what it said: it joins its record,
            # found by the key that release's name maps to when a correction has changed what it says.
            if stored is None:
                instance.key = instance.key_from_earlier_release() or new_record_key()
                stored = model._default_manager.filter(key=instance.key).first()
                if stored is not None:
                    instance.pk = stored.pk
            else:
                instance.key = stored.key
        if stored is not None and not field_changes(stored, record_values(instance)):
            # Unchanged, by the rule every write goes by (`core.services.model_update`): leave the
            # row (and its updated_at) alone, but still apply its many-to-many links (set() changes
            # nothing when they match) and resolve deferred references.
            for name, values in (obj.m2m_data or {}).items():
                getattr(stored, name).set(values)
            if obj.deferred_fields:
                # Saved again, raw, once the rows it names exist: with the stored timestamps.
                for name in TIMESTAMPS:
                    if hasattr(instance, name):
                        setattr(instance, name, getattr(stored, name))
                self.objs_with_deferred_fields.append(obj)
            return False
        if stored is not None and self.edited_by_a_person(model, stored):
            self.kept.append(_label(stored))
            return False
        now = timezone.now()
        if hasattr(instance, "created_at"):
            instance.created_at = stored.created_at if stored is not None else (instance.created_at or now)
        if hasattr(instance, "updated_at"):
            instance.updated_at = now
        saved = super().save_obj(obj)
        history = getattr(model, "history", None)
        if saved and history is not None:
            (row,) = history.bulk_history_create(
                [instance],
                update=stored is not None,
                default_user=self.user,
                default_change_reason="Loaded from fixture",
            )
            self.recorded[model, instance.pk] = row
        return saved

    def complete_history(self):
        """A row that names one loaded after it (a tenure and the event that began it) is saved
        before that one exists, and its reference filled in at the end; the history row this load
        wrote for it then gets the reference too, so the record as it stood after the load
        (`?known=`) has it."""
        for obj in self.objs_with_deferred_fields:
            row = self.recorded.get((type(obj.object), obj.object.pk))
            references = [field.attname for field in obj.deferred_fields if not field.many_to_many]
            if row is not None and references:
                values = {name: getattr(obj.object, name) for name in references}
                type(row)._default_manager.filter(pk=row.pk).update(**values)
