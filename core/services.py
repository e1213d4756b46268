"""Writes every app shares: free slugs, saves that happen only when they change something, and
the tombstones API mirrors follow.

A write that changes nothing writes nothing: `model_update` saves a row only when some value
it stores differs, so a client sending a record back as it got it (the API, an admin form
saved unchanged, an import or fixture load of what is already recorded) leaves no history
row, no new `updated_at` for mirrors syncing with `updated_since` to fetch again, and the
readers' cache as it was.

A record that leaves what some reader can see (deleted, merged, renamed, retracted) leaves a
Tombstone, written here and nowhere else.
"""

import copy

from anyascii import anyascii
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.text import slugify

from .models import Tombstone


def unique_slug(*, model, text, max_length=None, field="slug"):
    """A slug for `text` (any script) that no row of `model` uses yet: "masimov-arrested", "-2"..."""
    max_length = max_length or model._meta.get_field(field).max_length
    base = slugify(anyascii(text or ""))[: max_length - 4].strip("-") or model._meta.model_name
    candidate, number = base, 1
    while model._default_manager.filter(**{field: candidate}).exists():
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def validated_save(row, user=None, *, exclude=None):
    """Save one row as every service write does: its model's rules checked first (`full_clean`,
    but not on the fields in `exclude`), its history row naming `user`."""
    row._history_user = user
    row.full_clean(exclude=exclude)
    row.save()


def error_messages(error):
    """A ValidationError's messages, each prefixed by its field's name ("title: ...")."""
    return [
        f"{'' if name == '__all__' else name + ': '}{message}"
        for name, messages in getattr(error, "message_dict", {"__all__": error.messages}).items()
        for message in messages
    ]


def row_error(field, index, error):
    """A nested row's ValidationError, reported under its list and row number ("aliases: Row 2: ...")."""
    return ValidationError({field: [f"Row {index + 1}: {message}" for message in error_messages(error)]})


# Moved by a save, never its cause: a row whose other values all match is unchanged.
TIMESTAMPS = ("created_at", "updated_at")


def record_values(row):
    """What `row` stores, column by column (`type_id`, not `type`), but its id and timestamps."""
    return {
        field.attname: getattr(row, field.attname)
        for field in row._meta.concrete_fields
        if not field.primary_key and field.name not in TIMESTAMPS
    }


def field_changes(row, data):
    """The names of the fields of `row` whose stored values `data` would change.

    `data` maps field names (a foreign key given as a row or None) or column names to values,
    as `setattr` takes them; `row` itself is left as it is. A value counts as it would be
    stored, so a related row given as an equal copy of the one linked changes nothing.
    """
    probe = copy.copy(row)
    for name, value in data.items():
        setattr(probe, name, value)
    before, after = record_values(row), record_values(probe)
    return [
        field.name
        for field in row._meta.concrete_fields
        if field.attname in before and before[field.attname] != after[field.attname]
    ]


def model_update(*, instance, data, user, exclude=None):
    """Set `data` on `instance` (as it is stored) and save it as `validated_save` does, if that
    changes anything; returns the names of the fields that changed, empty when none did.

    Nothing changed, nothing is written: no history row, `updated_at` stays, and the readers'
    cache is kept. A row not yet stored is always saved (all its fields count as changed).
    """
    if instance._state.adding:
        changed = [field.name for field in instance._meta.concrete_fields if not field.primary_key]
    else:
        changed = field_changes(instance, data)
    for name, value in data.items():
        setattr(instance, name, value)
    if changed:
        validated_save(instance, user, exclude=exclude)
    return changed


def _item_key(item, names):
    return tuple(item[name].pk if isinstance(item[name], models.Model) else item[name] for name in names)


def _row_key(row, names):
    return tuple(getattr(row, row._meta.get_field(name).attname) for name in names)


def match_rows(rows, items, key_names, editable=None):
    """Match a record's nested `rows` (an event's citations, an actor's aliases) to the `items`
    (dicts) that replace them, by the fields `key_names` (a related row given as a model counts
    by its id): the rows to drop, each kept row with its item's `editable` values (all of the
    item's by default), and the items to add, each with its row number, in order."""
    wanted = {}
    for index, item in enumerate(items):
        wanted.setdefault(_item_key(item, key_names), (index, item))
    dropped, kept = [], []
    for row in rows:
        match = wanted.pop(_row_key(row, key_names), None)
        if match is None:
            dropped.append(row)
        else:
            index, item = match
            names = item if editable is None else editable
            kept.append((index, row, {name: item[name] for name in names if name in item}))
    return dropped, kept, sorted(wanted.values(), key=lambda pair: pair[0])


def replace_rows(*, rows, make_row, items, key_names, field, user, editable=None):
    """Make a record's nested `rows` exactly `items` (see `match_rows`), writing only what
    differs: unmatched rows are deleted, matched ones keep their id and history and change only
    where their values do (`model_update`), new ones are made by `make_row()`. An invalid item is
    a ValidationError naming the list `field` and its row. Returns whether anything changed."""
    dropped, kept, added = match_rows(rows, items, key_names, editable)
    for row in dropped:
        row._history_user = user
        row.delete()
    changed = bool(dropped)
    for index, row, values in kept:
        changed = bool(_save_item(field, index, row, values, user)) or changed
    for index, item in added:
        _save_item(field, index, make_row(), item, user)
        changed = True
    return changed


def _save_item(field, index, row, values, user):
    try:
        return model_update(instance=row, data=values, user=user)
    except ValidationError as error:
        raise row_error(field, index, error) from error


def tombstone_record(*, kind, key, reason, public=True, replaced_by=""):
    """Note that the record `kind`/`key` left the API for `reason`, so mirrors can drop it."""
    tombstone = Tombstone(kind=kind, key=str(key), reason=reason, public=public, replaced_by=replaced_by or "")
    tombstone.full_clean()
    tombstone.save()
    return tombstone


def tombstone_if_renamed(*, kind, old_key, new_key, public=True):
    """A record whose key changed left its old address: say where it went, so mirrors follow."""
    if old_key and new_key != old_key:
        tombstone_record(kind=kind, key=old_key, reason=Tombstone.Reason.RENAMED, public=public, replaced_by=new_key)
        return True
    return False


@transaction.atomic
def resource_delete(*, instance, user, kind, key):
    """Delete one record that the API names by `key`, leaving a tombstone; refused while in use."""
    tombstone_record(kind=kind, key=key, reason=Tombstone.Reason.DELETED)
    instance._history_user = user
    instance.delete()


FIXTURES_USERNAME = "fixtures"


def fixtures_user():
    """The system user that loads name in history: inactive, and no password opens it."""
    return system_user(username=FIXTURES_USERNAME)


def system_user(*, username):
    """An inactive user no password opens and with no permissions, named in history by scripts."""
    user, created = get_user_model().objects.get_or_create(
        username=username, defaults={"is_active": False, "is_staff": False}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user
