"""Writes every app shares: free slugs, and the tombstones API mirrors follow.

A record that leaves what some reader can see (deleted, merged, renamed, retracted) leaves a
Tombstone, written here and nowhere else.
"""

from anyascii import anyascii
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
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
