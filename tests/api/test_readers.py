"""Every serializer read straight off its rows (`DirectReadMixin`) has a reader for each field it
shows and none for a field it does not: one field without a reader puts the whole serializer
back on DRF's slower walk, and a reader of no field is dead code that still looks like a contract."""

import pytest

import kzwatch.api  # noqa: F401 (every serializer of the API, imported through its viewsets)
from core.rest.serializers import DirectReadMixin


def direct_read_serializers():
    found, pending = [], list(DirectReadMixin.__subclasses__())
    while pending:
        serializer = pending.pop()
        found.append(serializer)
        pending.extend(serializer.__subclasses__())
    return sorted({serializer for serializer in found if hasattr(serializer, "Meta")}, key=lambda s: s.__name__)


@pytest.mark.parametrize("serializer_class", direct_read_serializers(), ids=lambda serializer: serializer.__name__)
def test_every_shown_field_has_a_reader_and_every_reader_a_field(serializer_class):
    shown = {name for name, field in serializer_class().fields.items() if not field.write_only}
    readers = set(serializer_class.readers)
    assert shown - readers == set(), "fields without a reader"
    assert readers - shown == set(), "readers of no field"


def test_the_serializers_read_directly_are_found():
    names = {serializer.__name__ for serializer in direct_read_serializers()}
    assert {"ActorSerializer", "EventSerializer"} <= names
