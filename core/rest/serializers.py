"""Serializer pieces every resource shares: writes validated exactly as the model validates.

DRF checks field types but never calls `Model.clean()` or the model's constraints; these
serializers call `full_clean()` before every save, so an invalid EDTF date or an end before
a start is a 400 with the model's own message. Serializers here never query on their own:
the viewset hands them rows, and the rows they embed, fetched by a named QuerySet method.
"""

import re

from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from rest_framework import serializers

from core.framework import readable_fields
from core.ordering import BIGINT_MAX
from core.services import model_update, unique_slug

from .filters import SLUG_PATTERN

_DATETIME = serializers.DateTimeField()


def iso_date(value):
    """A date as DRF's DateField writes it: ISO 8601, or None."""
    return None if value is None else value.isoformat()


def iso_datetime(value):
    """A date-time exactly as DRF's DateTimeField writes it (in the current time zone, UTC as "Z")."""
    return None if value is None else _DATETIME.to_representation(value)


# The readable field names of each `DirectReadMixin` serializer whose every field has a reader.
DIRECT_READS = {}


class DirectReadMixin:
    """A serializer whose JSON is read straight off fetched rows, field by field.

    DRF's walk over nested field objects costs more than the queries on a page of 50 rows.
    `readers` maps a field name to a function of the row giving its JSON; a readable field
    without one is written by its DRF field as usual, so a field added later is never
    missing. The declared fields still give the schema and read the writes.
    """

    readers = {}

    def to_representation(self, instance):
        names = DIRECT_READS.get(type(self))
        if names is not None:
            return {name: self.readers[name](instance) for name in names}
        data = {}
        readable = readable_fields(self)
        if all(field.field_name in self.readers for field in readable):
            # Every field has a reader: later instances need not build DRF's fields at all.
            DIRECT_READS[type(self)] = [field.field_name for field in readable]
        for field in readable:
            reader = self.readers.get(field.field_name)
            if reader is not None:
                data[field.field_name] = reader(instance)
            else:
                attribute = field.get_attribute(instance)
                data[field.field_name] = None if attribute is None else field.to_representation(attribute)
        return data


def id_field(**kwargs):
    """An integer id as the API accepts it: positive and within 64 bits (SQLite overflows beyond)."""
    return serializers.IntegerField(min_value=1, max_value=BIGINT_MAX, **kwargs)


class ValidatedModelSerializer(serializers.ModelSerializer):
    """Saves one row through `full_clean()`, naming the request's user in its history, when the
    write changes something (`core.services.model_update`).

    `slug_source` names the field a missing slug is made from on create.
    """

    slug_source = None

    def create(self, validated_data):
        return self.save_row(self.Meta.model(), validated_data)

    def update(self, instance, validated_data):
        return self.save_row(instance, validated_data)

    @transaction.atomic
    def save_row(self, instance, validated_data):
        # An empty slug keeps the current one, or makes one on create.
        data = {name: value for name, value in validated_data.items() if name != "slug" or value}
        if self.slug_source and not (data.get("slug") or instance.slug):
            text = data.get(self.slug_source, getattr(instance, self.slug_source))
            data["slug"] = unique_slug(model=type(instance), text=text)
        model_update(instance=instance, data=data, user=self.context["request"].user)
        return instance


class SlugReferenceField(serializers.SlugRelatedField):
    """A related record named by its slug; a malformed or unknown slug is a 400 naming the field."""

    default_error_messages = {
        "does_not_exist": "No {model} has the slug “{value}”.",
        "invalid": "Give a slug: letters, digits, hyphens and underscores.",
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "slug")
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str) or not re.fullmatch(SLUG_PATTERN, data) or len(data) > 200:
            self.fail("invalid")
        try:
            return self.get_queryset().get(**{self.slug_field: data})
        except ObjectDoesNotExist:
            self.fail("does_not_exist", model=self.get_queryset().model._meta.verbose_name, value=data)


class IdReferenceField(serializers.PrimaryKeyRelatedField):
    """A related record named by its integer id, checked for range before the database sees it."""

    def __init__(self, **kwargs):
        kwargs.setdefault("pk_field", id_field())
        super().__init__(**kwargs)
